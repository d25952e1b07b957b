# %% [markdown]
# An activation function is the nonlinearity a network applies, entry by entry, after each
# linear map. Without it, any stack of linear layers collapses into a single linear map
# (you will show this numerically in assignment 2). In this notebook you implement eleven of
# them, each as a pair of functions, the pattern every assignment of the course follows:
#
# ```python
# out, cache = name_forward(x, ...)   # compute the output; keep in `cache` what the backward needs
# dx = name_backward(dout, cache)     # given dL/dout, return dL/dx
# ```
#
# **Shapes.** Activations are elementwise: `x` may have any shape, and `out`, `dout` and `dx` all
# have the shape of `x`. The backward is the chain rule for an elementwise function:
# $\frac{\partial L}{\partial x_i} = \frac{\partial L}{\partial \mathrm{out}_i}\, f'(x_i)$, that is
# `dx = dout * f'(x)`, with no sums and no matrix products.
#
# **Rules of the house.** Use NumPy, no Python loops over entries. Never change an input in place
# (`x[x < 0] = 0` would also change the caller's array); build new arrays (`np.where`,
# `np.maximum`, ...). Inputs as large as $|x| = 1000$ must give finite results and no overflow
# warnings.
#
# **Checks.** After each function, a locked cell checks it on fixed inputs and prints one line:
# `PASS`, `FAIL` with the reason, or `NOT IMPLEMENTED YET`. Backward functions are also compared
# with central differences, $f'(x) \approx \frac{f(x+h) - f(x-h)}{2h}$; you can run that check on
# inputs of your own too: `check_gradients(sigmoid_forward, sigmoid_backward, np.random.randn(3, 4))`.
# Passing these checks is a good sign, not your grade: the grader uses other inputs.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import check_backward, check_gradients, check_outputs, skip_if_not_implemented

# %% [markdown]
# ## 1. Sigmoid
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr).$$
#
# The sigmoid squashes any real number into $(0, 1)$, which is why it is used for
# probabilities. Its derivative is largest at $x = 0$, where it is only $1/4$, and decays like
# $e^{-|x|}$ away from it.
#
# **Hint.** The derivative is written with the output alone: cache `out`, and the backward needs
# no exponential at all.
#
# **Pitfall: overflow.** `1 / (1 + np.exp(-x))` computes `np.exp(1000)` for $x = -1000$: that is
# `inf` and NumPy warns about an overflow. The equivalent form $e^{x} / (1 + e^{x})$ overflows
# for large positive $x$ instead (`inf / inf` is `nan`). Use each form where it is safe: both can
# be written with $e^{-|x|}$, which is never larger than 1.

# %% solution="reference.activations:sigmoid_forward"

# %% check="sigmoid_forward"
check_outputs("sigmoid_forward", sigmoid_forward)

# %% solution="reference.activations:sigmoid_backward"

# %% check="sigmoid_backward"
check_backward("sigmoid_backward", sigmoid_forward, sigmoid_backward)
check_gradients(sigmoid_forward, sigmoid_backward)

# %% [markdown]
# ## 2. Hyperbolic tangent
#
# $$\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1, \qquad \tanh'(x) = 1 - \tanh^2(x).$$
#
# A rescaled sigmoid with values in $(-1, 1)$ and centred at 0, which makes the next layer's
# inputs zero-mean. Its largest slope is 1 (at 0), but it saturates just like the sigmoid.
#
# **Hint.** `np.tanh` exists and is accurate; as for the sigmoid, the derivative only needs the
# output.
#
# **Pitfall.** Typing the formula with exponentials gives `inf / inf = nan` at $|x| = 1000$.

# %% solution="reference.activations:tanh_forward"

# %% check="tanh_forward"
check_outputs("tanh_forward", tanh_forward)

# %% solution="reference.activations:tanh_backward"

# %% check="tanh_backward"
check_backward("tanh_backward", tanh_forward, tanh_backward)
check_gradients(tanh_forward, tanh_backward)

# %% [markdown]
# ## 3. ReLU
#
# $$\mathrm{relu}(x) = \max(x, 0), \qquad \mathrm{relu}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0. \end{cases}$$
#
# The rectified linear unit passes positive inputs unchanged and zeroes the rest. Its slope is
# exactly 1 wherever it is active, so gradients do not shrink as they pass through it: the main
# reason deep networks train with ReLU and not with sigmoids (see the last experiment).
#
# **Pitfall: the kink.** ReLU has no derivative at exactly 0; libraries pick a value, and we follow
# PyTorch: $\mathrm{relu}'(0) = 0$. A mask `x >= 0` gets this wrong, `x > 0` gets it right. The
# check feeds an exact 0 on purpose. (Central differences are meaningless at a kink, so the
# gradient check uses inputs away from 0.)
#
# **Pitfall: in place.** `x[x < 0] = 0` changes the caller's array; the checks detect it.

# %% solution="reference.activations:relu_forward"

# %% check="relu_forward"
check_outputs("relu_forward", relu_forward)

# %% solution="reference.activations:relu_backward"

# %% check="relu_backward"
check_backward("relu_backward", relu_forward, relu_backward)
check_gradients(relu_forward, relu_backward)

# %% [markdown]
# ## 4. Leaky ReLU
#
# $$\mathrm{leaky}(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}, \qquad
# \mathrm{leaky}'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}, \qquad \alpha = 0.01 \text{ by default.}$$
#
# A ReLU unit whose input is negative for every example gets no gradient at all and never
# recovers (a "dead" unit). A small slope $\alpha$ on the negative side keeps a trickle of
# gradient flowing.
#
# **Hint.** `alpha` is a keyword-only argument; the backward gets it back from the cache, so
# store it there as the docstring says.
#
# **Pitfall.** Hard-coding 0.01: the check calls it with `alpha=0.1`. At exactly 0 the slope is
# $\alpha$ (PyTorch's convention again: the mask is `x > 0`).

# %% solution="reference.activations:leaky_relu_forward"

# %% check="leaky_relu_forward"
check_outputs("leaky_relu_forward", leaky_relu_forward)

# %% solution="reference.activations:leaky_relu_backward"

# %% check="leaky_relu_backward"
check_backward("leaky_relu_backward", leaky_relu_forward, leaky_relu_backward)
check_gradients(leaky_relu_forward, leaky_relu_backward)

# %% [markdown]
# ## 5. PReLU: a learned slope
#
# Parametric ReLU is the leaky ReLU with $\alpha$ learned by gradient descent, either one slope for
# the whole layer (`alpha` of shape `()`) or one per channel (`alpha` of shape `(C,)`, the channel
# being axis 1 of `x`, which then has shape `(N, C, ...)`):
#
# $$\mathrm{out}_i = \begin{cases} x_i & x_i > 0 \\ \alpha_c\, x_i & x_i \le 0 \end{cases}, \qquad
# \frac{\partial L}{\partial x_i} = \mathrm{dout}_i \cdot \begin{cases} 1 & x_i > 0 \\ \alpha_c & x_i \le 0 \end{cases}, \qquad
# \frac{\partial L}{\partial \alpha_c} = \sum_{i \in c,\; x_i \le 0} \mathrm{dout}_i\, x_i .$$
#
# Because $\alpha$ is a parameter, the backward returns two gradients, `(dx, dalpha)`.
#
# **Hint.** To let a `(C,)` array broadcast along axis 1 of an `(N, C, H, W)` array, reshape it to
# `(1, C, 1, 1)`; for `dalpha`, sum over every axis except 1.
#
# **Pitfall.** A parameter's gradient has the parameter's shape. One slope is shared by many
# entries, so its gradient is a *sum* over all of them; returning an array of `x`'s shape is the
# classic mistake.

# %% solution="reference.activations:prelu_forward"

# %% check="prelu_forward"
check_outputs("prelu_forward", prelu_forward)

# %% solution="reference.activations:prelu_backward"

# %% check="prelu_backward"
check_backward("prelu_backward", prelu_forward, prelu_backward)
check_gradients(prelu_forward, prelu_backward)

# %% [markdown]
# ## 6. ELU
#
# $$\mathrm{elu}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}, \qquad
# \mathrm{elu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} = \mathrm{elu}(x) + \alpha & x \le 0. \end{cases}$$
#
# The exponential linear unit is smooth on the negative side and saturates at $-\alpha$, so its
# outputs average closer to 0 than ReLU's. With $\alpha = 1$ its slope is continuous at 0.
#
# **Hint.** For $x \le 0$ the derivative can be written with the output: $\alpha e^{x} =
# \mathrm{out} + \alpha$. Either form is fine; `np.expm1(x)` computes $e^{x} - 1$ accurately for
# small $x$.
#
# **Pitfall.** `np.where(x > 0, x, alpha * (np.exp(x) - 1))` evaluates *both* branches on every
# entry, so `np.exp(1000)` overflows even though the result is thrown away. Clamp first:
# `np.exp(np.minimum(x, 0))`.

# %% solution="reference.activations:elu_forward"

# %% check="elu_forward"
check_outputs("elu_forward", elu_forward)

# %% solution="reference.activations:elu_backward"

# %% check="elu_backward"
check_backward("elu_backward", elu_forward, elu_backward)
check_gradients(elu_forward, elu_backward)

# %% [markdown]
# ## 7. SELU
#
# $$\mathrm{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}, \qquad
# \mathrm{selu}'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0, \end{cases}$$
#
# with $\lambda \approx 1.0507$ and $\alpha \approx 1.6733$. These two constants were derived so that,
# with suitably initialised weights, activations keep mean 0 and variance 1 from layer to layer
# ("self-normalising" networks): a scaled ELU with fixed $\alpha$.
#
# **Pitfall.** Rounded constants. Use all the digits given in the docstring; four decimals
# already put you outside the checks' tolerance.

# %% solution="reference.activations:selu_forward"

# %% check="selu_forward"
check_outputs("selu_forward", selu_forward)

# %% solution="reference.activations:selu_backward"

# %% check="selu_backward"
check_backward("selu_backward", selu_forward, selu_backward)
check_gradients(selu_forward, selu_backward)

# %% [markdown]
# ## 8. GELU
#
# $$\mathrm{gelu}(x) = x\,\Phi(x) = \frac{x}{2}\Bigl(1 + \mathrm{erf}\bigl(x/\sqrt{2}\bigr)\Bigr), \qquad
# \mathrm{gelu}'(x) = \Phi(x) + x\,\varphi(x), \qquad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}},$$
#
# where $\Phi$ and $\varphi$ are the standard normal CDF and density. The Gaussian error linear
# unit weighs its input by the probability that a standard normal variable is below it: a
# smooth ReLU that dips slightly below 0 for negative inputs. Transformers (BERT, GPT) use it.
#
# **Hint.** NumPy has no `erf`; use `from scipy.special import erf` inside your function.
# `math.erf` works on one number at a time, not on arrays.
#
# **Pitfall.** The derivative needs the product rule: forgetting the $x\,\varphi(x)$ term gives
# $\Phi(x)$, which is close but wrong.

# %% solution="reference.activations:gelu_forward"

# %% check="gelu_forward"
check_outputs("gelu_forward", gelu_forward)

# %% solution="reference.activations:gelu_backward"

# %% check="gelu_backward"
check_backward("gelu_backward", gelu_forward, gelu_backward)
check_gradients(gelu_forward, gelu_backward)

# %% [markdown]
# ## 9. GELU, tanh approximation
#
# $$\mathrm{gelu}_{\tanh}(x) = \frac{x}{2}\bigl(1 + \tanh u\bigr), \qquad u = \sqrt{2/\pi}\,\bigl(x + 0.044715\,x^3\bigr),$$
#
# the approximation of the original GELU paper, used where `erf` was slow or missing (GPT-2 was
# trained with it). Differentiate with the product and chain rules, with $t = \tanh u$:
#
# $$\mathrm{gelu}_{\tanh}'(x) = \tfrac12 (1 + t) + \tfrac{x}{2}\,(1 - t^2)\,\sqrt{2/\pi}\,\bigl(1 + 3 \cdot 0.044715\,x^2\bigr).$$
#
# **Pitfall.** Dropping a factor of the chain rule, the $\sqrt{2/\pi}$ or the $3 \cdot 0.044715\,x^2$;
# the gradient check tells you which side is wrong.

# %% solution="reference.activations:gelu_tanh_forward"

# %% check="gelu_tanh_forward"
check_outputs("gelu_tanh_forward", gelu_tanh_forward)

# %% solution="reference.activations:gelu_tanh_backward"

# %% check="gelu_tanh_backward"
check_backward("gelu_tanh_backward", gelu_tanh_forward, gelu_tanh_backward)
check_gradients(gelu_tanh_forward, gelu_tanh_backward)

# %% [markdown]
# ## 10. Softplus
#
# $$\mathrm{softplus}(x) = \frac{1}{\beta} \log\bigl(1 + e^{\beta x}\bigr), \qquad \mathrm{softplus}'(x) = \sigma(\beta x).$$
#
# A smooth ReLU whose derivative is exactly the sigmoid; larger $\beta$ makes it closer to ReLU.
# It is also how networks produce a positive output, such as a standard deviation.
#
# **Pitfall: overflow.** $e^{\beta x}$ overflows for $x = 1000$ although the answer is simply
# 1000. Rewrite it: $\log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})$, and use `np.log1p`,
# which stays accurate when $e^{-|z|}$ is tiny. In the backward, reuse a stable sigmoid.

# %% solution="reference.activations:softplus_forward"

# %% check="softplus_forward"
check_outputs("softplus_forward", softplus_forward)

# %% solution="reference.activations:softplus_backward"

# %% check="softplus_backward"
check_backward("softplus_backward", softplus_forward, softplus_backward)
check_gradients(softplus_forward, softplus_backward)

# %% [markdown]
# ## 11. SiLU (swish)
#
# $$\mathrm{silu}(x) = x\,\sigma(x), \qquad \mathrm{silu}'(x) = \sigma(x) + x\,\sigma(x)\bigl(1 - \sigma(x)\bigr) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr).$$
#
# The sigmoid-weighted linear unit, found by an automated search over activation functions;
# like GELU it is smooth, non-monotonic near 0 and close to ReLU far from it.
#
# **Hint.** Compute $\sigma(x)$ once, stably (as in section 1), and keep it in the cache with `x`.
#
# **Pitfall.** The product rule again: $\sigma(x)$ alone is not the derivative.

# %% solution="reference.activations:silu_forward"

# %% check="silu_forward"
check_outputs("silu_forward", silu_forward)

# %% solution="reference.activations:silu_backward"

# %% check="silu_backward"
check_backward("silu_backward", silu_forward, silu_backward)
check_gradients(silu_forward, silu_backward)

# %% [markdown]
# ## Experiments (not graded)
#
# ### Each function and its derivative
#
# The derivative is computed by *your* backward with `dout = 1`. Look at where each derivative
# goes to 0 (saturation: no gradient flows back through that unit) and at what happens at 0.
# Functions you have not implemented yet (or that fail) are listed instead of plotted.

# %% experiment=true
import matplotlib.pyplot as plt

x = np.linspace(-5.0, 5.0, 501)
pairs = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu (alpha=0.1)": (lambda v: leaky_relu_forward(v, alpha=0.1), leaky_relu_backward),
    "prelu (alpha=0.25)": (lambda v: prelu_forward(v, np.array(0.25)), prelu_backward),
    "elu": (elu_forward, elu_backward),
    "selu": (selu_forward, selu_backward),
    "gelu": (gelu_forward, gelu_backward),
    "gelu_tanh": (gelu_tanh_forward, gelu_tanh_backward),
    "softplus": (softplus_forward, softplus_backward),
    "silu": (silu_forward, silu_backward),
}
curves, waiting, broken = {}, [], []
for name, (forward, backward) in pairs.items():
    try:
        out, cache = forward(x)
        grads = backward(np.ones_like(x), cache)
        dx = grads[0] if isinstance(grads, tuple) else grads
        if np.shape(out) != x.shape or np.shape(dx) != x.shape:
            raise ValueError("the output or the gradient does not have the shape of x")
    except NotImplementedError:
        waiting.append(name)
        continue
    except Exception as exc:  # a wrong return structure: say so, and plot the others
        broken.append(f"{name} ({type(exc).__name__}: {exc})")
        continue
    curves[name] = (out, dx)
if curves:
    columns = min(4, len(curves))
    rows = -(-len(curves) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.5 * columns, 3 * rows), sharex=True, squeeze=False)
    for ax, (name, (out, dx)) in zip(axes.flat, curves.items()):
        ax.plot(x, out, label="f(x)")
        ax.plot(x, dx, "--", label="f'(x)")
        ax.axhline(0.0, color="grey", linewidth=0.5)
        ax.set_title(name)
        ax.legend(fontsize=8)
    for ax in axes.flat[len(curves):]:
        ax.axis("off")
    fig.tight_layout()
    plt.show()
if waiting:
    print(f"Implement {waiting[0].split()[0]}_forward and _backward first; not implemented yet: {', '.join(waiting)}")
if broken:
    print("not plotted, fix these first (run their checks):", "; ".join(broken))

# %% [markdown]
# ### Vanishing gradients: 20 sigmoid layers vs 20 ReLU layers
#
# A deep stack of layers $h_{l} = f(h_{l-1} W_l)$ (no biases, to keep it short) sends the gradient
# of the loss back through every layer: $\frac{\partial L}{\partial h_{l-1}} = \bigl(\frac{\partial L}{\partial h_l} \odot f'(z_l)\bigr) W_l^\top$.
# Each sigmoid layer multiplies it by $\sigma' \le 1/4$, so after 20 layers almost nothing is left
# for the first layers, which then barely learn. ReLU's slope is 1 where it is active and, with
# weights of variance $2/\text{fan-in}$ (He initialisation), the gradient keeps its size.
#
# Below, the gradient norm $\lVert \partial L / \partial z_l \rVert$ at each layer, on a log
# scale, computed with your forward and backward functions.

# %% experiment=true
def gradient_norms(forward, backward, gain, *, depth=20, width=64, seed=0):
    """||dL/dz_l|| for l = 1..depth in the stack h_l = f(h_{l-1} W_l), L = mean(h_depth)."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((32, width))
    layers = []
    for _ in range(depth):
        w = rng.standard_normal((width, width)) * np.sqrt(gain / width)
        h, cache = forward(h @ w)
        layers.append((w, cache))
    dh = np.full_like(h, 1.0 / h.size)
    norms = []
    for w, cache in reversed(layers):
        dz = backward(dh, cache)
        norms.append(np.linalg.norm(dz))
        dh = dz @ w.T
    return norms[::-1]


with skip_if_not_implemented():
    sigmoid_norms = gradient_norms(sigmoid_forward, sigmoid_backward, gain=1.0)
    relu_norms = gradient_norms(relu_forward, relu_backward, gain=2.0)
    layers = np.arange(1, len(sigmoid_norms) + 1)
    plt.figure(figsize=(6, 4))
    plt.semilogy(layers, sigmoid_norms, "o-", label="sigmoid, weights var 1/fan-in")
    plt.semilogy(layers, relu_norms, "s-", label="relu, weights var 2/fan-in")
    plt.xlabel("layer l (1 = closest to the input)")
    plt.ylabel("||dL/dz_l||")
    plt.legend()
    plt.show()
    print(f"first layer / last layer gradient norm: sigmoid {sigmoid_norms[0] / sigmoid_norms[-1]:.1e}, "
          f"relu {relu_norms[0] / relu_norms[-1]:.1e}")

# %% [markdown]
# **Questions to think about.** Why does the sigmoid stack lose a factor of about 4 or more per
# layer? What would tanh do (its largest slope is 1, not 1/4)? What happens to the ReLU stack
# with `gain=1.0` instead of 2.0, and why?

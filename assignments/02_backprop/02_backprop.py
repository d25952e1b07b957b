# %% [markdown]
# Assignment 1 differentiated functions that act entry by entry. This one adds the two other
# ingredients of every network: a layer that mixes its inputs (the linear layer) and a loss that
# turns the network's output into one number to minimise. With them, and with a way to *check*
# gradients, you can already train logistic regression and a small network that solves XOR.
#
# ## Backpropagation is a chain of vector-Jacobian products
#
# A network computes a scalar loss through a chain of functions,
# $L = \ell\bigl(f_K(\cdots f_2(f_1(x)))\bigr)$. Write $z_k = f_k(z_{k-1})$ and
# $J_k = \partial z_k / \partial z_{k-1}$ for the Jacobian of step $k$ (one row per output
# entry, one column per input entry). The chain rule says
#
# $$\frac{\partial L}{\partial z_{k-1}} = J_k^\top \, \frac{\partial L}{\partial z_k}.$$
#
# Because $L$ is a single number, $\partial L / \partial z_k$ is just an array with the shape of
# $z_k$, and going backwards from the loss each step multiplies it by one transposed Jacobian: a
# **vector-Jacobian product**. That is exactly what every `backward` function computes:
#
# ```python
# dx = name_backward(dout, cache)   # dout = dL/d(out), same shape as out; dx = J^T dout, same shape as x
# ```
#
# The Jacobians themselves are never built. For a linear layer mapping a batch of $N$ vectors of
# size $D$ to size $M$, $J$ has $(N M) \times (N D)$ entries, almost all zero; the
# vector-Jacobian product is one matrix product. This is also why training is cheap: one backward
# pass costs about as much as one forward pass, however many parameters there are.
#
# **The shape rule.** The gradient with respect to any array has that array's shape: `dx` like
# `x`, `dw` like `w`, `db` like `b`. When you are unsure how to combine arrays in a backward, the
# shapes usually leave only one possibility.
#
# **Losses start the chain.** A loss maps (prediction, target) to a number, so its own
# "backward" needs no `dout` (it is $\partial L / \partial L = 1$). Our losses therefore return both
# at once: `loss, dinput = name(input, target)`, where `dinput` has the shape of `input` and is
# what you feed as `dout` to the layer below.
#
# **Rules of the house**, as in assignment 1: NumPy only, no Python loops over entries (except
# in `numerical_gradient`, which is a loop by nature), never change an input in place, float64 in
# gives float64 out. Each function has a locked check cell after it that prints `PASS`, `FAIL`
# with the reason, or `NOT IMPLEMENTED YET`. The grader uses other inputs than these checks.

# %% setup=true
from collections.abc import Callable

import numpy as np

# %% check=true
from nnf_checks import check_backward, check_gradients, check_outputs, skip_if_not_implemented


def loss_as_op(loss, target):
    """Turn ``loss(input, target) -> (value, dinput)`` into a (forward, backward) pair of the
    input alone, so that ``check_gradients`` can compare dinput with central differences."""
    def forward(input):
        return loss(input, target)

    def backward(dout, dinput):
        return dout * dinput

    forward.__name__ = loss.__name__
    backward.__name__ = f"{loss.__name__} (gradient check)"
    return forward, backward


def gradient_routine_as_op(f, h):
    """A (forward, backward) pair whose "backward" is your numerical_gradient of f, so that
    ``check_gradients`` compares it with the checker's own central differences of f."""
    def forward(x):
        return f(x), x

    def backward(dout, x):
        return dout * numerical_gradient(f, x, h)

    forward.__name__ = "f"
    backward.__name__ = f"numerical_gradient (h={h:g})"
    return forward, backward


# %% [markdown]
# ## 1. Checking gradients numerically
#
# Before writing any backward function, build the tool that tells you whether it is right. For a
# scalar function $f$ of an array $x$, perturb one entry at a time:
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},$$
#
# where $e_i$ is the array with a 1 at position $i$ and zeros elsewhere. This **central
# difference** is exact for quadratics; its error is about $\tfrac{h^2}{6} |f'''|$. The
# one-sided difference $\bigl(f(x + h e_i) - f(x)\bigr)/h$ looks just as reasonable but its error is
# about $\tfrac{h}{2} |f''|$: with $h = 10^{-6}$ that is a million times larger. Do not make $h$ tiny
# either: $f$ itself is only known to about $10^{-16}\,|f|$, and dividing by $h$ amplifies that
# round-off to $10^{-16} |f| / h$. With float64, $h$ around $10^{-5}$ to $10^{-6}$ balances the two
# (the experiments at the end plot this trade-off).
#
# **Shapes.** `x` can have any shape; the result has the shape of `x`. `f` returns a single number.
# The cost is $2 \times$ `x.size` calls of `f`, so this is for checking on small inputs, never for
# training.
#
# **Hint.** Work on a float64 copy of `x`. `np.ndindex(x.shape)` visits every index of an array of
# any shape; alternatively use flat views, `xc.reshape(-1)` (a view of a contiguous copy, so
# writing into it writes into the copy). Store `old = x[i]`, set `x[i] = old + h`, evaluate, set
# `x[i] = old - h`, evaluate, and **put `old` back** before moving on.
#
# **Pitfalls.** (1) The one-sided difference. (2) Perturbing the caller's `x` in place and not
# restoring it: every later entry is then evaluated at a point that is no longer $x$, and the
# caller's array is silently changed. (3) Perturbing an integer array: `x[i] + 1e-6` is rounded
# back to an integer. The copy in float64 avoids all three.
#
# The check uses a smooth test function from the setup cell below; the grader uses the same
# family of functions, at other points.

# %% setup="reference.gradcheck:curved_function"

# %% solution="reference.gradcheck:numerical_gradient"

# %% check=true
check_f, check_grad_f = curved_function(np.array([[1.5, -2.0, 0.5], [3.0, 1.0, -1.0]]),
                                        np.array([[0.5, -0.25, 1.0], [0.75, -0.5, 0.25]]))
check_x = np.array([[0.3, -1.2, 0.8], [1.1, -0.4, 2.0]])
# Default h, then h = 1e-3, where a one-sided difference or an unrestored entry is far off.
check_gradients(*gradient_routine_as_op(check_f, 1e-6), check_x)
check_gradients(*gradient_routine_as_op(check_f, 1e-3), check_x)

# %% [markdown]
# ### Comparing two gradients: the relative error
#
# A gradient check ends with a comparison of two arrays, the analytic gradient $a$ and the
# numerical one $b$. Their absolute difference means nothing on its own (is $10^{-6}$ small for a
# gradient of size $10^{-8}$?), so we use a relative error, and a **normwise** one:
#
# $$\mathrm{rel}(a, b) = \frac{\lVert a - b \rVert}{\max\bigl(\lVert a \rVert + \lVert b \rVert,\ \varepsilon\bigr)},
# \qquad \lVert\cdot\rVert \text{ the Euclidean norm of all entries}, \quad \varepsilon = 10^{-12}.$$
#
# It is 0 for identical arrays, 1 for $b = -a$, and never above 1. As a rule of thumb for float64
# and central differences: below $10^{-7}$ the gradient is right; around $10^{-4}$ something is
# probably wrong (or the function has a kink near $x$); near 1 it is certainly wrong.
#
# **Hint.** `np.linalg.norm` of an array of any shape is the Euclidean norm of all its entries.
# Return a Python `float`.
#
# **Pitfalls.** The *elementwise* ratio $|a_i - b_i| / (|a_i| + |b_i|)$ is popular but fragile: where
# both entries are 0 (a dead ReLU unit, an unused class) it is $0/0 = $ NaN, and where both are
# tiny it reports round-off as a 100% error. And without the $\varepsilon$, two all-zero
# gradients give NaN instead of 0.

# %% solution="reference.gradcheck:rel_error"

# %% check="rel_error"
check_outputs("rel_error", rel_error)

# %% [markdown]
# ## 2. The linear layer
#
# $$\mathrm{out} = x W + b, \qquad x: (N, D),\quad W: (D, M),\quad b: (M,),\quad \mathrm{out}: (N, M).$$
#
# Each of the $N$ rows of `x` is one example; the same `W` and `b` apply to every example, and `b`
# is broadcast over the rows. An input with more axes, such as a batch of images `(N, 8, 8)`, is
# first flattened to `(N, D)` with `D = 8 * 8`: use `x.reshape(x.shape[0], -1)`. Keep `(x, w)` in the
# cache, as the docstring says.
#
# **Backward, entry by entry.** With $\mathrm{out}_{nm} = \sum_d x_{nd} W_{dm} + b_m$ and
# $g = \mathrm{dout} = \partial L / \partial \mathrm{out}$:
#
# $$\frac{\partial L}{\partial W_{dm}} = \sum_n g_{nm}\, x_{nd} \;\Rightarrow\; dW = x^\top g, \qquad
# \frac{\partial L}{\partial x_{nd}} = \sum_m g_{nm}\, W_{dm} \;\Rightarrow\; dx = g\, W^\top, \qquad
# \frac{\partial L}{\partial b_m} = \sum_n g_{nm}.$$
#
# Read the first one as: weight $W_{dm}$ connects input feature $d$ to output unit $m$, and every
# example $n$ uses it, so its gradient *sums* over the batch the products "input $d$ of example
# $n$" times "upstream gradient at unit $m$ of example $n$". The shape rule agrees: the only product
# of an `(N, D)` and an `(N, M)` array that has the shape `(D, M)` of $W$ is $x^\top g$. The bias is
# shared by all rows too, so its gradient is the column sum of $g$.
#
# **Hint.** `dx` must come back in the *original* shape of `x` (reshape `dout @ w.T` to `x.shape`),
# and `dw` uses the flattened `x`.
#
# **Pitfalls.** `dout.T @ x` has shape `(M, D)`: the transpose of `dw`. `dout.sum(axis=1)` sums over
# the wrong axis (shape `(N,)`). Both go unnoticed when $N = M$ or $D = M$ happen to be equal, which
# is why the checks use sizes that all differ.

# %% solution="reference.layers:linear_forward"

# %% check="linear_forward"
check_outputs("linear_forward", linear_forward)

# %% solution="reference.layers:linear_backward"

# %% check="linear_backward"
check_backward("linear_backward", linear_forward, linear_backward)
check_gradients(linear_forward, linear_backward)

# %% [markdown]
# ## 3. Losses
#
# Every loss below returns `(loss, dinput)`: the loss as a Python `float` and its gradient with
# respect to the first argument, with that argument's shape. All of them average, so `dinput`
# already contains the factor $1/n$: forget it and your gradient is $n$ times too large.
#
# ### 3.1 Mean squared error
#
# $$L = \frac{1}{n} \sum_i (p_i - t_i)^2, \qquad \frac{\partial L}{\partial p_i} = \frac{2}{n}\,(p_i - t_i),$$
#
# where $n$ is the number of **entries** of `pred` (all axes, as `torch.nn.MSELoss` does), not the
# number of rows. For regression with a Gaussian noise model, minimising it is maximum likelihood.
#
# **Pitfalls.** The factor 2 from the square. Dividing by `len(pred)` (the rows) instead of
# `pred.size` once `pred` has more than one column.

# %% solution="reference.losses:mse"

# %% check="mse"
check_outputs("mse", mse)
check_gradients(*loss_as_op(mse, np.array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.5]])),
                np.array([[0.2, -0.7, 1.1], [0.4, 2.0, -1.3]]))

# %% [markdown]
# ### 3.2 Softmax cross-entropy
#
# For $C$ classes the network outputs $C$ unnormalised scores (logits) per example. Softmax turns
# a row $x$ of logits into probabilities, and the loss is the negative log-probability of the true
# class $y$, averaged over the $N$ examples:
#
# $$p_k = \frac{e^{x_k}}{\sum_j e^{x_j}}, \qquad L = -\frac{1}{N} \sum_n \log p_{n, y_n}.$$
#
# **The gradient** is surprisingly simple. For one example,
# $-\log p_y = -x_y + \log \sum_j e^{x_j}$, and the derivative of $\log \sum_j e^{x_j}$ with respect
# to $x_k$ is $e^{x_k} / \sum_j e^{x_j} = p_k$. Hence
#
# $$\frac{\partial L}{\partial x_{nk}} = \frac{1}{N}\bigl(p_{nk} - [k = y_n]\bigr), \qquad \text{that is} \qquad
# dx = \frac{1}{N}\,\bigl(p - \mathrm{onehot}(y)\bigr).$$
#
# The predicted probabilities minus the true ones: the gradient pushes the true class's logit up
# and every other logit down, in proportion to how much probability it wrongly received.
#
# **Stability: shift by the maximum.** Softmax does not change when the same constant is
# subtracted from every logit of a row. Subtract the row maximum $m$: then the largest exponent is
# $e^0 = 1$ and nothing overflows. Compute the log-probabilities directly, as
# $(x_k - m) - \log \sum_j e^{x_j - m}$: `np.log(softmax)` would be $\log 0 = -\infty$ as soon as a
# probability underflows.
#
# **Hint.** `y` holds integer labels of shape `(N,)`. `p[np.arange(N), y]` picks the true class of
# every row; the same fancy index, on a copy, subtracts the one-hot.
#
# **Pitfalls.** No max shift: logits of $10^3$ give `exp(1000) = inf` and the loss is `nan`. Forgetting
# the $1/N$ in the gradient (the loss is a mean, so its gradient is too).

# %% solution="reference.losses:softmax_cross_entropy"

# %% check="softmax_cross_entropy"
check_outputs("softmax_cross_entropy", softmax_cross_entropy)
check_gradients(*loss_as_op(softmax_cross_entropy, np.array([2, 0, 1, 1])),
                np.array([[1.0, -0.5, 0.3], [0.2, 0.1, -2.0], [-1.0, 3.0, 0.5], [0.0, 0.0, 0.0]]))

# %% [markdown]
# ### 3.3 Binary cross-entropy with logits
#
# For a yes/no target $y \in [0, 1]$ and one logit $x$ per target, the predicted probability is
# $\sigma(x)$ and the loss is the negative log-likelihood, averaged over all $n$ entries:
#
# $$L = \frac{1}{n} \sum_i \Bigl(-y_i \log \sigma(x_i) - (1 - y_i) \log\bigl(1 - \sigma(x_i)\bigr)\Bigr), \qquad
# \frac{\partial L}{\partial x_i} = \frac{1}{n}\bigl(\sigma(x_i) - y_i\bigr).$$
#
# The same "prediction minus target" as softmax cross-entropy: binary cross-entropy is its
# two-class case.
#
# **Stability.** Taken literally, the formula fails for large logits: $\sigma(-1000)$ is exactly 0
# in float64 and $\log 0 = -\infty$. Use $\log \sigma(x) = -\log(1 + e^{-x})$ and
# $\log(1 - \sigma(x)) = -x - \log(1 + e^{-x})$; after simplification, the loss of one entry is
#
# $$\max(x, 0) - x\,y + \log\bigl(1 + e^{-|x|}\bigr),$$
#
# which only ever exponentiates a non-positive number (`np.log1p` keeps the last term accurate when
# $e^{-|x|}$ is tiny). For the gradient, compute $\sigma(x)$ stably as in assignment 1.
#
# **Pitfalls.** `np.log(sigmoid(x))`: `-inf` or `nan` for $|x|$ around 40 and beyond. The mean is over
# every entry (`logits.size`), as for MSE.

# %% solution="reference.losses:binary_cross_entropy_with_logits"

# %% check="binary_cross_entropy_with_logits"
check_outputs("binary_cross_entropy_with_logits", binary_cross_entropy_with_logits)
check_gradients(*loss_as_op(binary_cross_entropy_with_logits, np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 0.8]])),
                np.array([[2.0, -1.0, 0.4], [-3.0, 0.5, 1.7]]))

# %% [markdown]
# ### 3.4 Poisson negative log-likelihood
#
# For counts (claims per policy, clicks per hour), a Poisson model predicts a rate $\lambda > 0$ and
# $P(y) = \lambda^y e^{-\lambda} / y!$. The network outputs the **log-rate** $r = \log \lambda$, which can
# be any real number, so no constraint is needed. Dropping $\log y!$, which does not depend on the
# model, the loss averaged over all $n$ entries is
#
# $$L = \frac{1}{n} \sum_i \bigl(e^{r_i} - y_i\, r_i\bigr), \qquad \frac{\partial L}{\partial r_i} = \frac{1}{n}\bigl(e^{r_i} - y_i\bigr).$$
#
# Once more "prediction minus target": $e^{r}$ is the predicted mean count. Softmax cross-entropy,
# binary cross-entropy and this loss all pair an output non-linearity with the likelihood of
# its distribution (they are the canonical links of generalised linear models), which is why their
# gradients are so simple.
#
# **Pitfalls.** The sign: $y - e^{r}$ is the gradient of the log-*likelihood*, which we maximise; the
# loss is its negative. Treating the input as the rate itself ($\lambda - y \log \lambda$) instead of
# its logarithm.

# %% solution="reference.losses:poisson_nll"

# %% check="poisson_nll"
check_outputs("poisson_nll", poisson_nll)
check_gradients(*loss_as_op(poisson_nll, np.array([[0.0, 2.0, 5.0], [1.0, 0.0, 3.0]])),
                np.array([[-1.0, 0.5, 1.6], [0.1, -2.0, 1.0]]))

# %% [markdown]
# ## Experiments (not graded)
#
# ### Choosing the step of a numerical derivative
#
# The error of your `numerical_gradient` on the test function of section 1, against the exact
# gradient, for steps $h$ from $10^{-12}$ to $10^{-1}$, next to a one-sided difference. On the
# right, truncation error: slope 2 for central differences and slope 1 for one-sided ones (on
# log-log axes). On the left, round-off error, growing like $1/h$.

# %% experiment=true
import time

import matplotlib.pyplot as plt

with skip_if_not_implemented():
    f, grad_f = curved_function(np.array([1.5, -2.0, 0.5, 3.0]), np.array([0.5, -0.25, 1.0, 0.75]))
    x0 = np.array([0.3, -1.2, 0.8, 1.1])
    exact = grad_f(x0)
    steps = np.logspace(-12, -1, 45)
    central, one_sided = [], []
    for h in steps:
        central.append(np.max(np.abs(numerical_gradient(f, x0, h) - exact)))
        forward_diff = np.array([(f(x0 + h * e) - f(x0)) / h for e in np.eye(x0.size)])
        one_sided.append(np.max(np.abs(forward_diff - exact)))
    plt.figure(figsize=(6, 4))
    plt.loglog(steps, central, "o-", markersize=3, label="central (yours)")
    plt.loglog(steps, one_sided, "s-", markersize=3, label="one-sided")
    plt.xlabel("step h")
    plt.ylabel("max |numerical - exact|")
    plt.legend()
    plt.show()
    best = steps[int(np.argmin(central))]
    print(f"best step for central differences here: h = {best:.1e}, error {min(central):.1e}; "
          f"at h = 1e-6: central {central[int(np.argmin(np.abs(steps - 1e-6)))]:.1e}, "
          f"one-sided {one_sided[int(np.argmin(np.abs(steps - 1e-6)))]:.1e}")

# %% [markdown]
# ### Two linear layers are one linear layer
#
# Stack two linear layers with nothing in between: $(x W_1 + b_1) W_2 + b_2 = x\,(W_1 W_2) + (b_1 W_2 + b_2)$.
# Whatever the hidden width, the stack computes an affine map that one layer with weights
# $W_1 W_2$ and bias $b_1 W_2 + b_2$ computes too. Depth without a non-linearity adds nothing; a
# narrow hidden layer only *removes* something (the product has rank at most the hidden width).
# Below, with your `linear_forward` and `linear_backward`.

# %% experiment=true
with skip_if_not_implemented():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 5))
    w1, b1 = rng.standard_normal((5, 3)), rng.standard_normal(3)
    w2, b2 = rng.standard_normal((3, 4)), rng.standard_normal(4)
    hidden, cache1 = linear_forward(x, w1, b1)
    two_layers, cache2 = linear_forward(hidden, w2, b2)
    one_layer, cache = linear_forward(x, w1 @ w2, b1 @ w2 + b2)
    print(f"max |two layers - one layer|      = {np.max(np.abs(two_layers - one_layer)):.1e}")
    # The gradients agree too: backprop through both layers = backprop through the product.
    dout = rng.standard_normal(two_layers.shape)
    dhidden, dw2, db2 = linear_backward(dout, cache2)
    dx_two, dw1, db1 = linear_backward(dhidden, cache1)
    dx_one, dw, db = linear_backward(dout, cache)
    print(f"max |dx two layers - dx one layer| = {np.max(np.abs(dx_two - dx_one)):.1e}")
    print(f"rank of W1 W2 (a 5x4 matrix through a hidden width of 3): {np.linalg.matrix_rank(w1 @ w2)}")

# %% [markdown]
# ### Logistic regression is a one-layer network
#
# A linear layer with one output, followed by binary cross-entropy with logits, is logistic
# regression. Training is the loop every later assignment uses: forward, loss, backward, step.
# Before training, the whole model's gradient is checked with your `numerical_gradient` and
# `rel_error`.

# %% experiment=true
def two_blobs(n, rng):
    """n points in 2-D: two Gaussian clouds, labels 0 and 1."""
    y = np.arange(n) % 2
    x = rng.standard_normal((n, 2)) * 0.8 + np.where(y[:, None] == 1, 1.0, -1.0) * np.array([1.0, 0.6])
    return x, y.astype(np.float64)


def logistic_loss_and_grads(w, b, x, y):
    logits, cache = linear_forward(x, w, b)
    loss, dlogits = binary_cross_entropy_with_logits(logits[:, 0], y)
    _, dw, db = linear_backward(dlogits[:, None], cache)
    return loss, dw, db


with skip_if_not_implemented():
    rng = np.random.default_rng(1)
    x_blobs, y_blobs = two_blobs(200, rng)
    w, b = np.zeros((2, 1)), np.zeros(1)

    w_try = rng.standard_normal((2, 1))
    _, dw, _ = logistic_loss_and_grads(w_try, b, x_blobs, y_blobs)
    numeric = numerical_gradient(lambda v: logistic_loss_and_grads(v, b, x_blobs, y_blobs)[0], w_try)
    print(f"gradient check of the whole model: rel_error(dw, numerical) = {rel_error(dw, numeric):.1e}")

    start, losses = time.perf_counter(), []
    for step in range(300):
        loss, dw, db = logistic_loss_and_grads(w, b, x_blobs, y_blobs)
        w, b = w - 0.5 * dw, b - 0.5 * db
        losses.append(loss)
    accuracy = np.mean((linear_forward(x_blobs, w, b)[0][:, 0] > 0) == (y_blobs == 1))
    print(f"trained in {time.perf_counter() - start:.2f} s: loss {losses[-1]:.3f}, training accuracy {accuracy:.1%}")

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(losses)
    left.set_xlabel("step")
    left.set_ylabel("binary cross-entropy")
    left.set_title("training loss")
    right.scatter(x_blobs[:, 0], x_blobs[:, 1], c=y_blobs, cmap="coolwarm", s=12)
    line = np.linspace(-4.0, 4.0, 2)
    right.plot(line, -(w[0, 0] * line + b[0]) / w[1, 0], "k-", label="decision boundary: x w + b = 0")
    right.set_ylim(-4.0, 4.0)
    right.legend(fontsize=8)
    right.set_title("logistic regression")
    fig.tight_layout()
    plt.show()

# %% [markdown]
# ### XOR: what one layer cannot do and two layers can
#
# The four corners of a square, labelled like exclusive-or: class 1 where exactly one coordinate
# is positive. No straight line separates the classes, so logistic regression cannot do better
# than about chance. Put a non-linearity between two linear layers,
# $\mathrm{logits} = \tanh(x W_1 + b_1)\, W_2 + b_2$, and the network can bend its decision boundary.
# The backward pass is the chain of vector-Jacobian products from the introduction, read from the
# loss down: softmax cross-entropy (two classes) gives `dlogits`, `linear_backward` turns it into the
# gradient at the hidden layer, the tanh multiplies it entrywise by $1 - \tanh^2$ (as in assignment 1),
# and `linear_backward` again gives the first layer's gradients.

# %% experiment=true
def xor_cloud(n, rng):
    """n noisy points around the corners (+-1, +-1); label 1 where the signs differ."""
    corners = rng.choice([-1.0, 1.0], size=(n, 2))
    y = (corners[:, 0] != corners[:, 1]).astype(np.int64)
    return corners + 0.25 * rng.standard_normal((n, 2)), y


def train_two_layer(x, y, *, hidden=8, steps=500, lr=0.5, seed=0):
    rng = np.random.default_rng(seed)
    w1, b1 = rng.standard_normal((2, hidden)), np.zeros(hidden)
    w2, b2 = rng.standard_normal((hidden, 2)) / np.sqrt(hidden), np.zeros(2)
    losses = []
    for step in range(steps):
        z, cache1 = linear_forward(x, w1, b1)
        h = np.tanh(z)
        logits, cache2 = linear_forward(h, w2, b2)
        loss, dlogits = softmax_cross_entropy(logits, y)
        dh, dw2, db2 = linear_backward(dlogits, cache2)
        dz = dh * (1.0 - h**2)
        _, dw1, db1 = linear_backward(dz, cache1)
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
        losses.append(loss)

    def predict(points):
        return linear_forward(np.tanh(linear_forward(points, w1, b1)[0]), w2, b2)[0].argmax(axis=1)

    return predict, losses


def train_logistic(x, y, *, steps=500, lr=0.5):
    w, b = np.zeros((2, 1)), np.zeros(1)
    for step in range(steps):
        logits, cache = linear_forward(x, w, b)
        _, dlogits = binary_cross_entropy_with_logits(logits[:, 0], y.astype(np.float64))
        _, dw, db = linear_backward(dlogits[:, None], cache)
        w, b = w - lr * dw, b - lr * db
    return lambda points: (linear_forward(points, w, b)[0][:, 0] > 0).astype(np.int64)


with skip_if_not_implemented():
    rng = np.random.default_rng(2)
    x_xor, y_xor = xor_cloud(200, rng)
    start = time.perf_counter()
    logistic = train_logistic(x_xor, y_xor)
    network, network_losses = train_two_layer(x_xor, y_xor)
    print(f"trained both in {time.perf_counter() - start:.2f} s")
    grid = np.linspace(-2.0, 2.0, 121)
    gx, gy = np.meshgrid(grid, grid)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, (name, predict) in zip(axes, [("logistic regression", logistic), ("2-layer tanh network", network)]):
        accuracy = np.mean(predict(x_xor) == y_xor)
        ax.contourf(gx, gy, predict(points).reshape(gx.shape), levels=[-0.5, 0.5, 1.5], cmap="coolwarm", alpha=0.3)
        ax.scatter(x_xor[:, 0], x_xor[:, 1], c=y_xor, cmap="coolwarm", s=12)
        ax.set_title(f"{name}: training accuracy {accuracy:.0%}")
        print(f"{name}: training accuracy {accuracy:.1%}")
    fig.tight_layout()
    plt.show()

# %% [markdown]
# **Questions to think about.** Why does logistic regression end near 50% on XOR however long it
# trains? How few hidden units does the network need (try `hidden=2` and `hidden=1`)? Replace
# `np.tanh` by the identity in `train_two_layer`: which accuracy do you expect, and why (see the
# experiment on two linear layers)? Why is the analytic gradient check of the logistic model
# a better test than training accuracy?

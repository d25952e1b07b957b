# %% [markdown]
# Training a network repeats one move: compute the gradient of the loss with respect to every
# parameter, then change the parameters a little. Assignment 3 used the simplest move,
# $w \leftarrow w - \eta\, \nabla L(w)$. In this notebook you implement the update rules that
# deep learning actually uses (SGD with momentum and Nesterov momentum, Adagrad, RMSprop, Adam and
# AdamW), two learning-rate schedules and gradient clipping. Every rule has exactly the semantics
# of PyTorch's `torch.optim`, so your numbers can be compared with PyTorch's, digit for digit.
#
# **One signature for every rule.**
#
# ```python
# new_w, state = rule(w, dw, state, *, lr, **hyper)
# ```
#
# - `w` is one parameter array (any shape) and `dw` its gradient (same shape). All rules work
#   entry by entry: every entry of `w` has its own momentum, its own running averages.
# - `state` is `None` at the first step. Afterwards, pass back exactly what the previous call
#   returned. It is a dict of arrays and ints whose keys are the names PyTorch uses in
#   `optimizer.state[p]` (`"momentum_buffer"`, `"step"`, `"exp_avg"`, ...); each docstring lists
#   them.
# - The rule is a pure function: it must not change `w`, `dw` or the state dict it was given.
#   Build new arrays and a new dict. (A caller may keep an old state, e.g. to retry a step with a
#   smaller learning rate; the checks detect in-place changes.)
#
# A training loop keeps one state per parameter array:
#
# ```python
# states = [None] * len(params)
# for step in range(n_steps):
#     grads = gradient(params)
#     for i in range(len(params)):
#         params[i], states[i] = adam(params[i], grads[i], states[i], lr=1e-3)
# ```
#
# **Notation.** Steps are counted $t = 1, 2, \dots$; $g_t$ is the gradient used at step $t$,
# $\eta$ the learning rate `lr`. Every operation is elementwise: $g_t^2$ is `g * g` and
# $\sqrt{v}$ is `np.sqrt(v)`.
#
# **Checks.** After each rule, a locked cell runs it from a fixed starting point $w_0$ for three
# steps on fixed gradients, passing the returned state back in, and compares $w$ after every
# step with stored values. It prints one line per setting: `PASS`, `FAIL` with the reason, or
# `NOT IMPLEMENTED YET`. If step 1 passes and step 2 fails, look at what your state carries from
# one step to the next. Passing these checks is a good sign, not your grade: the grader uses other
# inputs, more steps and more settings.

# %% setup=true
import math

import numpy as np

# %% check=true
from nnf_checks import check_clip_grad_norm, check_outputs, check_update_rule, skip_if_not_implemented

W0 = np.array([[0.5, -1.0], [2.0, 0.25]])
CLIP_GRADS = [np.array([[3.0, -4.0, 1.0], [0.0, 2.0, -1.0]]), np.array([0.5, -2.0, 1.5])]


def fixed_gradient(step):
    """The gradient the checks use at step 1, 2, 3: cos(c * step) for c = 1, 2, 3, 4."""
    return np.cos(np.array([[1.0, 2.0], [3.0, 4.0]]) * step)


def check_rule(rule, *, keys, expected, **hyper):
    """`rule` from W0 on fixed_gradient(1), (2), ...; row k of `expected` is w after step k."""
    check_update_rule(rule, w0=W0, gradient=fixed_gradient, expected=expected, keys=keys, **hyper)


def check_clip(clip, max_norm, *, expected, expected_norm):
    check_clip_grad_norm(clip, CLIP_GRADS, max_norm, expected=expected, expected_norm=expected_norm)


# %% [markdown]
# ## 1. SGD: weight decay, momentum, Nesterov momentum
#
# **Plain SGD with weight decay.** Adding the penalty $\frac{\lambda}{2}\lVert w \rVert^2$ to the
# loss adds $\lambda w$ to its gradient, so the rule uses
#
# $$g_t = \nabla L(w_{t-1}) + \lambda\, w_{t-1}, \qquad w_t = w_{t-1} - \eta\, g_t .$$
#
# (`weight_decay` is $\lambda$; `dw` is $\nabla L(w_{t-1})$.) Every step shrinks $w$ by the factor
# $1 - \eta\lambda$ before following the gradient: hence the name.
#
# **Momentum.** In a long narrow valley the gradient points mostly across the valley, so plain SGD
# zigzags from wall to wall and crawls along the floor. Momentum keeps a running sum of past
# gradients, the buffer $b$, and steps along it:
#
# $$b_1 = g_1, \qquad b_t = \mu\, b_{t-1} + (1 - \tau)\, g_t \;\; (t \ge 2), \qquad w_t = w_{t-1} - \eta\, b_t ,$$
#
# with $\mu$ = `momentum` and $\tau$ = `dampening` (usually 0). Unrolled, $b_t$ weighs the
# gradient of $k$ steps ago by $\mu^k$: components that flip sign from step to step (across the
# valley) cancel, components that keep their sign (along the floor) add up, to a step as large as
# $\eta / (1 - \mu)$, ten times $\eta$ for $\mu = 0.9$.
#
# Textbooks often write momentum as a velocity, $v_t = \mu v_{t-1} - \eta g_t$,
# $w_t = w_{t-1} + v_t$. With a constant $\eta$ this is the same rule ($v_t = -\eta b_t$), but not
# when a schedule changes $\eta$ between steps: the velocity form applies the new rate only to
# the new gradient, PyTorch's form to the whole buffer. We follow PyTorch.
#
# **Nesterov momentum.** Momentum is going to carry $w$ to about $w - \eta\mu b$ anyway, so
# Nesterov's method takes the gradient at that look-ahead point instead of at $w$. In the velocity
# form: $v_t = \mu v_{t-1} - \eta \nabla L(w_{t-1} + \mu v_{t-1})$, $w_t = w_{t-1} + v_t$. The
# gradient is taken at a point that is never stored, which does not fit a rule that receives the
# gradient at its own `w`. So store the look-ahead point $\tilde w_t = w_t + \mu v_t$ instead.
# Its gradient is $g_t = \nabla L(\tilde w_{t-1})$, and substituting $w_t = \tilde w_t - \mu v_t$
# into $w_t = w_{t-1} + v_t$ (then $\mu v_{t-1} = v_t + \eta g_t$) gives
# $\tilde w_t = \tilde w_{t-1} + \mu v_t - \eta g_t$. With $v_t = -\eta b_t$, and calling the stored
# point $w$ again:
#
# $$w_t = w_{t-1} - \eta\, d_t, \qquad d_t = g_t + \mu\, b_t ,$$
#
# where $b_t$ is the buffer already updated with $g_t$. This is the form PyTorch uses (with
# `nesterov=True`, which requires $\mu > 0$ and $\tau = 0$).
#
# **State.** `{"momentum_buffer": b}` when $\mu \ne 0$, and `{}` for plain SGD.
#
# **Hint.** In this order: add the weight decay to the gradient; if $\mu = 0$ return
# `(w - lr * g, {})`; update (or start) the buffer; choose the direction; step. Start the buffer
# with a copy of `g`, not with `g` itself: the caller's array must not end up in your state.
#
# **Pitfalls.** Starting the buffer at zero: then the first step is damped by $1 - \tau$, and
# PyTorch's is not. A sign slip, $b_t = \mu b_{t-1} - g_t$, which mixes the velocity form with
# PyTorch's. For Nesterov, stepping along $b_t$ alone (that is plain momentum) or using the *old*
# buffer in $g_t + \mu b_{t-1}$.

# %% solution="reference.optim:sgd"

# %% check=true
check_rule(sgd, lr=0.1,
           keys=(),
           expected=[[0.445969769413, -0.958385316345, 2.09899924966, 0.315364362086],
                     [0.487584453068, -0.893020954259, 2.002982221, 0.329914365467],
                     [0.586583702728, -0.989037982924, 2.09409524718, 0.245528969594]])
check_rule(sgd, lr=0.1, momentum=0.9, dampening=0.5,
           keys=("momentum_buffer",),
           expected=[[0.445969769413, -0.958385316345, 2.09899924966, 0.315364362086],
                     [0.418149903712, -0.888249920013, 2.14009006002, 0.381467289655],
                     [0.442611649412, -0.873136577646, 2.22262830244, 0.398767226529]])
check_rule(sgd, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1,
           keys=("momentum_buffer",),
           expected=[[0.387842561885, -0.901932101056, 2.15009857435, 0.369442287964],
                     [0.411726965378, -0.718795209412, 1.9908037392, 0.440988024206],
                     [0.579536058301, -0.789692567204, 2.08849407925, 0.326898139754]])

# %% [markdown]
# ## 2. Adagrad: a learning rate per entry
#
# One learning rate for every parameter is a compromise: an entry whose gradients are large
# needs small steps, an entry that rarely gets a gradient (a rare word's embedding) should take
# large ones when it does. Adagrad divides each entry's step by the root of the sum of all its
# squared gradients so far:
#
# $$s_t = s_{t-1} + g_t^2, \qquad w_t = w_{t-1} - \eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}, \qquad
# \eta_t = \frac{\eta}{1 + (t - 1)\,\delta},$$
#
# with $g_t$ including the weight decay as in SGD, $s_0$ = `initial_accumulator_value` (default
# 0) and $\delta$ = `lr_decay` (default 0). On the first step, with $s_0 = 0$, every entry moves
# by almost exactly $\eta$ whatever the size of its gradient.
#
# Because $s_t$ only grows, the effective rate shrinks like $1/\sqrt{t}$ for ever: good for
# convex problems, too timid for long neural-network runs. RMSprop and Adam replace the sum by a
# moving average.
#
# **State.** `{"step": t, "sum": s}` (`t` an int, the number of steps taken).
#
# **Pitfalls.** Accumulating $|g|$ instead of $g^2$. Putting $\epsilon$ inside the square root:
# PyTorch adds it *outside*, to $\sqrt{s_t}$. Decaying the rate with $t$ instead of $t - 1$
# (the first step uses the full $\eta$). Adding $g_t^2$ to the sum *after* computing the step.

# %% solution="reference.optim:adagrad"

# %% check=true
check_rule(adagrad, lr=0.3,
           keys=("step", "sum"),
           expected=[[0.200000000056, -0.700000000072, 2.29999999997, 0.549999999954],
                     [0.383059577206, -0.446935194399, 2.09113634357, 0.615184110536],
                     [0.630112898406, -0.680394681046, 2.25650295565, 0.380186118902]])
check_rule(adagrad, lr=0.3, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.2,
           keys=("step", "sum"),
           expected=[[0.260875256732, -0.773268565702, 2.26107025166, 0.494453878616],
                     [0.387968715252, -0.573985247501, 2.04448358205, 0.528149834766],
                     [0.575650205526, -0.741476938444, 2.15139490364, 0.339262077363]])

# %% [markdown]
# ## 3. RMSprop: a moving average of squared gradients
#
# RMSprop keeps Adagrad's per-entry scaling but forgets old gradients: it divides by the root of
# an exponential moving average,
#
# $$v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2, \qquad a_t = \sqrt{v_t} + \epsilon, \qquad
# w_t = w_{t-1} - \eta\, \frac{g_t}{a_t},$$
#
# with $v_0 = 0$ and $\alpha$ = `alpha` (default 0.99: the average spans roughly the last
# $1 / (1 - \alpha) = 100$ steps). $g_t$ includes the weight decay as in SGD.
#
# **Centered.** With `centered=True`, RMSprop also averages the gradients themselves,
# $m_t = \alpha\, m_{t-1} + (1 - \alpha)\, g_t$, and divides by an estimate of their standard
# deviation instead of their root mean square: $a_t = \sqrt{v_t - m_t^2} + \epsilon$.
#
# **Momentum.** With $\mu$ = `momentum` $> 0$, the scaled gradient goes through a momentum
# buffer that starts at zero: $b_t = \mu\, b_{t-1} + g_t / a_t$ and $w_t = w_{t-1} - \eta\, b_t$.
#
# **State.** `{"step": t, "square_avg": v}`, plus `"momentum_buffer": b` when $\mu > 0$ and
# `"grad_avg": m` when centered; the arrays start at zero.
#
# **Pitfalls.** Swapping $\alpha$ and $1 - \alpha$: $v_t = (1 - \alpha) v_{t-1} + \alpha g_t^2$
# forgets almost everything at every step. $\epsilon$ inside the square root. Momentum on the raw
# gradient instead of the scaled one. Note that RMSprop has no bias correction: as $v_0 = 0$,
# $v_1 = (1 - \alpha) g_1^2$ and the first step is $\eta\, g_1 / (0.1 |g_1|)$, ten times $\eta$
# per entry. (The first check shows it.) Adam fixes this.

# %% solution="reference.optim:rmsprop"

# %% check=true
check_rule(rmsprop, lr=0.01,
           keys=("square_avg", "step"),
           expected=[[0.400000018508, -0.90000002403, 2.0999999899, 0.349999984701],
                     [0.461212272684, -0.815523185781, 2.03019870485, 0.371832275093],
                     [0.543779074857, -0.893541045347, 2.08561295666, 0.29320386173]])
check_rule(rmsprop, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1,
           keys=("grad_avg", "momentum_buffer", "square_avg", "step"),
           expected=[[0.466666668549, -0.966666668819, 2.03333333193, 0.283333331566],
                     [0.467465871701, -0.920686269619, 2.02327180462, 0.306521749598],
                     [0.494747358831, -0.920330333852, 2.03329408843, 0.291633640404]])

# %% [markdown]
# ## 4. Adam: momentum and RMSprop, with bias correction
#
# Adam keeps two moving averages per entry: of the gradient (a momentum, the "first moment") and
# of its square (RMSprop's, the "second moment"):
#
# $$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2,
# \qquad m_0 = v_0 = 0,$$
#
# with `betas` $= (\beta_1, \beta_2)$, by default $(0.9, 0.999)$.
#
# **Bias correction, derived.** Unroll the recursion: $m_t = (1 - \beta_1) \sum_{i=1}^{t}
# \beta_1^{t-i} g_i$. If the gradients all have the same expected value $\mathbb{E}[g]$, the
# geometric sum gives
#
# $$\mathbb{E}[m_t] = (1 - \beta_1) \sum_{i=1}^{t} \beta_1^{t-i}\, \mathbb{E}[g] = (1 - \beta_1^t)\, \mathbb{E}[g] .$$
#
# Starting from zero, $m_t$ underestimates $\mathbb{E}[g]$ by the factor $1 - \beta_1^t$, which
# is $0.1$ at $t = 1$ and tends to 1 later; likewise $\mathbb{E}[v_t] = (1 - \beta_2^t)
# \mathbb{E}[g^2]$. Dividing the factors out gives unbiased estimates, and the step:
#
# $$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
# w_t = w_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} .$$
#
# At $t = 1$, $\hat m_1 = g_1$ and $\hat v_1 = g_1^2$: every entry moves by $\eta\, g_1 / (|g_1| +
# \epsilon) \approx \eta$ in the direction of $-g_1$. Without the correction the first step
# would be $(1 - \beta_1) / \sqrt{1 - \beta_2} \approx 3.2$ times larger, and the two factors
# keep disagreeing for about $1 / (1 - \beta_2) = 1000$ steps.
#
# PyTorch evaluates the same step as `lr / (1 - b1**t) * m / (np.sqrt(v) / math.sqrt(1 - b2**t) + eps)`:
# $\epsilon$ is added to $\sqrt{\hat v_t}$, after the correction.
#
# **Weight decay** (`weight_decay` $= \lambda$) is the L2 penalty, added to the gradient as in
# SGD: $g_t = \nabla L(w_{t-1}) + \lambda w_{t-1}$. (Section 5 explains why this is not what you
# want with Adam.)
#
# **AMSGrad.** With `amsgrad=True`, keep the running maximum $v^{\max}_t = \max(v^{\max}_{t-1}, v_t)$
# (elementwise, $v^{\max}_0 = 0$) and use it in place of $v_t$ in the step, bias correction
# included; $v_t$ itself is still the plain moving average. As $v^{\max}_t$ never decreases, a
# burst of large gradients keeps the steps small afterwards; this fixes the simple problems on
# which Reddi, Kale and Kumar (2018) showed that Adam does not converge.
#
# **State.** `{"step": t, "exp_avg": m, "exp_avg_sq": v}`, plus `"max_exp_avg_sq"` with AMSGrad.
#
# **Pitfalls.** Forgetting the bias correction. Counting $t$ from 0 ($1 - \beta^0 = 0$: a
# division by zero). Putting $\epsilon$ inside the square root, or adding it before the
# correction, $(\sqrt{v_t} + \epsilon) / \sqrt{1 - \beta_2^t}$ (the Adam paper's "efficient" form;
# it differs from PyTorch when gradients are as small as $\epsilon$). Storing the corrected
# $\hat m_t$ in the state: the recursion runs on the uncorrected $m_t$.

# %% solution="reference.optim:adam"

# %% check=true
check_rule(adam, lr=0.1,
           keys=("exp_avg", "exp_avg_sq", "step"),
           expected=[[0.400000001851, -0.900000002403, 2.09999999899, 0.34999999847],
                     [0.392346008521, -0.801246555402, 2.09626646554, 0.431579796918],
                     [0.441612181616, -0.803049393001, 2.12909042871, 0.420697077254]])
check_rule(adam, lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True,
           keys=("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"),
           expected=[[0.400000001694, -0.900000001937, 2.09999999873, 0.349999998409],
                     [0.389091807644, -0.80052853095, 2.07034211166, 0.424722966713],
                     [0.440542026236, -0.798032455948, 2.08269116764, 0.399465924113]])

# %% [markdown]
# ## 5. AdamW: decoupled weight decay
#
# For SGD, an L2 penalty and "shrink the weights by a factor every step" are the same thing. For
# Adam they are not: the penalty's gradient $\lambda w$ goes into $m_t$ and $v_t$ and is divided
# by $\sqrt{\hat v_t}$ like the rest of the gradient, so entries with large gradients are barely
# decayed and entries with small ones are decayed strongly. Loshchilov and Hutter proposed to
# *decouple* the decay: Adam runs on the plain gradient and the weights shrink separately,
#
# $$w_t = (1 - \eta\lambda)\, w_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},$$
#
# where $m_t$, $v_t$ (and $v^{\max}_t$ with AMSGrad) are computed exactly as in Adam, from
# $g_t$ = `dw` with no $\lambda w$ added. The default $\lambda$ is 0.01, not 0: AdamW is meant to
# be used with decay. In practice the decoupled version generalises better and its best $\lambda$
# depends much less on $\eta$.
#
# **State.** As for Adam.
#
# **Hint.** Both terms use $w_{t-1}$: decay `w`, then subtract the Adam step computed from the
# old state. (You could even call your own `adam` with `weight_decay=0` and subtract
# $\eta \lambda w_{t-1}$.)
#
# **Pitfalls.** Adding $\lambda w$ to the gradient: that is Adam with L2, the very thing AdamW
# replaces. Shrinking by $(1 - \lambda)$ instead of $(1 - \eta\lambda)$. Decaying the already
# updated weights, $(1 - \eta\lambda)(w_{t-1} - \text{step})$.

# %% solution="reference.optim:adamw"

# %% check=true
check_rule(adamw, lr=0.1,
           keys=("exp_avg", "exp_avg_sq", "step"),
           expected=[[0.399500001851, -0.899000002403, 2.09799999899, 0.34974999847],
                     [0.391446508519, -0.799347555399, 2.09216846554, 0.430980046919],
                     [0.440321235106, -0.800351045444, 2.12290026025, 0.419666347209]])
check_rule(adamw, lr=0.1, betas=(0.8, 0.9), weight_decay=0.5, amsgrad=True,
           keys=("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"),
           expected=[[0.375000001851, -0.850000002403, 1.99999999899, 0.33749999847],
                     [0.354383209383, -0.708564333456, 1.89041150603, 0.398933588021],
                     [0.392937019858, -0.682723456219, 1.82933891845, 0.358892579753]])

# %% [markdown]
# ## 6. Learning-rate schedules
#
# A large learning rate makes fast progress early; a small one settles into a minimum late. A
# schedule gives the rate to use at each epoch; the training loop passes it to the rule
# (`adam(w, dw, state, lr=cosine_lr(0.01, epoch, t_max=50))`): one more reason for PyTorch's
# form of momentum, which stays correct when the rate changes.
#
# `epoch` counts completed epochs, starting at 0, and `schedule(lr0, 0) == lr0`, as PyTorch's
# schedulers do before their first `scheduler.step()`.
#
# **Step decay** multiplies the rate by $\gamma$ every $s$ epochs:
#
# $$\eta_e = \eta_0\, \gamma^{\lfloor e / s \rfloor}.$$
#
# **Cosine annealing** glides from $\eta_0$ down to $\eta_{\min}$ along half a cosine over $T$
# epochs:
#
# $$\eta_e = \eta_{\min} + (\eta_0 - \eta_{\min})\, \frac{1 + \cos(\pi e / T)}{2} .$$
#
# It is flat at the start, steepest in the middle and flat again near $\eta_{\min}$, which it
# reaches exactly at $e = T$. Past $T$ the formula climbs back up (period $2T$), as PyTorch's
# `CosineAnnealingLR` does when stepped beyond `T_max`; do not clamp it.
#
# **Pitfalls.** Forgetting the floor ($\gamma^{e/s}$ decays smoothly instead of in steps). Being
# off by one in $T$ or $e$: the minimum must come at $e = T$, not one epoch early or late. Adding
# $\eta_{\min}$ without shrinking the range to $\eta_0 - \eta_{\min}$ (the rate then starts above
# $\eta_0$).

# %% solution="reference.optim:step_lr"

# %% check="step_lr"
check_outputs("step_lr", step_lr)

# %% solution="reference.optim:cosine_lr"

# %% check="cosine_lr"
check_outputs("cosine_lr", cosine_lr)

# %% [markdown]
# ## 7. Gradient clipping by global norm
#
# One unlucky batch, or a steep cliff in the loss surface (common in recurrent networks), can
# produce a gradient so large that a single step throws the weights far away. Clipping bounds
# the step: measure the norm of *all* the gradients together, as if they were one long vector,
#
# $$n = \sqrt{\textstyle\sum_i \lVert g_i \rVert^2}$$
#
# (the sum runs over the parameter arrays, each norm over all entries of one array), and if it
# exceeds $M$ = `max_norm`, scale every gradient by the same factor:
#
# $$g_i' = g_i \cdot \min\Bigl(1, \frac{M}{n + \epsilon}\Bigr), \qquad \epsilon = 10^{-6}.$$
#
# The direction of the whole update is kept; only its length changes. Return the clipped list
# *and* $n$ before clipping: logging $n$ is the usual way to spot an unstable run.
#
# **Pitfalls.** Clipping each array on its own: every array then has norm at most `max_norm`,
# but the total can be $\sqrt{k}$ times larger, and the direction changes (small gradients keep
# their size, large ones are cut). Rescaling every gradient to length `max_norm`, also the small
# ones (the $\min(1, \cdot)$ is there to leave them alone). Returning the norm after clipping.
# Scaling the given arrays in place (`g *= scale`).

# %% solution="reference.optim:clip_grad_norm"

# %% check=true
check_clip(clip_grad_norm, 2.5, expected_norm=6.12372435695794,
           expected=[[[1.22474467139, -1.63299289519, 0.408248223797], [0.0, 0.816496447594, -0.408248223797]],
                     [0.204124111899, -0.816496447594, 0.612372335696]])
check_clip(clip_grad_norm, 10.0, expected_norm=6.12372435695794, expected=CLIP_GRADS)

# %% [markdown]
# ## Experiments (not graded)
#
# Everything below uses only your functions. A rule you have not implemented yet is listed
# instead of plotted.
#
# ### Trajectories on an ill-conditioned quadratic
#
# $f(x, y) = \frac12 (x^2 + 25\, y^2)$ has curvature 1 along $x$ and 25 along $y$ (condition
# number 25). Plain gradient descent must keep $\eta < 2/25$ to be stable along $y$, and then
# crawls along $x$, where each step shrinks the distance only by the factor $1 - \eta$.
# Momentum builds up speed along $x$; the adaptive rules rescale each coordinate separately,
# which is exactly the right fix when the valley is aligned with the axes.

# %% experiment=true
import matplotlib.pyplot as plt

CURVATURE = np.array([1.0, 25.0])


def quadratic(w):
    return 0.5 * float(np.sum(CURVATURE * w * w))


def quadratic_grad(w):
    return CURVATURE * w


def descend(rule, grad, w0, steps, **hyper):
    """The path w_0, w_1, ..., w_steps of `rule` on the gradient field `grad`."""
    w, state, path = np.array(w0, dtype=np.float64), None, [np.array(w0, dtype=np.float64)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            w, state = rule(w, grad(w), state, **hyper)
            path.append(w)
    return np.array(path)


def try_descend(name, rule, grad, w0, steps, waiting, **hyper):
    """descend(...), or None (and the name noted in `waiting`) while the rule is a stub or fails."""
    try:
        return descend(rule, grad, w0, steps, **hyper)
    except NotImplementedError:
        waiting.append(name)
    except Exception as exc:  # a wrong return structure: note it, plot the others
        waiting.append(f"{name} (fails with {type(exc).__name__}: run its check)")
    return None


quadratic_runs = {
    "SGD (lr 0.07)": (sgd, {"lr": 0.07}),
    "momentum 0.7 (lr 0.05)": (sgd, {"lr": 0.05, "momentum": 0.7}),
    "Nesterov 0.7 (lr 0.05)": (sgd, {"lr": 0.05, "momentum": 0.7, "nesterov": True}),
    "Adagrad (lr 1.0)": (adagrad, {"lr": 1.0}),
    "RMSprop (lr 0.1)": (rmsprop, {"lr": 0.1}),
    "Adam (lr 0.3)": (adam, {"lr": 0.3}),
}
start, waiting = np.array([-4.0, 1.5]), []
paths = {name: try_descend(name, rule, quadratic_grad, start, 100, waiting, **hyper)
         for name, (rule, hyper) in quadratic_runs.items()}
paths = {name: path for name, path in paths.items() if path is not None}
if paths:
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    xs, ys = np.meshgrid(np.linspace(-4.5, 4.5, 200), np.linspace(-2.0, 2.0, 200))
    left.contour(xs, ys, 0.5 * (xs ** 2 + 25 * ys ** 2), levels=np.geomspace(0.01, 100, 15), colors="lightgrey")
    for name, path in paths.items():
        left.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1, label=name)
        right.semilogy([max(quadratic(w), 1e-16) for w in path], label=name)
    left.plot(0, 0, "k*", markersize=10)
    left.set_xlim(-4.5, 4.5)
    left.set_ylim(-2.0, 2.0)
    left.set_title("first 100 steps from (-4, 1.5)")
    right.set_xlabel("step")
    right.set_ylabel("f(w)")
    right.legend(fontsize=8)
    left.legend(fontsize=8)
    fig.tight_layout()
    plt.show()
if waiting:
    print("not implemented yet:", ", ".join(waiting))

# %% [markdown]
# **Questions.** Why does plain SGD approach the minimum along the $y$ axis first? Why do
# Adagrad, RMSprop and Adam start by moving diagonally, at 45 degrees? Rotate the valley by 45
# degrees (replace `CURVATURE * w` by a full symmetric matrix times `w`): which methods lose
# their advantage, and why?
#
# ### Rosenbrock's banana
#
# $f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$ has its minimum at $(1, 1)$ at the end of a long,
# curved, flat-bottomed valley: easy to fall into, slow to follow. Every method falls into the
# valley within a few steps; what differs is the walk along it. Plain SGD, which must use a tiny
# rate to survive the steep walls, barely moves; so does Adagrad, whose rate keeps shrinking.
# Momentum and RMSprop get part of the way, Adam almost to the end, in a thousand steps.

# %% experiment=true
def rosenbrock(w):
    return float((1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2)


def rosenbrock_grad(w):
    return np.array([-2 * (1 - w[0]) - 400 * w[0] * (w[1] - w[0] ** 2), 200 * (w[1] - w[0] ** 2)])


rosenbrock_runs = {
    "SGD (lr 1e-3)": (sgd, {"lr": 1e-3}),
    "momentum 0.9 (lr 2e-4)": (sgd, {"lr": 2e-4, "momentum": 0.9}),
    "Nesterov 0.9 (lr 2e-4)": (sgd, {"lr": 2e-4, "momentum": 0.9, "nesterov": True}),
    "Adagrad (lr 0.5)": (adagrad, {"lr": 0.5}),
    "RMSprop (lr 0.01)": (rmsprop, {"lr": 0.01}),
    "Adam (lr 0.05)": (adam, {"lr": 0.05}),
}
start, waiting = np.array([-1.5, 2.0]), []
paths = {name: try_descend(name, rule, rosenbrock_grad, start, 1000, waiting, **hyper)
         for name, (rule, hyper) in rosenbrock_runs.items()}
paths = {name: path for name, path in paths.items() if path is not None}
if paths:
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    xs, ys = np.meshgrid(np.linspace(-2.0, 2.0, 300), np.linspace(-1.0, 3.0, 300))
    left.contour(xs, ys, (1 - xs) ** 2 + 100 * (ys - xs ** 2) ** 2, levels=np.geomspace(0.1, 2000, 15),
                 colors="lightgrey")
    for name, path in paths.items():
        left.plot(path[:, 0], path[:, 1], "o-", linewidth=1.5, markersize=4, markevery=100, alpha=0.8, label=name)
        right.semilogy([max(rosenbrock(w), 1e-16) for w in path], label=name)
    left.plot(1, 1, "k*", markersize=10)
    left.set_xlim(-2.0, 2.0)
    left.set_ylim(-1.0, 3.0)
    left.set_title("1000 steps from (-1.5, 2), a dot every 100 steps")
    right.set_xlabel("step")
    right.set_ylabel("f(w)")
    right.legend(fontsize=8)
    fig.tight_layout()
    plt.show()
    for name, path in paths.items():
        print(f"{name:24s} final point ({path[-1][0]:+.3f}, {path[-1][1]:+.3f}), f = {rosenbrock(path[-1]):.2e}")
if waiting:
    print("not implemented yet:", ", ".join(waiting))

# %% [markdown]
# ### Learning rate too small, too large
#
# On the quadratic above, gradient descent multiplies the error along $y$ by $1 - 25\eta$ at
# every step: it shrinks when $|1 - 25\eta| < 1$, that is $\eta < 2/25 = 0.08$, oscillates in
# sign when $\eta > 1/25$, and blows up beyond $0.08$. Along $x$ the factor is $1 - \eta$, so a
# small $\eta$ is safe but slow. The best rate sits just below the edge of stability; the same
# picture, less sharply, holds for every rule and every network.
#
# Gradient clipping (section 7) is a safety net for the blow-up: the last curve runs the
# too-large rate again, with the gradient clipped to norm 1. No step can then be longer than
# $\eta$, so it cannot blow up; but watch what happens once it gets close to the minimum.

# %% experiment=true
waiting = []
with np.errstate(over="ignore", invalid="ignore"):
    curves = {}
    for lr in (0.002, 0.02, 0.05, 0.078, 0.085):
        path = try_descend(f"sgd (lr {lr})", sgd, quadratic_grad, [-4.0, 1.5], 500, waiting, lr=lr)
        if path is not None:
            curves[f"lr {lr}"] = [quadratic(w) for w in path]
    try:
        clipped = descend(sgd, lambda w: clip_grad_norm([quadratic_grad(w)], 1.0)[0][0], [-4.0, 1.5], 500, lr=0.085)
        curves["lr 0.085, clipped to norm 1"] = [quadratic(w) for w in clipped]
    except NotImplementedError:
        waiting.append("clip_grad_norm")
if curves:
    plt.figure(figsize=(7, 4))
    for label, values in curves.items():
        plt.semilogy(np.clip(values, 1e-16, 1e6), label=label)
    plt.xlabel("step")
    plt.ylabel("f(w) (clipped at 1e6 for the plot)")
    plt.title("plain SGD on the quadratic: the learning rate decides")
    plt.legend(fontsize=8)
    plt.show()
if waiting:
    print("not implemented yet:", ", ".join(sorted(set(waiting))))

# %% [markdown]
# **Questions.** Why does the clipped run with $\eta = 0.085$ get down to about $10^{-16}$ and
# then climb back to about 0.02, where it stays? (Near the minimum the gradient is shorter than
# 1, so clipping does nothing, and the rate is still too large along $y$: a tiny error along $y$
# grows by the factor $|1 - 25 \cdot 0.085| = 1.125$ per step until clipping takes over again.)
# Clipping prevents disasters; it does not fix a learning rate.
#
# ### The schedules

# %% experiment=true
with skip_if_not_implemented():
    epochs = np.arange(0, 121)
    plt.figure(figsize=(7, 3.5))
    plt.plot(epochs, [step_lr(0.1, e, step_size=30, gamma=0.3) for e in epochs],
             label="step_lr(step_size=30, gamma=0.3)")
    plt.plot(epochs, [cosine_lr(0.1, e, t_max=100, eta_min=0.005) for e in epochs],
             label="cosine_lr(t_max=100, eta_min=0.005)")
    plt.axvline(100, color="grey", linewidth=0.5)
    plt.xlabel("epoch")
    plt.ylabel("learning rate")
    plt.legend(fontsize=8)
    plt.show()

# %% [markdown]
# ### The same small network, trained with each rule
#
# A network with one hidden layer of 32 ReLU units, trained for 12 epochs (mini-batches of 50)
# on 600 of scikit-learn's 8x8 digit images and tested on 400 others, once per rule, from the
# same initial weights and with the same batches. The learning rates are reasonable defaults for
# each rule, not tuned. The model and its gradients are written out below in a few lines (you
# built the same pieces in assignments 2 and 3); each parameter array has its own state.

# %% experiment=true
import importlib.util
import os

# scikit-learn's bundled copy of the digits, read directly: importing scikit-learn itself can take
# longer than this whole experiment. Each row: 64 pixel values (0..16), then the label.
DIGITS_CSV = os.path.join(os.path.dirname(importlib.util.find_spec("sklearn").origin), "datasets", "data",
                          "digits.csv.gz")
digits = np.loadtxt(DIGITS_CSV, delimiter=",")
chosen = np.random.default_rng(0).permutation(len(digits))[:1000]
images, labels = digits[chosen, :64], digits[chosen, 64].astype(int)
images = (images - images[:600].mean(axis=0)) / 4.0  # centred, pixel values within about +-4
x_train, y_train = images[:600], labels[:600]
x_test, y_test = images[600:], labels[600:]


def mlp_loss_and_grads(params, x, y):
    """Softmax cross-entropy of a 64-32-10 ReLU network, and its gradients."""
    w1, b1, w2, b2 = params
    z = x @ w1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ w2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(len(y)), y] + 1e-12))
    dscores = probs.copy()
    dscores[np.arange(len(y)), y] -= 1.0
    dscores /= len(y)
    dh = dscores @ w2.T * (z > 0)
    return loss, [x.T @ dh, dh.sum(axis=0), h.T @ dscores, dscores.sum(axis=0)]


def accuracy(params, x, y):
    w1, b1, w2, b2 = params
    return float(np.mean(np.argmax(np.maximum(x @ w1 + b1, 0.0) @ w2 + b2, axis=1) == y))


def train(rule, *, epochs=12, batch=50, **hyper):
    init = np.random.default_rng(0)
    params = [init.normal(0, np.sqrt(2 / 64), (64, 32)), np.zeros(32),
              init.normal(0, np.sqrt(2 / 32), (32, 10)), np.zeros(10)]
    states = [None] * len(params)
    order = np.random.default_rng(1)
    losses = []
    for _ in range(epochs):
        for chunk in np.array_split(order.permutation(len(x_train)), len(x_train) // batch):
            loss, grads = mlp_loss_and_grads(params, x_train[chunk], y_train[chunk])
            for i in range(len(params)):
                params[i], states[i] = rule(params[i], grads[i], states[i], **hyper)
            losses.append(loss)
    return losses, accuracy(params, x_test, y_test)


network_runs = {
    "SGD (lr 0.1)": (sgd, {"lr": 0.1}),
    "momentum 0.9 (lr 0.02)": (sgd, {"lr": 0.02, "momentum": 0.9}),
    "Nesterov 0.9 (lr 0.02)": (sgd, {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    "Adagrad (lr 0.05)": (adagrad, {"lr": 0.05}),
    "RMSprop (lr 1e-3)": (rmsprop, {"lr": 1e-3}),
    "Adam (lr 3e-3)": (adam, {"lr": 3e-3}),
    "AdamW (lr 3e-3, wd 0.01)": (adamw, {"lr": 3e-3}),
}
waiting, results = [], {}
for name, (rule, hyper) in network_runs.items():
    try:
        results[name] = train(rule, **hyper)
    except NotImplementedError:
        waiting.append(name)
if results:
    plt.figure(figsize=(7, 4))
    for name, (losses, test_accuracy) in results.items():
        smooth = np.convolve(losses, np.ones(12) / 12, mode="valid")
        plt.semilogy(smooth, label=f"{name}: test accuracy {test_accuracy:.1%}")
    plt.xlabel("mini-batch")
    plt.ylabel("training loss (moving average of 12)")
    plt.legend(fontsize=8)
    plt.show()
if waiting:
    print("not implemented yet:", ", ".join(waiting))

# %% [markdown]
# **Questions.** Multiply each learning rate by 10, then divide it by 10: which rules are the
# most sensitive to the choice? Plain SGD with momentum and a good schedule often ends up as
# accurate as Adam on such problems; Adam's strength is that its default rate works almost
# everywhere.

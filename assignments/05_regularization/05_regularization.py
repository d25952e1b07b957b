# %% [markdown]
# A network with enough parameters can memorise its training set, labels and noise included:
# the training loss goes to zero while the error on new data goes up. *Regularisation* is
# everything we do to shrink that gap between training and test error without making the
# training error much worse. In this notebook you implement the standard tools, each as a pure
# function:
#
# - **weight penalties**, L1 and L2, which pull the weights towards zero;
# - **dropout**, which randomly silences units during training;
# - **batch normalisation** and **layer normalisation**, which standardise a layer's inputs
#   (batchnorm also has a separate behaviour at test time, the source of a classic bug);
# - **adaptive gradient clipping** (AGC), which bounds each unit's update relative to the size
#   of its weights.
#
# **Conventions.** The layers follow the course's op pattern,
#
# ```python
# out, cache = name_forward(x, *params, **hyper)
# grads      = name_backward(dout, cache)      # dx, or (dx, dgamma, dbeta)
# ```
#
# with `x` of shape `(N, D)`: `N` examples (the batch) in rows, `D` features in columns.
# Randomness comes only from an `rng` argument (a `np.random.Generator`), never from the global
# `np.random` state, so that a run can be repeated exactly. State that changes over training
# (batchnorm's running averages) is passed in and returned explicitly, never updated behind
# your back. No function changes its inputs in place.
#
# **Checks.** After each function, a locked cell runs it on fixed inputs and prints one line per
# check: `PASS`, `FAIL` with the reason, or `NOT IMPLEMENTED YET`. Backward functions are also
# compared with central differences of your own forward. Passing these checks is a good sign, not
# your grade: the grader uses other inputs, other shapes and both modes.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import (CheckFailed, check_backward, check_gradients, check_outputs, check_value_gradient,
                        expect_close, expect_tuple, report, skip_if_not_implemented, with_settings)

# the weights and the strength on which each penalty's gradient is checked
W_CHECK, LAM_CHECK = np.array([[0.7, -1.3, 0.2], [-0.4, 2.5, -0.05]]), 0.3


# %% [markdown]
# ## 1. Weight penalties: L2 (shrinkage) and L1 (sparsity)
#
# A penalty $P(w)$ is added to the data loss, $L_{\text{total}} = L_{\text{data}} + P(w)$, so its
# gradient is added to the weights' gradient. Large weights make a network's output change a lot
# for a small change of the input, which is what fitting noise requires; penalising their size
# favours smoother functions. (Biases and batchnorm's $\gamma, \beta$ are usually not penalised:
# they do not make the function wiggle. The caller decides which arrays get a penalty.)
#
# **L2** with the factor $\tfrac12$ that makes its gradient clean:
#
# $$P_2(w) = \frac{\lambda}{2} \sum_i w_i^2, \qquad \frac{\partial P_2}{\partial w} = \lambda\, w .$$
#
# **Weight decay.** One SGD step on $L_{\text{data}} + P_2$ is
# $w \leftarrow w - \eta (g + \lambda w) = (1 - \eta\lambda)\, w - \eta\, g$: before following the
# data gradient $g$, every weight is multiplied by the same factor $1 - \eta\lambda < 1$. That is
# why L2 regularisation is also called weight decay, and why `torch.optim.SGD(weight_decay=lam)`
# takes exactly this step. (For Adam the two are *not* the same, which is what AdamW fixes: see
# assignment 4.)
#
# **Shapes.** `w` has any shape; `lam` is a float. Return `(penalty, dw)`: the penalty as a Python
# `float` and `dw` with the shape of `w`.
#
# **Pitfall: mixing conventions.** Some books write $\lambda \sum w_i^2$ (gradient $2\lambda w$),
# we write $\frac{\lambda}{2}\sum w_i^2$ (gradient $\lambda w$). Either is fine alone; a penalty
# from one and a gradient from the other is a bug that a gradient check catches at once.

# %% solution="reference.losses:l2_penalty"

# %% check="l2_penalty"
check_outputs("l2_penalty", l2_penalty)
check_value_gradient(l2_penalty, W_CHECK, LAM_CHECK, what="penalty")

# %% [markdown]
# **L1**:
#
# $$P_1(w) = \lambda \sum_i |w_i|, \qquad \frac{\partial P_1}{\partial w_i} = \lambda\, \mathrm{sign}(w_i),
# \qquad \mathrm{sign}(0) = 0 .$$
#
# $|w|$ has a kink at 0, where any slope in $[-\lambda, \lambda]$ is a valid *subgradient*; we
# take 0, as `np.sign` and PyTorch's `abs` do.
#
# **Sparsity vs shrinkage.** L2 pulls each weight towards 0 with a force $\lambda w$ proportional
# to the weight: strong on large weights, vanishing near 0, so weights become small but rarely
# exactly 0. L1 pulls with the *same* force $\lambda$ whatever the size, so a weight that the data
# does not really need is pushed all the way to 0 (with plain SGD it ends up jittering in a tiny
# band around 0). L1 therefore selects a few useful weights and switches off the rest: a sparse
# solution. (Geometrically: the L1 ball $\sum |w_i| \le c$ has corners on the axes, where most
# coordinates are zero, and a loss's level set usually touches the ball first at a corner.) The
# experiments at the end show both on a trained network.
#
# **Pitfall.** `np.where(w >= 0, lam, -lam)` gives $+\lambda$ at $w = 0$, and forgetting the sign
# altogether ($\lambda$ everywhere) pushes negative weights further from 0. The check has exact
# zeros.

# %% solution="reference.losses:l1_penalty"

# %% check="l1_penalty"
check_outputs("l1_penalty", l1_penalty)
check_value_gradient(l1_penalty, W_CHECK, LAM_CHECK, what="penalty")

# %% [markdown]
# ## 2. Dropout
#
# During training, dropout sets each unit's activation to 0 with probability $p$, independently
# for every entry and at every step. A unit can then never count on one particular other unit
# being there, so the network cannot build fragile co-adaptations that only fit the training
# set; training averages, in effect, over the exponentially many thinned networks. At test time
# we want the average network, deterministically: dropout is switched off.
#
# **Inverted scaling.** With $u_i \sim U[0, 1)$,
#
# $$m_i = \frac{[\,u_i \ge p\,]}{1 - p}, \qquad \mathrm{out} = x \odot m, \qquad
# \mathbb{E}[\mathrm{out}_i] = (1 - p)\,\frac{x_i}{1 - p} + p \cdot 0 = x_i .$$
#
# Scaling the survivors by $1/(1-p)$ *during training* keeps the expected activation equal to
# $x$, so at test time the layer is simply the identity: nothing to remember, nothing to rescale.
# (The original paper instead kept the survivors unscaled and multiplied by $1 - p$ at test time:
# the same expectation, but every evaluation path must remember that factor.)
#
# **Backward.** For a fixed mask the layer is linear, $\partial\, \mathrm{out}_i / \partial x_i = m_i$,
# so `dx = dout * mask` with the **same** mask as the forward pass: that is why the mask is the
# cache.
#
# **Conventions.**
#
# - `p` is the probability to **drop** (PyTorch's `nn.Dropout(p)`); the keep probability is $1 - p$.
# - `train=False` (evaluation) returns `x` unchanged (a copy), draws nothing, and accepts
#   `rng=None`; its cache is a mask of ones. `p = 0` draws nothing either.
# - In train mode, draw the mask with exactly one call, `rng.random(x.shape)`, compared with `>= p`.
#   With the same generator state you then get exactly the grader's mask, bit for bit.
#
# **Pitfalls.** Keeping with probability $p$ instead of dropping with it (`u < p`). Forgetting the
# $1/(1-p)$. Applying dropout in eval mode (then predictions are random and scaled wrongly). Using
# `np.random.rand` instead of the `rng` you were given (not reproducible).

# %% solution="reference.layers:dropout_forward"

# %% check=true
def check_dropout_train(forward, p, seed=0):
    """Train mode with rng = default_rng(seed): the documented mask, then two properties on a
    large array (the fraction dropped is about p; every survivor is scaled by 1 / (1 - p))."""
    x = np.array([[1.0, -2.0, 3.0, -4.0, 5.0, 0.5], [0.25, 6.0, -1.5, 2.5, -3.5, 1.0]])

    def body():
        u = np.random.default_rng(seed).random(x.shape)
        out, _ = expect_tuple(forward(x, p, train=True, rng=np.random.default_rng(seed)), name="dropout_forward")
        expect_close("out", out, np.where(u >= p, x / (1 - p), 0.0), mistakes={
            "keeps an entry with probability p (p is the probability to DROP)": np.where(u < p, x / (1 - p), 0.0),
            "the survivors are not scaled by 1 / (1 - p)": np.where(u >= p, x, 0.0),
            "the survivors are multiplied by (1 - p) instead of divided": np.where(u >= p, x * (1 - p), 0.0),
        })
        ones = np.ones((200, 500))
        big, _ = expect_tuple(forward(ones, p, train=True, rng=np.random.default_rng(seed + 1)),
                              name="dropout_forward")
        big = np.asarray(big)
        dropped = float(np.mean(big == 0))
        if abs(dropped - p) > 0.01:
            raise CheckFailed(f"on 100000 ones, {dropped:.3f} of the entries were dropped, expected about p = {p}")
        kept = big[big != 0]
        expect_close("the kept entries (the input is all ones)", kept, np.full(kept.shape, 1 / (1 - p)), mistakes={
            "the survivors are not scaled by 1 / (1 - p)": np.ones(kept.shape)})
        return f"the documented mask; {dropped:.3f} dropped on 100000 entries; survivors scaled by 1/(1-p)"

    report(f"dropout_forward train mode (p={p})", body)


# %% check="dropout_forward"
check_outputs("dropout_forward", dropout_forward)
check_dropout_train(dropout_forward, 0.3)
check_dropout_train(dropout_forward, 0.75)

# %% solution="reference.layers:dropout_backward"

# %% check="dropout_backward"
check_backward("dropout_backward", dropout_forward, dropout_backward)
# a fresh copy of the seeded generator at every call: the same mask while x is perturbed
check_gradients(with_settings(dropout_forward, p=0.4, train=True, rng=np.random.default_rng(3)), dropout_backward,
                np.array([[0.5, -1.0, 2.0, 0.25], [-0.75, 1.5, -2.5, 3.0], [1.25, 0.1, -0.3, 0.9]]))

# %% [markdown]
# ## 3. Batch normalisation
#
# Batchnorm standardises every feature over the batch, then lets the network choose the scale
# and offset it actually wants. For `x` of shape `(N, D)`, four steps, each over the batch axis
# 0 (one number per feature, shape `(D,)`):
#
# $$\text{1. } \mu = \frac{1}{N} \sum_n x_n \qquad
# \text{2. } \sigma^2 = \frac{1}{N} \sum_n (x_n - \mu)^2 \qquad
# \text{3. } \hat x_n = \frac{x_n - \mu}{\sqrt{\sigma^2 + \epsilon}} \qquad
# \text{4. } \mathrm{out}_n = \gamma \odot \hat x_n + \beta .$$
#
# After step 3 every feature has mean 0 and variance (almost) 1 over the batch, whatever the
# previous layers did; $\gamma$ and $\beta$ (learned, shape `(D,)`) can undo it if that is better.
# $\epsilon = 10^{-5}$ keeps step 3 finite for a constant feature. Networks with batchnorm
# tolerate larger learning rates and are much less sensitive to the initialisation.
#
# **Train vs eval.** At test time there may be a single example, and a prediction must not
# depend on which other examples happen to share its batch. So in eval mode (`train=False`) the
# layer uses fixed statistics, the running averages collected during training (section 4):
# step 3 becomes $\hat x = (x - \hat\mu) / \sqrt{\hat\sigma^2 + \epsilon}$, a fixed affine map.
#
# **The classic bug: batch statistics at test time.** It passes every training-time test and
# breaks in deployment: predictions change with the batch, and with a batch of one example
# $x - \mu = 0$, so every input gets the same output, $\beta$. The experiments show it.
#
# **Variance: biased, and computed in two passes.** Normalise with the *biased* variance (divide by
# $N$), as written above and as every framework does. `np.var(x, axis=0)` is biased by default
# (`ddof=0`); `torch.var` is not. Compute it as the mean of $(x - \mu)^2$, not as
# $\overline{x^2} - \mu^2$: for a feature around $10^6$ that difference of two huge numbers loses
# most of its digits (catastrophic cancellation).
#
# **Cache.** `(x_hat, gamma, inv_std, train)` with `inv_std` $= 1/\sqrt{\sigma^2 + \epsilon}$ of the
# variance that was used: the backward needs nothing else.

# %% solution="reference.layers:batchnorm_forward"

# %% check=true
def check_batchnorm_eval(forward):
    """Eval mode on the stored inputs with fixed running statistics: values, no batch statistics,
    and each row independent of the others (a batch of one example gives that example's row)."""
    x = np.array([[0.3, 101.0, -2.0], [-1.2, 98.5, 0.5], [0.8, 100.2, 3.0],
                  [2.1, 99.1, -0.5], [-0.4, 102.4, 1.5], [1.0, 97.9, -1.0]])
    gamma, beta = np.array([1.5, 0.5, -2.0]), np.array([0.1, -0.3, 2.0])
    running_mean, running_var = np.array([0.2, 99.0, -1.0]), np.array([0.8, 4.0, 2.5])
    expected = np.array([[0.267704050165, 0.199999375001, 3.26490853425],
                         [-2.24785670232, -0.42499984375, 0.102637198621],
                         [1.10622430099, -3.74999296171e-07, -3.05963413701],
                         [3.28637695314, -0.27500003125, 1.36754573287],
                         [-0.906224300993, 0.549998937502, -1.16227133563],
                         [1.44163240132, -0.574999656251, 2.0]])

    def body():
        out, _ = expect_tuple(forward(x, gamma, beta, running_mean, running_var, train=False),
                              name="batchnorm_forward")
        batch_stats, _ = expect_tuple(forward(x, gamma, beta, running_mean, running_var, train=True),
                                      name="batchnorm_forward")
        expect_close("out", out, expected, mistakes={
            "uses the batch statistics in eval mode; use running_mean and running_var": batch_stats})
        single, _ = expect_tuple(forward(x[3:4], gamma, beta, running_mean, running_var, train=False),
                                 name="batchnorm_forward")
        expect_close("out for a batch holding only row 3", single, expected[3:4])
        return "running statistics used; a batch of one example gets its own row"

    report("batchnorm_forward eval mode", body)


# %% check="batchnorm_forward"
check_outputs("batchnorm_forward", batchnorm_forward)
check_batchnorm_eval(batchnorm_forward)

# %% [markdown]
# ### The backward pass
#
# $d\beta$ and $d\gamma$ are sums over the batch of what each example contributes:
# $d\beta = \sum_n \mathrm{dout}_n$ and $d\gamma = \sum_n \mathrm{dout}_n \odot \hat x_n$.
#
# For $dx$, write $g_n = \gamma \odot \mathrm{dout}_n$ ($= \partial L/\partial \hat x_n$). In train
# mode $x_n$ reaches the loss by three paths: directly through its own $\hat x_n$, and through
# $\mu$ and $\sigma^2$, which every $\hat x_m$ of the batch uses. Adding the three and simplifying
# (feature by feature; all sums over the batch) gives the compact formula
#
# $$dx_n = \frac{1}{N \sqrt{\sigma^2 + \epsilon}} \Bigl( N g_n - \sum_m g_m - \hat x_n \sum_m g_m \hat x_m \Bigr).$$
#
# Read it as: the direct gradient $g_n$, minus its batch mean (the $\mu$ path: shifting every
# $x_n$ by the same amount changes nothing, so $\sum_n dx_n = 0$), minus its projection on
# $\hat x$ (the $\sigma^2$ path: scaling the batch changes nothing either), times the inverse
# standard deviation. In eval mode $\mu$ and $\sigma^2$ are constants, only the direct path
# remains, and $dx = g \cdot$ `inv_std`.
#
# **Hint.** You can also backpropagate step by step through the four steps (a small graph:
# subtract, square, mean, square root, divide); it is slower to write and gives the same numbers.
# Either way, the cache holds `train`, so the backward knows which formula applies.
#
# **Pitfall.** Treating $\mu$ and $\sigma^2$ as constants in train mode, that is using the eval
# formula: the values look plausible, and the gradient check fails.

# %% solution="reference.layers:batchnorm_backward"

# %% check="batchnorm_backward"
check_backward("batchnorm_backward", batchnorm_forward, batchnorm_backward)
check_gradients(batchnorm_forward, batchnorm_backward)
check_gradients(with_settings(batchnorm_forward, running_mean=np.array([0.2, -0.1, 0.5]),
                              running_var=np.array([0.8, 1.5, 2.5]), train=False),
                batchnorm_backward,
                np.array([[0.3, 1.0, -2.0], [-1.2, -1.5, 0.5], [0.8, 0.2, 3.0], [2.1, -0.9, -0.5]]),
                np.array([1.5, 0.5, -2.0]), np.array([0.1, -0.3, 2.0]))

# %% [markdown]
# ## 4. Batchnorm's running statistics
#
# The statistics used in eval mode are exponential moving averages of the batch statistics seen
# during training. After each training batch,
#
# $$\hat\mu \leftarrow (1 - m)\, \hat\mu + m\, \mu_B, \qquad
# \hat\sigma^2 \leftarrow (1 - m)\, \hat\sigma^2 + m\, \frac{1}{N - 1} \sum_n (x_n - \mu_B)^2 ,$$
#
# with `momentum` $m = 0.1$ by default, and usually $\hat\mu = 0$, $\hat\sigma^2 = 1$ at the start.
#
# Two conventions, both PyTorch's:
#
# - $m$ is the weight of the **new** batch. (An optimiser's momentum is the weight of the *old*
#   value; the name is the same, the meaning is reversed.)
# - The variance blended in is the **unbiased** one (divide by $N - 1$), an estimate of the
#   population variance, while the normalisation in train mode uses the biased one. That is why
#   the batch needs at least 2 examples here.
#
# **Why a separate function.** Batchnorm's forward pass reads the running statistics and never
# writes them. A training step calls both functions (`batchnorm_forward(..., train=True)` and
# `batchnorm_running_stats`); an evaluation step only `batchnorm_forward(..., train=False)`. State
# you pass in and get back is state you can test, save and restore.
#
# **Pitfall.** Swapping $m$ and $1 - m$ (then the running averages follow only the last batch),
# or normalising and updating with the same variance.

# %% solution="reference.layers:batchnorm_running_stats"

# %% check="batchnorm_running_stats"
check_outputs("batchnorm_running_stats", batchnorm_running_stats)

# %% [markdown]
# ## 5. Layer normalisation
#
# Layernorm applies the same four steps to each **example** over its **features**: statistics
# per row (axis 1), not per column.
#
# $$\mu_n = \frac{1}{D} \sum_d x_{nd}, \qquad \sigma_n^2 = \frac{1}{D} \sum_d (x_{nd} - \mu_n)^2, \qquad
# \hat x_{nd} = \frac{x_{nd} - \mu_n}{\sqrt{\sigma_n^2 + \epsilon}}, \qquad \mathrm{out}_{nd} = \gamma_d\, \hat x_{nd} + \beta_d .$$
#
# | | batchnorm | layernorm |
# |---|---|---|
# | statistics over | the batch, axis 0 | the features, axis 1 |
# | shape of $\mu$, $\sigma^2$ | `(D,)` | `(N, 1)` (use `keepdims=True`) |
# | shape of $\gamma$, $\beta$ | `(D,)` | `(D,)`, still one per feature |
# | train vs eval | different (running statistics) | identical: no running statistics |
# | depends on other examples | yes | no |
#
# Because each example is normalised on its own, layernorm behaves the same with any batch size,
# at training and at test time. That is why transformers and recurrent networks, where batches
# are small or sequences have different lengths, use layernorm.
#
# **Backward.** The compact formula of batchnorm with the roles of the axes exchanged: the sums
# run over the $D$ features of each example and $N$ becomes $D$ (with $g_n = \gamma \odot \mathrm{dout}_n$),
#
# $$dx_n = \frac{1}{D\sqrt{\sigma_n^2 + \epsilon}} \Bigl( D g_n - \sum_d g_{nd} - \hat x_n \sum_d g_{nd} \hat x_{nd} \Bigr),$$
#
# while $d\gamma = \sum_n \mathrm{dout}_n \odot \hat x_n$ and $d\beta = \sum_n \mathrm{dout}_n$ still sum
# over the batch, because $\gamma$ and $\beta$ are per feature.
#
# **Pitfalls.** Normalising over the batch axis (that is batchnorm again). Forgetting `keepdims`:
# a `(N,)` mean does not broadcast against `(N, D)` as you want. Summing $d\gamma$ over the
# features instead of over the batch.

# %% solution="reference.layers:layernorm_forward"

# %% check="layernorm_forward"
check_outputs("layernorm_forward", layernorm_forward)

# %% solution="reference.layers:layernorm_backward"

# %% check="layernorm_backward"
check_backward("layernorm_backward", layernorm_forward, layernorm_backward)
check_gradients(layernorm_forward, layernorm_backward)

# %% [markdown]
# ## 6. Adaptive gradient clipping (AGC)
#
# Clipping by the global norm (assignment 4) uses one threshold for every parameter, although
# some layers have weights a hundred times larger than others: a step that is harmless for one
# unit can wreck another. AGC (Brock et al., 2021, used to train the normaliser-free NFNets
# without batchnorm) compares each unit's gradient with the size of **its own** weights:
#
# $$\text{for every unit } u: \qquad M_u = \lambda \max\bigl(\lVert W_u \rVert, \epsilon\bigr), \qquad
# G_u \leftarrow \begin{cases} G_u & \lVert G_u \rVert < M_u \\[2pt]
# G_u \, \dfrac{M_u}{\max(\lVert G_u \rVert, 10^{-6})} & \text{otherwise,} \end{cases}$$
#
# with `clipping` $\lambda$ (0.01 by default) and `eps` $\epsilon = 10^{-3}$. A gradient step of size
# $\eta \lVert G_u \rVert$ then changes unit $u$'s weights by at most about $\eta\lambda$ of their
# norm. The $\epsilon$ floor lets weights that start at 0 (biases) move at all; the $10^{-6}$ floor
# avoids $0/0$ for an all-zero gradient.
#
# **What a unit is** (the norms are over the entries of one unit; use `keepdims=True` so that they
# broadcast back):
#
# | parameter | shape | one unit | norm over |
# |---|---|---|---|
# | bias, or any 0-D/1-D array | `(M,)` | the whole vector | all entries |
# | linear weight | `(D, M)` | one output unit: a **column** | axis 0 |
# | conv filter bank (or any 3-D+) | `(F, C, HH, WW)` | one filter | all axes but 0 |
#
# Our linear layer computes `x @ w` with `w` of shape `(D, M)`, so output unit $j$ owns column
# $j$. (PyTorch stores `(M, D)` and takes rows: the same units.)
#
# **Hint.** Pick the axes first (`None`, `(0,)` or `tuple(range(1, w.ndim))`), compute both norms
# with `np.sqrt(np.sum(a * a, axis=axes, keepdims=True))`, then one `np.where`. Careful:
# `np.where` evaluates both branches, so the division must be safe even where it is not used.
#
# **Pitfalls.** Clipping with the global norm of the whole tensor (that is a different method);
# taking rows of a `(D, M)` weight; dropping the $\epsilon$ floor, which freezes zero-initialised
# parameters forever.

# %% solution="reference.optim:adaptive_grad_clip"

# %% check=true
def check_agc_units(clip):
    """1-D (the whole vector is one unit) and 4-D (one unit per filter) with the default clipping."""
    b, db = np.array([0.5, -0.5, 1.0]), np.array([0.03, 0.0, -0.04])
    w4 = np.array([[[[1.0, -1.0], [0.5, 0.0]], [[0.0, 2.0], [-1.0, 0.5]]],
                   [[[0.2, 0.1], [-0.3, 0.4]], [[0.0, -0.2], [0.1, 0.3]]]])
    g4 = np.array([[[[0.001, 0.002], [0.0, -0.003]], [[0.004, 0.0], [0.001, -0.001]]],
                   [[[0.3, -0.4], [0.0, 0.1]], [[0.2, 0.0], [-0.1, 0.5]]]])
    expected4 = np.array([[[[0.001, 0.002], [0.0, -0.003]], [[0.004, 0.0], [0.001, -0.001]]],
                          [[[0.00265921578128, -0.00354562104171], [0.0, 0.000886405260428]],
                           [[0.00177281052086, 0.0], [-0.000886405260428, 0.00443202630214]]]])

    def body():
        expect_close("the clipped bias gradient", clip(b, db), [0.007348469228, 0.0, -0.009797958971], mistakes={
            "not clipped at all": db})
        expect_close("the clipped conv gradient (F, C, HH, WW)", clip(w4, g4), expected4)
        return "1-D: one unit; 4-D: one unit per filter (filter 0 kept, filter 1 clipped)"

    report("adaptive_grad_clip 1-D and 4-D", body)


# %% check="adaptive_grad_clip"
check_outputs("adaptive_grad_clip", adaptive_grad_clip)
check_agc_units(adaptive_grad_clip)

# %% [markdown]
# ## Experiments (not graded)
#
# Everything below uses only your functions, NumPy and matplotlib (and scikit-learn for its
# bundled digits). Runs that need a function you have not implemented yet are listed instead of
# plotted.
#
# ### Overfitting, with and without each regulariser
#
# A network with one hidden layer of 100 ReLU units is trained on only 200 of scikit-learn's
# 8x8 handwritten digits, **a third of whose labels have been replaced by random ones**. A big
# enough network can memorise those wrong labels, and doing so makes it worse on new digits:
# the test set (500 other digits, correct labels) measures that. Each run takes 80 epochs of
# mini-batch SGD (batches of 50, learning rate 0.4) from the same initial weights:
#
# - no regularisation;
# - L2 on both weight matrices, $\lambda = 0.03$;
# - dropout $p = 0.5$ on the hidden units;
# - batchnorm before the ReLU (train mode with batch statistics and a running-stats update for
#   every batch, eval mode for every evaluation).

# %% experiment=true
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

digits = load_digits()
images, labels = digits.data / 16.0, digits.target
order = np.random.default_rng(0).permutation(len(labels))
x_train, clean_train = images[order[:200]], labels[order[:200]]
x_test, y_test = images[order[1000:1500]], labels[order[1000:1500]]
relabelled = np.random.default_rng(1).random(200) < 1 / 3
y_train = np.where(relabelled, np.random.default_rng(2).integers(0, 10, 200), clean_train)


def cross_entropy(scores, y):
    """Mean softmax cross-entropy over the batch and its gradient with respect to the scores."""
    z = scores - scores.max(axis=1, keepdims=True)
    log_prob = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    dscores = np.exp(log_prob)
    dscores[rows, y] -= 1.0
    return -log_prob[rows, y].mean(), dscores / len(y)


def train_mlp(*, l1=0.0, l2=0.0, p=0.0, batchnorm=False, epochs=80, hidden=100, lr=0.4, batch=50,
              every=4, seed=0):
    """Train 64 -> hidden -> 10 with the chosen regularisers; returns (params, history, running stats)."""
    rng = np.random.default_rng(seed)
    params = {"w1": rng.standard_normal((64, hidden)) * np.sqrt(2 / 64), "b1": np.zeros(hidden),
              "gamma": np.ones(hidden), "beta": np.zeros(hidden),
              "w2": rng.standard_normal((hidden, 10)) * np.sqrt(2 / hidden), "b2": np.zeros(10)}
    running = [np.zeros(hidden), np.ones(hidden)]

    def forward(x, train):
        z = x @ params["w1"] + params["b1"]
        bn_cache = drop_cache = None
        if batchnorm:
            if train:  # a training step also updates the running averages, from this batch
                running[:] = batchnorm_running_stats(z, *running)
            z, bn_cache = batchnorm_forward(z, params["gamma"], params["beta"], *running, train=train)
        h = np.maximum(z, 0.0)
        if p > 0:
            h, drop_cache = dropout_forward(h, p, train=train, rng=rng)
        return h @ params["w2"] + params["b2"], (x, z, h, bn_cache, drop_cache)

    history = {"epoch": [], "train loss": [], "test loss": [], "train acc": [], "test acc": []}
    for epoch in range(1, epochs + 1):
        shuffled = rng.permutation(len(y_train))
        for start in range(0, len(shuffled), batch):
            rows = shuffled[start:start + batch]
            scores, (x, z, h, bn_cache, drop_cache) = forward(x_train[rows], True)
            _, dscores = cross_entropy(scores, y_train[rows])
            grads = {"w2": h.T @ dscores, "b2": dscores.sum(axis=0)}
            dh = dscores @ params["w2"].T
            if p > 0:
                dh = dropout_backward(dh, drop_cache)
            dz = dh * (z > 0)
            if batchnorm:
                dz, grads["gamma"], grads["beta"] = batchnorm_backward(dz, bn_cache)
            grads["w1"], grads["b1"] = x.T @ dz, dz.sum(axis=0)
            for name in ("w1", "w2"):
                if l2:
                    grads[name] = grads[name] + l2_penalty(params[name], l2)[1]
                if l1:
                    grads[name] = grads[name] + l1_penalty(params[name], l1)[1]
            for name, grad in grads.items():
                params[name] = params[name] - lr * grad
        if epoch % every == 0:
            history["epoch"].append(epoch)
            for part, x_part, y_part in (("train", x_train, y_train), ("test", x_test, y_test)):
                scores, _ = forward(x_part, False)
                history[f"{part} loss"].append(cross_entropy(scores, y_part)[0])
                history[f"{part} acc"].append(float(np.mean(scores.argmax(axis=1) == y_part)))
    return params, history, running


settings = {"no regularisation": {}, "L2, lambda = 0.03": {"l2": 0.03}, "dropout, p = 0.5": {"p": 0.5},
            "batchnorm": {"batchnorm": True}}
runs, waiting = {}, []
for name, options in settings.items():
    try:
        runs[name] = train_mlp(**options)
    except NotImplementedError:
        waiting.append(name)

fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
for (name, (_, history, _)), colour in zip(runs.items(), ["C0", "C1", "C2", "C3"]):
    axes[0].plot(history["epoch"], history["train acc"], "--", color=colour)
    axes[0].plot(history["epoch"], history["test acc"], "-", color=colour, label=name)
    axes[1].plot(history["epoch"], history["test loss"], "-", color=colour, label=name)
    print(f"{name:18s} final train acc {history['train acc'][-1]:.3f} (noisy labels), "
          f"test acc {history['test acc'][-1]:.3f} (best {max(history['test acc']):.3f})")
axes[0].set_title("accuracy: train on noisy labels (dashed), test (solid)")
axes[1].set_title("test loss")
for ax in axes:
    ax.set_xlabel("epoch")
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
if waiting:
    print("not implemented yet:", ", ".join(waiting))

# %% [markdown]
# **What to look for.** Without regularisation the training accuracy (measured on the noisy
# labels) climbs towards 100 %: the network memorises the random labels, and its test accuracy
# peaks early and then falls. L2 and dropout keep it from memorising; their training accuracy
# stays near the fraction of labels that are right, and their test accuracy does not collapse.
# Batchnorm is mostly an *optimisation* aid: it lets the network fit faster, noisy labels
# included, and its own regularising effect (the noise of batch statistics) is weak here.
# Try $\lambda$ ten times smaller or larger, $p = 0.2$, and fewer relabelled digits.
#
# ### L1 vs L2: sparsity vs shrinkage
#
# The same network trained with an L1 penalty ($\lambda = 10^{-3}$) and with the L2 penalty above.
# The histograms show the first layer's weights (log scale): L2 shrinks all of them, the large ones
# most; L1 sends a good part of them to (almost) exactly zero, the spike in the middle, and leaves
# the weights that the data needs nearly as large as without a penalty.

# %% experiment=true
with skip_if_not_implemented():
    sparse_params, _, _ = train_mlp(l1=1e-3)
    shrunk_params = runs["L2, lambda = 0.03"][0] if "L2, lambda = 0.03" in runs else train_mlp(l2=0.03)[0]
    plain_params = runs["no regularisation"][0]
    fig, ax = plt.subplots(figsize=(7, 4))
    bins = np.linspace(-1.0, 1.0, 81)
    for name, params in (("none", plain_params), ("L2", shrunk_params), ("L1", sparse_params)):
        w1 = params["w1"]
        ax.hist(w1.ravel(), bins=bins, histtype="step", linewidth=1.5,
                label=f"{name}: {np.mean(np.abs(w1) < 1e-3):.0%} of |w| < 0.001, mean |w| {np.mean(np.abs(w1)):.3f}")
    ax.set_yscale("log")
    ax.set_xlabel("first-layer weight")
    ax.legend(fontsize=8)
    plt.show()

# %% [markdown]
# ### The classic bug: batch statistics at test time
#
# The batchnorm network from the first experiment, evaluated on the test set four ways: in eval
# mode with the running statistics (correct: each prediction depends on its own digit only), and
# in train mode, with the statistics of whatever batch the test digits are grouped in. With
# batches of one digit, $x - \mu = 0$: every digit gets the same scores.

# %% experiment=true
with skip_if_not_implemented():
    if "batchnorm" not in runs:
        raise NotImplementedError("the batchnorm run above did not run")
    bn_params, _, bn_running = runs["batchnorm"]

    def test_accuracy(train, batch):
        correct = 0
        for start in range(0, len(y_test), batch):
            z = x_test[start:start + batch] @ bn_params["w1"] + bn_params["b1"]
            z, _ = batchnorm_forward(z, bn_params["gamma"], bn_params["beta"], *bn_running, train=train)
            scores = np.maximum(z, 0.0) @ bn_params["w2"] + bn_params["b2"]
            correct += int(np.sum(scores.argmax(axis=1) == y_test[start:start + batch]))
        return correct / len(y_test)

    for label, train, batch in (("eval mode, running statistics, batches of 500", False, 500),
                                ("eval mode, running statistics, batches of 1  ", False, 1),
                                ("train mode, batch statistics, batches of 500 ", True, 500),
                                ("train mode, batch statistics, batches of 8   ", True, 8),
                                ("train mode, batch statistics, batches of 1   ", True, 1)):
        print(f"{label}: test accuracy {test_accuracy(train, batch):.3f}")

# %% [markdown]
# In eval mode the batch size does not matter. In train mode a large batch of test digits gives
# statistics close to the running ones (the network looks fine in a quick test!), small batches
# make every prediction depend on its neighbours, and a batch of one gives chance level. In a
# framework this is the forgotten `model.eval()`.
#
# ### AGC: one unit at a time
#
# A random linear weight `(64, 10)` whose gradient is small except in output unit 3, where it is
# 1000 times larger (a bad batch for that unit). Global-norm clipping to the same total norm as
# AGC's result would shrink *every* unit's gradient by the same factor; AGC only touches the units
# whose gradient is large compared with their own weights.

# %% experiment=true
with skip_if_not_implemented():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((64, 10)) * np.linspace(0.05, 1.0, 10)  # units of very different sizes
    g = 1e-3 * rng.standard_normal((64, 10))
    g[:, 3] *= 1000.0
    clipped = adaptive_grad_clip(w, g, clipping=0.05)
    unit_ratio = lambda grad: np.linalg.norm(grad, axis=0) / np.linalg.norm(w, axis=0)
    global_scale = np.linalg.norm(clipped) / np.linalg.norm(g)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    units = np.arange(10)
    ax.bar(units - 0.27, unit_ratio(g), width=0.27, label="before")
    ax.bar(units, unit_ratio(clipped), width=0.27, label="AGC (clipping 0.05)")
    ax.bar(units + 0.27, unit_ratio(g * global_scale), width=0.27, label="global clip, same total norm")
    ax.axhline(0.05, color="grey", linestyle=":")
    ax.set_yscale("log")
    ax.set_xlabel("output unit (column)")
    ax.set_ylabel("||G_u|| / ||W_u||")
    ax.legend(fontsize=8)
    plt.show()

# %% [markdown]
# **Questions to think about.** The global clip brings unit 3 down to the dotted line too: what
# does it do to the nine healthy units, and what would that mean for their learning? Why does
# dividing by $\max(\lVert W_u\rVert, \epsilon)$ matter for a bias initialised at zero? And back to
# dropout: why is `dropout_forward(x, p, train=True, ...)` at test time a bug even though its
# *expected* output is right?

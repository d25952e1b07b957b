# %% [markdown]
# Assignments 1 and 2 gave you the parts of a network: activations, a linear layer, a loss and a
# way to check gradients. This one assembles them into the whole training pipeline of a
# multilayer perceptron (MLP), and at the end you use it to recognise handwritten digits:
#
# 1. **initialise** the weights at the right scale (Xavier, He);
# 2. **standardise** the inputs, with statistics of the training set only;
# 3. run the network **forward** and **backward** through any number of layers;
# 4. cut the data into shuffled **mini-batches** and run one **epoch** of SGD;
# 5. **decay** the learning rate on a schedule;
# 6. **stop early** when the validation loss stops improving, and keep the best weights.
#
# **Conventions.** A batch `x` has shape `(N, D)`: one example per row. A layer computes
# `x @ w + b` with `w` of shape `(fan_in, fan_out)` and `b` of shape `(fan_out,)` (PyTorch
# stores the transpose, `(out, in)`: mind this when you read its documentation). A network's
# parameters travel as one dict, `params = {"w1": ..., "b1": ..., "w2": ..., "b2": ...}`, and
# its gradients as a dict with the same keys. Randomness comes only from the `rng` argument (a
# `np.random.Generator`) and each function says exactly which draws it makes: the grader gives
# your function and the reference the same generator and compares the results.
#
# **Rules of the house**, as before: NumPy only, never change an input in place (build new arrays
# and new dicts), float64 in gives float64 out. Each function is followed by a locked check cell
# that prints `PASS`, `FAIL` with the reason, or `NOT IMPLEMENTED YET`. Some functions return
# dicts or take a random generator, which the stored checks cannot handle; their checks use a
# helper from `nnf_checks.py`, `check_close`, with the expected numbers written in the
# cell. Passing these checks is a good sign, not your grade: the grader uses other inputs.

# %% setup=true
import math

import numpy as np

# %% check=true
from nnf_checks import CheckFailed, check_close, check_gradients, check_outputs, skip_if_not_implemented


def small_params(sizes, seed):
    """Parameters of a small network with layer sizes ``sizes`` (fixed by ``seed``), for the checks."""
    rng = np.random.default_rng(seed)
    return {key: value for layer, (m_in, m_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1)
            for key, value in ((f"w{layer}", rng.standard_normal((m_in, m_out)) / np.sqrt(m_in)),
                               (f"b{layer}", 0.1 * rng.standard_normal(m_out)))}


# %% [markdown]
# ## 1. Initialisation: why the scale of the first weights matters
#
# Before training, every weight is random, and its **scale** decides whether a signal survives the
# trip through the network. Take one unit of a layer, $z_j = \sum_{i=1}^{n_\text{in}} h_i\, w_{ij}$,
# with weights drawn independently, mean 0, variance $s^2$, independent of the inputs $h_i$.
# The terms are uncorrelated with mean zero, so their variances add:
#
# $$\mathrm{Var}(z_j) = n_\text{in}\; s^2\; \mathbb{E}[h_i^2].$$
#
# Stack $L$ layers and the variance is multiplied by $n_\text{in} s^2 \mathbb{E}[h^2]/\mathrm{Var}(z)$
# at **every** layer: a factor 2 too large per layer is $2^{20} \approx 10^6$ after 20 layers (the
# activations explode, softmax saturates, gradients are huge), a factor 1/2 too small is
# $10^{-6}$ (the signal, and with it the gradient, vanishes). The fix is to choose $s^2$ so that
# the factor is exactly 1.
#
# **Xavier (Glorot) initialisation.** For an activation that is linear near 0 (tanh, or none),
# $\mathbb{E}[h^2] \approx \mathrm{Var}(z)$, so the forward pass keeps its variance when
# $n_\text{in} s^2 = 1$. The backward pass, $\frac{\partial L}{\partial h_i} = \sum_j w_{ij} \frac{\partial L}{\partial z_j}$,
# runs the same argument over the $n_\text{out}$ outputs and wants $n_\text{out} s^2 = 1$. Both hold
# only when $n_\text{in} = n_\text{out}$; Glorot and Bengio (2010) compromise with the average:
#
# $$s^2 = \frac{2}{n_\text{in} + n_\text{out}}, \qquad w \sim U[-a, a] \text{ with } a = \mathrm{gain}\sqrt{\frac{6}{n_\text{in} + n_\text{out}}},$$
#
# because a uniform distribution on $[-a, a]$ has variance $a^2/3$.
#
# **He (Kaiming) initialisation.** A ReLU zeroes the negative half of a symmetric $z$, so
# $\mathbb{E}[h^2] = \tfrac{1}{2}\mathrm{Var}(z)$: half the variance is lost at every layer. He et al.
# (2015) put the factor 2 back, using the forward argument only (`fan_in` mode):
#
# $$s^2 = \frac{2}{n_\text{in}}, \qquad w \sim N(0, s^2) \text{ with } s = \frac{\mathrm{gain}}{\sqrt{n_\text{in}}},\ \mathrm{gain} = \sqrt{2}.$$
#
# **Shapes.** `fan_in, fan_out` give a weight matrix of shape `(fan_in, fan_out)`. For a
# convolution kernel (assignment 6) pass `shape=(F, C, k1, k2)` instead: each output sees
# `C*k1*k2` inputs, so `fan_in = C*k1*k2` and `fan_out = F*k1*k2`, as in `torch.nn.init`.
#
# **Hint.** Exactly one draw from the given generator: `rng.uniform(-a, a, size=shape)` or
# `rng.normal(0.0, s, size=shape)`. The grader hands your function and the reference the same
# generator, so another distribution, another order of the arguments, or a draw from
# `np.random` gives different numbers.
#
# **Pitfalls.** `np.random.normal`/`rng.normal` take the **standard deviation**, not the variance.
# Xavier uses both fans (using `fan_in` alone is LeCun's scheme); He's gain is $\sqrt 2$, not 2 and
# not 1. And never initialise all weights to the same value (zero, say): every hidden unit then
# computes the same function and receives the same gradient, and stays identical to its
# neighbours forever. Random weights *break the symmetry*; biases can start at zero.

# %% solution="reference.init:xavier_uniform"

# %% check=true
check_close("xavier_uniform", lambda: {"w": xavier_uniform(3, 2, rng=np.random.default_rng(0))},
            {"w": [[0.3000680226, -0.5043720396],
                   [-1.0056766217, -1.0592348798],
                   [0.6863407064, 0.9043021616]]})
check_close("xavier_uniform (gain=2)",
            lambda: {"w": xavier_uniform(2, 4, rng=np.random.default_rng(1), gain=2.0)},
            {"w": [[0.0472864988, 1.8018547853, -1.4233615491, 1.7945977885],
                   [-0.752674192, -0.3066942041, 1.3108103753, -0.3632034545]]})
check_close("xavier_uniform (conv shape)",
            lambda: {"w": xavier_uniform(shape=(2, 1, 2, 2), rng=np.random.default_rng(2))},
            {"w": [[[[-0.3371313528, -0.2849765579], [0.444382304, -0.5771180092]]],
                   [[[0.1415635214, 0.3232333968], [-0.4413745348, -0.6291176729]]]]})

# %% solution="reference.init:he_normal"

# %% check=true
check_close("he_normal", lambda: {"w": he_normal(4, 3, rng=np.random.default_rng(0))},
            {"w": [[0.0889046919, -0.0934122447, 0.452847199],
                   [0.0741755842, -0.3787754462, 0.2556863154],
                   [0.9220672746, 0.6696873714, -0.4976159574],
                   [-0.8947881032, -0.440721599, 0.0292218802]]})
check_close("he_normal (gain=1)", lambda: {"w": he_normal(2, 2, rng=np.random.default_rng(1), gain=1.0)},
            {"w": [[0.2443649257, 0.5809717608],
                   [0.2336542973, -0.9214713154]]})
check_close("he_normal (conv shape)", lambda: {"w": he_normal(shape=(2, 1, 2, 2), rng=np.random.default_rng(2))},
            {"w": [[[[0.1336809283, -0.3696389678], [-0.2920800326, -1.7263781423]]],
                   [[[1.2725852945, 0.8090474469], [-0.2301086947, 0.5471638848]]]]})

# %% [markdown]
# ## 2. Standardising the inputs, with the training set's statistics
#
# The same variance argument applies to the input: it is $h_0$. Pixel intensities in $[0, 16]$,
# prices in the thousands next to ratios near 1... make the first layer's outputs large and
# their scales unequal, and gradient descent then needs a tiny learning rate for the steep
# directions while crawling along the flat ones. Standardising each column (feature) $d$ fixes
# both:
#
# $$z_{nd} = \frac{x_{nd} - \mu_d}{\sigma_d}, \qquad \mu_d = \frac{1}{N}\sum_n x_{nd}, \qquad
# \sigma_d = \sqrt{\frac{1}{N}\sum_n (x_{nd} - \mu_d)^2}.$$
#
# We divide by $N$ (`ddof=0`, the population standard deviation, as scikit-learn's
# `StandardScaler`): `np.std` does this by default.
#
# **Shapes.** `x` is `(N, D)`; `mean` and `std` are `(D,)`; broadcasting does the rest.
# `standardize(x)` computes the statistics from `x`; `standardize(x, mean, std)` applies given
# ones. Both return `(z, mean, std)`: the statistics used, so you can reuse them.
#
# **Pitfall: constant columns.** A column that never changes has $\sigma_d = 0$, and $0/0$ is NaN.
# The digits data set has several such pixels (the corners are always blank). Such a column
# carries no information: give it $\sigma_d = 1$, so that its $z$ is $x - \mu = 0$. Test for a
# constant column directly (its largest and smallest values are equal, `np.ptp`) rather than for
# `std == 0`: rounding can make the computed std of a constant column a tiny nonzero number.
#
# **Pitfall: leakage.** Compute $\mu$ and $\sigma$ on the **training set only**, then apply those
# same numbers to the validation and test sets (and to every future input):
#
# ```python
# x_train_z, mean, std = standardize(x_train)
# x_test_z, _, _ = standardize(x_test, mean, std)    # NOT standardize(x_test)
# ```
#
# Statistics computed on the test set (or on all the data before splitting) let information about
# the test examples shape the model's preprocessing, and the test score is no longer an honest
# estimate of performance on new data. Standardising the test set with its *own* statistics is a
# different mistake: the model then sees inputs transformed differently from the ones it was
# trained on (and a "test set" of a single example would become all zeros).

# %% solution="reference.data:standardize"

# %% check="standardize"
check_outputs("standardize", standardize)


def applies_given_statistics():
    x_train = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
    x_test = np.array([[2.0, 40.0]])
    _, mean, std = standardize(x_train)
    z_test, mean_used, std_used = standardize(x_test, mean, std)
    return {"z_test": z_test, "mean": mean_used, "std": std_used}


# mean (3, 20), population std (sqrt(8/3), sqrt(200/3)); a single test row is not all zeros
check_close("standardize (test set with the training statistics)", applies_given_statistics,
            {"z_test": [[-0.6123724357, 2.4494897428]],
             "mean": [3.0, 20.0], "std": [1.6329931619, 8.1649658093]})

# %% [markdown]
# ## 3. The forward pass of an $L$-layer network
#
# An MLP alternates affine maps and activations. With $h_0 = x$ and layers $l = 1, \dots, L$:
#
# $$z_l = h_{l-1} w_l + b_l, \qquad h_l = \max(z_l, 0) \quad (l < L), \qquad \text{scores} = z_L .$$
#
# The **last layer has no ReLU**: its outputs are the class scores (logits), which may be negative;
# the softmax inside the loss turns them into probabilities.
#
# **Shapes.** `x` is `(N, D)`; `w_l` is `(M_{l-1}, M_l)` and `b_l` is `(M_l,)` with $M_0 = D$;
# `scores` is `(N, M_L)`. `params` holds exactly `w1, b1, ..., wL, bL`, so $L$ = `len(params) // 2`.
#
# **The cache** must let the backward pass compute every gradient. Per layer it needs the layer's
# input $h_{l-1}$ (for $\partial L/\partial w_l$), its weight $w_l$ (to pass the gradient down) and
# where the ReLU was active, which $h_{l-1} > 0$ already tells. So the cache is the list
# `[(h_0, w_1), (h_1, w_2), ..., (h_{L-1}, w_L)]`, the same `(x, w)` pair that `linear_forward`
# cached in assignment 2, once per layer.
#
# **Hint.** A `for` loop over the layers, `for l in range(1, L + 1)`, with the keys
# `f"w{l}"` and `f"b{l}"`.
#
# **A worked example** (also the first check): $x = [1, 2]$,
# $w_1 = \begin{bmatrix} 1 & -1 & 0.5 \\ 0.5 & 1 & -1 \end{bmatrix}$, $b_1 = [0, 0.5, 1]$ give
# $z_1 = [2, 1.5, -0.5]$ and $h_1 = [2, 1.5, 0]$; then
# $w_2 = \begin{bmatrix} 1 & 0 \\ -2 & 1 \\ 3 & 1 \end{bmatrix}$, $b_2 = [0.5, -1]$ give the scores $[-0.5, 0.5]$.
#
# **Pitfalls.** A ReLU on the scores (negative logits clipped to 0, and the gradient of the loss
# cut off with them); $L$ = `len(params)` (twice too many layers).

# %% solution="reference.mlp:mlp_forward"

# %% check=true
WORKED = {"w1": np.array([[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]]), "b1": np.array([0.0, 0.5, 1.0]),
          "w2": np.array([[1.0, 0.0], [-2.0, 1.0], [3.0, 1.0]]), "b2": np.array([0.5, -1.0])}
check_close("mlp_forward (the worked example)",
            lambda: {"scores": mlp_forward(np.array([[1.0, 2.0]]), WORKED)[0]}, {"scores": [[-0.5, 0.5]]})
check_close("mlp_forward (3 layers)",
            lambda: {"scores": mlp_forward(np.random.default_rng(30).standard_normal((3, 4)),
                                           small_params([4, 5, 3, 2], seed=3))[0]},
            {"scores": [[-0.5116815646, 0.7387106833],
                        [-1.135633743, 0.009707997],
                        [-0.3641127604, -0.0090171497]]})

# %% [markdown]
# ## 4. The backward pass: the caches in reverse
#
# Backpropagation walks the layers from the last to the first, and each step is the backward of a
# pair you already know. Starting from $dz_L = \partial L / \partial\,\text{scores}$:
#
# $$\frac{\partial L}{\partial w_l} = h_{l-1}^\top\, dz_l, \qquad
# \frac{\partial L}{\partial b_l} = \sum_{n} (dz_l)_{n,:}, \qquad
# dz_{l-1} = \bigl(dz_l\, w_l^\top\bigr) \odot \bigl[h_{l-1} > 0\bigr].$$
#
# The first two are `linear_backward`'s `dw` and `db`; the product $dz_l w_l^\top$ is its `dx`,
# $\partial L/\partial h_{l-1}$; the mask is `relu_backward`, because
# $h_{l-1} = \max(z_{l-1}, 0)$ is positive exactly where the ReLU let $z_{l-1}$ through. Read the
# cache backwards: `for l in range(L, 0, -1)` with `h_prev, w = cache[l - 1]`. The gradient with
# respect to $x = h_0$ is never needed (the data is not trained), so stop after $dw_1, db_1$.
#
# **Shapes.** `dscores` is `(N, M_L)`; `grads` is a dict with the keys of `params`, each gradient
# shaped like its parameter: `grads["w2"]` like `w2`. The shape rule settles most doubts:
# `h_prev.T @ dz` is `(M_{l-1}, N) @ (N, M_l)`, the shape of `w_l`.
#
# **Worked example, continued.** With $dscores = [1, -1]$: $dw_2 = h_1^\top dscores$,
# $db_2 = [1, -1]$, $dh_1 = dscores\, w_2^\top = [1, -3, 2]$, masked by $h_1 > 0$ to $dz_1 = [1, -3, 0]$:
# the third unit was off, so its weight gradient is zero although $dh_1$ was not.
#
# **Pitfalls.** Forgetting the mask (the check above catches it: $dz_1$ would be $[1, -3, 2]$);
# masking with the *current* layer's activations instead of the previous one's; $dw$ transposed
# (`dz.T @ h_prev`); $db$ not summed over the batch, or averaged (the $1/N$ of the mean loss is
# already inside `dscores`). At exactly $z = 0$ the ReLU passes no gradient (PyTorch's choice):
# the mask is `> 0`, not `>= 0`.

# %% solution="reference.mlp:mlp_backward"

# %% check=true
check_close("mlp_backward (the worked example)",
            lambda: mlp_backward(np.array([[1.0, -1.0]]), mlp_forward(np.array([[1.0, 2.0]]), WORKED)[1]),
            {"w1": [[1.0, -3.0, 0.0], [2.0, -6.0, 0.0]], "b1": [1.0, -3.0, 0.0],
             "w2": [[2.0, -2.0], [1.5, -1.5], [0.0, 0.0]], "b2": [1.0, -1.0]})


# Central differences of your mlp_forward, one parameter at a time, on a 3-layer network.
def mlp3_forward(w1, b1, w2, b2, w3, b3, *, x):
    return mlp_forward(x, {"w1": w1, "b1": b1, "w2": w2, "b2": b2, "w3": w3, "b3": b3})


def mlp3_backward(dscores, cache):
    grads = mlp_backward(dscores, cache)
    return tuple(grads[key] for key in ("w1", "b1", "w2", "b2", "w3", "b3"))


mlp3_forward.__name__, mlp3_backward.__name__ = "mlp_forward", "mlp_backward"  # for the messages
check_gradients(mlp3_forward, mlp3_backward, *small_params([4, 5, 3, 2], seed=5).values(),
                x=np.random.default_rng(50).standard_normal((3, 4)))

# %% [markdown]
# ## 5. Mini-batches: the structure of an epoch
#
# Gradient descent on the whole training set costs a full pass per step. **Mini-batch SGD**
# estimates the gradient on a small random batch instead: many cheap, noisy steps per pass. One
# **epoch** is one pass over the data in which every example is used exactly once:
#
# 1. shuffle the indices $0, \dots, N-1$ (a fresh order every epoch);
# 2. cut the shuffled order into consecutive batches of `batch_size`;
# 3. for each batch: forward, loss, backward, update.
#
# Shuffling matters: data files are often sorted (by class, by date), and batches taken in file
# order would pull the weights towards one class after the other.
#
# **Your function** `minibatches(n, batch_size, *, rng)` does steps 1 and 2: one call
# `p = rng.permutation(n)`, then the list `[p[0:B], p[B:2B], ...]`.
#
# **Pitfall: the last batch.** When `batch_size` does not divide `n`, the last batch is smaller.
# Keep it (as PyTorch's `DataLoader` does by default, `drop_last=False`); dropping it would leave
# up to `batch_size - 1` examples out of every epoch. Slicing past the end of an array is safe in
# NumPy: `p[8:12]` of a 10-element `p` is its last 2 entries.

# %% solution="reference.mlp:minibatches"

# %% check=true
def seven_in_threes():
    batches = minibatches(7, 3, rng=np.random.default_rng(0))
    if not isinstance(batches, list) or len(batches) != 3:
        count = f"{len(batches)} batches" if isinstance(batches, list) else f"a {type(batches).__name__}"
        raise CheckFailed(f"7 examples in batches of 3 should give a list of 3 batches (3, 3, 1), got {count}")
    return {f"batch {k}": b for k, b in enumerate(batches)}


check_close("minibatches", seven_in_threes, {"batch 0": [2, 4, 3], "batch 1": [6, 5, 0], "batch 2": [1]})

# %% [markdown]
# ## 6. One epoch of SGD
#
# Now the whole loop. For each batch $B$ (from `minibatches(N, batch_size, rng=rng)`, in order):
#
# 1. `scores, cache = mlp_forward(x[B], params)`;
# 2. the batch's softmax cross-entropy and its gradient (assignment 2):
#    $$L_B = -\frac{1}{|B|}\sum_{n \in B} \log \mathrm{softmax}(s_n)_{y_n}, \qquad
#    \frac{\partial L_B}{\partial s_n} = \frac{\mathrm{softmax}(s_n) - \mathrm{onehot}(y_n)}{|B|};$$
# 3. `grads = mlp_backward(dscores, cache)`;
# 4. every parameter steps against its gradient: $p \leftarrow p - \mathrm{lr}\,\frac{\partial L_B}{\partial p}$.
#
# The function returns the new parameters and the epoch's **mean loss**: the loss of every
# example, as computed in its batch before that batch's update, averaged over all $N$ examples.
# That is the batch losses weighted by batch size, $\frac{1}{N}\sum_B |B|\, L_B$; a plain mean of
# the batch losses would overweight the small last batch.
#
# **Hint.** Compute the log-softmax from max-shifted scores,
# $\log\mathrm{softmax}(s)_k = (s_k - m) - \log\sum_j e^{s_j - m}$ with $m = \max_j s_j$, as in
# assignment 2. Write the softmax cross-entropy inline here (a few lines): this notebook has no
# loss function of its own.
#
# **Pitfalls.** `params[key] -= lr * grads[key]` changes the caller's arrays in place: build a new
# dict of new arrays (`params[key] - lr * grads[key]`). A `+` instead of `-` climbs the loss.
# Dividing `dscores` by $N$ instead of by the batch's own size $|B|$ shrinks every step. And
# call `minibatches` with the given `rng` and nothing else: the grader replays your epoch with the
# same generator.

# %% solution="reference.mlp:sgd_epoch"

# %% check=true
def one_epoch():
    rng = np.random.default_rng(40)
    x = rng.standard_normal((5, 2))
    y = np.array([0, 1, 1, 0, 1])
    new_params, mean_loss = sgd_epoch(small_params([2, 3, 2], seed=4), x, y, lr=0.5, batch_size=2,
                                      rng=np.random.default_rng(0))
    return {**new_params, "mean_loss": mean_loss}


check_close("sgd_epoch", one_epoch,
            {"w1": [[-0.4110844534, 0.1798424983, 1.1764305163], [0.4152440936, -0.890813654, -0.0036792634]],
             "b1": [-0.1286561971, -0.2908385274, -0.1608187784],
             "w2": [[0.0555505967, 0.2199336983], [0.549368443, 0.5431347558], [0.2947642526, -0.86205132]],
             "b2": [-0.1592924478, 0.1930008045],
             "mean_loss": 1.1456429219})

# %% [markdown]
# ## 7. Learning-rate decay
#
# With a constant learning rate, SGD does not settle at a minimum: each step follows a noisy
# gradient, so the weights keep jittering around it, with an amplitude that grows with the
# learning rate. A large rate early (fast progress) and a smaller one later (a finer jitter) gets
# the best of both. **Step decay** multiplies the rate by $\gamma$ every `step_size` epochs:
#
# $$\mathrm{lr}(\text{epoch}) = \mathrm{lr}_0 \; \gamma^{\lfloor \text{epoch} / \text{step\_size} \rfloor}.$$
#
# `epoch` counts the epochs already completed, so epoch 0 uses $\mathrm{lr}_0$ (PyTorch's `StepLR`
# after `epoch` calls of `scheduler.step()`). With `step_size=3`: epochs 0, 1, 2 use $\mathrm{lr}_0$,
# epochs 3, 4, 5 use $\gamma\,\mathrm{lr}_0$, and so on.
#
# **Pitfalls.** `epoch / step_size` (true division: a smooth exponential decay, not steps);
# starting to count at 1 (the first decay one epoch early).

# %% solution="reference.optim:step_lr"

# %% check="step_lr"
check_outputs("step_lr", step_lr)
check_close("step_lr (epochs 0 to 9)",
            lambda: {"lr": [step_lr(0.1, epoch, step_size=3, gamma=0.5) for epoch in range(10)]},
            {"lr": [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]})

# %% [markdown]
# ## 8. Early stopping
#
# Train long enough and the network starts to memorise its training set: the training loss keeps
# falling while the validation loss turns back up. **Early stopping** watches the validation
# metric after every epoch and stops once it has not improved for `patience` epochs in a row;
# then it **restores the weights of the best epoch** (the loop keeps a copy of them), since the
# last weights are `patience` epochs past the best.
#
# The rule (mode `"min"`, for losses): walk through the history $v_0, \dots, v_{T-1}$ with
# $\text{best} = +\infty$; epoch $t$ **improves** if $v_t < \text{best} - \text{min\_delta}$, and then
# $\text{best} = v_t$ and `best_epoch` $= t$. Stop when
#
# $$(T - 1) - \text{best\_epoch} \ \ge\ \text{patience}.$$
#
# Mode `"max"` (for accuracies) mirrors it: improve if $v_t > \text{best} + \text{min\_delta}$.
# `min_delta` demands a real gain: an improvement smaller than that does not count, and does not
# move `best` either. A tie is not an improvement, and neither is NaN (every comparison with NaN
# is False), so a diverged run stops instead of waiting forever. The function returns
# `(should_stop, best_epoch)`.
#
# **Example.** Losses `[1.0, 0.8, 0.8, 0.85, 0.79, 0.9, 0.9]`, patience 2: the best is 0.79 at
# epoch 4 (the second 0.8 is a tie), and epochs 5 and 6 make two epochs without improvement, so
# training stops, and the weights of epoch 4 are restored.
#
# **Pitfalls.** `>` instead of `>=` (one epoch too many); counting ties as improvements (a plateau
# then never stops); ignoring `mode` or `min_delta`.

# %% solution="reference.model_selection:early_stopping"

# %% check="early_stopping"
check_outputs("early_stopping", early_stopping)


def stopping_cases():
    cases = [
        ([3.0, 2.0, 1.0], {"patience": 1}),                       # still improving
        ([1.0, 1.0, 1.0], {"patience": 2}),                       # ties never improve: best is epoch 0
        ([1.0, 0.97, 0.93, 0.91, 0.9], {"patience": 2, "min_delta": 0.05}),   # small gains do not count
        ([0.5, 0.7, 0.7, 0.6], {"patience": 2, "mode": "max"}),   # accuracy: higher is better
        ([1.0, float("nan"), float("nan")], {"patience": 2}),     # NaN never improves
    ]
    results = [early_stopping(np.array(history), **kwargs) for history, kwargs in cases]
    return {"should_stop": [bool(stop) for stop, _ in results], "best_epoch": [best for _, best in results]}


check_close("early_stopping (five more histories)", stopping_cases,
            {"should_stop": [False, True, True, True, True], "best_epoch": [2, 0, 2, 1, 0]})

# %% [markdown]
# ## 9. Experiments
#
# ### How activations grow or vanish with depth
#
# Push a batch of standard-normal inputs through 12 ReLU layers of width 256 (biases 0) and
# measure the standard deviation of each layer's input $h_{l-1}$: your `mlp_forward`'s cache holds
# exactly these. Compare He initialisation (gain $\sqrt 2$), He with gain 1, and Xavier (for a
# square layer the same variance as He with gain 1).

# %% experiment=true
import matplotlib.pyplot as plt


def deep_params(init, depth=12, width=256, seed=0, **options):
    rng = np.random.default_rng(seed)
    params = {}
    for layer in range(1, depth + 1):
        params[f"w{layer}"] = init(width, width, rng=rng, **options)
        params[f"b{layer}"] = np.zeros(width)
    return params


with skip_if_not_implemented():
    x_probe = np.random.default_rng(1).standard_normal((500, 256))
    schemes = {"he_normal (gain sqrt 2)": (he_normal, {}), "he_normal (gain 1)": (he_normal, {"gain": 1.0}),
               "xavier_uniform": (xavier_uniform, {})}
    layer_stds = {}
    for label, (init, options) in schemes.items():
        _, cache = mlp_forward(x_probe, deep_params(init, **options))
        layer_stds[label] = [float(h.std()) for h, _ in cache]
    plt.figure(figsize=(6, 4))
    for label, stds in layer_stds.items():
        plt.semilogy(range(len(stds)), stds, "o-", label=label)
        print(f"{label:24s} std of the input of layer 1, 6, 12: {stds[0]:.3f}, {stds[5]:.3g}, {stds[11]:.3g}")
    plt.xlabel("l (std of h_l, the input of layer l + 1)")
    plt.ylabel("standard deviation")
    plt.legend()
    plt.show()

# %% [markdown]
# With gain 1 each ReLU layer halves the second moment, and after 11 layers the signal is about
# $2^{-11/2} \approx 2\%$ of its size; with He's $\sqrt 2$ it stays put. Gradients suffer the
# same fate on the way back.
#
# ### Digits: a complete training run
#
# scikit-learn's 8x8 handwritten digits (1797 images, 64 pixels with values 0 to 16, ten
# classes), split at random into 60% training, 20% validation and 20% test examples. A network
# 64 -> 64 -> 10 (He for the ReLU layer, Xavier for the output layer) trains with batches of 32
# and a rate of 0.1 halved every 10 epochs. The validation loss decides when to stop (patience 5,
# `min_delta` 0.001: late gains of less than a thousandth do not count), and the test set is used
# once, at the very end, with the restored best weights.

# %% experiment=true
from sklearn.datasets import load_digits

digits = load_digits()
x_all, y_all = digits.data.astype(np.float64), digits.target.astype(np.int64)
order = np.random.default_rng(0).permutation(len(y_all))
n_train, n_val = int(0.6 * len(y_all)), int(0.2 * len(y_all))
train, val, test = order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
print(f"{len(train)} training, {len(val)} validation, {len(test)} test examples")
print("pixels that are constant on the training set:", int(np.sum(np.ptp(x_all[train], axis=0) == 0)))


def loss_and_accuracy(params, x, y):
    """Mean softmax cross-entropy and accuracy of the network on (x, y)."""
    scores, _ = mlp_forward(x, params)
    log_probs = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)  # stable log-softmax
    return float(-np.mean(log_probs[np.arange(len(y)), y])), float(np.mean(scores.argmax(axis=1) == y))


# %% experiment=true
history = None
with skip_if_not_implemented():
    x_train, mean, std = standardize(x_all[train])
    x_val, _, _ = standardize(x_all[val], mean, std)     # the training statistics, never the validation set's
    x_test, _, _ = standardize(x_all[test], mean, std)
    y_train, y_val, y_test = y_all[train], y_all[val], y_all[test]

    rng = np.random.default_rng(0)
    params = {"w1": he_normal(64, 64, rng=rng), "b1": np.zeros(64),
              "w2": xavier_uniform(64, 10, rng=rng), "b2": np.zeros(10)}
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    best_params = params
    for epoch in range(50):
        lr = step_lr(0.1, epoch, step_size=10, gamma=0.5)
        params, _ = sgd_epoch(params, x_train, y_train, lr=lr, batch_size=32, rng=rng)
        for split, (x, y) in {"train": (x_train, y_train), "val": (x_val, y_val)}.items():
            loss, acc = loss_and_accuracy(params, x, y)
            history[f"{split}_loss"].append(loss)
            history[f"{split}_acc"].append(acc)
        stop, best_epoch = early_stopping(np.array(history["val_loss"]), patience=5, min_delta=1e-3)
        if best_epoch == epoch:
            best_params = params   # sgd_epoch returns new arrays, so no copy is needed
        if stop:
            break
    print(f"stopped after epoch {epoch} (lr {lr:g}); best validation loss {history['val_loss'][best_epoch]:.4f} "
          f"at epoch {best_epoch}: restoring those weights")
    test_loss, test_acc = loss_and_accuracy(best_params, x_test, y_test)
    print(f"test accuracy {100 * test_acc:.1f}% (test loss {test_loss:.3f})")

# %% experiment=true
if history is None:
    print("The learning curves appear once the training run above works.")
else:
    epochs = np.arange(len(history["train_loss"]))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(epochs, history["train_loss"], label="train")
    left.plot(epochs, history["val_loss"], label="validation")
    left.axvline(best_epoch, color="grey", linestyle=":", label="best epoch")
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_ylabel("cross-entropy")
    left.legend()
    right.plot(epochs, history["train_acc"], label="train")
    right.plot(epochs, history["val_acc"], label="validation")
    right.axvline(best_epoch, color="grey", linestyle=":")
    right.set_xlabel("epoch")
    right.set_ylabel("accuracy")
    right.legend()
    fig.tight_layout()
    plt.show()

# %% [markdown]
# **Questions to think about.** Where do the training and validation curves part, and what does
# the gap measure? Run the loop again with `standardize` replaced by the raw pixels (or by
# statistics computed on the test set): what changes, and which of the two mistakes would a test
# accuracy fail to reveal? What does the decay at epochs 10, 20 and 30 do to the curves? How does
# the result change with zero initial weights, `params = {k: np.zeros_like(v) ...}`, and why?

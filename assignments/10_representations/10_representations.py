# %% [markdown]
# So far every network learned from labels. **Representation learning** asks a different
# question: what useful description of the data can a network find *without* labels? This
# notebook builds two classic answers.
#
# 1. An **autoencoder** squeezes each input through a small **code** and must rebuild the
#    input from it. To reconstruct well from few numbers, the code has to capture what varies
#    in the data. You build a linear one with tied weights (and see that it finds the same
#    subspace as PCA), a non-linear one, and a **denoising** one that must undo corruption.
#
#    ```
#    x (N, D) --encoder--> z (N, K), K < D --decoder--> x_hat (N, D)      loss: ||x_hat - x||^2
#    ```
#
# 2. **Word2vec** (skip-gram with negative sampling, SGNS) gives every word a vector such that
#    words used in the same contexts get similar vectors. The only "label" is the text itself:
#    which words appear near which.
#
# **Shapes.** Samples are rows: a batch is `(N, D)`, its codes `(N, K)`. Weights are stored
# `(inputs, outputs)` as in the rest of the course, so an encoder computes `x @ w`. Word
# embeddings are tables `(V, D)`: row $i$ is the vector of word $i$ of a vocabulary of $V$ words.
#
# **Rules of the house.** NumPy only; no loops over samples or features (the SGNS index
# arithmetic needs none either). Never change an input in place; return fresh arrays.
# Randomness comes only from the `rng` argument (a `np.random.Generator`), drawn exactly as the
# docstring says, so that the grader can reproduce your draws.
#
# **Checks.** After each function a locked cell prints `PASS`, `FAIL` with the reason, or
# `NOT IMPLEMENTED YET`. A PASS is a good sign, not your grade: the grader uses other inputs and
# shapes, including a single sample, a single negative and repeated words.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import (check_backward, check_gradients, check_outputs, check_returns, loss_as_pair,
                        skip_if_not_implemented)


# %% [markdown]
# ## 1. The reconstruction loss
#
# How far is the reconstruction from the input? The squared distance of each sample, summed
# over its $D$ features and averaged over the $N$ samples:
#
# $$L = \frac{1}{N} \sum_{n=1}^{N} \lVert \hat x_n - x_n \rVert^2, \qquad
# \frac{\partial L}{\partial \hat x} = \frac{2}{N} (\hat x - x).$$
#
# Return `(loss, dx_hat)` with `loss` a Python float and `dx_hat` of shape `(N, D)`.
#
# **Pitfall.** Assignment 2's `mse` averages over *every entry*, i.e. divides by $N D$. Here
# we divide by $N$ only: the error of one image is the sum over its pixels. The two differ by
# the constant factor $D$, which would silently rescale the learning rate.

# %% solution="reference.autoencoder:reconstruction_loss"

# %% check="reconstruction_loss"
check_outputs("reconstruction_loss", reconstruction_loss)

# %% [markdown]
# ## 2. A linear autoencoder with tied weights
#
# The simplest autoencoder is linear, and its decoder reuses the encoder's weights,
# transposed (**tied weights**):
#
# $$z = x W + b_{\text{enc}} \quad (N, K), \qquad \hat x = z W^\top + b_{\text{dec}} \quad (N, D),$$
#
# with `w` `(D, K)`, `b_enc` `(K,)` and `b_dec` `(D,)`. Tying halves the number of weights
# and makes the connection to PCA exact: PCA also encodes with a $D \times K$ matrix of
# orthonormal directions $U$ ($z = x U$) and decodes with its transpose ($\hat x = z U^\top$).
#
# **Hint.** Two lines. Return the cache `(x, w, z)` exactly as the docstring says.
#
# **Pitfall.** The decoder multiplies by `w.T`, of shape `(K, D)`. When $D = K$, `z @ w` also
# runs, with wrong values.

# %% solution="reference.autoencoder:tied_autoencoder_forward"

# %% check="tied_autoencoder_forward"
check_outputs("tied_autoencoder_forward", tied_autoencoder_forward)

# %% [markdown]
# ## 3. Its backward: one weight, two uses
#
# Given $d\hat x = \partial L / \partial \hat x$, go back through the decoder, then the encoder:
#
# $$dz = d\hat x\, W, \qquad dx = dz\, W^\top, \qquad db_{\text{dec}} = \textstyle\sum_n d\hat x_n, \qquad db_{\text{enc}} = \textstyle\sum_n dz_n .$$
#
# $W$ is used twice, once by the encoder ($x W$) and once, transposed, by the decoder
# ($z W^\top$). When a parameter is used twice, its gradient is the **sum** of the gradients
# of both uses:
#
# $$dW = \underbrace{x^\top dz}_{\text{encoder}} + \underbrace{\bigl(z^\top d\hat x\bigr)^\top}_{\text{decoder, transposed back}} = x^\top dz + d\hat x^\top z .$$
#
# The decoder's own weight is $W^\top$ `(K, D)`, whose gradient is $z^\top d\hat x$ `(K, D)`;
# transposing it back gives the contribution to $W$ `(D, K)`.
#
# **Pitfalls.** Keeping only one of the two terms (the network still trains, more slowly and
# to the wrong place). Adding $z^\top d\hat x$ without transposing it (when $D = K$ the shapes
# agree and only the values are wrong).

# %% solution="reference.autoencoder:tied_autoencoder_backward"

# %% check="tied_autoencoder_backward"
check_backward("tied_autoencoder_backward", tied_autoencoder_forward, tied_autoencoder_backward)
check_gradients(tied_autoencoder_forward, tied_autoencoder_backward)

# %% [markdown]
# ## 4. A non-linear autoencoder
#
# A linear code can only describe a flat subspace. A non-linear encoder and decoder can bend
# it. We use one layer each, a tanh encoder and a sigmoid decoder (pixel intensities lie in
# $[0, 1]$, and so does a sigmoid):
#
# $$z = \tanh(x W_1 + b_1) \quad (N, K), \qquad \hat x = \sigma(z W_2 + b_2) \quad (N, D), \qquad \sigma(a) = \frac{1}{1 + e^{-a}},$$
#
# with `w1` `(D, K)`, `b1` `(K,)`, `w2` `(K, D)`, `b2` `(D,)`; the weights are *not* tied.
#
# **Hint.** A sigmoid that never overflows: $\sigma(a) = \tfrac12 \bigl(1 + \tanh(a/2)\bigr)$.
#
# **Pitfall.** `1 / (1 + np.exp(-a))` overflows (with a warning) for $a \approx -800$; the
# check has such a unit.

# %% solution="reference.autoencoder:autoencoder_forward"

# %% check="autoencoder_forward"
check_outputs("autoencoder_forward", autoencoder_forward)

# %% [markdown]
# ## 5. Its backward
#
# Two layers, each an affine map followed by a non-linearity whose derivative is a function of
# its output: $\sigma' = \sigma (1 - \sigma)$ and $\tanh' = 1 - \tanh^2$.
#
# $$da_2 = d\hat x \odot \hat x (1 - \hat x), \quad dW_2 = z^\top da_2, \quad db_2 = \textstyle\sum_n da_{2,n}, \quad
# dz = da_2 W_2^\top,$$
#
# $$da_1 = dz \odot (1 - z^2), \quad dW_1 = x^\top da_1, \quad db_1 = \textstyle\sum_n da_{1,n}, \quad dx = da_1 W_1^\top .$$
#
# Return `(dx, dw1, db1, dw2, db2)`, each shaped like what it is the gradient of.
#
# **Pitfall.** Mixing up the two derivatives, or using $1 - z$ for tanh.

# %% solution="reference.autoencoder:autoencoder_backward"

# %% check="autoencoder_backward"
check_backward("autoencoder_backward", autoencoder_forward, autoencoder_backward)
check_gradients(autoencoder_forward, autoencoder_backward)

# %% [markdown]
# ## 6. Masking noise
#
# A **denoising** autoencoder receives a corrupted input $\tilde x$ and must rebuild the clean
# $x$. It cannot simply copy its input, so it has to learn what digits look like. Our
# corruption sets each entry to 0 with probability $p$:
#
# $$\tilde x_i = x_i \, [u_i \ge p], \qquad u_i \sim U[0, 1).$$
#
# Draw the uniforms with exactly one call, `rng.random(x.shape)` (also when $p = 0$), and keep
# the entries where `u >= drop_prob`. Raise a `ValueError` when `drop_prob` is not in $[0, 1)$.
#
# **Pitfall.** This is not dropout: do *not* rescale the survivors by $1 / (1 - p)$. Dropout
# rescales so that the next layer sees the same mean; here the corrupted image is an input to
# be repaired, and the target is the clean image as it is.

# %% solution="reference.autoencoder:masking_noise"

# %% check=true
check_returns("masking_noise",
              lambda: masking_noise(np.arange(1.0, 13.0).reshape(3, 4), 0.5, np.random.default_rng(3)),
              {"x_noisy": [[0.0, 0.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [9.0, 0.0, 0.0, 12.0]]},
              hint="draw keep = rng.random(x.shape) >= drop_prob and do not rescale")

# %% [markdown]
# ## 7. The denoising autoencoder's loss
#
# One training step's worth of computation, from your functions above:
#
# $$\tilde x = \text{masking\_noise}(x, p), \qquad \hat x = f(\tilde x) \text{ (the autoencoder of section 4)}, \qquad L = \frac1N \sum_n \lVert \hat x_n - x_n \rVert^2 .$$
#
# Return `(loss, dw1, db1, dw2, db2)`: the gradients of the parameters only (the input is data,
# not something we train).
#
# **Hint.** Four calls: `masking_noise` (once, with the `rng` you are given), `autoencoder_forward`,
# `reconstruction_loss`, `autoencoder_backward`.
#
# **Pitfall.** Comparing the reconstruction with the *noisy* input. The network then learns to
# reproduce the holes, which is the identity map again, and nothing is denoised.

# %% solution="reference.autoencoder:denoising_autoencoder_loss"

# %% check=true
def denoising_example(w1, b1, w2, b2, seed=11):
    x = np.linspace(0.05, 0.95, 8).reshape(2, 4)
    return denoising_autoencoder_loss(x, w1, b1, w2, b2, 0.5, np.random.default_rng(seed))


DAE_PARAMS = (np.sin(np.arange(8.0)).reshape(4, 2), np.array([0.1, -0.2]),
              np.cos(np.arange(8.0)).reshape(2, 4), np.linspace(-0.3, 0.3, 4))
check_returns("denoising_autoencoder_loss", lambda: denoising_example(*DAE_PARAMS),
              {"loss": 0.3628842253718061},
              hint="the target is the clean x; about 0.7067 means you compared with the noisy input")
# the same noise at every evaluation (a fresh generator with the same seed): the gradients of
# your loss must match central differences of it
check_gradients(*loss_as_pair(denoising_example, "denoising_autoencoder_loss"), *DAE_PARAMS)

# %% [markdown]
# ## 8. Word2vec: the noise distribution
#
# Skip-gram learns from pairs (centre word $c$, context word $o$) read from a text: $o$ occurs
# within a few positions of $c$. It keeps two tables of vectors, `w_in` for words as centres
# ($v$) and `w_out` for words as contexts ($u$), and wants the score $u_o^\top v_c$ to be high
# for real pairs. To keep it from simply making every score high, each real pair is contrasted
# with $K$ **negative** words drawn at random, whose scores should be low.
#
# Which random words? Drawn by frequency, "the" would be nearly every negative; drawn
# uniformly, rare words would dominate. Word2vec raises the counts to the power $3/4$, a
# compromise found by experiment:
#
# $$P(w) = \frac{c_w^{3/4}}{\sum_{v} c_v^{3/4}} .$$
#
# `counts` is `(V,)`, non-negative, with at least one positive entry (raise `ValueError`
# otherwise); return float64 probabilities summing to 1. A word of count 0 gets probability 0,
# whatever the power.
#
# **Pitfall.** Forgetting the power (plain frequencies), or normalising the counts *before*
# raising them to it (then the result no longer sums to 1).

# %% solution="reference.word2vec:unigram_distribution"

# %% check="unigram_distribution"
check_outputs("unigram_distribution", unigram_distribution)

# %% [markdown]
# ## 9. Sampling the negatives
#
# Draw $K$ words for each of $N$ pairs, independently, from the distribution above, as an
# `(N, K)` int64 array. Use exactly one call, `rng.choice(V, size=(n, k), p=probs)`.
#
# It is worth knowing what that call does: it draws $u \sim U[0, 1)$ and returns the first
# index whose cumulative probability exceeds $u$ (**inverse-CDF sampling**; the original C code
# fills a table of $10^8$ slots, word $w$ taking a share $P(w)$ of them, and draws slots
# uniformly, which is the same thing with a coarser $u$). A word of probability 0 owns an empty
# interval of the CDF and never comes out.
#
# **Pitfall.** `rng.integers(V, size=(n, k))` draws uniformly and ignores `probs`.

# %% solution="reference.word2vec:sample_negatives"

# %% check=true
check_returns("sample_negatives",
              lambda: sample_negatives(np.array([0.1, 0.0, 0.6, 0.3]), 3, 4, np.random.default_rng(7)),
              {"negatives": [[2, 3, 3, 2], [2, 3, 0, 3], [3, 2, 2, 2]]},
              hint="draw with rng.choice(V, size=(n, k), p=probs)")

# %% [markdown]
# ## 10. The SGNS loss, given the vectors
#
# For pair $n$ with centre vector $v_n$, context vector $u_n$ and negatives' vectors $u_{n1},
# \dots, u_{nK}$, logistic regression says "real pair" with probability $\sigma(u_n^\top v_n)$
# and "random pair" with probability $1 - \sigma(u_{nk}^\top v_n) = \sigma(-u_{nk}^\top v_n)$.
# The loss is the negative log-likelihood, averaged over the $N$ pairs (summed over the negatives):
#
# $$L = -\frac1N \sum_n \Bigl[\log \sigma(u_n^\top v_n) + \sum_{k=1}^{K} \log \sigma(-u_{nk}^\top v_n)\Bigr].$$
#
# With $s = u^\top v$ and $\frac{d}{ds} \log \sigma(s) = 1 - \sigma(s) = \sigma(-s)$, write
# $g_n = -\sigma(-s_n) / N$ for the positive score and $g_{nk} = \sigma(s_{nk}) / N$ for each
# negative one; then
#
# $$dv_n = g_n u_n + \sum_k g_{nk} u_{nk}, \qquad du_n = g_n v_n, \qquad du_{nk} = g_{nk} v_n .$$
#
# Shapes: `v` `(N, D)`, `u_pos` `(N, D)`, `u_neg` `(N, K, D)`. Return
# `(loss, dv, du_pos, du_neg)`.
#
# **Hints.** Scores without loops: `np.sum(u_pos * v, axis=1)` is `(N,)` and
# `np.einsum("nkd,nd->nk", u_neg, v)` is `(N, K)`. Stably, $-\log \sigma(s) = \log(1 + e^{-s})$
# = `np.logaddexp(0, -s)`.
#
# **Pitfalls.** The sign inside the negative term: it is $\log \sigma(-s)$, so that a
# *low* score of a random word is rewarded. `np.log(1 / (1 + np.exp(-s)))` is `log(0)` for
# $s = -800$; the check has scores in the hundreds.

# %% solution="reference.word2vec:sgns_loss_vectors"

# %% check="sgns_loss_vectors"
check_outputs("sgns_loss_vectors", sgns_loss_vectors)
check_gradients(*loss_as_pair(sgns_loss_vectors),
                np.sin(np.arange(6.0)).reshape(2, 3), np.cos(np.arange(6.0)).reshape(2, 3),
                np.sin(1.7 * np.arange(12.0)).reshape(2, 2, 3))

# %% [markdown]
# ## 11. The SGNS loss of a batch of word indices
#
# In training we have indices, not vectors: `centers` `(N,)`, `contexts` `(N,)` and
# `negatives` `(N, K)`, integers in $[0, V)$. Look up the vectors (`w_in[centers]`,
# `w_out[contexts]`, `w_out[negatives]`), call your `sgns_loss_vectors`, and send each
# gradient back to the row it came from. Return `(loss, dw_in, dw_out)`, both gradients
# `(V, D)`, with zeros for words that do not occur. Raise `ValueError` for indices that are not
# integers or not in $[0, V)$ (NumPy would wrap -1 to the last word).
#
# **Pitfall: repeated words.** A word occurs many times in a batch: "the" as a centre of many
# pairs, or a word that is both a context and a negative. Its row must receive the **sum** of
# all those gradients. `dw[idx] += g` is buffered and keeps only one contribution per repeated
# index; `np.add.at(dw, idx, g)` adds them all (as in assignment 7's embedding). Note that
# `w_out` receives gradients from two places, the contexts and the negatives.

# %% solution="reference.word2vec:sgns_loss"

# %% check="sgns_loss"
check_outputs("sgns_loss", sgns_loss)
check_gradients(*loss_as_pair(sgns_loss), np.sin(np.arange(15.0)).reshape(5, 3),
                np.cos(np.arange(15.0)).reshape(5, 3), np.array([0, 2, 2]), np.array([1, 1, 2]),
                np.array([[1, 4], [4, 4], [2, 0]]))

# %% [markdown]
# ## Experiments (not graded)
#
# Each experiment below runs in a few seconds on a laptop. If a function it needs is not
# implemented yet, it prints one line saying which, and skips.
#
# ### The linear autoencoder finds the PCA subspace
#
# The 8x8 digits of scikit-learn (bundled with it, no download), scaled to $[0, 1]$ and
# centred. We train the tied linear autoencoder with $K = 2$ by full-batch gradient descent and
# compare the plane spanned by the columns of $W$ with the plane of the first two principal
# components: the cosines of the **principal angles** between the two planes are 1 when the
# planes coincide. A theorem (Baldi and Hornik, 1989) says they must at the optimum: the best
# rank-$K$ linear reconstruction in squared error is the projection on the top-$K$ principal
# subspace, and the autoencoder cannot beat it. It need not find the principal *directions*,
# only their span: any rotation of the code gives the same reconstruction.

# %% experiment=true
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

digits = load_digits()
images = digits.data / 16.0                    # (1797, 64), in [0, 1]
labels = digits.target
centred = images - images.mean(axis=0)
_, singular_values, components = np.linalg.svd(centred, full_matrices=False)


def principal_angle_cosines(a, b):
    """Cosines of the principal angles between the column spaces of a and b."""
    return np.linalg.svd(np.linalg.qr(a)[0].T @ np.linalg.qr(b)[0], compute_uv=False)


def train_tied(x, k, steps=1000, seed=0):
    rng = np.random.default_rng(seed)
    w, b_enc, b_dec = 0.1 * rng.standard_normal((x.shape[1], k)), np.zeros(k), np.zeros(x.shape[1])
    # a step below 2 / (largest curvature); the curvature is about 4 * (top variance)
    step = 0.5 / (6.0 * singular_values[0] ** 2 / x.shape[0])
    losses = []
    for _ in range(steps):
        x_hat, cache = tied_autoencoder_forward(x, w, b_enc, b_dec)
        loss, dloss = reconstruction_loss(x_hat, x)
        _, dw, db_enc, db_dec = tied_autoencoder_backward(dloss, cache)
        w, b_enc, b_dec = w - step * dw, b_enc - step * db_enc, b_dec - step * db_dec
        losses.append(loss)
    return (w, b_enc, b_dec), losses


with skip_if_not_implemented():
    (w_lin, b_enc_lin, b_dec_lin), lin_losses = train_tied(centred, 2)
    pca_error = np.sum(singular_values[2:] ** 2) / centred.shape[0]
    print(f"reconstruction error: tied linear autoencoder {lin_losses[-1]:.4f}, PCA with 2 components {pca_error:.4f}")
    print("cosines of the principal angles to the PCA plane:",
          np.round(principal_angle_cosines(w_lin, components[:2].T), 6))
    codes_ae = centred @ w_lin + b_enc_lin
    codes_pca = centred @ components[:2].T
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    axes[0].semilogy(np.array(lin_losses) - pca_error + 1e-12)
    axes[0].set_title("loss minus PCA's error")
    axes[0].set_xlabel("step")
    for ax, codes, title in ((axes[1], codes_ae, "autoencoder code"), (axes[2], codes_pca, "first two PCs")):
        points = ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=4)
        ax.set_title(title)
    fig.colorbar(points, ax=axes[2], label="digit")
    fig.tight_layout()
    plt.show()

# %% [markdown]
# The two scatter plots are the same cloud up to a rotation and a stretch: the autoencoder's
# code is the PCA code in other coordinates.
#
# ### A non-linear code and reconstructions
#
# Now the non-linear autoencoder, trained with mini-batches and Adam (written out, as in
# assignment 4), with a 2-D code and with a 16-D code. The top row of the figure shows test
# digits, the rows below their reconstructions.

# %% experiment=true
def adam(loss_and_grads, params, *, steps, lr, rng, batch=128, data=images):
    """Minimise loss_and_grads(x_batch, params, rng) -> (loss, grads) with Adam."""
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    losses = []
    for t in range(1, steps + 1):
        batch_x = data[rng.integers(0, data.shape[0], batch)]
        loss, grads = loss_and_grads(batch_x, params, rng)
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            params[i] = params[i] - lr * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
        losses.append(loss)
    return params, losses


def init_autoencoder(k, rng, d=64):
    return [rng.standard_normal((d, k)) / 8.0, np.zeros(k), rng.standard_normal((k, d)) / np.sqrt(k), np.zeros(d)]


def plain_step(batch_x, params, rng):
    x_hat, cache = autoencoder_forward(batch_x, *params)
    loss, dloss = reconstruction_loss(x_hat, batch_x)
    return loss, autoencoder_backward(dloss, cache)[1:]


def show_rows(rows, titles):
    fig, axes = plt.subplots(len(rows), 10, figsize=(10, 1.1 * len(rows)))
    for r, (row, title) in enumerate(zip(rows, titles)):
        for c in range(10):
            axes[r, c].imshow(row[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[r, c].axis("off")
        axes[r, 0].set_title(title, fontsize=8, loc="left")
    fig.tight_layout()
    plt.show()


with skip_if_not_implemented():
    shown = images[np.arange(10) * 179]
    models = {k: adam(plain_step, init_autoencoder(k, np.random.default_rng(1)), steps=2000, lr=0.01,
                      rng=np.random.default_rng(1))[0] for k in (2, 16)}
    for k, params in models.items():
        error = reconstruction_loss(autoencoder_forward(images, *params)[0], images)[0]
        print(f"K = {k:2d}: non-linear autoencoder error {error:.3f}, "
              f"PCA with {k} components {np.sum(singular_values[k:] ** 2) / images.shape[0]:.3f}")
    codes = np.tanh(images @ models[2][0] + models[2][1])
    plt.figure(figsize=(5, 4.2))
    plt.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=4)
    plt.colorbar(label="digit")
    plt.title("2-D code of the non-linear autoencoder")
    plt.show()
    show_rows([shown] + [autoencoder_forward(shown, *models[k])[0] for k in (2, 16)],
              ["input", "K = 2", "K = 16"])

# %% [markdown]
# With one tanh layer the 2-D code is only slightly better than PCA's; deeper encoders bend
# the space much more. With 16 numbers per image, the reconstructions are close to the inputs.
#
# ### Denoising
#
# Corrupt 40% of the pixels and ask two 16-D autoencoders to repair them: the plain one from
# above, and one trained on your `denoising_autoencoder_loss`.

# %% experiment=true
def denoising_step(batch_x, params, rng):
    loss, *grads = denoising_autoencoder_loss(batch_x, *params, 0.4, rng)
    return loss, grads


with skip_if_not_implemented():
    denoiser, _ = adam(denoising_step, init_autoencoder(16, np.random.default_rng(1)), steps=2000, lr=0.01,
                       rng=np.random.default_rng(2))
    noisy_images = masking_noise(images, 0.4, np.random.default_rng(5))
    for name, params in (("plain", models[16]), ("denoising", denoiser)):
        repaired = autoencoder_forward(noisy_images, *params)[0]
        print(f"{name:9s} autoencoder: error of noisy -> clean {reconstruction_loss(repaired, images)[0]:.3f}")
    print(f"the noisy images themselves: {reconstruction_loss(noisy_images, images)[0]:.3f}")
    noisy_shown = masking_noise(shown, 0.4, np.random.default_rng(6))
    show_rows([shown, noisy_shown, autoencoder_forward(noisy_shown, *models[16])[0],
               autoencoder_forward(noisy_shown, *denoiser)[0]],
              ["clean", "40% masked", "plain autoencoder", "denoising autoencoder"])

# %% [markdown]
# ### Word vectors from a small generated corpus
#
# A tiny grammar writes sentences about animals on a farm, meals, and vehicles in a town; each
# slot of a template is filled with a word of its category. No download: the corpus is made
# here, from a fixed seed. Words of one category never co-occur in a way that tells them apart,
# only their contexts are shared, which is exactly what skip-gram picks up.

# %% experiment=true
GRAMMAR = {
    "animal": ["cat", "dog", "horse", "cow", "sheep", "goat"],
    "rests": ["sleeps", "runs", "grazes", "rests"],
    "field": ["farm", "field", "meadow", "barn"],
    "food": ["bread", "apple", "cheese", "rice", "soup", "cake"],
    "eat": ["eat", "cook", "buy", "like"],
    "meal": ["breakfast", "lunch", "dinner"],
    "vehicle": ["car", "bus", "train", "truck", "bike", "tram"],
    "color": ["red", "blue", "green", "yellow", "black", "white"],
    "moves": ["drives", "goes", "travels"],
    "town": ["station", "city", "market", "harbour"],
}
TEMPLATES = [
    "the {animal} {rests} in the {field}",
    "a {animal} and a {animal} {rests} near the {field}",
    "we {eat} {food} for {meal}",
    "they {eat} {food} and {food} at {meal}",
    "the {color} {vehicle} {moves} to the {town}",
    "a {vehicle} {moves} from the {town} to the {town}",
]


def make_corpus(n_sentences, rng):
    sentences = []
    for _ in range(n_sentences):
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        sentences.append([GRAMMAR[p[1:-1]][rng.integers(len(GRAMMAR[p[1:-1]]))] if p.startswith("{") else p
                          for p in template.split()])
    return sentences


def skipgram_pairs(sentences, index, window):
    """(centres, contexts): every pair of words at most `window` positions apart in a sentence."""
    centres, contexts = [], []
    for sentence in sentences:
        ids = [index[w] for w in sentence]
        for i, centre in enumerate(ids):
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                if j != i:
                    centres.append(centre)
                    contexts.append(ids[j])
    return np.array(centres), np.array(contexts)


corpus_rng = np.random.default_rng(0)
sentences = make_corpus(3000, corpus_rng)
vocab = sorted({w for s in sentences for w in s})
index = {w: i for i, w in enumerate(vocab)}
word_counts = np.bincount([index[w] for s in sentences for w in s], minlength=len(vocab))
centres, contexts = skipgram_pairs(sentences, index, window=2)
print(f"{len(sentences)} sentences, {word_counts.sum()} words, vocabulary of {len(vocab)}, {len(centres)} pairs")
print("e.g.:", " / ".join(" ".join(s) for s in sentences[:3]))

# %% experiment=true
def train_sgns(centres, contexts, counts, *, dim=16, negatives=5, epochs=3, batch=256, lr=10.0, seed=0):
    rng = np.random.default_rng(seed)
    probs = unigram_distribution(counts)
    w_in = (rng.random((len(counts), dim)) - 0.5) / dim
    w_out = np.zeros((len(counts), dim))
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(centres))
        for start in range(0, len(order), batch):
            b = order[start:start + batch]
            neg = sample_negatives(probs, len(b), negatives, rng)
            loss, dw_in, dw_out = sgns_loss(w_in, w_out, centres[b], contexts[b], neg)
            w_in, w_out = w_in - lr * dw_in, w_out - lr * dw_out
            losses.append(loss)
    return w_in, losses


def nearest(word, embeddings, vocab, index, top=5):
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    similarity = unit @ unit[index[word]]
    order = [j for j in np.argsort(-similarity) if j != index[word]][:top]
    return [(vocab[j], similarity[j]) for j in order]


with skip_if_not_implemented():
    embeddings, sgns_losses = train_sgns(centres, contexts, word_counts)
    print(f"SGNS loss: first batch {sgns_losses[0]:.3f}, last 50 batches {np.mean(sgns_losses[-50:]):.3f}")
    for word in ["cat", "bread", "bus", "red", "station", "dinner", "eat", "sleeps"]:
        print(f"{word:8s} ->", ", ".join(f"{w} ({s:.2f})" for w, s in nearest(word, embeddings, vocab, index)))
    category = {w: c for c, words in GRAMMAR.items() for w in words}
    words = [w for w in vocab if w in category]
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    sims = unit[[index[w] for w in words]] @ unit[[index[w] for w in words]].T
    same = np.array([[category[a] == category[b] and a != b for b in words] for a in words])
    other = np.array([[category[a] != category[b] for b in words] for a in words])
    print(f"mean cosine similarity: same category {sims[same].mean():.2f}, different categories {sims[other].mean():.2f}")
    projected = (unit - unit.mean(axis=0)) @ np.linalg.svd(unit - unit.mean(axis=0))[2][:2].T
    plt.figure(figsize=(8, 6))
    cats = sorted(GRAMMAR)
    for i, w in enumerate(vocab):
        colour = plt.cm.tab10(cats.index(category[w]) % 10) if w in category else "grey"
        plt.scatter(*projected[i], color=colour, s=12)
        plt.annotate(w, projected[i], fontsize=7, color=colour)
    plt.title("word vectors (w_in), first two principal components")
    plt.show()

# %% [markdown]
# **Questions to think about.** Why do "eat" and "dinner" end up near the foods, but not as near
# as the foods are to each other? Train with `unigram_distribution(word_counts, power=1.0)`
# (negatives by frequency) and with `power=0.0` (uniform): what happens to the function words
# "the", "a", "to"? In the digits experiments, what does the denoising autoencoder do with a
# digit whose whole upper half is masked?

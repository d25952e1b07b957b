# %% [markdown]
# A recurrent network reads a sequence one step at a time and squeezes everything it has read
# into one hidden state. **Attention** lets every position look at every other position
# directly: position $i$ asks a question (a *query*), every position $j$ offers a label (a
# *key*) and a content (a *value*), and $i$ receives the average of the values weighted by how
# well each key answers its query. No state has to carry information across many steps, and all
# positions are computed at once with matrix products. Stacked with small MLPs, residual
# connections and layer norm, this is the **transformer**.
#
# In this notebook you build the attention layer of a transformer and train a tiny one at the end:
#
# ```
# tokens (N, T) --embedding + positional encoding--> x (N, T, D) --multi-head self-attention--> a (N, T, D)
#     --residual x + a, layer norm--> h (N, T, D) --h W_y + b_y--> scores (N, T, V) --softmax--> loss
# ```
#
# **Shapes, batch first.** A batch of sequences is `(N, T, D)`: N sequences of T positions with
# D features each. Attention works on the last two axes, `(..., T, d)`; any leading axes (batch,
# heads) are carried along, because `@` (`np.matmul`) multiplies the last two axes and broadcasts
# the others. `np.swapaxes(k, -1, -2)` transposes only the last two axes of `k`; `k.T` would
# reverse all of them. Weights are stored `(inputs, outputs)` as in the rest of the course, so a
# layer computes `x @ w + b`.
#
# **Masks are boolean, True means "may attend".** `mask[i, j]` says whether query $i$ may look
# at key $j$. This is PyTorch's convention for the boolean `attn_mask` of
# `F.scaled_dot_product_attention` (careful: `nn.MultiheadAttention` uses the opposite one).
#
# **Rules of the house.** NumPy only, no Python loops over the batch, the heads or the positions.
# Never change an input in place; return fresh arrays. float64 in gives float64 out. Each
# backward returns one gradient per float input, each with the shape of that input.
#
# **Checks.** After each function, a locked cell prints `PASS`, `FAIL` with the reason, or
# `NOT IMPLEMENTED YET`. Backward functions are also compared with central differences; you can
# run that check on your own inputs, e.g. `check_gradients(attention_forward, attention_backward, q, k, v)`.
# A PASS is a good sign, not your grade: the grader uses other inputs and shapes.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import check_backward, check_gradients, check_outputs, skip_if_not_implemented

# %% [markdown]
# ## 1. Softmax along a chosen axis
#
# $$\operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}}, \qquad m = \max_j x_j ,$$
#
# where $i$ and $j$ run along one axis of `x` and the other axes are independent. In attention
# the axis is the last one, the keys; in assignment 2 it was the classes of `(N, C)` scores. Here
# the function takes the axis as a keyword, `softmax_forward(x, axis=1)`, and works for any
# number of dimensions.
#
# Subtracting the maximum changes nothing mathematically (it cancels between numerator and
# denominator) and keeps `np.exp` from overflowing: the largest exponent is then $e^0 = 1$.
#
# **Hint.** `x.max(axis=axis, keepdims=True)` keeps the reduced axis with size 1, so the result
# broadcasts against `x` whatever the axis. Return `(out, (out, axis))`: the backward needs only
# the output and the axis.
#
# **Pitfalls.** Without `keepdims=True`, `x - x.max(axis=0)` broadcasts along the wrong axis
# (or fails) as soon as the axis is not the last one. Without the max shift, scores of 1000 give
# `inf / inf = nan`; the check has some.

# %% solution="reference.attention:softmax_forward"

# %% check="softmax_forward"
check_outputs("softmax_forward", softmax_forward)

# %% [markdown]
# ## 2. Backward through the softmax
#
# With $s = \operatorname{softmax}(x)$ along the axis, $\partial s_i / \partial x_j = s_i(\delta_{ij} - s_j)$.
# The Jacobian is a full matrix per slice, but its vector-Jacobian product is short:
#
# $$dx_i = \sum_j \frac{\partial s_j}{\partial x_i}\, dout_j = s_i \Bigl(dout_i - \sum_j dout_j\, s_j\Bigr).$$
#
# **Hint.** One line: the sum is `(dout * out).sum(axis=axis, keepdims=True)`.
#
# **Pitfall.** Writing the elementwise derivative $s(1 - s)$, as for the sigmoid, forgets that
# every output of a softmax depends on every input of its slice (they share the denominator).
# A sanity check: if `dout` is constant along the axis, `dx` is 0, because the outputs always
# sum to 1.

# %% solution="reference.attention:softmax_backward"

# %% check="softmax_backward"
check_backward("softmax_backward", softmax_forward, softmax_backward)
check_gradients(softmax_forward, softmax_backward, np.linspace(-2.0, 2.0, 24).reshape(2, 3, 4) ** 3, axis=1)

# %% [markdown]
# ## 3. The causal mask
#
# A model that generates text one token at a time must not look at the future: position $i$ may
# attend to positions $j \le i$ only. Its mask is lower triangular:
#
# $$\text{mask}_{ij} = [\, j \le i \,], \qquad \text{e.g. } T = 3: \begin{pmatrix} 1 & 0 & 0 \\ 1 & 1 & 0 \\ 1 & 1 & 1 \end{pmatrix}.$$
#
# **Hint.** `np.tril` of a `(T, T)` boolean array of ones. The docstring asks for a `ValueError`
# when `t` is not a positive integer.
#
# **Pitfall.** `np.triu` gives the transpose: every position then sees only the future.

# %% solution="reference.attention:causal_mask"

# %% check="causal_mask"
check_outputs("causal_mask", causal_mask)

# %% [markdown]
# ## 4. Scaled dot-product attention
#
# With queries `q` `(..., Tq, d)`, keys `k` `(..., Tk, d)` and values `v` `(..., Tk, dv)`:
#
# $$S = \frac{q\,k^\top}{\sqrt d} \quad (..., T_q, T_k), \qquad P = \operatorname{softmax}(S + M) \text{ over the keys}, \qquad \text{out} = P\,v \quad (..., T_q, d_v),$$
#
# where $M_{ij} = 0$ where the mask allows query $i$ to see key $j$ and $-\infty$ where it does
# not, so that $e^{-\infty} = 0$ removes those keys from the softmax. Row $i$ of $P$ holds how
# much query $i$ attends to each key; it sums to 1.
#
# **Why $\sqrt d$.** If the entries of $q$ and $k$ are independent with variance 1, a dot
# product of $d$ terms has variance $d$. Without the scale, scores grow with the width, the
# softmax saturates into a one-hot row, and its gradient, $P(\dots)$, almost vanishes.
#
# **A query that may attend to nothing** (a padded position whose whole row is masked) has
# $-\infty$ everywhere: the softmax would be $0/0$. Our convention, as in PyTorch 2.13: its
# weights are all 0, so its output row is 0 (and it passes no gradient). Make sure such a row
# gives 0 and no NaN: the check has one.
#
# **Hint.** `scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d)`; `np.where(mask, scores, -np.inf)`
# applies a mask of any broadcastable shape. For a stable softmax subtract each row's max, but
# a fully masked row's max is $-\infty$ and $-\infty - (-\infty)$ is NaN: shift such rows by 0
# instead (`np.isfinite`). Divide by the row sum only where it is positive.
#
# **Pitfalls.** Forgetting the $1/\sqrt d$ (the outputs are close but wrong). The softmax over
# the queries (axis $-2$) instead of the keys: then each *column* sums to 1. Applying the mask
# after the softmax by zeroing weights: the remaining weights of a row no longer sum to 1.
# Multiplying the scores by the mask (0 where masked) instead of setting them to $-\infty$:
# $e^0 = 1$, so masked keys still get weight.

# %% solution="reference.attention:attention_forward"

# %% check="attention_forward"
check_outputs("attention_forward", attention_forward)

# %% [markdown]
# ## 5. Backward through attention
#
# Walk the forward pass backwards, with $P$ the weights from the cache:
#
# $$dv = P^\top dout, \qquad dP = dout\; v^\top, \qquad dS = \frac{1}{\sqrt d}\; P \odot \Bigl(dP - \textstyle\sum_j dP_{ij} P_{ij}\Bigr), \qquad dq = dS\; k, \qquad dk = dS^\top q .$$
#
# The middle step is your softmax backward along the keys; the masked entries have $P_{ij} = 0$
# and so receive no gradient, without any extra code. Every transpose is of the last two axes.
#
# **Hint.** Check the shapes: `dv` is `(..., Tk, dv)` like `v`, `dq` `(..., Tq, d)` like `q`,
# `dk` `(..., Tk, d)` like `k`.
#
# **Pitfalls.** Forgetting the $1/\sqrt d$ in $dS$ (it scaled the scores, so it scales their
# gradient). `dk = dS @ q` has the right shape only when $T_q = T_k$, and gives wrong numbers;
# the key gradient needs $dS^\top$.

# %% solution="reference.attention:attention_backward"

# %% check="attention_backward"
check_backward("attention_backward", attention_forward, attention_backward)
check_gradients(attention_forward, attention_backward)

# %% [markdown]
# ## 6. Splitting the features into heads, and merging them back
#
# One attention computes one set of weights per query. **Multi-head** attention runs $h$
# attentions side by side on slices of the features, so that different heads can look at
# different positions for different reasons. With $D$ features and $h$ heads, head $j$ owns the
# features $[j\,D/h,\ (j+1)\,D/h)$:
#
# ```
# x (N, T, D) --reshape--> (N, T, h, D/h) --transpose(0, 2, 1, 3)--> heads (N, h, T, D/h)
# ```
#
# The head axis then sits among the leading axes, so your `attention_forward` runs all heads at
# once. `merge_heads` is the inverse: `(N, h, T, C)` back to `(N, T, h C)`, head 0's features first.
#
# **Hint.** A reshape and a transpose each; return a copy (`.copy()`), since a transposed view
# shares memory with its input. `split_heads` raises a `ValueError` when $D$ is not divisible by $h$.
#
# **Pitfall.** `x.reshape(N, h, T, D // h)` has the right shape and mixes up positions and
# features: reshaping reads entries in memory order, so the axis you split must be the last one,
# and the transpose comes after. In `merge_heads`, reshaping without transposing back puts the
# heads in the wrong order.

# %% solution="reference.attention:split_heads"

# %% check="split_heads"
check_outputs("split_heads", split_heads)

# %% solution="reference.attention:merge_heads"

# %% check="merge_heads"
check_outputs("merge_heads", merge_heads)

# %% [markdown]
# ## 7. Multi-head self-attention
#
# *Self*-attention takes queries, keys and values from the same sequence. One matrix product
# projects every position to all three; the columns of `w_qkv` `(D, 3D)` hold three blocks of D:
# queries, keys, values (PyTorch's `in_proj_weight`, transposed). Then
#
# $$[Q, K, V] = x W_{qkv} + b_{qkv}, \qquad \text{head}_j = \operatorname{attention}(Q_j, K_j, V_j, \text{mask}), \qquad \text{out} = [\text{head}_1, \dots, \text{head}_h]\, W_o + b_o ,$$
#
# with $Q_j$ the $j$-th head of $Q$ (`split_heads`) and the heads merged back before the output
# projection `w_o` `(D, D)`.
#
# **The mask** is `None`, `(T, T)` (one for all sequences, e.g. causal) or `(N, T, T)` (one per
# sequence, e.g. padding); every head uses the same one. Attention's leading axes are now
# `(N, h)`, so an `(N, T, T)` mask needs a head axis: `mask[:, None]` is `(N, 1, T, T)`.
#
# **Hint.** Call your `split_heads`, `attention_forward` and `merge_heads`. Return the cache
# as the docstring lists it: your backward reads it, and the grader falls back to that layout
# when your forward is wrong, so that a forward bug does not cost the backward's points too.
#
# **Pitfalls.** Slicing $Q, K, V$ out of the wrong columns (they are blocks of D, not
# interleaved). Merging the heads in the wrong order. Passing an `(N, T, T)` mask without the
# head axis: its batch axis then lines up with the head axis (wrong numbers when $N = h$,
# usually a broadcasting error otherwise).

# %% solution="reference.attention:multihead_attention_forward"

# %% check="multihead_attention_forward"
check_outputs("multihead_attention_forward", multihead_attention_forward)

# %% [markdown]
# ## 8. Backward through multi-head self-attention
#
# The forward pass in reverse, reusing what you have:
#
# ```
# dout --@ w_o.T--> d concat --split_heads--> d heads --attention_backward--> dQ, dK, dV (N, h, T, D/h)
#      --merge_heads, concatenate along the features--> dQKV (N, T, 3D) --@ w_qkv.T--> dx
# ```
#
# and the parameter gradients of the two linear layers, summed over the batch *and* the
# positions: $dW_o = \sum_{n,t} \text{concat}_{n,t}^\top\, dout_{n,t}$, $db_o = \sum_{n,t} dout_{n,t}$,
# and the same for $W_{qkv}$ and $b_{qkv}$ with $x$ and $dQKV$.
#
# **Hint.** `x.reshape(-1, D).T @ dqkv.reshape(-1, 3 * D)` does the double sum with one product
# (or `np.einsum("ntd,ntk->dk", x, dqkv)`). The number of heads is in the cache: the split `q`
# has shape `(N, h, T, D/h)`.
#
# **Pitfalls.** Summing the bias gradients over the batch only, giving a `(T, D)` array. Concatenating
# dQ, dK, dV in another order than the forward sliced Q, K, V.

# %% solution="reference.attention:multihead_attention_backward"

# %% check="multihead_attention_backward"
check_backward("multihead_attention_backward", multihead_attention_forward, multihead_attention_backward)
check_gradients(multihead_attention_forward, multihead_attention_backward)

# %% [markdown]
# ## 9. Sinusoidal positional encoding
#
# Attention itself does not know where anything is: permute the positions of $x$ and the
# outputs are permuted the same way. A transformer therefore adds a positional encoding to its
# embeddings. The original one (Vaswani et al., 2017) uses sines and cosines of geometrically
# spaced wavelengths:
#
# $$PE_{p,\,2i} = \sin\!\Bigl(\frac{p}{\text{base}^{2i/D}}\Bigr), \qquad PE_{p,\,2i+1} = \cos\!\Bigl(\frac{p}{\text{base}^{2i/D}}\Bigr), \qquad p = 0, \dots, T-1,$$
#
# with base 10000. Column pair $i$ turns like a clock hand at its own speed, the first ones fast,
# the last ones slowly. Since $\sin a \sin b + \cos a \cos b = \cos(a - b)$, the dot product of two
# encodings depends only on the distance $p - q$, which lets attention find "the token 3 to
# the left" with one linear map.
#
# **Hint.** An outer division, `np.arange(T)[:, None] / base ** (np.arange(0, D, 2) / D)`, gives
# all the angles `(T, ceil(D/2))`; fill the even columns with their sines and the odd ones with
# their cosines (`pe[:, 0::2]`, `pe[:, 1::2]`). An odd D has one sine more than cosines.
#
# **Pitfalls.** The exponent uses the even column index $2i$, not $i$. Integer division
# (`//`) anywhere in the angles turns them into integers.

# %% solution="reference.attention:positional_encoding"

# %% check="positional_encoding"
check_outputs("positional_encoding", positional_encoding)

# %% [markdown]
# ## 10. Layer norm, reused from assignment 5
#
# Every transformer block normalises each position's features:
# $\text{out}_n = \gamma \odot (x_n - \mu_n) / \sqrt{\sigma_n^2 + \epsilon} + \beta$, statistics over the
# D features of row $n$. It is your `layernorm_forward` and `layernorm_backward` from assignment 5,
# unchanged; paste them in. A sequence `(N, T, D)` is normalised as `N*T` rows:
# `layernorm_forward(h.reshape(-1, D), gamma, beta)`.

# %% solution="reference.layers:layernorm_forward"

# %% check="layernorm_forward"
check_outputs("layernorm_forward", layernorm_forward)

# %% solution="reference.layers:layernorm_backward"

# %% check="layernorm_backward"
check_backward("layernorm_backward", layernorm_forward, layernorm_backward)
check_gradients(layernorm_forward, layernorm_backward)

# %% [markdown]
# ## Experiments (not graded)
#
# ### What the positional encoding looks like
#
# Each row is a position, each column a feature. The left columns change quickly with the
# position, the right ones slowly; the right panel shows that the similarity of two positions
# depends only on how far apart they are.

# %% experiment=true
import matplotlib.pyplot as plt

with skip_if_not_implemented():
    pe = positional_encoding(48, 32)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    image = axes[0].imshow(pe, aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
    axes[0].set_xlabel("feature")
    axes[0].set_ylabel("position")
    axes[0].set_title("positional encoding")
    fig.colorbar(image, ax=axes[0])
    image = axes[1].imshow(pe @ pe.T, cmap="viridis")
    axes[1].set_xlabel("position q")
    axes[1].set_ylabel("position p")
    axes[1].set_title("dot products <PE_p, PE_q>")
    fig.colorbar(image, ax=axes[1])
    fig.tight_layout()
    plt.show()

# %% [markdown]
# ### A tiny transformer learns to reverse sequences
#
# The task: read T = 8 random tokens from a vocabulary of 8 and output them in reverse order. An
# RNN would have to hold the whole sequence in its state; one attention layer only has to learn
# that position $t$ should look at position $T - 1 - t$. The model is the chain of the
# introduction, with 2 heads, D = 32, trained with Adam on batches of 64; every forward and
# backward is yours. It should reach 100 % accuracy within its 200 steps (a second or two on a laptop).

# %% experiment=true
def reverse_batch(rng, n, t, vocab):
    """Random tokens (N, T) and their reversal as the targets."""
    tokens = rng.integers(0, vocab, size=(n, t))
    return tokens, tokens[:, ::-1].copy()


def init_params(rng, vocab, d):
    return {
        "embed": 0.5 * rng.standard_normal((vocab, d)),
        "w_qkv": rng.standard_normal((d, 3 * d)) / np.sqrt(d), "b_qkv": np.zeros(3 * d),
        "w_o": rng.standard_normal((d, d)) / np.sqrt(d), "b_o": np.zeros(d),
        "gamma": np.ones(d), "beta": np.zeros(d),
        "w_y": rng.standard_normal((d, vocab)) / np.sqrt(d), "b_y": np.zeros(vocab),
    }


def model_forward(params, tokens, heads, mask=None):
    """Scores (N*T, V) and everything the backward needs."""
    n, t = tokens.shape
    d = params["embed"].shape[1]
    x = params["embed"][tokens] + positional_encoding(t, d)
    a, attention_cache = multihead_attention_forward(
        x, params["w_qkv"], params["b_qkv"], params["w_o"], params["b_o"], num_heads=heads, mask=mask)
    h, norm_cache = layernorm_forward((x + a).reshape(-1, d), params["gamma"], params["beta"])
    scores = h @ params["w_y"] + params["b_y"]
    return scores, (tokens, h, attention_cache, norm_cache)


def model_backward(params, dscores, cache):
    tokens, h, attention_cache, norm_cache = cache
    n, t = tokens.shape
    grads = {"w_y": h.T @ dscores, "b_y": dscores.sum(axis=0)}
    dsum, grads["gamma"], grads["beta"] = layernorm_backward(dscores @ params["w_y"].T, norm_cache)
    dsum = dsum.reshape(n, t, -1)
    dx, grads["w_qkv"], grads["b_qkv"], grads["w_o"], grads["b_o"] = multihead_attention_backward(dsum, attention_cache)
    grads["embed"] = np.zeros_like(params["embed"])
    np.add.at(grads["embed"], tokens, dx + dsum)  # the residual path adds dsum to dx
    return grads


def train_reverse(*, steps=200, t=8, vocab=8, d=32, heads=2, lr=0.01, causal=False, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(rng, vocab, d)
    m = {k: np.zeros_like(p) for k, p in params.items()}
    s = {k: np.zeros_like(p) for k, p in params.items()}
    mask = causal_mask(t) if causal else None
    history = {"loss": [], "accuracy": []}
    for step in range(1, steps + 1):
        tokens, targets = reverse_batch(rng, 64, t, vocab)
        scores, cache = model_forward(params, tokens, heads, mask)
        probs, _ = softmax_forward(scores, axis=1)
        y = targets.reshape(-1)
        history["loss"].append(-np.mean(np.log(probs[np.arange(y.size), y] + 1e-300)))
        history["accuracy"].append(np.mean(probs.argmax(axis=1) == y))
        dscores = probs.copy()
        dscores[np.arange(y.size), y] -= 1.0
        grads = model_backward(params, dscores / y.size, cache)
        for k in params:  # Adam, as in assignment 4
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            s[k] = 0.999 * s[k] + 0.001 * grads[k] ** 2
            params[k] = params[k] - lr * (m[k] / (1 - 0.9 ** step)) / (np.sqrt(s[k] / (1 - 0.999 ** step)) + 1e-8)
    return params, history


trained = {}  # causal: (params, history), so that the cells below train each model once


def reversal_model(*, causal=False):
    if causal not in trained:
        trained[causal] = train_reverse(causal=causal)
    return trained[causal]


with skip_if_not_implemented():
    params, history = reversal_model()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
    axes[0].semilogy(history["loss"])
    axes[0].set_title("training loss")
    axes[1].plot(history["accuracy"])
    axes[1].axhline(1 / 8, color="grey", linestyle=":", label="chance")
    axes[1].set_title("accuracy per token")
    axes[1].legend()
    for ax in axes:
        ax.set_xlabel("step")
    fig.tight_layout()
    plt.show()
    print(f"reversal: accuracy over the last 20 steps {np.mean(history['accuracy'][-20:]):.3f} (chance 0.125)")

# %% [markdown]
# ### Where the heads look
#
# The attention weights of both heads for one test sequence: row $t$ is query position $t$,
# column $j$ the key it attends to. If the model solved the task, at least one head puts its
# weight on the anti-diagonal $j = T - 1 - t$.

# %% experiment=true
def attention_maps(params, tokens, heads, mask=None):
    """The weights (h, T, T) of every head for one sequence, recomputed from the model's q and k."""
    t, d = len(tokens), params["embed"].shape[1]
    x = params["embed"][tokens[None]] + positional_encoding(t, d)
    qkv = x @ params["w_qkv"] + params["b_qkv"]
    q, k = split_heads(qkv[:, :, :d], heads), split_heads(qkv[:, :, d:2 * d], heads)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d // heads)
    allowed = np.ones((t, t), dtype=bool) if mask is None else mask
    return softmax_forward(np.where(allowed, scores, -np.inf), axis=-1)[0][0]


with skip_if_not_implemented():
    params, _ = reversal_model()
    tokens, _ = reverse_batch(np.random.default_rng(1), 1, 8, 8)
    maps = attention_maps(params, tokens[0], heads=2)
    fig, axes = plt.subplots(1, len(maps), figsize=(4 * len(maps), 3.6))
    for j, (ax, weights) in enumerate(zip(np.atleast_1d(axes), maps)):
        image = ax.imshow(weights, cmap="magma", vmin=0, vmax=1)
        ax.set_xticks(range(8), tokens[0])
        ax.set_yticks(range(8), tokens[0][::-1])
        ax.set_xlabel("key (input token)")
        ax.set_ylabel("query position (its target)")
        ax.set_title(f"head {j}")
    fig.colorbar(image, ax=axes)
    plt.show()
    anti = np.fliplr(np.eye(8))
    print("weight on the anti-diagonal per head: " + ", ".join(f"{(w * anti).sum() / 8:.2f}" for w in maps))

# %% [markdown]
# ### The same task with a causal mask
#
# With a causal mask, position $t$ sees only the tokens up to $t$. To output token $T - 1 - t$
# it must see position $T - 1 - t \le t$, which holds only in the second half of the sequence.
# Accuracy per position shows the mask at work: the first half stays near chance however long
# you train, the second half is solved.

# %% experiment=true
with skip_if_not_implemented():
    params, _ = reversal_model()
    causal_params, _ = reversal_model(causal=True)
    rng = np.random.default_rng(2)
    tokens, targets = reverse_batch(rng, 512, 8, 8)
    correct = {}
    for name, p, mask in [("no mask", params, None), ("causal mask", causal_params, causal_mask(8))]:
        scores, _ = model_forward(p, tokens, 2, mask)
        correct[name] = (scores.argmax(axis=1).reshape(512, 8) == targets).mean(axis=0)
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
    for name, accuracy in correct.items():
        axes[0].plot(accuracy, "o-", label=name)
    axes[0].axhline(1 / 8, color="grey", linestyle=":", label="chance")
    axes[0].set_xlabel("position t")
    axes[0].set_ylabel("test accuracy")
    axes[0].legend()
    for j, weights in enumerate(attention_maps(causal_params, tokens[0], 2, causal_mask(8))):
        axes[1 + j].imshow(weights, cmap="magma", vmin=0, vmax=1)
        axes[1 + j].set_title(f"causal model, head {j}")
        axes[1 + j].set_xlabel("key position")
        axes[1 + j].set_ylabel("query position")
    fig.tight_layout()
    plt.show()
    print("causal model, test accuracy per position: " + " ".join(f"{a:.2f}" for a in correct["causal mask"]))

# %% [markdown]
# **Questions to think about.** Remove the positional encoding from `model_forward`: why can
# the model no longer reverse anything (what does attention do to a permuted input)? Train with
# one head instead of two, or with `d = 8`. Replace reversal by sorting the tokens: is one
# attention layer enough, and what do its maps look like? In the causal model, what do the
# queries of the first half attend to, and what do they predict?

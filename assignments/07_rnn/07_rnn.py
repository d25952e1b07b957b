# %% [markdown]
# A recurrent network reads a sequence one step at a time. It carries a **hidden state**, a
# vector that sums up what it has read so far, from each step to the next, and it applies the
# *same* weights at every step. That lets one small set of weights process sequences of any
# length, and lets the output at step $t$ depend on everything before it.
#
# In this notebook you build the pieces of a sequence model and train one at the end:
#
# ```
# tokens (N, T) --embedding--> x (N, T, D) --rnn--> h (N, T, H) --x W_y + b_y--> scores (N, T, V) --masked loss--> L
# ```
#
# and backward through the same chain: backpropagation through time (BPTT), then clipping of
# the gradient's global norm before the update. You also write the LSTM, the recurrent cell
# designed to fix the vanilla RNN's vanishing gradients (one step forward and backward, then the
# whole sequence), and measure how much further back its gradient reaches.
#
# **Shapes, batch first.** A batch of sequences is `(N, T, D)`: N sequences, T time steps, D
# features per step. One time step `x[:, t]` is `(N, D)`, a hidden state is `(N, H)`, and the
# hidden states of all steps are `(N, T, H)`. Weights are stored `(inputs, outputs)` as in the
# rest of the course, so a layer computes `x @ w + b`.
#
# **Rules of the house.** NumPy only. Loops over time steps are necessary (each step needs the
# previous one), but never loop over the batch or over features. Never change an input in
# place; return fresh arrays. Each backward returns one gradient per input, each with the shape of
# that input.
#
# **Checks.** After each function, a locked cell prints `PASS`, `FAIL` with the reason, or
# `NOT IMPLEMENTED YET`. Backward functions are also compared with central differences; you can
# run that check on your own inputs: `check_gradients(rnn_forward, rnn_backward, x, h0, wx, wh, b)`.
# A PASS is a good sign, not your grade: the grader uses other inputs and shapes.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import (check_backward, check_close, check_gradients, check_outputs, expect_tuple,
                        skip_if_not_implemented)

# %% [markdown]
# ## 1. One step of a vanilla RNN
#
# $$h_{\text{next}} = \tanh\bigl(x\,W_x + h_{\text{prev}}\,W_h + b\bigr)$$
#
# with `x` `(N, D)`, `h_prev` `(N, H)`, `wx` `(D, H)`, `wh` `(H, H)` and `b` `(H,)` (added to every
# row by broadcasting). The new state mixes the current input with the previous state, and the
# tanh keeps every entry in $(-1, 1)$.
#
# **Hint.** One line with `np.tanh`. Return the cache exactly as the docstring lists it: the
# backward needs `h_next` because $\tanh'(z) = 1 - \tanh^2(z)$ is a function of the output.
#
# **Pitfall: square matrices hide mistakes.** `wh` is `(H, H)`, so `h_prev @ wh.T` runs without
# any shape error and gives wrong numbers. Row $j$ of `wh` holds the weights *from* unit $j$ of
# the previous state; follow the `(inputs, outputs)` layout and write `h_prev @ wh`.

# %% solution="reference.rnn:rnn_step_forward"

# %% check="rnn_step_forward"
check_outputs("rnn_step_forward", rnn_step_forward)

# %% [markdown]
# ## 2. Backward through one step
#
# Call $z = x W_x + h_{\text{prev}} W_h + b$ the pre-activation, so $h_{\text{next}} = \tanh z$. Given
# the upstream gradient `dh_next` $= \partial L / \partial h_{\text{next}}$:
#
# $$dz = dh_{\text{next}} \odot \bigl(1 - h_{\text{next}}^2\bigr), \qquad
# dx = dz\,W_x^\top, \quad dh_{\text{prev}} = dz\,W_h^\top, \quad
# dW_x = x^\top dz, \quad dW_h = h_{\text{prev}}^\top dz, \quad db = \textstyle\sum_n dz_n .$$
#
# After the tanh, this is the backward of a linear layer done twice, once for each input that
# was multiplied by a weight matrix: `x` with `wx`, and `h_prev` with `wh`.
#
# **Hint.** Every gradient has the shape of what it is the gradient of: `dx` `(N, D)`, `dh_prev`
# `(N, H)`, `dwx` `(D, H)`, `dwh` `(H, H)`, `db` `(H,)`. Each weight gradient is (the input the
# weight multiplied)$^\top$ times `dz`.
#
# **Pitfalls.** $\tanh' = 1 - h^2$, not $1 - h$. `dwh` pairs `dz` with `h_prev`, not with `x`
# (when $D = H$ the shapes even agree, so only the values tell). The bias is shared by the N
# rows of the batch, so its gradient is the *sum* over axis 0; returning `dz` itself gives an
# `(N, H)` array.

# %% solution="reference.rnn:rnn_step_backward"

# %% check="rnn_step_backward"
check_backward("rnn_step_backward", rnn_step_forward, rnn_step_backward)
check_gradients(rnn_step_forward, rnn_step_backward)

# %% [markdown]
# ## 3. Unrolling: the RNN over a whole sequence
#
# $$h_t = \tanh\bigl(x_t W_x + h_{t-1} W_h + b\bigr), \qquad t = 1, \dots, T, \qquad h_0 = \texttt{h0}.$$
#
# Written out over time, the recurrence is a feed-forward network T layers deep whose layers
# all share the same weights:
#
# ```
#         x_1         x_2                 x_T
#          |           |                   |
#  h0 --> [step] --> [step] --> ... --> [step]
#          |           |                   |
#         h_1         h_2                 h_T
# ```
#
# `rnn_forward` returns every state, `h` of shape `(N, T, H)`; in 0-based NumPy, `h[:, t]` is the
# state after reading `x[:, t]`, and `h0` itself is not part of `h`.
#
# **Hint.** Preallocate `h = np.zeros((N, T, H))` and loop over `t`. The input part does not depend
# on the recurrence, so you can compute it for all steps at once before the loop: `x @ wx` maps
# `(N, T, D)` to `(N, T, H)`.
#
# **Pitfalls.** Feeding `h0` to every step (then no information travels in time); returning only
# the last state; forgetting `h0` and starting from zeros.

# %% solution="reference.rnn:rnn_forward"

# %% check="rnn_forward"
check_outputs("rnn_forward", rnn_forward)

# %% [markdown]
# ## 4. Backpropagation through time (BPTT)
#
# The loss reaches a hidden state $h_t$ along two paths: directly, through the layers above at
# step $t$ (that is `dh[:, t]`, the gradient you are given), and indirectly, because $h_t$ is the
# input of step $t+1$, and through it of every later step. The two contributions add. So
# walk backward in time and carry the recurrent gradient $g$, which is the `dh_prev` that step
# $t+1$ sends back:
#
# $$g_{T+1} = 0; \qquad \text{for } t = T, \dots, 1: \quad dz_t = \bigl(dh_t + g_{t+1}\bigr) \odot \bigl(1 - h_t^2\bigr), \qquad g_t = dz_t\,W_h^\top,$$
#
# $$dx_t = dz_t W_x^\top, \qquad dh_0 = g_1, \qquad dW_x = \sum_t x_t^\top dz_t, \qquad
# dW_h = \sum_t h_{t-1}^\top dz_t, \qquad db = \sum_{n,t} dz_{t,n}.$$
#
# The weights are used at every step, so their gradients are sums over the steps, just as the
# bias gradient is a sum over the batch.
#
# **Hint.** This is your `rnn_step_backward` applied T times in reverse with upstream gradient
# `dh[:, t] + dh_prev`, accumulating the weight gradients. You may call it, rebuilding each
# step's cache: the state before step `t` is `h[:, t - 1]`, or `h0` for the first step.
#
# **Pitfalls.** Forgetting the recurrent term $g_{t+1}$: each step then gets only its own direct
# gradient, as if the steps did not feed each other, and nothing is learned about the past.
# An off-by-one in time: $W_h$ multiplied $h_{t-1}$ at step $t$, so `dwh` pairs `dz[:, t]` with the
# state *before* step t (`h0` at the first step), not with `h[:, t]`.

# %% solution="reference.rnn:rnn_backward"

# %% check="rnn_backward"
check_backward("rnn_backward", rnn_forward, rnn_backward)
check_gradients(rnn_forward, rnn_backward)

# %% [markdown]
# ### Why vanilla RNN gradients vanish or explode
#
# Follow the gradient from the last state back to the first. One step back multiplies it by
# the transposed Jacobian of a step: $g_t = \bigl(g_{t+1} \odot (1 - h_t^2)\bigr) W_h^\top$. After
# $k$ steps,
#
# $$\frac{\partial L}{\partial h_{T-k}} = \frac{\partial L}{\partial h_T}\;\prod_{t=T}^{T-k+1} \operatorname{diag}\bigl(1 - h_t^2\bigr)\,W_h^\top ,$$
#
# a product of $k$ matrices. Its size changes geometrically with $k$: if the largest singular
# value $s$ of $W_h$ is below 1, $\lVert \partial L / \partial h_{T-k} \rVert \le s^k \lVert \partial L / \partial h_T \rVert$
# goes to 0 (and every $\tanh' \le 1$ only shrinks it further): the gradient **vanishes**, and the
# network cannot learn that an early input matters for a late output. If $s$ is above 1, the
# product can grow like $s^k$ while the units stay in tanh's linear region: the gradient
# **explodes**, one update throws the weights far away, and the loss jumps or becomes NaN. Both
# come from the same repeated multiplication by $W_h$; the first experiment below measures it
# with your functions. The two remedies that follow are a different cell (the LSTM) and
# gradient clipping.

# %% [markdown]
# ## 5. One step of an LSTM
#
# A long short-term memory cell keeps a second state, the **cell** $c$, next to $h$. One matrix
# product gives four blocks of $H$ columns each, **in the order i, f, o, g**:
#
# $$a = x W_x + h_{\text{prev}} W_h + b \quad (N, 4H), \qquad
# i = \sigma(a_i), \quad f = \sigma(a_f), \quad o = \sigma(a_o), \quad g = \tanh(a_g),$$
#
# $$c_{\text{next}} = f \odot c_{\text{prev}} + i \odot g, \qquad h_{\text{next}} = o \odot \tanh(c_{\text{next}}).$$
#
# The three **gates** $i, f, o \in (0, 1)$ are soft switches: the forget gate $f$ decides how much
# of the old memory to keep, the input gate $i$ how much of the candidate $g \in (-1, 1)$ to write,
# the output gate $o$ how much of the memory to show as $h$.
#
# **Why it helps: the additive path.** Along the cell, one step back is
# $\partial c_{\text{next}} / \partial c_{\text{prev}} = \operatorname{diag}(f)$: no weight matrix and no
# $\tanh'$ factor, only the forget gate. When $f \approx 1$ the gradient flows back through many
# steps almost unchanged (this is why the forget-gate bias is often initialised to 1), and the
# network itself learns, per unit and per step, when to keep and when to forget.
#
# **Shapes and return value.** `wx` `(D, 4H)`, `wh` `(H, 4H)`, `b` `(4H,)`. The cell state is an
# output too, so the function returns three values, `(h_next, c_next, cache)`, with the cache laid
# out as the docstring says.
#
# **Hint.** Compute `a` with one product, then slice columns: with `H = h_prev.shape[1]`,
# `a[:, :H]` is the input gate, `a[:, H:2*H]` the forget gate, and so on. A sigmoid that cannot
# overflow: $\sigma(z) = \frac12\bigl(1 + \tanh(z/2)\bigr)$.
#
# **Pitfalls.** The gate order: ours is i, f, o, g (CS231n's); PyTorch stores i, f, g, o. Swapping two
# blocks still gives a working LSTM, but not this one, and trained weights would be read wrongly.
# The candidate $g$ uses tanh (so the memory can also decrease); the three gates use sigmoid.

# %% solution="reference.rnn:lstm_step_forward"

# %% check=true
# lstm_step_forward returns three values, (h_next, c_next, cache): the check compares h_next and
# c_next on fixed inputs (N=2, D=3, H=2). Wrong values? Check the gate order i, f, o, g and which gate uses tanh.
def lstm_step_results():
    x, h_prev = np.sin(np.arange(1.0, 7.0)).reshape(2, 3), np.cos(np.arange(1.0, 5.0)).reshape(2, 2)
    wx, wh = np.sin(0.7 * np.arange(24.0)).reshape(3, 8), np.cos(1.3 * np.arange(16.0)).reshape(2, 8)
    result = lstm_step_forward(x, h_prev, np.array([[0.5, -1.5], [2.0, 0.25]]), wx, wh, np.linspace(-0.4, 0.4, 8))
    h_next, c_next, _ = expect_tuple(result, items=("h_next", "c_next", "cache"))
    return {"h_next": h_next, "c_next": c_next}


check_close("lstm_step_forward", lstm_step_results,
            {"h_next": [[-0.019324311043510935, -0.6767216736581696], [0.1484903727988922, 0.08193818144049028]],
             "c_next": [[-0.022153178114505845, -1.6884614055412452], [0.6893405709876639, 0.27680619131528106]]})

# %% [markdown]
# ## 6. Backward through one LSTM step
#
# The step has two outputs, so it gets two upstream gradients, `dh_next` and `dc_next`, each
# `(N, H)`. Walk the forward formulas backwards. The cell $c_{\text{next}}$ is used twice: it is an
# output, and it feeds $h_{\text{next}} = o \odot \tanh(c_{\text{next}})$. Its total gradient is the sum
# of the two paths:
#
# $$dc = dc_{\text{next}} + dh_{\text{next}} \odot o \odot \bigl(1 - \tanh^2 c_{\text{next}}\bigr).$$
#
# From there each gate gets its share, times the derivative of its own activation
# ($\sigma' = \sigma(1 - \sigma)$ and $\tanh' = 1 - \tanh^2$, both written with the cached values):
#
# $$da_i = dc \odot g \odot i(1 - i), \quad da_f = dc \odot c_{\text{prev}} \odot f(1 - f), \quad
# da_o = dh_{\text{next}} \odot \tanh(c_{\text{next}}) \odot o(1 - o), \quad da_g = dc \odot i \odot (1 - g^2).$$
#
# Put the four blocks side by side **in the order i, f, o, g**, `da` `(N, 4H)`, and the rest is the
# linear part, as in the vanilla step:
#
# $$dx = da\,W_x^\top, \quad dh_{\text{prev}} = da\,W_h^\top, \quad dc_{\text{prev}} = dc \odot f, \quad
# dW_x = x^\top da, \quad dW_h = h_{\text{prev}}^\top da, \quad db = \textstyle\sum_n da_n .$$
#
# **Return value.** Six gradients, one per input of the forward, in its order:
# `(dx, dh_prev, dc_prev, dwx, dwh, db)`, each with the shape of its input. The cache is the one
# your `lstm_step_forward` returns.
#
# **Hint.** `np.concatenate([da_i, da_f, da_o, da_g], axis=1)` builds `da`. `dc` is needed by three
# blocks and by `dc_prev`: compute it once.
#
# **Pitfalls.** Forgetting the path through $h$: `dc = dc_next` alone is right only when nothing
# above uses $h_{\text{next}}$. Using $1 - \tanh^2$ of the wrong thing: the cell's tanh is of
# $c_{\text{next}}$ (cached as `tanh_c`), the candidate's of $a_g$ (that is $g$ itself). The output gate
# sees $\tanh(c_{\text{next}})$, not $c_{\text{next}}$. Blocks of `da` in PyTorch's order i, f, g, o. And
# `dc_prev = dc * f`, with the *total* `dc`, not `dc_next`.
#
# The check compares your gradients with central differences of your `lstm_step_forward`, with
# both `h_next` and `c_next` receiving an upstream gradient: pass the forward's check first.

# %% solution="reference.rnn:lstm_step_backward"

# %% check=true
# check_gradients wants a forward with one output: put h_next and c_next side by side.
def lstm_step_joint_forward(x, h_prev, c_prev, wx, wh, b):
    h_next, c_next, cache = lstm_step_forward(x, h_prev, c_prev, wx, wh, b)
    return np.concatenate([h_next, c_next], axis=1), cache


def lstm_step_joint_backward(dout, cache):
    hidden = dout.shape[1] // 2
    return lstm_step_backward(dout[:, :hidden], dout[:, hidden:], cache)


lstm_step_joint_forward.__name__, lstm_step_joint_backward.__name__ = "lstm_step_forward", "lstm_step_backward"
lstm_rng = np.random.default_rng(5)
check_gradients(lstm_step_joint_forward, lstm_step_joint_backward, lstm_rng.standard_normal((2, 3)),
                lstm_rng.uniform(-0.9, 0.9, (2, 4)), lstm_rng.standard_normal((2, 4)),
                0.5 * lstm_rng.standard_normal((3, 16)), 0.5 * lstm_rng.standard_normal((4, 16)),
                0.3 * lstm_rng.standard_normal(16))
check_gradients(lstm_step_joint_forward, lstm_step_joint_backward, lstm_rng.standard_normal((1, 5)),
                lstm_rng.uniform(-0.9, 0.9, (1, 2)), lstm_rng.standard_normal((1, 2)),
                0.5 * lstm_rng.standard_normal((5, 8)), 0.5 * lstm_rng.standard_normal((2, 8)),
                0.3 * lstm_rng.standard_normal(8))

# %% [markdown]
# ## 7. The LSTM over a whole sequence
#
# As for the vanilla RNN, run the step over time, starting from the given `h0` and from a cell
# state of **zeros** ($c_0 = 0$ is the usual choice, so `lstm_forward` has no `c0` argument):
#
# $$(h_t, c_t) = \operatorname{lstm\_step}(x_t, h_{t-1}, c_{t-1}, W_x, W_h, b), \qquad t = 1, \dots, T, \qquad
# h_0 = \texttt{h0}, \quad c_0 = 0.$$
#
# `lstm_forward(x, h0, wx, wh, b)` returns the hidden states `h` `(N, T, H)` (the cell states stay
# inside the layer, as in PyTorch's `nn.LSTM` output) and a cache. The docstring's cache keeps
# every cell state `c` `(N, T, H)` and every step's gate activations `gates` `(N, T, 4H)`; a list of
# your step caches works just as well, as long as your `lstm_backward` reads what your
# `lstm_forward` stored.
#
# **Hint.** The loop of `rnn_forward`, carrying two states. You may call your `lstm_step_forward`
# inside it. Gate order i, f, o, g, as before.
#
# **Pitfalls.** Carrying `h` but restarting the cell from zero at every step (then the LSTM has no
# long memory at all); starting the cell from `h0`.

# %% solution="reference.rnn:lstm_forward"

# %% check="lstm_forward"
check_outputs("lstm_forward", lstm_forward)

# %% [markdown]
# ## 8. Backpropagation through time for the LSTM
#
# BPTT again, but now **two** gradients travel back in time: the recurrent $dh$, as in the vanilla
# RNN, and the cell's $dc$. Going $t = T, \dots, 1$, step $t$ gets the upstream gradients
#
# $$dh_{\text{next}} = dh_t + dh^{\text{rec}}_{t+1}, \qquad dc_{\text{next}} = dc^{\text{rec}}_{t+1}, \qquad
# dh^{\text{rec}}_{T+1} = dc^{\text{rec}}_{T+1} = 0,$$
#
# where $dh_t$ is `dh[:, t]` (from the layers above) and $dh^{\text{rec}}_{t+1}, dc^{\text{rec}}_{t+1}$ are the
# `dh_prev` and `dc_prev` that step $t+1$ sent back. Nothing above reads the cell, so its only
# gradient is the recurrent one. The weight gradients are the sums over the steps, and
# `dh0` $= dh^{\text{rec}}_1$. The cell's start $c_0 = 0$ is a constant, so it has no gradient.
#
# `lstm_backward(dh, cache)` returns `(dx, dh0, dwx, dwh, db)`, like `rnn_backward`.
#
# **Hint.** Your `lstm_step_backward`, applied T times in reverse. With the docstring's cache, the
# cache of step `t` is `(x[:, t], h_prev, c_prev, wx, wh, i, f, o, g, np.tanh(c[:, t]))`, with the
# states before step t (`h0` and zeros at the first step) and the four `(N, H)` blocks of
# `gates[:, t]`.
#
# **Pitfalls.** Not carrying the cell gradient: if every step starts with `dc_next = 0`, the
# additive path that makes the LSTM worth having carries nothing, and the gradients are wrong
# whenever T > 1. Returning zeros for `dh0`. Pairing `dwh` with $h_t$ instead of $h_{t-1}$.

# %% solution="reference.rnn:lstm_backward"

# %% check="lstm_backward"
check_backward("lstm_backward", lstm_forward, lstm_backward)
check_gradients(lstm_forward, lstm_backward)

# %% [markdown]
# ## 9. Word embeddings
#
# A token is an integer in $[0, V)$, for example a word's index in a vocabulary of $V$ words. The
# embedding layer turns each token into a learned vector of size $D$: row `idx[n, t]` of the table
# `w` `(V, D)`,
#
# $$\mathrm{out}_{n,t} = w_{\,\mathrm{idx}_{n,t}}, \qquad \text{out: } (N, T, D).$$
#
# This equals `onehot(idx) @ w` without ever building the `(N, T, V)` one-hot array.
#
# **Hint.** NumPy fancy indexing, `w[idx]`, does the whole lookup. The docstring also asks for
# a `ValueError` on indices that are not integers or not in $[0, V)$.
#
# **Pitfall.** NumPy accepts negative indices (`w[-1]` is the last row), so a corrupt token -1
# would silently become the last word. Check the range before indexing.

# %% solution="reference.rnn:embedding_forward"

# %% check="embedding_forward"
check_outputs("embedding_forward", embedding_forward)

# %% [markdown]
# ## 10. The embedding's gradient
#
# Only the table `w` has a gradient (`idx` holds integers). Row $v$ was copied to every position
# where token $v$ occurs, so it receives the sum of the gradients at those positions:
#
# $$dw_v = \sum_{(n,t):\ \mathrm{idx}_{n,t} = v} \mathrm{dout}_{n,t}, \qquad dw: (V, D),$$
#
# and rows of tokens that do not occur get 0.
#
# **Hint.** `np.add.at` is the unbuffered form of `+=` with fancy indexing: it adds every value,
# one at a time, even when an index repeats (`np.add.at(a, [1, 1], 1.0)` adds 2 to `a[1]`). Its
# indices may be the whole `(N, T)` array of tokens, and the values then `(N, T, D)`. (A loop over the
# positions, or `onehot.T @ dout`, works too.)
#
# **Pitfall: `dw[idx] += dout`.** Buffered fancy indexing reads the selected rows, adds, and writes
# them back, so when a token occurs twice only one of its contributions survives:
# `a = np.zeros(3); a[[1, 1]] += 1.0` leaves `a[1] == 1.0`, not 2. Frequent words, the ones
# that repeat, would get the wrong gradient. The check below repeats token 3 four times.

# %% solution="reference.rnn:embedding_backward"

# %% check="embedding_backward"
check_backward("embedding_backward", embedding_forward, embedding_backward)
check_gradients(embedding_forward, embedding_backward)

# %% [markdown]
# ## 11. Softmax cross-entropy at every time step, with a mask
#
# A language model predicts a token at every step, so the scores are `x` `(N, T, V)` and the
# labels `y` `(N, T)`. Sequences in one batch have different lengths; they are padded to the same
# T, and a boolean `mask` `(N, T)` says which steps are real. Padded steps must count neither in
# the loss nor in the gradient, and their labels (often -1) must be ignored:
#
# $$L = -\frac{1}{N} \sum_{n,t} m_{n,t} \log \operatorname{softmax}(x_{n,t})_{y_{n,t}}, \qquad
# dx_{n,t} = \frac{m_{n,t}}{N}\Bigl(\operatorname{softmax}(x_{n,t}) - \operatorname{onehot}(y_{n,t})\Bigr).$$
#
# **The 1/N.** We divide by the number of sequences N, not by $N T$ and not by the number of
# unmasked steps (CS231n's convention): the loss is the average over sequences of each sequence's
# summed loss, so longer sequences weigh more. Other libraries pick another normalisation; it
# rescales the gradient, and with it the learning rate.
#
# **Hint.** Reshape to `(N*T, V)` and it is assignment 2's softmax cross-entropy, summed instead of
# averaged. Use a stable log-softmax (subtract each row's maximum). Replace the labels of masked
# steps by any valid class (`np.where(mask, y, 0)`) before indexing, then zero those steps.
#
# **Pitfalls.** Ignoring the mask (padding then teaches the model to predict padding). Zeroing
# with a multiplication when a masked step holds `inf` or `nan` (`0 * inf` is `nan`): `np.where`
# is safe. Scores of 1000 overflow `np.exp` without the max shift; the check has some.

# %% solution="reference.rnn:temporal_softmax_cross_entropy"

# %% check="temporal_softmax_cross_entropy"
check_outputs("temporal_softmax_cross_entropy", temporal_softmax_cross_entropy)

# %% [markdown]
# ## 12. Gradient clipping by global norm
#
# The remedy for exploding gradients used in practice: before the update, measure the norm of
# *all* parameters' gradients together, and if it exceeds `max_norm`, scale them all down by the
# same factor:
#
# $$n = \sqrt{\textstyle\sum_i \lVert g_i \rVert^2}, \qquad g_i' = g_i \cdot \min\Bigl(1, \frac{\texttt{max\_norm}}{n + \varepsilon}\Bigr).$$
#
# The update keeps the direction of the full gradient, only its length is capped; when $n$ is
# below `max_norm` nothing changes. The function returns the list of clipped gradients and $n$
# measured *before* clipping (worth logging: spikes in it show exploding gradients).
#
# **Hint.** `np.linalg.norm(g)` is the Frobenius norm of an array of any shape. Return new arrays
# (`g * scale`), also when no clipping happens.
#
# **Pitfalls.** Clipping each gradient separately to `max_norm` changes the direction of the update
# and lets the total norm reach `max_norm` times the square root of the number of arrays. Scaling
# to `max_norm` when the norm is smaller is normalising, not clipping.

# %% solution="reference.optim:clip_grad_norm"

# %% check="clip_grad_norm"
# The stored input is one flat vector of 9 numbers: a (2, 3) weight gradient and a (3,) bias gradient.
def clip_weight_and_bias(flat, max_norm):
    clipped, total_norm = clip_grad_norm([flat[:6].reshape(2, 3), flat[6:]], max_norm)
    return np.concatenate([np.ravel(g) for g in clipped]), total_norm


check_outputs("clip_grad_norm", clip_weight_and_bias)

# %% [markdown]
# ## Experiments (not graded)
#
# ### Vanishing and exploding gradients, measured
#
# An RNN with $H = 32$ units reads T steps of small random inputs; the only loss gradient is at
# the last step, and we plot $\lVert \partial L / \partial h_0 \rVert$, which your `rnn_backward`
# returns as `dh0`, against T. $W_h = s\,Q$ with $Q$ a random orthogonal matrix, so every singular
# value of $W_h$ equals $s$ and the product of Jacobians behaves like $s^T$ times the tanh factors.

# %% experiment=true
import matplotlib.pyplot as plt


def gradient_to_start(wh, wx, lengths, rng):
    """||dL/dh0|| when the loss only sees the last state, for each sequence length."""
    hidden, inputs = wh.shape[0], wx.shape[0]
    norms = []
    for t_len in lengths:
        x = 0.1 * rng.standard_normal((8, t_len, inputs))
        h, cache = rnn_forward(x, np.zeros((8, hidden)), wx, wh, np.zeros(hidden))
        dh = np.zeros_like(h)
        dh[:, -1] = rng.standard_normal((8, hidden)) / np.sqrt(8 * hidden)
        norms.append(np.linalg.norm(rnn_backward(dh, cache)[1]))
    return norms


with skip_if_not_implemented():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((32, 32)))
    wx = rng.standard_normal((4, 32)) / 2.0
    lengths = np.arange(1, 51, 3)
    norms = {s: gradient_to_start(s * q, wx, lengths, rng) for s in (0.5, 0.9, 1.0, 1.1, 1.5, 3.0)}
    plt.figure(figsize=(6.5, 4))
    for s, norm in norms.items():
        plt.semilogy(lengths, norm, "o-", markersize=3, label=f"s = {s}")
    plt.xlabel("sequence length T")
    plt.ylabel("||dL/dh0||")
    plt.title("gradient reaching the first state")
    plt.legend()
    plt.show()

# %% [markdown]
# With $s = 0.5$ almost nothing of the gradient survives 20 steps: the first inputs cannot be
# learned from a loss at the end. With $s = 3$ it grows by orders of magnitude (why is the growth
# slower than $3^T$? Look at the $\tanh'$ factors: large weights push units into saturation).
# Near $s = 1$ it changes slowly, which is why orthogonal initialisation of $W_h$ is popular, but
# the tanh factors still shrink it over long spans.

# %% [markdown]
# ### RNN versus LSTM: how far back does the gradient reach?
#
# The question that matters for learning is how much the loss at the *end* of a sequence tells
# each *earlier input*. Below, a vanilla RNN and three LSTMs ($H = 32$, the usual random
# initialisation $\mathcal N(0, 1/\text{fan-in})$) read $T = 60$ steps of random inputs; the loss sees
# only the last hidden state, and we plot $\lVert \partial L / \partial x_t \rVert$ (the norm of
# `dx[:, t]` from your backward functions, over the whole batch) against how many steps before the end $x_t$ was read.
# The three LSTMs differ only in the forget gate's bias $b_f$: with $b_f = 3$ the gate starts at
# $\sigma(3) \approx 0.95$, open, and the cell's additive path carries the gradient almost unchanged.

# %% experiment=true
def input_gradient_norms(forward, backward, wx, wh, b, t_len, rng, n=16):
    """||dL/dx_t|| for every t when the loss only sees the last hidden state."""
    inputs, hidden = wx.shape[0], wh.shape[0]
    x = rng.standard_normal((n, t_len, inputs))
    h, cache = forward(x, np.zeros((n, hidden)), wx, wh, b)
    dh = np.zeros_like(h)
    dh[:, -1] = rng.standard_normal((n, hidden))
    return np.linalg.norm(backward(dh, cache)[0], axis=(0, 2))


with skip_if_not_implemented():
    rng = np.random.default_rng(0)
    inputs, hidden, t_len = 4, 32, 60
    steps_back = np.arange(t_len)[::-1]   # x[:, t] was read t_len - 1 - t steps before the end
    curves = {"vanilla RNN": input_gradient_norms(
        rnn_forward, rnn_backward, rng.standard_normal((inputs, hidden)) / np.sqrt(inputs),
        rng.standard_normal((hidden, hidden)) / np.sqrt(hidden), np.zeros(hidden), t_len, rng)}
    for forget_bias in (0.0, 1.0, 3.0):
        b = np.zeros(4 * hidden)
        b[hidden:2 * hidden] = forget_bias   # the forget gate's block: columns [H, 2H)
        curves[f"LSTM, b_f = {forget_bias:g}"] = input_gradient_norms(
            lstm_forward, lstm_backward, rng.standard_normal((inputs, 4 * hidden)) / np.sqrt(inputs),
            rng.standard_normal((hidden, 4 * hidden)) / np.sqrt(hidden), b, t_len, rng)
    plt.figure(figsize=(6.5, 4))
    for label, norm in curves.items():
        plt.semilogy(steps_back, norm / norm[-1], label=label)
        print(f"{label}: ||dL/dx|| {t_len - 1} steps back is {norm[0] / norm[-1]:.1e} of the last step's")
    plt.xlabel("steps before the end")
    plt.ylabel("||dL/dx_t|| / ||dL/dx_T||")
    plt.title("gradient reaching earlier inputs")
    plt.legend()
    plt.show()

# %% [markdown]
# The vanilla RNN's curve is a straight line on the log scale: the gradient shrinks by the same
# factor at every step back, and 60 steps back there is nothing left to learn from. An LSTM whose
# forget gates start half closed ($b_f = 0$, $f \approx 0.5$) is not better: $\operatorname{diag}(f)$ with
# $f \approx 0.5$ also shrinks the gradient geometrically. With $b_f = 1$ ($f \approx 0.73$) it shrinks
# more slowly, and the open forget gate ($b_f = 3$) keeps it at the same order of magnitude over
# the whole sequence. This is why implementations initialise
# the forget bias to 1 or more, and why the network can learn, per unit, how long to remember.
#
# ### Learning a delayed copy
#
# The task: read random tokens from $\{1, \dots, 4\}$ and output, at each step, the token read
# `delay` steps earlier (token 0, "blank", during the first `delay` steps). The network must hold
# the last `delay` tokens in its hidden state. Sequences have random lengths and are padded, so
# the mask matters: labels at padded steps are -1 and must be ignored. The model is the chain of
# the introduction, built from your functions, trained with Adam (written out below) and with
# the gradient's global norm clipped to 5.

# %% experiment=true
def copy_batch(rng, n, t_max, delay, vocab=5):
    """Tokens in 1..vocab-1, targets delayed by `delay` (0 before), random lengths, mask."""
    tokens = rng.integers(1, vocab, size=(n, t_max))
    targets = np.zeros((n, t_max), dtype=np.int64)
    targets[:, delay:] = tokens[:, :-delay]
    lengths = rng.integers(delay + 2, t_max + 1, size=n)
    mask = np.arange(t_max)[None, :] < lengths[:, None]
    return np.where(mask, tokens, 0), np.where(mask, targets, -1), mask


def train_copy(delay, *, steps=200, hidden=32, lr=0.01, seed=0, vocab=5):
    """Train embedding -> RNN -> linear on the delayed copy; returns per-step records."""
    rng = np.random.default_rng(seed)
    emb_dim, t_max, n = 8, delay + 8, 32
    params = {
        "embed": 0.5 * rng.standard_normal((vocab, emb_dim)),
        "wx": rng.standard_normal((emb_dim, hidden)) / np.sqrt(emb_dim),
        "wh": rng.standard_normal((hidden, hidden)) / np.sqrt(hidden),
        "b": np.zeros(hidden),
        "wy": rng.standard_normal((hidden, vocab)) / np.sqrt(hidden),
        "by": np.zeros(vocab),
    }
    m = {k: np.zeros_like(p) for k, p in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    history = {"loss": [], "recall": [], "grad_norm": []}
    for step in range(1, steps + 1):
        tokens, targets, mask = copy_batch(rng, n, t_max, delay, vocab)
        x, embed_cache = embedding_forward(tokens, params["embed"])
        h, rnn_cache = rnn_forward(x, np.zeros((n, hidden)), params["wx"], params["wh"], params["b"])
        scores = h @ params["wy"] + params["by"]
        loss, dscores = temporal_softmax_cross_entropy(scores, targets, mask)
        # accuracy on the steps that recall a token (not the blanks at the start)
        recall = mask & (np.arange(t_max) >= delay)
        history["loss"].append(loss)
        history["recall"].append(np.mean((scores.argmax(axis=2) == targets)[recall]))

        grads = {"wy": np.einsum("nth,ntv->hv", h, dscores), "by": dscores.sum(axis=(0, 1))}
        dx, _, grads["wx"], grads["wh"], grads["b"] = rnn_backward(dscores @ params["wy"].T, rnn_cache)
        grads["embed"] = embedding_backward(dx, embed_cache)
        names = list(params)
        clipped, norm = clip_grad_norm([grads[k] for k in names], 5.0)
        history["grad_norm"].append(norm)
        for k, g in zip(names, clipped):  # Adam, as in assignment 4
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            m_hat, v_hat = m[k] / (1 - 0.9 ** step), v[k] / (1 - 0.999 ** step)
            params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return history


def smooth(values, width=10):
    return np.convolve(values, np.ones(width) / width, mode="valid")


with skip_if_not_implemented():
    history = train_copy(delay=3)
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
    axes[0].semilogy(history["loss"])
    axes[0].set_title("training loss (per sequence)")
    axes[1].plot(smooth(history["recall"]))
    axes[1].axhline(0.25, color="grey", linestyle=":", label="chance")
    axes[1].set_title("recall accuracy (smoothed)")
    axes[1].legend()
    axes[2].semilogy(history["grad_norm"])
    axes[2].axhline(5.0, color="grey", linestyle=":", label="max_norm")
    axes[2].set_title("gradient norm before clipping")
    axes[2].legend()
    for ax in axes:
        ax.set_xlabel("step")
    fig.tight_layout()
    plt.show()
    print(f"delay 3: final recall accuracy {np.mean(history['recall'][-20:]):.3f} (chance 0.25)")

# %% [markdown]
# ### Longer delays
#
# The same model and budget, with the token to recall further back. The gradient that teaches
# step $t$ to keep a token must travel `delay` steps back through the product of Jacobians.

# %% experiment=true
with skip_if_not_implemented():
    recall_by_delay = {delay: train_copy(delay=delay)["recall"] for delay in (5, 8)}
    recall_by_delay[3] = history["recall"]  # the run above
    plt.figure(figsize=(6.5, 4))
    for delay, recall in sorted(recall_by_delay.items()):
        plt.plot(smooth(recall), label=f"delay {delay}")
        print(f"delay {delay}: final recall accuracy {np.mean(recall[-20:]):.3f}")
    plt.axhline(0.25, color="grey", linestyle=":", label="chance")
    plt.xlabel("step")
    plt.ylabel("recall accuracy (smoothed)")
    plt.legend()
    plt.show()

# %% [markdown]
# **Questions to think about.** Which delays are learned within the budget, and how does that
# match the first experiment? Remove the clipping (use `max_norm = 1e9`) and raise the learning
# rate: what happens to the gradient-norm curve and the loss? The forget gate gives the LSTM a
# path along which the gradient is multiplied by $f$ instead of by $\operatorname{diag}(1 - h^2) W_h^\top$:
# what would you expect for delay 8 with an LSTM?

"""Recurrent layers, batch-first: vanilla RNN, LSTM, word embedding, a per-time-step linear layer
and a masked softmax loss over sequences.

    out, cache = name_forward(x, *params)
    grads      = name_backward(dout, cache)      # (dx, dparam1, ...) in parameter order

Sequences are (N, T, D), one time step is (N, D), hidden states are (N, H). float64 in gives
float64 out; inputs are never mutated. Every body is self-contained (it is inlined into the
notebooks), so the sequence functions repeat the step arithmetic instead of calling the steps.

Three members do not fit the pair exactly:
- the LSTM step carries two states, and the cell state c is an input, an output and receives an
  upstream gradient of its own, so
      h_next, c_next, cache = lstm_step_forward(x, h_prev, c_prev, wx, wh, b)
      dx, dh_prev, dc_prev, dwx, dwh, db = lstm_step_backward(dh_next, dc_next, cache)
  (the sequence version lstm_forward starts from c0 = 0 and exposes only h, so it is a pair);
- embedding's input is a tensor of indices, which has no gradient: embedding_backward -> dw;
- the loss returns (loss, dx) like reference.losses: temporal_softmax_cross_entropy(x, y, mask).

Matching PyTorch (nn.RNN / nn.RNNCell with nonlinearity="tanh", nn.LSTM / nn.LSTMCell) whose
weights are stored transposed, (4H, D) and (4H, H), with two biases:
- RNN:  wx = weight_ih.T,  wh = weight_hh.T,  b = bias_ih + bias_hh.
- LSTM: our 4H columns hold the gates in the order i, f, o, g (input, forget, output, candidate;
  CS231n's order); PyTorch's rows are i, f, g, o. With perm = np.r_[0:2*H, 3*H:4*H, 2*H:3*H],
  wx = weight_ih.T[:, perm],  wh = weight_hh.T[:, perm],  b = (bias_ih + bias_hh)[perm],
  and the same perm converts back (it swaps the last two blocks, so it is its own inverse):
  weight_ih = wx[:, perm].T, and gradients convert like the weights.
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes


@shapes(x=("N", "D"), h_prev=("N", "H"), wx=("D", "H"), wh=("H", "H"), b=("H",))
def rnn_step_forward(x, h_prev, wx, wh, b):
    """One time step of a vanilla (Elman) RNN with tanh.

    x: (N, D) input at this step; h_prev: (N, H) previous hidden state; wx: (D, H) input-to-hidden
    weights; wh: (H, H) hidden-to-hidden weights; b: (H,) bias.
    Returns h_next: (N, H) and cache = (x, h_prev, wx, wh, h_next).
    Formula: h_{next} = \\tanh(x W_x + h_{prev} W_h + b).
    """
    h_next = np.tanh(x @ wx + h_prev @ wh + b)
    return h_next, (x, h_prev, wx, wh, h_next)


def rnn_step_backward(dh_next, cache):
    """Gradients of one vanilla RNN step.

    dh_next: (N, H) upstream gradient of h_next; cache = (x, h_prev, wx, wh, h_next) from
    rnn_step_forward.
    Returns dx: (N, D), dh_prev: (N, H), dwx: (D, H), dwh: (H, H), db: (H,).
    Formula: dz = dh_{next} \\odot (1 - h_{next}^2),\\ dx = dz W_x^T,\\ dh_{prev} = dz W_h^T,\\ dW_x = x^T dz,\\ dW_h = h_{prev}^T dz,\\ db = \\sum_n dz_n.
    """
    x, h_prev, wx, wh, h_next = cache
    dz = dh_next * (1.0 - h_next * h_next)
    return dz @ wx.T, dz @ wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)


@shapes(x=("N", "T", "D"), h0=("N", "H"), wx=("D", "H"), wh=("H", "H"), b=("H",))
def rnn_forward(x, h0, wx, wh, b):
    """A vanilla tanh RNN run over a whole sequence, batch-first.

    x: (N, T, D) inputs; h0: (N, H) initial hidden state; wx: (D, H); wh: (H, H); b: (H,).
    Returns h: (N, T, H), the hidden state after every step, and cache = (x, h0, wx, wh, h).
    Formula: h_t = \\tanh(x_t W_x + h_{t-1} W_h + b),\\ t = 1..T,\\ h_0 = h0.
    """
    n, t_len, _ = x.shape
    # the input projection does not depend on the recurrence, so do it for all steps at once
    xw = x @ wx + b
    h = np.zeros((n, t_len, h0.shape[1]))
    h_prev = h0
    for t in range(t_len):
        h_prev = np.tanh(xw[:, t] + h_prev @ wh)
        h[:, t] = h_prev
    return h, (x, h0, wx, wh, h)


def rnn_backward(dh, cache):
    """Backpropagation through time for rnn_forward.

    dh: (N, T, H) upstream gradient of every hidden state h_t (from the layers above only);
    cache = (x, h0, wx, wh, h) from rnn_forward.
    Returns dx: (N, T, D), dh0: (N, H), dwx: (D, H), dwh: (H, H), db: (H,).
    Formula: going t = T..1 with g_{T+1} = 0: dz_t = (dh_t + g_{t+1}) \\odot (1 - h_t^2),\\ g_t = dz_t W_h^T;\\ dx_t = dz_t W_x^T,\\ dh0 = g_1,\\ dW_x = \\sum_t x_t^T dz_t,\\ dW_h = \\sum_t h_{t-1}^T dz_t,\\ db = \\sum_{n,t} dz_t.
    """
    x, h0, wx, wh, h = cache
    t_len = x.shape[1]
    dz = np.zeros_like(h)
    dh_prev = np.zeros_like(h0)
    for t in reversed(range(t_len)):
        # h_t feeds both the output at t and the next step, so the two gradients add
        dz[:, t] = (dh[:, t] + dh_prev) * (1.0 - h[:, t] * h[:, t])
        dh_prev = dz[:, t] @ wh.T
    h_before = np.concatenate([h0[:, None, :], h], axis=1)[:, :t_len]
    dwx = np.einsum("ntd,ntk->dk", x, dz)
    dwh = np.einsum("ntj,ntk->jk", h_before, dz)
    return dz @ wx.T, dh_prev, dwx, dwh, dz.sum(axis=(0, 1))


@shapes(x=("N", "D"), h_prev=("N", "H"), c_prev=("N", "H"), wx=("D", "4*H"), wh=("H", "4*H"), b=("4*H",))
def lstm_step_forward(x, h_prev, c_prev, wx, wh, b):
    """One time step of an LSTM; the 4H gate columns are in the order i, f, o, g.

    x: (N, D) input at this step; h_prev, c_prev: (N, H) previous hidden and cell state;
    wx: (D, 4H); wh: (H, 4H); b: (4H,). Columns [0, H) are the input gate i, [H, 2H) the forget
    gate f, [2H, 3H) the output gate o, [3H, 4H) the candidate g. (PyTorch orders them i, f, g, o.)
    Returns h_next: (N, H), c_next: (N, H) and cache = (x, h_prev, c_prev, wx, wh, i, f, o, g,
    tanh_c), where i, f, o, g: (N, H) are the gate activations and tanh_c = tanh(c_next): (N, H).
    Formula: a = x W_x + h_{prev} W_h + b;\\ i, f, o = \\sigma(a_i), \\sigma(a_f), \\sigma(a_o);\\ g = \\tanh(a_g);\\ c_{next} = f \\odot c_{prev} + i \\odot g;\\ h_{next} = o \\odot \\tanh(c_{next}).
    """
    hidden = h_prev.shape[1]
    a = x @ wx + h_prev @ wh + b
    # sigmoid(z) = (1 + tanh(z/2)) / 2 exactly, and this form cannot overflow for any z
    ifo = 0.5 * (1.0 + np.tanh(0.5 * a[:, :3 * hidden]))
    i, f, o = ifo[:, :hidden], ifo[:, hidden:2 * hidden], ifo[:, 2 * hidden:]
    g = np.tanh(a[:, 3 * hidden:])
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    return o * tanh_c, c_next, (x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c)


def lstm_step_backward(dh_next, dc_next, cache):
    """Gradients of one LSTM step (gate order i, f, o, g).

    dh_next, dc_next: (N, H) upstream gradients of h_next and c_next; cache = (x, h_prev, c_prev,
    wx, wh, i, f, o, g, tanh_c) from lstm_step_forward.
    Returns dx: (N, D), dh_prev: (N, H), dc_prev: (N, H), dwx: (D, 4H), dwh: (H, 4H), db: (4H,).
    Formula: dc = dc_{next} + dh_{next} \\odot o \\odot (1 - \\tanh^2 c_{next});\\ da = [dc\\, g\\, i(1-i),\\ dc\\, c_{prev} f(1-f),\\ dh_{next} \\tanh(c_{next})\\, o(1-o),\\ dc\\, i (1-g^2)];\\ dx = da W_x^T,\\ dh_{prev} = da W_h^T,\\ dc_{prev} = dc \\odot f,\\ dW_x = x^T da,\\ dW_h = h_{prev}^T da,\\ db = \\sum_n da_n.
    """
    x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c = cache
    dc = dc_next + dh_next * o * (1.0 - tanh_c * tanh_c)
    da = np.concatenate([
        dc * g * i * (1.0 - i),
        dc * c_prev * f * (1.0 - f),
        dh_next * tanh_c * o * (1.0 - o),
        dc * i * (1.0 - g * g),
    ], axis=1)
    return da @ wx.T, da @ wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)


@shapes(x=("N", "T", "D"), h0=("N", "H"), wx=("D", "4*H"), wh=("H", "4*H"), b=("4*H",))
def lstm_forward(x, h0, wx, wh, b):
    """An LSTM run over a whole sequence, batch-first, starting from cell state c0 = 0.

    x: (N, T, D) inputs; h0: (N, H) initial hidden state; wx: (D, 4H); wh: (H, 4H); b: (4H,),
    gate columns in the order i, f, o, g as in lstm_step_forward.
    Returns h: (N, T, H), the hidden state after every step, and cache = (x, h0, wx, wh, h, c,
    gates), where c: (N, T, H) holds the cell states and gates: (N, T, 4H) the activations
    [i, f, o, g] of every step.
    Formula: for t = 1..T with c_0 = 0: (h_t, c_t) = \\mathrm{lstm\\_step}(x_t, h_{t-1}, c_{t-1}, W_x, W_h, b).
    """
    n, t_len, _ = x.shape
    hidden = h0.shape[1]
    xa = x @ wx + b
    h = np.zeros((n, t_len, hidden))
    c = np.zeros((n, t_len, hidden))
    gates = np.zeros((n, t_len, 4 * hidden))
    h_prev, c_prev = h0, np.zeros((n, hidden))
    for t in range(t_len):
        a = xa[:, t] + h_prev @ wh
        # sigmoid(z) = (1 + tanh(z/2)) / 2 exactly, and this form cannot overflow for any z
        ifo = 0.5 * (1.0 + np.tanh(0.5 * a[:, :3 * hidden]))
        g = np.tanh(a[:, 3 * hidden:])
        c_prev = ifo[:, hidden:2 * hidden] * c_prev + ifo[:, :hidden] * g
        h_prev = ifo[:, 2 * hidden:] * np.tanh(c_prev)
        h[:, t], c[:, t] = h_prev, c_prev
        gates[:, t, :3 * hidden], gates[:, t, 3 * hidden:] = ifo, g
    return h, (x, h0, wx, wh, h, c, gates)


def lstm_backward(dh, cache):
    """Backpropagation through time for lstm_forward.

    dh: (N, T, H) upstream gradient of every hidden state h_t (from the layers above only);
    cache = (x, h0, wx, wh, h, c, gates) from lstm_forward.
    Returns dx: (N, T, D), dh0: (N, H), dwx: (D, 4H), dwh: (H, 4H), db: (4H,). c0 is the constant
    0, so it has no gradient.
    Formula: going t = T..1 with dh_{T+1}^{rec} = dc_{T+1}^{rec} = 0, apply lstm_step_backward to (dh_t + dh_{t+1}^{rec}, dc_{t+1}^{rec}) to get dx_t, dh_t^{rec}, dc_t^{rec} and step parameter gradients; dW_x, dW_h, db are the sums over t and dh0 = dh_1^{rec}.
    """
    x, h0, wx, wh, h, c, gates = cache
    t_len = x.shape[1]
    hidden = h0.shape[1]
    i, f, o, g = (gates[:, :, k * hidden:(k + 1) * hidden] for k in range(4))
    tanh_c = np.tanh(c)
    c_before = np.concatenate([np.zeros_like(h0)[:, None, :], c], axis=1)[:, :t_len]
    h_before = np.concatenate([h0[:, None, :], h], axis=1)[:, :t_len]
    da = np.zeros_like(gates)
    dh_prev = np.zeros_like(h0)
    dc_prev = np.zeros_like(h0)
    for t in reversed(range(t_len)):
        dh_t = dh[:, t] + dh_prev
        dc = dc_prev + dh_t * o[:, t] * (1.0 - tanh_c[:, t] * tanh_c[:, t])
        da[:, t, :hidden] = dc * g[:, t] * i[:, t] * (1.0 - i[:, t])
        da[:, t, hidden:2 * hidden] = dc * c_before[:, t] * f[:, t] * (1.0 - f[:, t])
        da[:, t, 2 * hidden:3 * hidden] = dh_t * tanh_c[:, t] * o[:, t] * (1.0 - o[:, t])
        da[:, t, 3 * hidden:] = dc * i[:, t] * (1.0 - g[:, t] * g[:, t])
        dh_prev = da[:, t] @ wh.T
        dc_prev = dc * f[:, t]
    dwx = np.einsum("ntd,ntk->dk", x, da)
    dwh = np.einsum("ntj,ntk->jk", h_before, da)
    return da @ wx.T, dh_prev, dwx, dwh, da.sum(axis=(0, 1))


@shapes(idx=("N", "T"), w=("V", "D"))
def embedding_forward(idx, w):
    """Word embedding: look up row idx[n, t] of w for every position.

    idx: (N, T) integer indices, each in [0, V) (ValueError for a non-integer dtype or any index
    out of range, negative ones included); w: (V, D) embedding table.
    Returns out: (N, T, D) and cache = (idx, w.shape).
    Formula: out_{n,t} = w_{idx_{n,t}}.
    """
    idx = np.asarray(idx)
    vocab = w.shape[0]
    if not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"idx: expected integer indices, got dtype {idx.dtype}")
    # numpy would silently wrap negative indices, so range-check before indexing
    if idx.size and (idx.min() < 0 or idx.max() >= vocab):
        raise ValueError(f"idx: expected indices in [0, {vocab}), got values in [{idx.min()}, {idx.max()}]")
    return w[idx], (idx, w.shape)


def embedding_backward(dout, cache):
    """Gradient of the embedding table; a row used several times gets the sum of its gradients.

    dout: (N, T, D) upstream gradient; cache = (idx, w.shape) from embedding_forward.
    Returns dw: (V, D) (idx has no gradient).
    Formula: dw_v = \\sum_{n,t:\\ idx_{n,t} = v} dout_{n,t}.
    """
    idx, w_shape = cache
    dw = np.zeros(w_shape)
    # dw[idx] += dout would keep only one contribution per repeated index; add.at accumulates all
    np.add.at(dw, idx, dout)
    return dw


@shapes(x=("N", "T", "D"), w=("D", "M"), b=("M",))
def temporal_linear_forward(x, w, b):
    """The same affine map applied at every time step.

    x: (N, T, D); w: (D, M); b: (M,).
    Returns out: (N, T, M) and cache = (x, w).
    Formula: out_{n,t} = x_{n,t} W + b.
    """
    return x @ w + b, (x, w)


def temporal_linear_backward(dout, cache):
    """Gradients of temporal_linear_forward.

    dout: (N, T, M); cache = (x, w) from temporal_linear_forward.
    Returns dx: (N, T, D), dw: (D, M), db: (M,).
    Formula: dx_{n,t} = dout_{n,t} W^T,\\ dW = \\sum_{n,t} x_{n,t}^T dout_{n,t},\\ db = \\sum_{n,t} dout_{n,t}.
    """
    x, w = cache
    return dout @ w.T, np.einsum("ntd,ntm->dm", x, dout), dout.sum(axis=(0, 1))


@shapes(x=("N", "T", "V"), y=("N", "T"), mask=("N", "T"))
def temporal_softmax_cross_entropy(x, y, mask):
    """Softmax cross-entropy at every unmasked time step, summed over time, averaged over N.

    x: (N, T, V) scores; y: (N, T) integer labels, each in [0, V) where mask is True (ValueError
    otherwise; labels where mask is False are ignored, so a padding value such as -1 is fine);
    mask: (N, T) bool, True where the step counts.
    The loss is divided by N, not by the number of unmasked steps (CS231n's convention); PyTorch's
    equivalent is F.cross_entropy(x.reshape(-1, V), y', ignore_index=-100, reduction="sum") / N
    with y' = y where mask else -100, flattened.
    Returns loss: float and dx: (N, T, V), zero at masked steps.
    Formula: L = -\\frac{1}{N} \\sum_{n,t} m_{n,t} \\log \\mathrm{softmax}(x_{n,t})_{y_{n,t}},\\ dx_{n,t} = \\frac{m_{n,t}}{N} (\\mathrm{softmax}(x_{n,t}) - \\mathrm{onehot}(y_{n,t})).
    """
    n, t_len, vocab = x.shape
    mask = np.asarray(mask, dtype=bool)
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y: expected integer labels, got dtype {y.dtype}")
    y = np.where(mask, y, 0)
    if y.size and (y.min() < 0 or y.max() >= vocab):
        raise ValueError(f"y: expected labels in [0, {vocab}) at unmasked steps, got values in [{y.min()}, {y.max()}]")
    shifted = x - x.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    rows, steps = np.arange(n)[:, None], np.arange(t_len)[None, :]
    loss = -np.sum(np.where(mask, log_probs[rows, steps, y], 0.0)) / n
    dx = np.exp(log_probs)
    dx[rows, steps, y] -= 1.0
    # where, not multiplication, so masked steps contribute exactly zero whatever their scores
    dx = np.where(mask[:, :, None], dx, 0.0) / n
    return float(loss), dx

# selftest: alternative
# description: embedding lookup with np.take, backward with a one-hot matrix product; temporal loss with a loop over time and a mask product
import numpy as np


def embedding_forward(idx, w):
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iu":
        raise ValueError("idx must hold integers")
    if np.any(idx < 0) or np.any(idx >= w.shape[0]):
        raise ValueError("idx out of range")
    return np.take(w, idx, axis=0), (idx, w.shape[0])


def embedding_backward(dout, cache):
    idx, vocab = cache
    one_hot = (idx.reshape(-1)[:, None] == np.arange(vocab)[None, :]).astype(float)
    return one_hot.T @ dout.reshape(-1, dout.shape[-1])


def temporal_softmax_cross_entropy(x, y, mask):
    n, t_len, vocab = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for t in range(t_len):
        m = mask[:, t].astype(float)
        labels = np.where(mask[:, t], y[:, t], 0)
        top = x[:, t].max(axis=1, keepdims=True)
        log_z = top[:, 0] + np.log(np.sum(np.exp(x[:, t] - top), axis=1))
        picked = x[np.arange(n), t, labels]
        loss += np.sum(m * (log_z - picked)) / n
        probs = np.exp(x[:, t] - log_z[:, None])
        probs[np.arange(n), labels] -= 1.0
        dx[:, t] = probs * m[:, None] / n
    return loss, dx

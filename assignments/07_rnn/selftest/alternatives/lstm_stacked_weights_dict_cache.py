# selftest: alternative
# description: the LSTM with one stacked weight matrix [wx; wh] on [x, h], gates by np.split, einsum gradients and a dict cache
import numpy as np


def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c = cache
    dc = dc_next + dh_next * o * (1 - tanh_c ** 2)
    da = np.hstack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh_next * tanh_c * o * (1 - o),
                    dc * i * (1 - g ** 2)])
    xh = np.hstack([x, h_prev])
    dxh = np.einsum("nk,jk->nj", da, np.vstack([wx, wh]))
    dw = np.einsum("nj,nk->jk", xh, da)
    d = x.shape[1]
    return dxh[:, :d], dxh[:, d:], dc * f, dw[:d], dw[d:], np.einsum("nk->k", da)


def lstm_forward(x, h0, wx, wh, b):
    n, t_len, d = x.shape
    w = np.vstack([wx, wh])
    h_prev, c_prev = h0, np.zeros_like(h0)
    hs, cs, acts = [], [], []
    for t in range(t_len):
        a_i, a_f, a_o, a_g = np.split(np.hstack([x[:, t], h_prev]) @ w + b, 4, axis=1)
        i, f, o = (1 / (1 + np.exp(-np.clip(z, -500, 500))) for z in (a_i, a_f, a_o))
        g = np.tanh(a_g)
        c_prev = f * c_prev + i * g
        h_prev = o * np.tanh(c_prev)
        hs.append(h_prev)
        cs.append(c_prev)
        acts.append((i, f, o, g))
    h = np.stack(hs, axis=1)
    return h, {"x": x, "h0": h0, "w": w, "h": h, "c": np.stack(cs, axis=1), "acts": acts}


def lstm_backward(dh, cache):
    x, h0, w, h, c, acts = (cache[k] for k in ("x", "h0", "w", "h", "c", "acts"))
    n, t_len, d = x.shape
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    db = np.zeros(w.shape[1])
    dh_rec, dc_rec = np.zeros_like(h0), np.zeros_like(h0)
    for t in reversed(range(t_len)):
        i, f, o, g = acts[t]
        c_prev = c[:, t - 1] if t > 0 else np.zeros_like(h0)
        h_prev = h[:, t - 1] if t > 0 else h0
        tanh_c = np.tanh(c[:, t])
        dh_t = dh[:, t] + dh_rec
        dc = dc_rec + dh_t * o * (1 - tanh_c ** 2)
        da = np.hstack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh_t * tanh_c * o * (1 - o),
                        dc * i * (1 - g ** 2)])
        dxh = da @ w.T
        dx[:, t], dh_rec = dxh[:, :d], dxh[:, d:]
        dc_rec = dc * f
        dw += np.hstack([x[:, t], h_prev]).T @ da
        db += da.sum(axis=0)
    return dx, dh_rec, dw[:d], dw[d:], db

# selftest: mutant
# description: rnn_forward starts from zeros instead of h0 (the backward is right, but is fed a wrong cache)
# expect-lose: rnn_forward rnn_backward
# expect-feedback: h0 was ignored, fix rnn_forward first
import numpy as np


def rnn_forward(x, h0, wx, wh, b):
    n, t_len, _ = x.shape
    h = np.zeros((n, t_len, h0.shape[1]))
    h_prev = np.zeros_like(h0)
    for t in range(t_len):
        h_prev = np.tanh(x[:, t] @ wx + h_prev @ wh + b)
        h[:, t] = h_prev
    return h, (x, h0, wx, wh, h)

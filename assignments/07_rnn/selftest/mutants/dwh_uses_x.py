# selftest: mutant
# description: the step's dwh is computed from the input x instead of the previous state h_prev
# expect-lose: rnn_step_backward
# expect-feedback: instead of h_prev
import numpy as np


def rnn_step_backward(dh_next, cache):
    x, h_prev, wx, wh, h_next = cache
    dz = dh_next * (1.0 - h_next * h_next)
    return dz @ wx.T, dz @ wh.T, x.T @ dz, x.T @ dz, dz.sum(axis=0)

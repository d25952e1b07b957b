# selftest: mutant
# description: rnn_step_forward multiplies by wh.T (square, so no shape error)
# expect-lose: rnn_step_forward rnn_step_backward
# expect-feedback: h_prev @ wh.T
import numpy as np


def rnn_step_forward(x, h_prev, wx, wh, b):
    h_next = np.tanh(x @ wx + h_prev @ wh.T + b)
    return h_next, (x, h_prev, wx, wh, h_next)

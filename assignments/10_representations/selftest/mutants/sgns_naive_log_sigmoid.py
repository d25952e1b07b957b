# selftest: mutant
# description: the loss as np.log(1 / (1 + np.exp(-s))): log 0 = -inf for scores in the hundreds
# expect-lose: sgns_loss_vectors
# expect-feedback: NaN or inf
import numpy as np


def sgns_loss_vectors(v, u_pos, u_neg):
    n = v.shape[0]
    s_pos = np.sum(u_pos * v, axis=1)
    s_neg = np.einsum("nkd,nd->nk", u_neg, v)
    loss = -(np.sum(np.log(1.0 / (1.0 + np.exp(-s_pos)))) + np.sum(np.log(1.0 / (1.0 + np.exp(s_neg))))) / n
    g_pos = -0.5 * (1.0 - np.tanh(0.5 * s_pos)) / n
    g_neg = 0.5 * (1.0 + np.tanh(0.5 * s_neg)) / n
    dv = g_pos[:, None] * u_pos + np.einsum("nk,nkd->nd", g_neg, u_neg)
    return float(loss), dv, g_pos[:, None] * v, g_neg[:, :, None] * v[:, None, :]

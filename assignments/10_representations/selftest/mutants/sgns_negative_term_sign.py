# selftest: mutant
# description: the negative term is log sigmoid(+u_neg . v) instead of log sigmoid(-u_neg . v), gradients consistent
# expect-lose: sgns_loss_vectors sgns_loss
# expect-feedback: the sign of the negative term
import numpy as np


def sgns_loss_vectors(v, u_pos, u_neg):
    n = v.shape[0]
    s_pos = np.sum(u_pos * v, axis=1)
    s_neg = np.einsum("nkd,nd->nk", u_neg, v)
    loss = (np.sum(np.logaddexp(0.0, -s_pos)) + np.sum(np.logaddexp(0.0, -s_neg))) / n
    g_pos = -0.5 * (1.0 - np.tanh(0.5 * s_pos)) / n
    g_neg = -0.5 * (1.0 - np.tanh(0.5 * s_neg)) / n
    dv = g_pos[:, None] * u_pos + np.einsum("nk,nkd->nd", g_neg, u_neg)
    return float(loss), dv, g_pos[:, None] * v, g_neg[:, :, None] * v[:, None, :]

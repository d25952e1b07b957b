# selftest: alternative
# description: sgns_loss scattering with a Python loop over the pairs (slow but right: += on one row at a time accumulates)
import numpy as np


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    vocab = w_in.shape[0]
    for idx in (centers, contexts, negatives):
        if np.asarray(idx).dtype.kind not in "iu" or np.min(idx) < 0 or np.max(idx) >= vocab:
            raise ValueError("indices out of range")
    loss, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])  # noqa: F821
    dw_in = np.zeros(w_in.shape)
    dw_out = np.zeros(w_out.shape)
    for n in range(len(centers)):
        dw_in[centers[n]] += dv[n]
        dw_out[contexts[n]] += du_pos[n]
        for k in range(negatives.shape[1]):
            dw_out[negatives[n, k]] += du_neg[n, k]
    return loss, dw_in, dw_out

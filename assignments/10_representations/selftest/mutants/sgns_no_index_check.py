# selftest: mutant
# description: sgns_loss indexes without checking the range (-1 silently becomes the last word)
# expect-lose: sgns_loss
# expect-feedback: was accepted
import numpy as np


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    loss, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])  # noqa: F821
    dw_in, dw_out = np.zeros_like(w_in), np.zeros_like(w_out)
    np.add.at(dw_in, centers, dv)
    np.add.at(dw_out, contexts, du_pos)
    np.add.at(dw_out, negatives, du_neg)
    return loss, dw_in, dw_out

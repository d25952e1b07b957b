# selftest: mutant
# description: the table gradients scattered with dw[idx] += g, which drops repeated words' contributions
# expect-lose: sgns_loss
# expect-feedback: not accumulated for repeated words
import numpy as np


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    vocab = w_in.shape[0]
    for idx in (centers, contexts, negatives):
        idx = np.asarray(idx)
        if idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= vocab:
            raise ValueError("indices must be integers in [0, V)")
    loss, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])  # noqa: F821
    dw_in, dw_out = np.zeros_like(w_in), np.zeros_like(w_out)
    dw_in[centers] += dv
    dw_out[contexts] += du_pos
    dw_out[negatives] += du_neg
    return loss, dw_in, dw_out

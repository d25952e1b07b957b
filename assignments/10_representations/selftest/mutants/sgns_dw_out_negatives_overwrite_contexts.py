# selftest: mutant
# description: dw_out is rebuilt for the negatives, losing the contexts' gradients
# expect-lose: sgns_loss
# expect-feedback: dw_out has only the negatives' gradients
import numpy as np


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    vocab = w_in.shape[0]
    for idx in (centers, contexts, negatives):
        idx = np.asarray(idx)
        if idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= vocab:
            raise ValueError("indices must be integers in [0, V)")
    loss, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])  # noqa: F821
    dw_in, dw_out = np.zeros_like(w_in), np.zeros_like(w_out)
    np.add.at(dw_in, centers, dv)
    np.add.at(dw_out, contexts, du_pos)
    dw_out = np.zeros_like(w_out)
    np.add.at(dw_out, negatives, du_neg)
    return loss, dw_in, dw_out

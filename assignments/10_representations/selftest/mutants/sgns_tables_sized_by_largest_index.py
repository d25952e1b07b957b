# selftest: mutant
# description: sgns_loss sizes the gradient tables by the largest index used (max + 1) instead of the vocabulary V: right values, but the wrong shape whenever word V - 1 does not occur
# expect-lose: sgns_loss
# expect-feedback: wrong shape
import numpy as np


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    for idx in (centers, contexts, negatives):
        idx = np.asarray(idx)
        if idx.dtype.kind not in "iu" or (idx.size and (idx.min() < 0 or idx.max() >= w_in.shape[0])):
            raise ValueError("expected integer word indices in [0, V)")
    loss, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])
    rows = int(max(np.max(centers), np.max(contexts), np.max(negatives))) + 1
    dw_in, dw_out = np.zeros((rows, w_in.shape[1])), np.zeros((rows, w_out.shape[1]))
    np.add.at(dw_in, centers, dv)
    np.add.at(dw_out, contexts, du_pos)
    np.add.at(dw_out, negatives, du_neg)
    return loss, dw_in, dw_out

# selftest: alternative
# description: SGNS with -log sigmoid(s) = max(-s, 0) + log1p(exp(-|s|)), batched matmuls for the scores, the tables' gradients through one-hot matrices, indices checked with np.isin
import numpy as np


def sgns_loss_vectors(v, u_pos, u_neg):
    n = v.shape[0]
    s_pos = (u_pos[:, None, :] @ v[:, :, None])[:, 0, 0]
    s_neg = (u_neg @ v[:, :, None])[:, :, 0]

    def softplus(t):  # log(1 + e^t), stable
        return np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))

    def sigmoid(t):
        e = np.exp(-np.abs(t))
        return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    loss = (softplus(-s_pos).sum() + softplus(s_neg).sum()) / n
    g_pos = -sigmoid(-s_pos) / n
    g_neg = sigmoid(s_neg) / n
    dv = g_pos[:, None] * u_pos + (g_neg[:, :, None] * u_neg).sum(axis=1)
    return loss, dv, np.outer(g_pos, np.ones(v.shape[1])) * v, g_neg[:, :, None] * v[:, None, :]


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    vocab = len(w_in)
    for idx in (centers, contexts, negatives):
        idx = np.asarray(idx)
        if not np.issubdtype(idx.dtype, np.integer) or not np.isin(idx, np.arange(vocab)).all():
            raise ValueError("word indices must be integers in [0, V)")
    loss, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])
    eye = np.eye(vocab)
    dw_in = eye[centers].T @ dv
    dw_out = eye[contexts].T @ du_pos + eye[negatives.ravel()].T @ du_neg.reshape(-1, w_out.shape[1])
    return loss, dw_in, dw_out

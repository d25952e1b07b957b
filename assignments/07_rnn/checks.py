"""Visible-check inputs of 07_rnn (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. Shapes are small and all different (N=2, T=4, D=3, H=5, V=5) so that a transposed
or mixed-up matrix cannot pass by accident; X_STEP has a large entry (tanh saturates, a formula
with exponentials overflows), and the gradient checks use moderate inputs where central
differences are meaningful. lstm_step_forward returns three values, which the stored checks do
not handle, so its check and lstm_step_backward's (central differences only) are written out in
the notebook. The LSTM sequence uses the RNN's x and h0 with gate weights of width 4H = 20, and
its gradient check a shorter sequence with one large forget-gate bias (a cell that remembers).
"""

import numpy as np

_rng = np.random.default_rng(2026)

# one RNN step: N=2, D=3, H=5
X_STEP = _rng.standard_normal((2, 3))
H_PREV = _rng.standard_normal((2, 5))
WX = _rng.standard_normal((3, 5)) * 0.5
WH = _rng.standard_normal((5, 5)) * 0.4
B = _rng.standard_normal(5) * 0.1
X_STEP_BIG = X_STEP * np.array([[1.0, 1.0, 1.0], [400.0, 1.0, 1.0]])  # saturates row 1

# a sequence: N=2, T=4, D=3, H=5
X_SEQ = _rng.standard_normal((2, 4, 3))
H0 = _rng.standard_normal((2, 5)) * 0.5

# an LSTM over the same sequence: wx (3, 20), wh (5, 20), b (20,) in the gate order i, f, o, g
# (its own generator, so that the inputs of the other checks stay as they were)
_lstm_rng = np.random.default_rng(2027)
WX4 = _lstm_rng.standard_normal((3, 20)) * 0.5
WH4 = _lstm_rng.standard_normal((5, 20)) * 0.4
B4 = _lstm_rng.standard_normal(20) * 0.2
B4_REMEMBER = B4 + np.r_[np.zeros(5), np.full(5, 2.0), np.zeros(10)]  # forget gates mostly open

# embedding: V=5 rows of size 3; row 3 is used four times, row 4 never
IDX = np.array([[0, 3, 3, 1], [3, 0, 2, 3]], dtype=np.int64)
W_EMBED = _rng.standard_normal((5, 3))

# temporal loss: N=2, T=3, V=4; the last step of sequence 1 is padding (label -1, huge scores)
X_SCORES = _rng.standard_normal((2, 3, 4))
X_SCORES[0, 1] = [1000.0, -1000.0, 3.0, 0.0]   # a stable softmax is needed here
X_SCORES[1, 2] = [800.0, 900.0, -900.0, 0.0]   # masked: must contribute nothing
Y = np.array([[2, 0, 3], [1, 1, -1]], dtype=np.int64)
MASK = np.array([[True, True, True], [True, True, False]])

# clipping: a (2, 3) weight gradient and a (3,) bias gradient, stored as one flat vector of 9
# (global norm about 5.4, clipped to 2)
GRADS_FLAT = np.array([1.5, -2.0, 0.5, 3.0, -1.0, 2.5, 0.25, -1.5, 1.0])

CHECKS = {
    "rnn_step_forward": {"args": [X_STEP_BIG, H_PREV, WX, WH, B], "labels": ["h_next"]},
    "rnn_step_backward": {"args": [X_STEP, H_PREV, WX, WH, B]},
    "rnn_forward": {"args": [X_SEQ, H0, WX, WH, B], "labels": ["h"]},
    "rnn_backward": {"args": [X_SEQ, H0, WX, WH, B]},
    "lstm_forward": {"args": [X_SEQ, H0, WX4, WH4, B4], "labels": ["h"]},
    "lstm_backward": {"args": [X_SEQ, H0, WX4, WH4, B4],
                      "gradcheck_args": [X_SEQ[:, :3], H0, WX4, WH4, B4_REMEMBER]},
    "embedding_forward": {"args": [IDX, W_EMBED]},
    "embedding_backward": {"args": [IDX, W_EMBED]},
    "temporal_softmax_cross_entropy": {"args": [X_SCORES, Y, MASK], "labels": ["loss", "dx"]},
    "clip_grad_norm": {"args": [GRADS_FLAT, 2.0], "labels": ["clipped (flattened)", "total_norm"]},
}

"""Visible-check inputs of 09_attention (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. Sizes are small and all different (N=2, Tq=3, Tk=4, d=5, dv=2; D=6 with 2 heads)
so that a transposed or mixed-up matrix cannot pass by accident. The softmax input has entries
of 1000 (an unshifted exp overflows) and is normalised along axis 1 of three, so the default
last axis gives other numbers; the attention forward has a fully masked query row (its output
must be 0, not NaN); the multi-head checks use a causal mask and a per-sequence padding mask.
"""

import numpy as np

_rng = np.random.default_rng(909)

# softmax along axis 1 of a (2, 3, 4) array; two entries of 1000 in one slice
X_SOFTMAX = _rng.standard_normal((2, 3, 4))
X_SOFTMAX[1, :, 2] = [1000.0, 998.0, -1000.0]

# attention: N=2, Tq=3, Tk=4, d=5, dv=2
Q = _rng.standard_normal((2, 3, 5))
K = _rng.standard_normal((2, 4, 5))
V = _rng.standard_normal((2, 4, 2))
# per sequence: sequence 0 has 3 real keys; in sequence 1 query 1 may attend to nothing
MASK_PADDING = np.array([[[True, True, True, False]] * 3,
                         [[True, False, True, True], [False, False, False, False], [True, True, False, False]]])
MASK_CAUSAL_3x4 = np.tril(np.ones((3, 4), dtype=bool), 1)  # query i sees keys 0..i+1

# heads: x (N=2, T=3, D=6) split into 3 heads; heads (N=2, h=3, T=4, C=2) to merge
X_HEADS = np.arange(36.0).reshape(2, 3, 6)
HEADS = _rng.standard_normal((2, 3, 4, 2))

# multi-head self-attention: N=2, T=4, D=6, 2 heads
X_MHA = _rng.standard_normal((2, 4, 6))
W_QKV = _rng.standard_normal((6, 18)) / np.sqrt(6)
B_QKV = 0.1 * _rng.standard_normal(18)
W_O = _rng.standard_normal((6, 6)) / np.sqrt(6)
B_O = 0.1 * _rng.standard_normal(6)
CAUSAL_4 = np.tril(np.ones((4, 4), dtype=bool))
PADDING_4 = np.broadcast_to((np.arange(4) < np.array([[2], [4]]))[:, None, :], (2, 4, 4)).copy()

# layer norm over the features of (N*T, D) rows
X_LN = _rng.standard_normal((6, 5)) * 3.0 + 2.0
GAMMA = _rng.uniform(0.5, 1.5, 5)
BETA = _rng.standard_normal(5)

CHECKS = {
    "softmax_forward": {"args": [X_SOFTMAX], "kwargs": {"axis": 1}},
    "softmax_backward": {"args": [X_SOFTMAX * 0.01], "kwargs": {"axis": 1}},
    "causal_mask": {"args": [4], "labels": ["mask"]},
    "attention_forward": {"args": [Q, K, V, MASK_PADDING]},
    "attention_backward": {"args": [Q, K, V, MASK_CAUSAL_3x4]},
    "split_heads": {"args": [X_HEADS, 3], "labels": ["heads"]},
    "merge_heads": {"args": [HEADS], "labels": ["x"]},
    "multihead_attention_forward": {"args": [X_MHA, W_QKV, B_QKV, W_O, B_O],
                                    "kwargs": {"num_heads": 2, "mask": CAUSAL_4}},
    "multihead_attention_backward": {"args": [X_MHA, W_QKV, B_QKV, W_O, B_O],
                                     "kwargs": {"num_heads": 2, "mask": PADDING_4}},
    "positional_encoding": {"args": [6, 5], "labels": ["pe"]},
    "layernorm_forward": {"args": [X_LN, GAMMA, BETA]},
    "layernorm_backward": {"args": [X_LN, GAMMA, BETA]},
}

"""Visible-check inputs of 10_representations (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. Shapes are small and all different (N=3, D=5, K=2) so that a transposed weight
cannot pass by accident. The forward check of the non-linear autoencoder has decoder
pre-activations near +-800 (a naive sigmoid overflows); one SGNS pair has scores in the
hundreds (a naive log(sigmoid) gives log 0). The SGNS index arrays repeat words, also across
roles (a context that is also a negative), so a buffered ``dw[idx] += ...`` loses
contributions. masking_noise, sample_negatives and denoising_autoencoder_loss take an rng,
which expected.npz cannot store: their checks are written out in the notebook.
"""

import numpy as np

_rng = np.random.default_rng(1010)

# reconstruction loss: N=3, D=4
X_HAT = _rng.standard_normal((3, 4))
X_TARGET = _rng.standard_normal((3, 4))

# tied linear autoencoder: N=3, D=5, K=2
X = _rng.standard_normal((3, 5))
W = _rng.standard_normal((5, 2)) * 0.5
B_ENC = _rng.standard_normal(2) * 0.1
B_DEC = _rng.standard_normal(5) * 0.1

# non-linear autoencoder: inputs in [0, 1]; the forward check saturates two decoder units
X01 = _rng.random((3, 5))
W1 = _rng.standard_normal((5, 2)) * 0.5
B1 = _rng.standard_normal(2) * 0.1
W2 = _rng.standard_normal((2, 5)) * 0.5
B2 = _rng.standard_normal(5) * 0.1
B2_SATURATED = B2 + np.array([800.0, -800.0, 0.0, 0.0, 0.0])

# noise distribution: a tie (16, 16) and a word that never occurs
COUNTS = np.array([16, 1, 0, 81, 16], dtype=np.int64)

# SGNS on vectors: N=3, K=2, D=4; the last pair has scores in the hundreds
V = _rng.standard_normal((3, 4))
U_POS = _rng.standard_normal((3, 4))
U_NEG = _rng.standard_normal((3, 2, 4))
V_BIG = V * np.array([[1.0], [1.0], [60.0]])

# SGNS on tables: V=6 words, D=3, N=4 pairs, K=2 negatives
W_IN = _rng.standard_normal((6, 3))
W_OUT = _rng.standard_normal((6, 3))
CENTERS = np.array([0, 2, 2, 5], dtype=np.int64)
CONTEXTS = np.array([1, 1, 3, 2], dtype=np.int64)
NEGATIVES = np.array([[1, 4], [4, 4], [0, 3], [2, 2]], dtype=np.int64)

CHECKS = {
    "reconstruction_loss": {"args": [X_HAT, X_TARGET], "labels": ["loss", "dx_hat"]},
    "tied_autoencoder_forward": {"args": [X, W, B_ENC, B_DEC], "labels": ["x_hat"]},
    "tied_autoencoder_backward": {"args": [X, W, B_ENC, B_DEC]},
    "autoencoder_forward": {"args": [X01, W1, B1, W2, B2_SATURATED], "labels": ["x_hat"]},
    "autoencoder_backward": {"args": [X01, W1, B1, W2, B2]},
    "unigram_distribution": {"args": [COUNTS], "labels": ["probs"]},
    "sgns_loss_vectors": {"args": [V_BIG, U_POS, U_NEG], "labels": ["loss", "dv", "du_pos", "du_neg"]},
    "sgns_loss": {"args": [W_IN, W_OUT, CENTERS, CONTEXTS, NEGATIVES], "labels": ["loss", "dw_in", "dw_out"]},
}

"""Visible-check inputs of 05_regularization (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. W has exact zeros (sign(0) = 0 for L1) and negatives. XB's three features have
very different offsets and scales (one around 100), which is what batchnorm removes; the
gradient checks use XBG and XLG, of moderate size, where central differences are accurate.
Dropout's stored check is eval mode (a Generator cannot be stored): the notebook's own check
cell tests train mode with a seeded Generator.
"""

import numpy as np

W = np.array([[0.5, -1.5, 0.0, 2.0],
              [-0.25, 0.0, 3.0, -0.75],
              [1.0, -2.0, 0.125, 0.0]])

XD = np.array([[1.0, -2.0, 3.0, -4.0, 5.0],
               [0.5, 0.0, -1.5, 2.5, -3.5]])

XB = np.array([[0.3, 101.0, -2.0],
               [-1.2, 98.5, 0.5],
               [0.8, 100.2, 3.0],
               [2.1, 99.1, -0.5],
               [-0.4, 102.4, 1.5],
               [1.0, 97.9, -1.0]])
GAMMA = np.array([1.5, 0.5, -2.0])
BETA = np.array([0.1, -0.3, 2.0])
RUNNING_MEAN = np.array([0.2, 99.0, -1.0])
RUNNING_VAR = np.array([0.8, 4.0, 2.5])
XBG = np.array([[0.3, 1.0, -2.0],
                [-1.2, -1.5, 0.5],
                [0.8, 0.2, 3.0],
                [2.1, -0.9, -0.5],
                [-0.4, 2.4, 1.5]])

XL = np.array([[0.5, -1.0, 2.0, 4.0, -3.0],
               [10.0, 11.0, 9.5, 10.5, 12.0],
               [-0.1, 0.2, 0.0, 0.3, -0.4],
               [3.0, -3.0, 1.0, -1.0, 0.0]])
GAMMA_L = np.array([1.0, 0.5, -1.5, 2.0, 0.25])
BETA_L = np.array([0.0, 1.0, -0.5, 0.2, 3.0])
XLG = np.array([[0.5, -1.0, 2.0, 1.5, -3.0],
                [1.0, 0.3, -0.5, 0.5, 2.0],
                [-0.1, 1.2, 0.0, 0.8, -0.4]])

# AGC on a linear weight (D, M) = (3, 4): one unit per column. Column 0's gradient is small
# (kept), columns 1 and 3 are clipped, column 2 has all-zero weights (the eps floor decides).
W_AGC = np.array([[0.5, -1.0, 0.0, 0.2],
                  [1.5, 0.5, 0.0, -0.1],
                  [-0.5, 2.0, 0.0, 0.3]])
G_AGC = np.array([[0.001, 3.0, 0.01, 0.4],
                  [-0.002, -4.0, -0.02, 0.0],
                  [0.004, 1.0, 0.0, -0.3]])

CHECKS = {
    "l1_penalty": {"args": [W, 0.1], "labels": ["penalty", "dw"]},
    "l2_penalty": {"args": [W, 0.1], "labels": ["penalty", "dw"]},
    "dropout_forward": {"args": [XD, 0.4], "kwargs": {"train": False}},
    "dropout_backward": {"args": [XD, 0.4], "kwargs": {"train": False}},
    "batchnorm_forward": {"args": [XB, GAMMA, BETA]},
    "batchnorm_backward": {"args": [XB, GAMMA, BETA], "gradcheck_args": [XBG, GAMMA, BETA]},
    "batchnorm_running_stats": {"args": [XB, RUNNING_MEAN, RUNNING_VAR], "kwargs": {"momentum": 0.2},
                                "labels": ["new_mean", "new_var"]},
    "layernorm_forward": {"args": [XL, GAMMA_L, BETA_L]},
    "layernorm_backward": {"args": [XL, GAMMA_L, BETA_L], "gradcheck_args": [XLG, GAMMA_L, BETA_L]},
    "adaptive_grad_clip": {"args": [W_AGC, G_AGC], "kwargs": {"clipping": 0.1}, "labels": ["clipped"]},
}

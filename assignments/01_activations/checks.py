"""Visible-check inputs of 01_activations (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. X has an exact 0 (the kink conventions) and +-1000 (overflow); the gradient checks
use XG, away from every kink, where central differences are meaningful.
"""

import numpy as np

X = np.array([[-1000.0, -20.0, -3.0, -1.0, -0.5, -1e-3],
              [0.0, 1e-3, 0.5, 1.0, 3.0, 1000.0]])
XG = np.array([[-2.5, -1.2, -0.3, 0.4],
               [1.1, 2.7, -0.8, 0.15]])

# prelu with one slope per channel (axis 1): x of shape (N, C, L), alpha of shape (C,).
XP = np.array([[[-2.0, 0.0, 3.0], [-1.0, -0.5, 2.0]],
               [[1.5, -4.0, 0.0], [0.25, -3.0, -1000.0]]])
ALPHA = np.array([0.25, 0.1])
XPG = XP + np.array([0.3, -0.2, 0.1])

CHECKS = {
    "sigmoid_forward": {"args": [X]},
    "sigmoid_backward": {"args": [X], "gradcheck_args": [XG]},
    "tanh_forward": {"args": [X]},
    "tanh_backward": {"args": [X], "gradcheck_args": [XG]},
    "relu_forward": {"args": [X]},
    "relu_backward": {"args": [X], "gradcheck_args": [XG]},
    "leaky_relu_forward": {"args": [X], "kwargs": {"alpha": 0.1}},
    "leaky_relu_backward": {"args": [X], "kwargs": {"alpha": 0.1}, "gradcheck_args": [XG]},
    "prelu_forward": {"args": [XP, ALPHA]},
    "prelu_backward": {"args": [XP, ALPHA], "gradcheck_args": [XPG, ALPHA]},
    "elu_forward": {"args": [X], "kwargs": {"alpha": 0.7}},
    "elu_backward": {"args": [X], "kwargs": {"alpha": 0.7}, "gradcheck_args": [XG]},
    "selu_forward": {"args": [X]},
    "selu_backward": {"args": [X], "gradcheck_args": [XG]},
    "gelu_forward": {"args": [X]},
    "gelu_backward": {"args": [X], "gradcheck_args": [XG]},
    "gelu_tanh_forward": {"args": [X]},
    "gelu_tanh_backward": {"args": [X], "gradcheck_args": [XG]},
    "softplus_forward": {"args": [X], "kwargs": {"beta": 2.0}},
    "softplus_backward": {"args": [X], "kwargs": {"beta": 2.0}, "gradcheck_args": [XG]},
    "silu_forward": {"args": [X]},
    "silu_backward": {"args": [X], "gradcheck_args": [XG]},
}

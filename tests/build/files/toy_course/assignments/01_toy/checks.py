"""Visible-check inputs of the toy assignment."""

import numpy as np

X = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.5]])

CHECKS = {
    "scale_forward": {"args": [X], "kwargs": {"factor": 3.0}},
    "scale_backward": {"args": [X], "kwargs": {"factor": 3.0}},
    "cube_forward": {"args": [X]},
    "cube_backward": {"args": [X], "dout": np.ones_like(X), "gradcheck_args": [X + 0.25]},
    "mean_square": {"args": [X]},
}

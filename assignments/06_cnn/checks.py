"""Visible-check inputs of 06_cnn (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. The convolution's checks are not here: its functions are named *_naive, which the
stored checks do not pair as forward/backward, so the notebook checks the convolution with
integer inputs and expected values written in the check cells, and with gradient checks.

XM has integer entries with ties inside windows (the first-maximum convention); XMG has
distinct entries, where central differences are meaningful. The backward checks use
overlapping, non-square windows (stride 1 < window), where gradients must accumulate.
"""

import numpy as np

# (2, 2, 4, 5): entries in -3..3, with repeated values; the last column lies outside every
# 2 x 2 / stride 2 window (floored output size).
XM = np.array([[[[1, 3, 3, -2, 0], [0, -1, 2, 3, 1], [-3, -3, 0, 1, 2], [-3, -3, 1, 1, -1]],
                [[2, 2, 0, -1, 3], [2, 2, 1, 1, -2], [0, 1, -1, -2, 2], [3, -1, -2, -3, 0]]],
               [[[-1, -2, 0, 0, 1], [-2, -1, 0, 0, 3], [1, 2, 3, -1, -2], [2, 1, -3, 3, 0]],
                [[-2, -3, 1, 2, -1], [-3, -1, 2, 1, 0], [0, 0, 0, 1, 1], [-1, 0, 0, 1, 1]]]], dtype=float)
XMG = np.round(np.random.default_rng(60).standard_normal((2, 2, 4, 5)), 3)

# Average pooling: non-square, odd sizes.
XA = np.round(np.random.default_rng(61).standard_normal((2, 1, 5, 7)), 3)

OVERLAP = {"pool_height": 3, "pool_width": 2, "stride": 1}

CHECKS = {
    "maxpool2d_forward": {"args": [XM]},
    "maxpool2d_backward": {"args": [XM], "kwargs": OVERLAP, "gradcheck_args": [XMG]},
    "avgpool2d_forward": {"args": [XA], "kwargs": {"pool_height": 3, "pool_width": 3, "stride": 2}},
    "avgpool2d_backward": {"args": [XA], "kwargs": {"pool_height": 2, "pool_width": 3, "stride": 1}},
}

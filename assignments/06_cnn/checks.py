"""Visible-check inputs of 06_cnn (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. The naive convolution's checks are not here: its functions are named *_naive,
which the stored checks do not pair as forward/backward, so the notebook checks it with integer
inputs and expected values written in the check cells, and with gradient checks. The fast
convolution (conv2d_forward / conv2d_backward) pairs, so its checks are stored: a stride and
padding that leave a row and a column over, and for the backward overlapping windows.

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

# Fast convolution: x (2, 3, 6, 7), w (4, 3, 3, 2); with stride 2 and pad 1 the last padded row and
# column are read by no window (H + 2 pad - HH = 5 and W + 2 pad - WW = 7 are odd).
_conv_rng = np.random.default_rng(62)
XC = np.round(_conv_rng.standard_normal((2, 3, 6, 7)), 3)
WC = np.round(_conv_rng.standard_normal((4, 3, 3, 2)), 3)
BC = np.round(_conv_rng.standard_normal(4), 3)

CHECKS = {
    "conv2d_forward": {"args": [XC, WC, BC], "kwargs": {"stride": 2, "pad": 1}},
    "conv2d_backward": {"args": [XC, WC, BC], "kwargs": {"stride": 1, "pad": 1}, "labels": ["dx", "dw", "db"],
                        "gradcheck_args": [XC[:1, :2], WC[:3, :2], BC[:3]]},
    "maxpool2d_forward": {"args": [XM]},
    "maxpool2d_backward": {"args": [XM], "kwargs": OVERLAP, "gradcheck_args": [XMG]},
    "avgpool2d_forward": {"args": [XA], "kwargs": {"pool_height": 3, "pool_width": 3, "stride": 2}},
    "avgpool2d_backward": {"args": [XA], "kwargs": {"pool_height": 2, "pool_width": 3, "stride": 1}},
}

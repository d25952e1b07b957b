"""Visible-check inputs of 02_backprop (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. Sizes all differ (N, D, M) so that a transposed or wrongly summed gradient cannot
pass by accident; the linear layer gets a 3-D input to check the flattening. The losses get
logits of +-1000 (overflow) and targets that make every branch matter. numerical_gradient takes
a function, which cannot be stored: its check cell uses the setup cell's curved_function and
check_gradients instead.
"""

import numpy as np

# rel_error: two close arrays with zeros at the same places (a dead ReLU unit, say), where an
# elementwise ratio is 0 / 0.
REL_A = np.array([[0.5, -1.25, 0.0, 2.0], [0.0, 3.5, -0.75, 1e-3]])
REL_B = REL_A + np.array([[1e-7, 0.0, 0.0, -2e-7], [0.0, 5e-7, 1e-7, 0.0]])

# linear: x of shape (N, 2, 2) = 3 examples of 4 features, w: (4, 5), b: (5,).
X = np.array([[[0.5, -1.0], [2.0, 0.0]],
              [[-0.3, 0.8], [1.5, -2.2]],
              [[1.0, 1.0], [-0.5, 0.25]]])
W = np.array([[0.2, -0.5, 1.0, 0.0, 0.3],
              [1.1, 0.4, -0.6, 0.9, -1.2],
              [-0.7, 0.05, 0.3, 1.4, 0.8],
              [0.6, -1.3, 0.0, -0.2, 0.5]])
B = np.array([0.1, -0.2, 0.0, 0.5, -1.0])

PRED = np.array([[0.5, -1.0, 2.0, 0.0], [1.5, 0.25, -3.0, 4.0]])
TARGET = np.array([[0.0, -1.0, 1.0, 0.5], [2.0, 0.0, -1.0, 3.0]])

# softmax cross-entropy: 5 examples, 3 classes; rows 3 and 4 overflow exp without the max shift.
LOGITS = np.array([[1.0, 2.0, 0.5],
                   [0.0, 0.0, 0.0],
                   [-2.0, 3.0, 1.0],
                   [1000.0, -1000.0, 0.0],
                   [-1000.0, 1000.0, 999.0]])
LABELS = np.array([1, 0, 2, 1, 2])

# binary cross-entropy: +-1000 and +-40 break log(sigmoid); one soft target.
BCE_LOGITS = np.array([[-1000.0, -40.0, -1.5, 0.0], [0.5, 3.0, 40.0, 1000.0]])
BCE_Y = np.array([[1.0, 0.0, 1.0, 0.3], [0.0, 1.0, 0.0, 1.0]])

# Poisson: log-rates from -30 (rate ~ 0) to 3, counts including 0.
LOG_RATE = np.array([[-30.0, -1.0, 0.0], [0.7, 2.0, 3.0]])
COUNTS = np.array([[0.0, 1.0, 0.0], [3.0, 5.0, 18.0]])

CHECKS = {
    "rel_error": {"args": [REL_A, REL_B]},
    "linear_forward": {"args": [X, W, B]},
    "linear_backward": {"args": [X, W, B]},
    "mse": {"args": [PRED, TARGET], "labels": ["loss", "dpred"]},
    "softmax_cross_entropy": {"args": [LOGITS, LABELS], "labels": ["loss", "dlogits"]},
    "binary_cross_entropy_with_logits": {"args": [BCE_LOGITS, BCE_Y], "labels": ["loss", "dlogits"]},
    "poisson_nll": {"args": [LOG_RATE, COUNTS], "labels": ["loss", "dlog_rate"]},
}

"""Visible-check inputs of 03_mlp (instructor only: never released).

Only standardize, step_lr and early_stopping use the build's stored checks: the other graded
functions take an ``rng`` (np.random.Generator) or a dict of parameters, which expected.npz
cannot store, so the notebook checks them with ``check_close`` (from nnf_checks.py) against
literal values in the check cells. Those literals were computed with reference.init and
reference.mlp on the inputs the check cells build; the source notebook's checks all PASS exactly
when they still agree with the reference.

X has a constant column (the guard: std 1, not 0/0) and columns on very different scales.
The schedule epoch 8 with step_size 3 catches off-by-one slips (8 // 3 = 2, (8 + 1) // 3 = 3).
The early-stopping history has a tie (0.8 twice: a tie does not improve) and stops with exactly
``patience`` epochs since the best one (stopping needs >=, not >).
"""

import numpy as np

X = np.array([[1.0, 200.0, 5.0, -3.0],
              [2.0, 180.0, 5.0, 0.0],
              [4.0, 260.0, 5.0, 1.5],
              [7.0, 220.0, 5.0, -0.5],
              [1.0, 240.0, 5.0, 2.0]])

HISTORY = np.array([1.0, 0.8, 0.8, 0.85, 0.79, 0.9, 0.9])

CHECKS = {
    "standardize": {"args": [X], "labels": ["z", "mean", "std"]},
    "step_lr": {"args": [0.1, 8], "kwargs": {"step_size": 3, "gamma": 0.5}, "labels": ["lr"]},
    "early_stopping": {"args": [HISTORY], "kwargs": {"patience": 2},
                       "labels": ["should_stop", "best_epoch"]},
}

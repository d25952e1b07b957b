"""Visible-check inputs of 08_model_selection (instructor only: never released).

Empty on purpose: every graded function of this assignment either takes an ``rng``
(np.random.Generator) or a callable, or returns a list of (train_idx, val_idx) pairs or a
(dict, list) pair, none of which expected.npz can store. The notebook's locked check cells
compare the student's results with literal values instead (``check_close`` from nnf_checks.py). Those
literals were computed with reference.model_selection (and, for cross_val_score and
grid_search, its ridge_scorer, which the build puts in the setup cell) on the inputs the check
cells build, and the no-shuffle folds equal scikit-learn's KFold / StratifiedKFold; the source
notebook's checks all PASS exactly when they still agree with the reference.
"""

CHECKS = {}

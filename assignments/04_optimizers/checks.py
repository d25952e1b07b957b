"""Visible-check inputs of 04_optimizers (instructor only: never released).

Only the schedules use the build's stored checks here. The update rules return
``(new_w, state)`` with a dict state, and clip_grad_norm takes a list of arrays: the build's
expected.npz stores only numbers and arrays, so those functions are checked with
``check_update_rule`` and ``check_clip_grad_norm`` (nnf_checks.py) against literal values in the
check cells.
Those literals were computed with reference.optim (three steps from W0 on fixed_gradient(1..3));
the source notebook's checks all PASS exactly when they still agree with the reference.

The epochs below are chosen to catch the classic slips: 8 // 3 = 2 but 9 // 3 = 3 and
8 / 3 is not an integer (step_lr); epoch 7 of t_max 10 with eta_min != 0 (cosine_lr).
"""

CHECKS = {
    "step_lr": {"args": [0.1, 8], "kwargs": {"step_size": 3, "gamma": 0.5}},
    "cosine_lr": {"args": [0.1, 7], "kwargs": {"t_max": 10, "eta_min": 0.001}},
}

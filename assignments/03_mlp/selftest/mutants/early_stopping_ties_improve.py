# selftest: mutant
# description: early_stopping counts a tie as an improvement (<= instead of <), so a plateau never stops
# expect-lose: early_stopping
# expect-feedback: tie
import math

import numpy as np


def early_stopping(val_history, *, patience, min_delta=0.0, mode="min"):
    sign = 1.0 if mode == "min" else -1.0
    best, best_epoch = math.inf, 0
    for t, v in enumerate(np.asarray(val_history, dtype=np.float64)):
        if sign * v <= best - min_delta:
            best, best_epoch = sign * v, t
    return bool(len(val_history) - 1 - best_epoch >= patience), int(best_epoch)

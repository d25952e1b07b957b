# selftest: alternative
# description: step_lr with math.pow and int(); early_stopping written as "gain > min_delta" over a Python list, counting epochs since the best
import math


def step_lr(lr0, epoch, *, step_size, gamma=0.1):
    return lr0 * math.pow(gamma, int(epoch) // int(step_size))


def early_stopping(val_history, *, patience, min_delta=0.0, mode="min"):
    values = [float(v) for v in val_history]
    if mode == "max":
        values = [-v for v in values]
    best, best_epoch = None, 0
    for t, v in enumerate(values):
        if v != v:  # NaN never improves
            continue
        if best is None or best - v > min_delta:
            best, best_epoch = v, t
    since = len(values) - 1 - best_epoch
    return since >= patience, best_epoch

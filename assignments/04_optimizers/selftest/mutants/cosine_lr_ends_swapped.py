# selftest: mutant
# description: cosine_lr with its ends swapped: starts at eta_min and climbs to lr0
# expect-lose: cosine_lr
# expect-feedback: ends swapped
import math


def cosine_lr(lr0, epoch, *, t_max, eta_min=0.0):
    return lr0 + (eta_min - lr0) * (1 + math.cos(math.pi * epoch / t_max)) / 2

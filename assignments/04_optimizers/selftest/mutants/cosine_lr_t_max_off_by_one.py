# selftest: mutant
# description: cosine_lr reaches eta_min one epoch early (divides by t_max - 1)
# expect-lose: cosine_lr
# expect-feedback: t_max off by one
import math


def cosine_lr(lr0, epoch, *, t_max, eta_min=0.0):
    period = max(t_max - 1, 1)
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / period)) / 2

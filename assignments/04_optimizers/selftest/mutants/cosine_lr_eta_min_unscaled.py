# selftest: mutant
# description: cosine_lr adds eta_min on top of the full range (starts above lr0)
# expect-lose: cosine_lr
# expect-feedback: without shrinking the range
import math


def cosine_lr(lr0, epoch, *, t_max, eta_min=0.0):
    return eta_min + lr0 * (1 + math.cos(math.pi * epoch / t_max)) / 2

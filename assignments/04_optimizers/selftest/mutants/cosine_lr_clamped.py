# selftest: mutant
# description: cosine_lr stays at eta_min after t_max instead of climbing back up as PyTorch's does
# expect-lose: cosine_lr
# expect-feedback: climbs back up
import math


def cosine_lr(lr0, epoch, *, t_max, eta_min=0.0):
    epoch = min(epoch, t_max)
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / t_max)) / 2

# selftest: alternative
# description: AdamW as the reference Adam without decay, minus lr wd w (the hint in the notebook)
import numpy as np


def adamw(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    stepped, new_state = adam(w, dw, state, lr=lr, betas=betas, eps=eps, weight_decay=0.0, amsgrad=amsgrad)
    return stepped - lr * weight_decay * w, new_state

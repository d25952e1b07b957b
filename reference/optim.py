"""Optimisation: update rules with exactly the semantics of ``torch.optim``, learning-rate
schedules and gradient clipping, all pure functions.

    new_w, state = rule(w, dw, state, *, lr, **hyper)      sgd, adagrad, rmsprop, adam, adamw
    lr           = schedule(lr0, epoch, **hyper)           step_lr, exponential_lr, cosine_lr
    clipped      = clip(gradients, **hyper)                clip_grad_norm, adaptive_grad_clip

Rules: w is a parameter of any shape, dw its gradient (same shape); state is None on the first
step, then the dict the previous call returned (keys named as in torch's ``optimizer.state[p]``,
holding fresh arrays and ints). Nothing passed in is mutated: feed the returned state back in.
Schedules: ``epoch`` counts completed ``scheduler.step()`` calls, so ``schedule(lr0, 0) == lr0``.
"""

from __future__ import annotations

import math

import numpy as np

from reference._validate import shapes

__all__ = [
    "sgd", "adagrad", "rmsprop", "adam", "adamw",
    "step_lr", "exponential_lr", "cosine_lr",
    "clip_grad_norm", "adaptive_grad_clip",
]


@shapes(dw="w")
def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    """One step of SGD with optional momentum, Nesterov momentum and L2 weight decay (torch.optim.SGD).

    w: parameter, any shape. dw: its gradient, same shape as w. state: None on the first step,
    else the dict returned by the previous step.
    lr: float > 0; momentum: float in [0, 1); dampening: float in [0, 1]; weight_decay: float >= 0;
    nesterov needs momentum > 0 and dampening = 0 (ValueError otherwise).
    Returns (new_w, state): new_w has w's shape; state is {"momentum_buffer": b} (b shaped like
    w) when momentum != 0, else {}.
    Formula: g = dw + wd w;  b = g on the first step, else b = mu b + (1 - dampening) g;
    step direction d = g + mu b if nesterov else b (d = g when mu = 0);  new_w = w - lr d.
    """
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("sgd: Nesterov momentum requires momentum > 0 and dampening = 0")
    g = dw + weight_decay * w if weight_decay != 0 else dw
    if momentum == 0:
        return w - lr * g, {}
    if state is None or "momentum_buffer" not in state:
        # torch starts the buffer at the first gradient, with no dampening, rather than at zero.
        buf = np.array(g, copy=True)
    else:
        buf = momentum * state["momentum_buffer"] + (1 - dampening) * g
    d = g + momentum * buf if nesterov else buf
    return w - lr * d, {"momentum_buffer": buf}


@shapes(dw="w")
def adagrad(w, dw, state, *, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
            eps=1e-10):
    """One step of Adagrad (torch.optim.Adagrad).

    w: parameter, any shape. dw: its gradient, same shape as w. state: None on the first step,
    else the dict returned by the previous step.
    lr: float > 0; lr_decay, weight_decay, initial_accumulator_value: floats >= 0; eps: float > 0.
    Returns (new_w, state): state is {"step": t (int, steps taken), "sum": s (shaped like w)}.
    Formula: t += 1; g = dw + wd w;  s = s + g^2 (s starts at initial_accumulator_value);
    new_w = w - lr / (1 + (t - 1) lr_decay) * g / (\\sqrt{s} + eps).
    """
    if state is None:
        step = 0
        total = np.full_like(w, initial_accumulator_value)
    else:
        step = state["step"]
        total = state["sum"]
    step += 1
    g = dw + weight_decay * w if weight_decay != 0 else dw
    clr = lr / (1 + (step - 1) * lr_decay)
    total = total + g * g
    return w - clr * (g / (np.sqrt(total) + eps)), {"step": step, "sum": total}


@shapes(dw="w")
def rmsprop(w, dw, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    """One step of RMSprop, optionally centered and with momentum (torch.optim.RMSprop).

    w: parameter, any shape. dw: its gradient, same shape as w. state: None on the first step,
    else the dict returned by the previous step.
    lr: float > 0; alpha: float in [0, 1); momentum: float in [0, 1); weight_decay: float >= 0;
    eps: float > 0.
    Returns (new_w, state): state is {"step": t, "square_avg": v} plus "momentum_buffer": b when
    momentum > 0 and "grad_avg": m when centered (arrays shaped like w, all starting at zero).
    Formula: g = dw + wd w;  v = alpha v + (1 - alpha) g^2;  m = alpha m + (1 - alpha) g;
    a = \\sqrt{v - m^2} + eps if centered else \\sqrt{v} + eps;
    b = mu b + g / a and new_w = w - lr b if mu > 0, else new_w = w - lr g / a.
    """
    if state is None:
        state = {"step": 0, "square_avg": np.zeros_like(w)}
        if momentum > 0:
            state["momentum_buffer"] = np.zeros_like(w)
        if centered:
            state["grad_avg"] = np.zeros_like(w)
    g = dw + weight_decay * w if weight_decay != 0 else dw
    square_avg = alpha * state["square_avg"] + (1 - alpha) * g * g
    new_state = {"step": state["step"] + 1, "square_avg": square_avg}
    if centered:
        grad_avg = alpha * state["grad_avg"] + (1 - alpha) * g
        new_state["grad_avg"] = grad_avg
        # v - m^2 is a variance, >= 0 in exact arithmetic; once the gradient has been constant
        # long enough (alpha^t below round-off) it can round to just below zero, where torch
        # returns NaN. Clamping changes nothing else.
        avg = np.sqrt(np.maximum(square_avg - grad_avg * grad_avg, 0.0)) + eps
    else:
        avg = np.sqrt(square_avg) + eps
    if momentum > 0:
        buf = momentum * state["momentum_buffer"] + g / avg
        new_state["momentum_buffer"] = buf
        return w - lr * buf, new_state
    return w - lr * (g / avg), new_state


@shapes(dw="w")
def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    """One step of Adam with bias correction, L2 weight decay and optional AMSGrad (torch.optim.Adam).

    w: parameter, any shape. dw: its gradient, same shape as w. state: None on the first step,
    else the dict returned by the previous step.
    lr: float > 0; betas: (beta1, beta2), each in [0, 1); weight_decay: float >= 0; eps: float > 0.
    Returns (new_w, state): state is {"step": t, "exp_avg": m, "exp_avg_sq": v} plus
    "max_exp_avg_sq": vmax when amsgrad (arrays shaped like w, starting at zero).
    Formula: t += 1; g = dw + wd w;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
    vmax = max(vmax, v) (amsgrad; then use vmax for v below);
    new_w = w - lr / (1 - b1^t) * m / (\\sqrt{v} / \\sqrt{1 - b2^t} + eps).
    """
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    step = state["step"] + 1
    g = dw + weight_decay * w if weight_decay != 0 else dw
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * g
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
    new_state = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    if amsgrad:
        exp_avg_sq = np.maximum(state["max_exp_avg_sq"], exp_avg_sq)
        new_state["max_exp_avg_sq"] = exp_avg_sq
    # eps is added to the bias-corrected sqrt(v), as torch does; the "efficient" form of the Adam
    # paper (and Keras) adds it to sqrt(v) before correction, which differs while |g| ~ eps.
    step_size = lr / (1 - beta1 ** step)
    denom = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2 ** step) + eps
    return w - step_size * (exp_avg / denom), new_state


@shapes(dw="w")
def adamw(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    """One step of AdamW: Adam with decoupled weight decay (torch.optim.AdamW).

    w: parameter, any shape. dw: its gradient, same shape as w. state: None on the first step,
    else the dict returned by the previous step.
    lr: float > 0; betas: (beta1, beta2), each in [0, 1); weight_decay: float >= 0 (lr weight_decay
    < 1); eps: float > 0.
    Returns (new_w, state): state is {"step": t, "exp_avg": m, "exp_avg_sq": v} plus
    "max_exp_avg_sq": vmax when amsgrad (arrays shaped like w, starting at zero).
    Formula: t += 1; w' = (1 - lr wd) w;  m = b1 m + (1 - b1) dw;  v = b2 v + (1 - b2) dw^2;
    vmax = max(vmax, v) (amsgrad; then use vmax for v below);
    new_w = w' - lr / (1 - b1^t) * m / (\\sqrt{v} / \\sqrt{1 - b2^t} + eps).
    """
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    step = state["step"] + 1
    # Decoupled: the decay shrinks w directly and never enters the moment estimates.
    decayed = w * (1 - lr * weight_decay)
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * dw
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * dw * dw
    new_state = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    if amsgrad:
        exp_avg_sq = np.maximum(state["max_exp_avg_sq"], exp_avg_sq)
        new_state["max_exp_avg_sq"] = exp_avg_sq
    step_size = lr / (1 - beta1 ** step)
    denom = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2 ** step) + eps
    return decayed - step_size * (exp_avg / denom), new_state


# --- learning-rate schedules (torch.optim.lr_scheduler closed forms) ------------------------

def step_lr(lr0, epoch, *, step_size, gamma=0.1):
    """Step decay: multiply the rate by gamma every step_size epochs (torch StepLR).

    lr0: float; epoch: int >= 0; step_size: int >= 1. Returns the rate at that epoch (float).
    Formula: lr = lr0 gamma^{\\lfloor epoch / step_size \\rfloor}.
    """
    return lr0 * gamma ** (epoch // step_size)


def exponential_lr(lr0, epoch, *, gamma):
    """Exponential decay: multiply the rate by gamma every epoch (torch ExponentialLR).

    lr0: float; epoch: int >= 0. Returns the rate at that epoch (float).
    Formula: lr = lr0 gamma^{epoch}.
    """
    return lr0 * gamma ** epoch


def cosine_lr(lr0, epoch, *, t_max, eta_min=0.0):
    """Cosine annealing from lr0 down to eta_min over t_max epochs (torch CosineAnnealingLR).

    lr0: float; epoch: int >= 0; t_max: int >= 1 (half period); eta_min: float. Returns the
    rate at that epoch (float). Past t_max the rate climbs back up (period 2 t_max), as torch's
    scheduler does when stepped beyond T_max.
    Formula: lr = eta_min + (lr0 - eta_min) (1 + \\cos(\\pi epoch / t_max)) / 2.
    """
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / t_max)) / 2


# --- gradient clipping ------------------------------------------------------------------

def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    """Scale all gradients together so their global L2 norm is at most max_norm (torch clip_grad_norm_).

    grads: list of arrays, any shapes. max_norm: float > 0.
    Returns (clipped, total_norm): clipped is a list of fresh arrays with the shapes of grads;
    total_norm is the global norm before clipping (float; 0.0 for an empty list).
    Formula: n = \\sqrt{\\sum_i ||g_i||^2};  g_i' = g_i \\min(1, max_norm / (n + eps)).
    """
    # The norm of the per-array norms, as torch computes it.
    total_norm = float(np.linalg.norm([np.linalg.norm(g) for g in grads])) if len(grads) else 0.0
    scale = min(max_norm / (total_norm + eps), 1.0)
    return [g * scale for g in grads], total_norm


@shapes(dw="w")
def adaptive_grad_clip(w, dw, *, clipping=0.01, eps=1e-3):
    """Adaptive gradient clipping, unit-wise (AGC, Brock et al. 2021, NFNets).

    w: parameter; dw: its gradient, same shape; clipping: float > 0; eps: float > 0.
    Returns the clipped gradient, shape of dw.
    A unit is one output unit, so the norms depend on the course's layouts:
    0-D/1-D (bias (M,)): the whole vector is one unit;
    2-D linear w (D, M): one unit per column, norms over axis 0 (as DeepMind's NFNets code
    does for its (in, out) layout; timm's norm over dim 1 of torch's (out, in) is the same);
    3-D and more, conv w (F, C, HH, WW): one unit per filter, norms over all axes but 0 (as timm).
    Formula: per unit, m = clipping \\max(||w_u||, eps);
    dw_u' = dw_u if ||dw_u|| < m else dw_u m / \\max(||dw_u||, 1e-6).
    """
    if w.ndim <= 1:
        axes = None
    elif w.ndim == 2:
        axes = (0,)
    else:
        axes = tuple(range(1, w.ndim))
    w_norm = np.sqrt(np.sum(w * w, axis=axes, keepdims=True))
    g_norm = np.sqrt(np.sum(dw * dw, axis=axes, keepdims=True))
    max_norm = clipping * np.maximum(w_norm, eps)
    # timm's 1e-6 floor on the gradient norm: np.where evaluates both branches, and an all-zero
    # unit must not divide by zero even though its ratio is then discarded.
    scale = np.where(g_norm < max_norm, 1.0, max_norm / np.maximum(g_norm, 1e-6))
    return dw * scale

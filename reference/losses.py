"""Losses and weight penalties: each returns the value and its gradient in one call.

    loss, dinput = name(input, target)        # loss: float, dinput: the shape of input
    penalty, dw  = name_penalty(w, lam)

Losses average over the batch (mse and binary cross-entropy over every element, like their
PyTorch defaults), so dinput already carries the 1 / N factor. ``softmax(x)`` is the plain
row-wise function the cross-entropy is built on. Every formula stays finite without warnings
for |logits| up to 1e3 (poisson_nll excepted: exp(log_rate) is the loss itself and overflows
past log_rate ~ 709).
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes


@shapes(x=("N", "C"))
def softmax(x):
    """Row-wise softmax, shifted by each row's maximum so that exp never overflows.

    x: (N, C). Returns probabilities: (N, C), each row sums to 1.
    Formula: \\mathrm{softmax}(x)_{ij} = e^{x_{ij} - m_i} / \\sum_k e^{x_{ik} - m_i},\\ m_i = \\max_k x_{ik}.
    """
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def mse(pred, target):
    """Mean squared error over every element (torch.nn.MSELoss, reduction='mean').

    pred: any shape; target: the shape of pred (ValueError otherwise).
    Returns loss: float and dpred: the shape of pred.
    Formula: L = \\tfrac{1}{n} \\sum_i (p_i - t_i)^2,\\ dp = \\tfrac{2}{n} (p - t), n = number of elements.
    """
    # @shapes cannot say "same shape as pred" for any rank, so the check is inline.
    if np.shape(target) != np.shape(pred):
        raise ValueError(
            f"target: expected shape {np.shape(pred)} (the shape of pred), got shape {np.shape(target)}")
    diff = pred - target
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size


@shapes(logits=("N", "C"), y=("N",))
def softmax_cross_entropy(logits, y):
    """Softmax followed by the negative log-likelihood of the true class, averaged over the batch.

    logits: (N, C) unnormalised scores; y: (N,) integer labels in [0, C) (ValueError otherwise).
    Returns loss: float and dlogits: (N, C).
    Formula: L = -\\tfrac{1}{N} \\sum_n \\log \\mathrm{softmax}(x_n)_{y_n},\\ dx = \\tfrac{1}{N} (\\mathrm{softmax}(x) - \\mathrm{onehot}(y)).
    Compute the log-softmax from max-shifted logits, (x - m) - \\log \\sum_k e^{x_k - m},
    never as log(softmax), which is log(0) = -inf once a probability underflows.
    """
    n, c = logits.shape
    if not np.issubdtype(np.asarray(y).dtype, np.integer):
        raise ValueError(f"y: expected integer class labels, got dtype {np.asarray(y).dtype}")
    if np.any((y < 0) | (y >= c)):
        raise ValueError(f"y: expected labels in [0, {c}), got values from {np.min(y)} to {np.max(y)}")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = -np.mean(log_probs[rows, y])
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    return float(loss), dlogits / n


def binary_cross_entropy_with_logits(logits, y):
    """Sigmoid followed by binary cross-entropy, averaged over every element
    (torch.nn.BCEWithLogitsLoss, reduction='mean').

    logits: any shape; y: the shape of logits (ValueError otherwise), targets in [0, 1].
    Returns loss: float and dlogits: the shape of logits.
    Formula: L = \\tfrac{1}{n} \\sum_i (\\max(x_i, 0) - x_i y_i + \\log(1 + e^{-|x_i|})),\\ dx = \\tfrac{1}{n} (\\sigma(x) - y).
    The max/abs form equals -y \\log \\sigma(x) - (1 - y) \\log(1 - \\sigma(x)) but never
    exponentiates a positive number.
    """
    # @shapes cannot say "same shape as logits" for any rank, so the check is inline.
    if np.shape(y) != np.shape(logits):
        raise ValueError(
            f"y: expected shape {np.shape(logits)} (the shape of logits), got shape {np.shape(y)}")
    e = np.exp(-np.abs(logits))
    loss = np.mean(np.maximum(logits, 0) - logits * y + np.log1p(e))
    sig = np.where(logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(loss), (sig - y) / np.size(logits)


def poisson_nll(log_rate, y):
    """Poisson negative log-likelihood of counts y given log-rates, without the constant
    \\log(y!) (torch.nn.PoissonNLLLoss(log_input=True, full=False)), averaged over every element.

    log_rate: any shape; y: the shape of log_rate (ValueError otherwise), non-negative counts.
    Returns loss: float and dlog_rate: the shape of log_rate.
    Formula: L = \\tfrac{1}{n} \\sum_i (e^{r_i} - y_i r_i),\\ dr = \\tfrac{1}{n} (e^{r} - y).
    """
    # @shapes cannot say "same shape as log_rate" for any rank, so the check is inline.
    if np.shape(y) != np.shape(log_rate):
        raise ValueError(
            f"y: expected shape {np.shape(log_rate)} (the shape of log_rate), got shape {np.shape(y)}")
    rate = np.exp(log_rate)
    return float(np.mean(rate - y * log_rate)), (rate - y) / np.size(log_rate)


@shapes(scores=("N", "C"), y=("N",))
def hinge(scores, y):
    """Multiclass SVM (Weston-Watkins) hinge loss with margin 1, averaged over the batch
    (CS231n's svm_loss; equals C times torch.nn.MultiMarginLoss(), which also divides by C).

    scores: (N, C); y: (N,) integer labels in [0, C) (ValueError otherwise).
    Returns loss: float and dscores: (N, C). A margin of exactly 0 gets gradient 0.
    Formula: L = \\tfrac{1}{N} \\sum_n \\sum_{j \\ne y_n} \\max(0, s_{nj} - s_{n y_n} + 1),\\
    ds_{nj} = \\tfrac{1}{N} [m_{nj} > 0] for j \\ne y_n,\\ ds_{n y_n} = -\\tfrac{1}{N} \\sum_{j \\ne y_n} [m_{nj} > 0].
    """
    n, c = scores.shape
    if not np.issubdtype(np.asarray(y).dtype, np.integer):
        raise ValueError(f"y: expected integer class labels, got dtype {np.asarray(y).dtype}")
    if np.any((y < 0) | (y >= c)):
        raise ValueError(f"y: expected labels in [0, {c}), got values from {np.min(y)} to {np.max(y)}")
    rows = np.arange(n)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    active[rows, y] = -active.sum(axis=1)
    return float(margins.sum() / n), active / n


def l1_penalty(w, lam):
    """L1 weight penalty and its subgradient (sign(0) = 0, as torch.abs's gradient).

    w: any shape; lam: non-negative float. Returns penalty: float and dw: the shape of w.
    Formula: P = \\lambda \\sum_i |w_i|,\\ dw = \\lambda\\, \\mathrm{sign}(w).
    """
    return float(lam * np.sum(np.abs(w))), lam * np.sign(w)


def l2_penalty(w, lam):
    """L2 weight penalty with the 1/2 convention, so that its gradient is exactly lam * w,
    the same step as torch.optim.SGD(weight_decay=lam).

    w: any shape; lam: non-negative float. Returns penalty: float and dw: the shape of w.
    Formula: P = \\tfrac{\\lambda}{2} \\sum_i w_i^2,\\ dw = \\lambda w.
    """
    return float(0.5 * lam * np.sum(w * w)), lam * w

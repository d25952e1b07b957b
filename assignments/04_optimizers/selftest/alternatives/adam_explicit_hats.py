# selftest: alternative
# description: Adam with the bias-corrected moments m_hat and v_hat computed explicitly, as in the paper's Algorithm 1
import numpy as np


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta1, beta2 = betas
    t = 1 if state is None else state["step"] + 1
    zeros = np.zeros(np.shape(w))
    m_old = zeros if state is None else state["exp_avg"]
    v_old = zeros if state is None else state["exp_avg_sq"]
    g = dw + weight_decay * w
    m = beta1 * m_old + (1 - beta1) * g
    v = beta2 * v_old + (1 - beta2) * np.square(g)
    new_state = {"step": t, "exp_avg": m, "exp_avg_sq": v}
    if amsgrad:
        v_max = np.maximum(zeros if state is None else state["max_exp_avg_sq"], v)
        new_state["max_exp_avg_sq"] = v_max
        v = v_max
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), new_state

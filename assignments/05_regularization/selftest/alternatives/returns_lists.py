# selftest: alternative
# description: every function that returns several things returns a list ([out, cache], [dx, dgamma, dbeta], [penalty, dw], [new_mean, new_var]) instead of a tuple; the values are the reference's


def _as_list(function):
    def returns_list(*args, **kwargs):
        return list(function(*args, **kwargs))
    return returns_list


l2_penalty = _as_list(l2_penalty)  # noqa: F821 - the reference solution defines them above
l1_penalty = _as_list(l1_penalty)  # noqa: F821
dropout_forward = _as_list(dropout_forward)  # noqa: F821
batchnorm_forward = _as_list(batchnorm_forward)  # noqa: F821
batchnorm_backward = _as_list(batchnorm_backward)  # noqa: F821
batchnorm_running_stats = _as_list(batchnorm_running_stats)  # noqa: F821
layernorm_forward = _as_list(layernorm_forward)  # noqa: F821
layernorm_backward = _as_list(layernorm_backward)  # noqa: F821

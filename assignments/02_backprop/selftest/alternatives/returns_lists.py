# selftest: alternative
# description: linear_forward, linear_backward and the four losses return lists ([out, cache], [dx, dw, db], [loss, grad]) instead of tuples; the values are the reference's


def _as_list(function):
    def returns_list(*args, **kwargs):
        return list(function(*args, **kwargs))
    return returns_list


linear_forward = _as_list(linear_forward)  # noqa: F821 - the reference solution defines them above
linear_backward = _as_list(linear_backward)  # noqa: F821
mse = _as_list(mse)  # noqa: F821
softmax_cross_entropy = _as_list(softmax_cross_entropy)  # noqa: F821
binary_cross_entropy_with_logits = _as_list(binary_cross_entropy_with_logits)  # noqa: F821
poisson_nll = _as_list(poisson_nll)  # noqa: F821

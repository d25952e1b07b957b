"""NumPy reference implementation of every component of the course: the single source of truth.

Every differentiable op is a pure pair ``name_forward(...) -> (out, cache)`` and
``name_backward(dout, cache) -> grads``; float64 by default; inputs are never mutated.
``reference`` never imports ``grader``.
"""

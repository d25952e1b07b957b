"""Speed of reference.conv: the fast conv2d (forward + backward) against PyTorch CPU, and naive vs fast.

    .venv/bin/python benchmarks/conv.py [--repeats 7]

Times are medians (and minima, which a busy machine disturbs less) over ``repeats`` runs; ours
and torch's runs alternate so that a busy machine slows both alike. Both sides get the same dtype (float64, then float32) and the same upstream
gradient. The BLAS configuration is printed, never changed (OPENBLAS_CORETYPE or thread-count
variables in the environment change numpy's speed; see the printed values).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import print_config, timings_ms  # noqa: E402
from reference.conv import (  # noqa: E402
    avgpool2d_backward,
    avgpool2d_forward,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    maxpool2d_backward,
    maxpool2d_forward,
)

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

def ours_vs_torch(label, ours, theirs, repeats):
    if theirs is None:
        (med, low), = timings_ms([ours], repeats)
        print(f"{label:<52} ours {med:7.1f} ({low:7.1f}) ms   (torch not installed)")
        return
    (med, low), (t_med, t_low) = timings_ms([ours, theirs], repeats)
    print(f"{label:<52} ours {med:7.1f} ({low:7.1f}) ms   torch {t_med:7.1f} ({t_low:7.1f}) ms   "
          f"ours/torch {med / t_med:5.2f} ({low / t_low:5.2f})")


def bench_conv(dtype, repeats, N=64, C=16, H=32, W=32, F_=32, K=3, pad=1):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    w = (rng.standard_normal((F_, C, K, K)) * 0.1).astype(dtype)
    b = rng.standard_normal(F_).astype(dtype)
    dout = rng.standard_normal((N, F_, H + 2 * pad - K + 1, W + 2 * pad - K + 1)).astype(dtype)

    def ours():
        out, cache = conv2d_forward(x, w, b, pad=pad)
        return conv2d_backward(dout, cache)

    theirs = None
    if torch is not None:
        xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        dt = torch.tensor(dout)

        def theirs():
            for t in (xt, wt, bt):
                t.grad = None
            F.conv2d(xt, wt, bt, padding=pad).backward(dt)

    label = f"conv2d fwd+bwd {np.dtype(dtype).name} N={N} C={C} {H}x{W} F={F_} {K}x{K} pad={pad}"
    ours_vs_torch(label, ours, theirs, repeats)


def bench_pool(kind, repeats, shape=(64, 32, 32, 32)):
    forward, backward, torch_fn = {
        "max": (maxpool2d_forward, maxpool2d_backward, None if torch is None else F.max_pool2d),
        "avg": (avgpool2d_forward, avgpool2d_backward, None if torch is None else F.avg_pool2d),
    }[kind]
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(shape[:2] + (shape[2] // 2, shape[3] // 2))

    def ours():
        out, cache = forward(x)
        return backward(dout, cache)

    theirs = None
    if torch_fn is not None:
        xt, dt = torch.tensor(x, requires_grad=True), torch.tensor(dout)

        def theirs():
            xt.grad = None
            torch_fn(xt, 2, stride=2).backward(dt)

    ours_vs_torch(f"{kind}pool2d fwd+bwd float64 {shape} 2x2 s2", ours, theirs, repeats)


def bench_naive_vs_fast(repeats, shape=(4, 3, 16, 16), F_=8):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((F_, shape[1], 3, 3))
    b = rng.standard_normal(F_)
    dout = rng.standard_normal((shape[0], F_, shape[2], shape[3]))

    def run(forward, backward):
        out, cache = forward(x, w, b, pad=1)
        return backward(dout, cache)

    (naive, _), = timings_ms([lambda: run(conv2d_forward_naive, conv2d_backward_naive)], max(1, repeats // 2))
    (fast, _), = timings_ms([lambda: run(conv2d_forward, conv2d_backward)], repeats)
    print(f"{f'conv2d fwd+bwd float64 {shape} F={F_} 3x3 pad=1':<52} naive {naive:7.1f} ms   "
          f"fast {fast:7.3f} ms   naive/fast {naive / fast:6.0f}")


def main(*, repeats: int = 7) -> None:
    print_config(torch)
    print("times: median (min) over the repeats")
    for dtype in (np.float64, np.float32):
        bench_conv(dtype, repeats)
    for kind in ("max", "avg"):
        bench_pool(kind, repeats)
    bench_naive_vs_fast(repeats)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=main.__kwdefaults__["repeats"])
    main(repeats=parser.parse_args().repeats)

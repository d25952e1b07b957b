"""What the benchmarks share: the machine's BLAS/thread configuration, printed and never
changed, and alternating timed runs (ours and torch's interleave, so a busy machine slows both
alike)."""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def print_config(torch=None) -> None:
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs")
    for var in ENV_VARS:
        print(f"  {var}={os.environ.get(var, '(unset)')}")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
        print(f"  blas: {blas.get('name')} {blas.get('version')} (threadpoolctl not installed: threads unknown)")
    else:
        for pool in threadpool_info():
            print(f"  {pool['user_api']}: {pool['internal_api']} {pool.get('version')} "
                  f"arch={pool.get('architecture')} threads={pool['num_threads']}")
    if torch is not None:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads")


def timings_ms(fns, repeats: int) -> list[tuple[float, float]]:
    """Run each function once per round, ``repeats`` rounds; (median, min) time of each, in ms."""
    times = [[] for _ in fns]
    for fn in fns:  # warm-up: first-call allocations and torch's kernel selection
        fn()
    for _ in range(repeats):
        for fn, bucket in zip(fns, times):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return [(1e3 * statistics.median(bucket), 1e3 * min(bucket)) for bucket in times]

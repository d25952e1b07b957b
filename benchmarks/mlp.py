"""Speed of reference.nn: one training epoch on the 8x8 digits, our Trainer against a PyTorch CPU loop.

    .venv/bin/python benchmarks/mlp.py [--repeats 9]

Both sides train the network of ``reference.nn.digits_demo``: 64-256-10, ReLU, dropout 0.3,
Adam (lr 3e-3), mini-batches of 64 in a fresh random order every epoch, softmax cross-entropy,
float64 (torch float32 is printed for information). An epoch of the 1438 training samples is
23 steps on small matrices, so per-step overhead (Python, on both sides) weighs a lot.
Times are medians over ``repeats`` epochs; ours and torch's alternate so that a busy machine
slows both alike. The BLAS and thread configuration is printed, and no environment variable is
changed; the last row repeats the measurement with both sides limited to one thread at run time
(threadpoolctl for numpy's BLAS, torch.set_num_threads), as ``digits_demo`` runs.
Target: ours/torch within 1.5.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import print_config, timings_ms  # noqa: E402
from reference.data import digits_split  # noqa: E402
from reference.nn import Optimizer, Trainer, mlp  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

try:
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

SIZES, DROPOUT, LR, BATCH_SIZE = [64, 256, 10], 0.3, 3e-3, 64


def our_epoch(x, y):
    rng = np.random.default_rng(0)
    trainer = Trainer(mlp(SIZES, dropout=DROPOUT, rng=rng), Optimizer("adam", lr=LR), rng=rng,
                      batch_size=BATCH_SIZE)
    return lambda: trainer.fit(x, y, epochs=1)


def torch_epoch(x, y, dtype):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(), torch.nn.Dropout(DROPOUT),
                                torch.nn.Linear(SIZES[1], SIZES[2])).to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    xt, yt = torch.tensor(x, dtype=dtype), torch.tensor(y)

    def epoch():
        model.train()
        order = torch.randperm(len(xt))
        for start in range(0, len(xt), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            opt.zero_grad()
            F.cross_entropy(model(xt[batch]), yt[batch]).backward()
            opt.step()

    return epoch


def compare(label, x, y, repeats) -> None:
    ours = our_epoch(x, y)
    if torch is None:
        ((t_ours, _),) = timings_ms([ours], repeats)
        print(f"{label:<34} ours {t_ours:7.1f} ms   (torch not installed)")
        return
    (t_ours, _), (t64, _), (t32, _) = timings_ms(
        [ours, torch_epoch(x, y, torch.float64), torch_epoch(x, y, torch.float32)], repeats)
    print(f"{label:<34} ours {t_ours:7.1f} ms   torch float64 {t64:7.1f} ms   ours/torch {t_ours / t64:5.2f}"
          f"   (torch float32 {t32:7.1f} ms)")


def main(*, repeats: int = 9) -> None:
    print_config(torch)
    x, y, _, _ = digits_split(rng_seed=0)
    print(f"\none epoch: {len(x)} samples, batches of {BATCH_SIZE}, MLP {SIZES}, dropout {DROPOUT}, Adam; "
          f"median of {repeats}\n")
    compare("default threads", x, y, repeats)
    if threadpool_limits is None:
        return
    torch_threads = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(1)
        with threadpool_limits(limits=1, user_api="blas"):
            compare("1 thread (BLAS and torch)", x, y, repeats)
    finally:
        if torch is not None:
            torch.set_num_threads(torch_threads)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=main.__kwdefaults__["repeats"])
    main(repeats=parser.parse_args().repeats)

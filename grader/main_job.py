"""The README's main job, end to end: build the course and demonstrate the reference."""

from __future__ import annotations

import sys
import time


def run_demo() -> float:
    """Train the reference MLP on digits; print and return its test accuracy."""
    from reference.nn import digits_demo

    start = time.perf_counter()
    accuracy = digits_demo()
    print(f"reference MLP on 8x8 digits: test accuracy {accuracy:.3f} in {time.perf_counter() - start:.1f} s")
    return accuracy


def main(argv: list[str] | None = None) -> int:
    run_demo()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

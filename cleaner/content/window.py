"""The main-body window, written once for text and DOM blocks: the maximum-sum run."""
from __future__ import annotations

from typing import Iterable


def max_sum_run(values: Iterable[float]) -> tuple[int, int]:
    """``[lo, hi)`` of the contiguous run whose values sum highest (Kadane), ``(0, 0)``
    when no run sums above zero.  Ties keep the earlier run.

    >>> max_sum_run([-1, 3, -1, 2, -5, 1])
    (1, 4)
    >>> max_sum_run([-1, -2])
    (0, 0)
    """
    best, span = 0.0, (0, 0)
    cur, lo = 0.0, 0
    for i, v in enumerate(values):
        if cur <= 0:
            cur, lo = v, i
        else:
            cur += v
        if cur > best:
            best, span = cur, (lo, i + 1)
    return span

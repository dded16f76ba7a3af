"""The progress bar on stderr (tqdm): count, rate and, when the total is known, the ETA.

The total is the number of files of a folder, or the bytes of an input file (its raw
bytes, compressed or not: the reader counts what it has read).  Shown only on a terminal;
in a pipe, a log file or with ``--quiet`` it prints nothing.
"""
from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class Progress:
    """``update(n, position)`` after each batch of ``n`` documents (``position``: the
    bytes read so far, for a bar over bytes); ``close()`` ends the line."""

    def __init__(self, label: str = "cleaning", total: int | None = None, *, enabled: bool | None = None,
                 file: TextIO | None = None, every: float = 0.2, total_bytes: int | None = None):
        self.file = file or sys.stderr
        self.enabled = _is_terminal(self.file) if enabled is None else enabled
        self.done = 0
        self.by_bytes = total_bytes is not None and total is None
        common = dict(desc=label, file=self.file, disable=not self.enabled, mininterval=every,
                      dynamic_ncols=True, leave=True)
        if self.by_bytes:
            self.bar = tqdm(total=total_bytes, unit="B", unit_scale=True, unit_divisor=1024, **common)
        else:
            self.bar = tqdm(total=total, unit=" docs", **common)

    @property
    def rate(self) -> float:
        elapsed = self.bar.format_dict.get("elapsed") or 0.0
        return self.done / elapsed if elapsed > 0 else 0.0

    def update(self, n: int = 1, position: int | None = None) -> None:
        self.done += n
        if self.by_bytes:
            if position is not None and position > self.bar.n:
                self.bar.set_postfix_str(f"{self.done} docs", refresh=False)
                self.bar.update(position - self.bar.n)
        else:
            self.bar.update(n)

    def close(self) -> None:
        if self.by_bytes and self.enabled:
            self.bar.set_postfix_str(f"{self.done} docs", refresh=False)
        self.bar.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False

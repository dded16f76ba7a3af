"""A one-line progress report on stderr: documents done and documents per second.

Shown only on a terminal; in a pipe, a log file or with ``--quiet`` it prints nothing.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``update(n)`` after each batch of documents; ``close()`` ends the line."""

    def __init__(self, label: str = "cleaning", total: int | None = None, *, enabled: bool | None = None,
                 file: TextIO | None = None, every: float = 0.2):
        self.file = file or sys.stderr
        self.enabled = self.file.isatty() if enabled is None else enabled
        self.label, self.total, self.every = label, total, every
        self.done = 0
        self.started = self._last = time.monotonic()

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and now - self._last >= self.every:
            self._last = now
            self._draw()

    def _draw(self) -> None:
        of = f"/{self.total}" if self.total is not None else ""
        self.file.write(f"\r{self.label}: {self.done}{of} docs, {self.rate:,.0f} docs/s ")
        self.file.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw()
            self.file.write("\n")
            self.file.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

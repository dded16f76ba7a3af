"""Text bound for a terminal: its control characters shown, never obeyed.

File names and document text come from the crawl: a newline in a name would split a
``failed:`` line (or forge one), an escape sequence would drive the terminal, a
right-to-left override would show a name reversed.  Every message, the summary and
``--diff`` pass such text through :func:`printable`.  The lowest layer, so the command,
the batch and the review all use this one definition.
"""
from __future__ import annotations

import os
import re

# C0 and C1 controls (newline, escape, bell, ...) and the bidirectional overrides and isolates.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str, *, tabs: bool = False) -> str:
    """``text`` with control characters shown as ``\\xNN`` (``\\uNNNN`` for the bidi
    controls); with ``tabs``, a tab stays a tab (a diff line's indentation).

    >>> printable("a\\nfailed: b\\x1b[2J")
    'a\\\\x0afailed: b\\\\x1b[2J'
    """
    pattern = _CONTROL_BUT_TAB if tabs else _CONTROL
    return pattern.sub(_shown, text) if pattern.search(text) else text


def display(path: os.PathLike | str) -> str:
    """A path for messages: undecodable bytes of a file name shown as ``\\xNN``, control
    characters too, never a crash."""
    return printable(os.fsencode(path).decode("utf-8", "backslashreplace"))

"""The key texts are compared by (dedupe, repeated lines, headline repeats): their words.

:func:`py_key` is the reference; :func:`keys_where_shared` is the speed trick beside it (keys
only where another text may share them), and ``tests/test_dedupe.py`` checks that the two
agree.  Both run in the native core when it is active (``cleaner.native``); the ``py_``
functions are its Python twins.
"""
from __future__ import annotations

import re

from cleaner import native

_NON_WORD = re.compile(r"\W+")


def key(text: str) -> str:
    """Compare texts by their words only: case, punctuation and spacing do not count."""
    if native.ACTIVE:
        k = native.CORE.key(text)
        if k is not None:
            return k
    return py_key(text)


def py_key(text: str) -> str:
    """:func:`key` in Python, the reference of the native core's."""
    return _NON_WORD.sub(" ", text.lower()).strip()


# ASCII punctuation and spacing, deleted by str.translate (a C loop) for a quick signature.
_ASCII_NON_WORD = {c: None for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}


def keys_where_shared(texts: list[str | None]) -> list:
    """:func:`key` of each text, computed only where another text may share it (by the
    native core, in one call, when it is active: :func:`py_keys_where_shared` is its
    reference)."""
    if native.ACTIVE:
        keys = native.CORE.keys_where_shared(texts)
        if keys is not None:
            return keys
    return py_keys_where_shared(texts)


def py_keys_where_shared(texts: list[str | None]) -> list:
    """:func:`key` of each text, computed only where another text may share it.

    Equal keys have equal signatures (the words run together), and the signature of an
    ASCII text comes from a C loop (lower-case, delete punctuation and spaces): an ASCII
    text whose signature is unique gets a key of its own that nothing else equals.
    """
    keys: list = [None if t is None or t.isascii() else py_key(t) for t in texts]
    sigs = [None if t is None else k.replace(" ", "") if k is not None else t.lower().translate(_ASCII_NON_WORD)
            for t, k in zip(texts, keys)]
    counts: dict[str, int] = {}
    for sig in sigs:
        if sig is not None:
            counts[sig] = counts.get(sig, 0) + 1
    for i, (t, sig) in enumerate(zip(texts, sigs)):
        if t is not None and keys[i] is None:
            keys[i] = (i,) if counts[sig] == 1 else py_key(t)
    return keys

"""The native core (Rust, ``native/``): loaded when the install built it, and selectable.

``CORE`` is the compiled module ``cleaner._native``, or None when the install had no Rust
(or the core was built against another Unicode database than this Python's: it must
agree with this interpreter's ``str`` and ``re``, so it is refused then).  ``ACTIVE``
says whether callers use it: loaded, and ``CLEAN_ARTICLES_PURE`` is not ``1``.

Every native function has a Python twin, the reference, which callers use when the core
is off (and for any text the core declines: one holding a lone surrogate, which has no
UTF-8 form).  ``tests/test_native.py`` checks each pair agrees.
"""
from __future__ import annotations

import importlib
import os
import unicodedata
from functools import lru_cache
from types import ModuleType


def _load() -> tuple[ModuleType | None, str]:
    """The core and, when there is none, why."""
    try:  # by name: the module is compiled, and the import layers see no ``cleaner`` import
        _native = importlib.import_module("cleaner._native")
    except ImportError as e:
        return None, f"not built ({e})"
    if _native.UNIDATA_VERSION != unicodedata.unidata_version:
        return None, (f"built for Unicode {_native.UNIDATA_VERSION}, this Python has "
                      f"{unicodedata.unidata_version}: reinstall to rebuild it")
    return _native, ""


CORE, REASON = _load()
ACTIVE = CORE is not None and os.environ.get("CLEAN_ARTICLES_PURE") != "1"


@lru_cache(maxsize=64)
def stopword_set(words: frozenset[str]):
    """The core's copy of a stopword set, built once per set (the sets are cached too)."""
    return CORE.Stopwords(words)

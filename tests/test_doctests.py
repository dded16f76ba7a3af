"""The examples in docstrings are tests too."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["cleaner.pipeline", "cleaner.edits", "cleaner.rules", "cleaner.repair", "cleaner.segment",
           "cleaner.score", "cleaner.dedupe", "cleaner.classify", "cleaner.io"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

"""The examples in docstrings are tests too."""
from __future__ import annotations

import doctest
import importlib

import pytest

# The modules whose docstrings hold examples.
MODULES = ["cleaner.pipeline", "cleaner.rules.pack", "cleaner.stages.repair", "cleaner.stages.segment", "cleaner.content.score",
           "cleaner.run.totals", "cleaner.terminal"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples left to run"
    assert result.failed == 0

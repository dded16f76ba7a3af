"""Shared fixtures: the rules are loaded once per test session."""
from __future__ import annotations

import pytest

from cleaner.pipeline import Cleaner
from cleaner.rules import load_rules

@pytest.fixture(scope="session")
def all_rules():
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(all_rules):
    return Cleaner(rules=all_rules)

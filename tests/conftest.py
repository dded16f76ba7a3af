"""Shared fixtures: the rules are loaded once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.pipeline import Cleaner
from cleaner.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "golden"


@pytest.fixture(scope="session")
def all_rules():
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(all_rules):
    return Cleaner(rules=all_rules)

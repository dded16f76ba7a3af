"""Every JSONL line written is strict JSON: a NaN or an infinity (a float column of a
Parquet file, a ``NaN`` token a lenient JSONL writer left) is written as ``null``."""
from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.run.totals import dumps

ARTICLE = ("The council voted on Tuesday to approve the new budget for the city schools, after a "
           "long debate among its members. The vote was close, and the mayor spoke last.")


def strict(line: str):
    def refuse(token):
        raise ValueError(f"not strict JSON: {token}")
    return json.loads(line, parse_constant=refuse)


def test_non_finite_numbers_are_null():
    doc = {"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": {"d": math.nan}, "text": "x", "n": 3}
    assert strict(dumps(doc)) == {"a": None, "b": [None, None, 1.5], "c": {"d": None}, "text": "x", "n": 3}
    assert strict(dumps({"id": "\ud800", "x": math.nan})) == {"id": "\ud800", "x": None}


def test_parquet_float_columns_reach_jsonl_as_strict_json(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": [ARTICLE] * 3,
                             "score": [math.nan, math.inf, 0.25]}), tmp_path / "in.parquet")
    res = CliRunner().invoke(main, [str(tmp_path / "in.parquet"), str(tmp_path / "out.jsonl"), "-j", "1", "-q"])
    assert res.exit_code == 0, res.output
    rows = [strict(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["score"] for r in rows] == [None, None, 0.25]


def test_jsonl_nan_tokens_are_written_as_null(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"id": 1, "w": NaN, "text": %s}\n' % json.dumps(ARTICLE), encoding="utf-8")
    res = CliRunner().invoke(main, [str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"), "-j", "1", "-q"])
    assert res.exit_code == 0, res.output
    assert strict((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["w"] is None

"""The review on the command line: ``--diff --worst N`` in triage order, ``review apply``."""
from __future__ import annotations

import json
import re
import tomllib

from click.testing import CliRunner

import report_batch
from cleaner.cli import main
from cleaner.review.diff import WorstDiffs
from cleaner.rules import load_rules


def test_worst_prints_the_most_suspicious_diffs_in_triage_order(tmp_path, cleaner):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    chosen = report_batch.pages(60)
    for name, text in chosen:
        (src / name).write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(out), "--diff", "--worst", "5", "-q"])
    assert res.exit_code == 0, res.output
    heads = re.findall(r"^# (\S+): suspicion ([\d.]+)", res.output, re.M)
    assert len(heads) == 5
    expect = WorstDiffs(5)
    for name, text in chosen:
        r = cleaner.clean(text)
        expect.add(name, r.input_text, r.text, r.hits, r.metadata.get("removed_share", 0.0), r.metadata)
    assert [h[0] for h in heads] == [doc for doc, *_ in expect.ranked()]
    scores = [float(s) for _, s in heads]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert res.output.count(" (input)\n") <= 5


def test_worst_needs_diff(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out"), "--worst", "3"])
    assert res.exit_code == 2 and "--diff" in res.output

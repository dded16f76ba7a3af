"""Issue 16: what the tool writes, follows and prints can never hurt its inputs or the terminal.

Each test names the class of fault it guards: a write path checked before anything runs,
symlinked folders of IN_DIR, control characters on the terminal, and a full or read-only
disk.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

ARTICLE = ("Storm closes the coast road\n\nAdvertisement\n\n"
           "The coast road was closed on Tuesday after the storm brought down trees and power lines, "
           "the county said in a statement.\n\nCrews expect to reopen it by the end of the week, "
           "weather permitting, officials said.\n")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def snapshot(folder: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def dirs(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return src, out


# -- 1. every write path is checked before anything runs ---------------------------------

# One input per command; the check runs before the input is read, so its bytes do not matter.
COMMANDS = {"page": ("page.txt", "out.txt"), "jsonl": ("pages.jsonl", "out.jsonl"),
            "warc": ("crawl.warc", "out.jsonl"), "parquet": ("rows.parquet", "out.jsonl")}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_hits_onto_its_input(tmp_path, command):
    name, out = COMMANDS[command]
    src = tmp_path / name
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    before = src.read_bytes()
    res = invoke(src, tmp_path / out, "--hits", src, "-q")
    assert res.exit_code == 2 and "is the input" in res.output, res.output
    assert src.read_bytes() == before and not (tmp_path / out).exists()


def test_hits_onto_the_manifest_is_refused(dirs):
    src, out = dirs
    res = invoke(src, out, "--hits", out / ".clean-articles.json", "-q")
    assert res.exit_code == 2 and "the manifest" in res.output and "same file" in res.output, res.output
    assert not out.exists()


def test_a_planted_manifest_symlink_is_refused(dirs, tmp_path):
    src, out = dirs
    out.mkdir()
    victim = tmp_path / "victim.json"
    victim.write_text("keep me", encoding="utf-8")
    (out / ".clean-articles.json").symlink_to(victim)
    res = invoke(src, out, "-q")
    assert res.exit_code == 2 and "is a symlink" in res.output, res.output
    assert (out / ".clean-articles.json").is_symlink() and not (out / "good.txt").exists()


def test_hits_named_dash_is_a_file_and_is_checked_like_any(dirs, monkeypatch):
    """Only OUT takes ``-`` for stdout; ``--hits -`` is a file named ``-``, refused inside IN_DIR."""
    src, out = dirs
    monkeypatch.chdir(src)
    res = invoke(".", out, "--hits", "-", "-q")
    assert res.exit_code == 2 and "inside IN_DIR" in res.output, res.output
    assert not (src / "-").exists() and not out.exists()


def test_stdout_stays_possible_with_dash(tmp_path):
    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    res = invoke(src, "-", "-q")
    assert res.exit_code == 0 and json.loads(res.stdout)["id"] == 1

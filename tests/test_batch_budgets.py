"""Issue 16: a worker killed mid-document (the OOM killer), a decompression bomb, a
document too big or too slow are each one named failure; the batch goes on and the other
outputs are byte-identical to an undisturbed ``--jobs 1`` run."""
from __future__ import annotations

import gzip
import json
import os
import signal
import time

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.pipeline import Cleaner

KILL = b"KILL-THIS-WORKER"
SLOW = b"SLOW-DOCUMENT"
_clean = Cleaner.clean


def _text(i: int) -> str:
    return (f"Story number {i} begins here with a first sentence about the harbour.\n"
            "Advertisement\nIt goes on with a second sentence about the boats.\n")


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def deadly(monkeypatch, tmp_path):
    """Cleaner.clean kills its process on the kill marker (a second marker file makes it
    kill only once, as memory pressure that passes would), and sleeps on the slow one."""
    once = tmp_path / "killed-once"

    def clean(self, data, **kw):
        raw = data.encode() if isinstance(data, str) else data
        if KILL in raw and not (b"ONCE" in raw and once.exists()):
            once.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        if SLOW in raw:
            time.sleep(30)
        return _clean(self, data, **kw)

    monkeypatch.setattr(Cleaner, "clean", clean)


def _folder(src, n, special=None):
    src.mkdir()
    for i in range(n):
        (src / f"doc{i:03d}.txt").write_text(_text(i), encoding="utf-8")
    for i, marker in (special or {}).items():
        (src / f"doc{i:03d}.txt").write_bytes(_text(i).encode() + marker + b"\n")


def test_a_killed_worker_is_one_failed_file_and_the_batch_goes_on(tmp_path, deadly):
    src, out, ref_src, ref = tmp_path / "in", tmp_path / "out", tmp_path / "ref_in", tmp_path / "ref"
    _folder(src, 60, {40: KILL})  # beyond the first chunk, which runs in this process
    _folder(ref_src, 60)
    (ref_src / "doc040.txt").unlink()
    r = _run(src, out, "-j", "2")
    assert r.exit_code == 1, r.output
    failed = [ln for ln in r.stderr.splitlines() if "failed:" in ln]
    assert len(failed) == 1 and "doc040.txt: worker died (killed by signal 9)" in failed[0], r.stderr
    assert _run(ref_src, ref, "-j", "1", "-q").exit_code == 0
    got = _tree(out)
    assert "doc040.txt" not in got
    assert got == _tree(ref)


def test_a_worker_killed_once_is_retried_and_its_file_cleaned(tmp_path, deadly):
    src, out = tmp_path / "in", tmp_path / "out"
    _folder(src, 40, {30: KILL + b" ONCE"})
    r = _run(src, out, "-j", "2", "-q")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "killed-once").exists()
    assert (out / "doc030.txt").read_text().startswith("Story number 30")


def test_a_killed_worker_in_a_jsonl_stream_is_one_bad_line(tmp_path, deadly):
    src, dest = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [{"id": i, "text": _text(i) + ("KILL-THIS-WORKER" if i == 150 else "")} for i in range(1, 201)]
    src.write_text("".join(json.dumps(d) + "\n" for d in lines))
    r = _run(src, dest, "-j", "2")
    assert r.exit_code == 1, r.output
    assert "in.jsonl:150: bad line: worker died (killed by signal 9)" in r.stderr, r.stderr
    ref_src, ref = tmp_path / "ref.jsonl", tmp_path / "ref-out.jsonl"
    ref_src.write_text("".join(json.dumps(d) + "\n" for d in lines if d["id"] != 150))
    assert _run(ref_src, ref, "-j", "1", "-q").exit_code == 0
    assert dest.read_bytes() == ref.read_bytes()


def _bomb(path, size=1 << 30):
    """A gzip file that inflates to ``size`` bytes of one paragraph repeated, written in a
    streaming way (about a megabyte on disk)."""
    block = b"<p>" + b"a" * (1 << 20) + b"</p>"
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(b"<html><body>")
        for _ in range(size // len(block)):
            fh.write(block)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_gzip_bomb_is_failed_fast_by_max_bytes(tmp_path, jobs):
    src, out = tmp_path / "in", tmp_path / "out"
    _folder(src, 3)
    _bomb(src / "bomb.html.gz")
    assert (src / "bomb.html.gz").stat().st_size < 4 << 20
    started = time.monotonic()
    r = _run(src, out, "-j", jobs)
    took = time.monotonic() - started
    assert r.exit_code == 1, r.output
    assert "bomb.html.gz: larger than --max-bytes 67108864" in r.stderr, r.stderr
    assert took < 10, took
    assert sorted(_tree(out)) == [".clean-articles.json", "doc000.txt", "doc001.txt", "doc002.txt"]


def test_max_bytes_names_the_budget_and_0_means_none(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _folder(src, 2)
    r = _run(src, out, "--max-bytes", "100", "-j", "1")
    assert r.exit_code == 1
    assert "doc000.txt: larger than --max-bytes 100" in r.stderr, r.stderr
    r = _run(src, out, "--max-bytes", "0", "-j", "1", "-q")
    assert r.exit_code == 0, r.output


def test_max_bytes_in_a_jsonl_stream(tmp_path):
    src, dest = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "text": _text(1)}) + "\n" + json.dumps({"id": 2, "text": _text(2) * 50}) + "\n")
    r = _run(src, dest, "--max-bytes", "2000", "-j", "1")
    assert r.exit_code == 1
    assert "in.jsonl:2: bad line: larger than --max-bytes 2000" in r.stderr, r.stderr
    assert [json.loads(x)["id"] for x in dest.read_text().splitlines()] == [1]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_slow_document_is_failed_by_timeout(tmp_path, deadly, jobs):
    src, out = tmp_path / "in", tmp_path / "out"
    _folder(src, 40, {30: SLOW})
    started = time.monotonic()
    r = _run(src, out, "-j", jobs, "--timeout", "1")
    assert time.monotonic() - started < 20
    assert r.exit_code == 1, r.output
    failed = [ln for ln in r.stderr.splitlines() if "failed:" in ln]
    assert len(failed) == 1 and "doc030.txt: took longer than --timeout 1s" in failed[0], r.stderr
    assert len(list(out.glob("*.txt"))) == 39


def _stuck_task(state, chunk):
    """Items as themselves; item 7 hangs where no signal reaches it (as in C code)."""
    if 7 in chunk:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    return list(chunk)


def test_a_worker_stuck_past_its_time_is_stopped_and_its_item_lost():
    from cleaner.run.executor import Recovery, batched, ordered_map

    recovery = Recovery(lost=lambda item, why: [f"lost {item}: {why}"],
                        merge=lambda rs: [x for r in rs for x in r], limit=0.2, grace=0.5)
    started = time.monotonic()
    got = [x for r in ordered_map(_stuck_task, None, batched(range(20), 3), jobs=2, recovery=recovery) for x in r]
    assert time.monotonic() - started < 15
    assert got == [*range(7), "lost 7: took longer than 0.2s (its worker was stopped)", *range(8, 20)]

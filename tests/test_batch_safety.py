"""Issue 16, "nothing lost, nothing overwritten": one run per OUT_DIR (a lock), temporary
files of dead runs only are removed, and the manifest's cost per file stays constant."""
from __future__ import annotations

import fcntl
import json
import os

from click.testing import CliRunner

from cleaner.cli import main
from cleaner.run.batch import LOCK_NAME, MANIFEST_NAME


def _pages(src, n):
    src.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (src / f"doc{i:03d}.txt").write_text(f"Story number {i} begins here with a sentence.\n"
                                            "Advertisement\nIt goes on with a second sentence.\n",
                                            encoding="utf-8")


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_a_second_run_on_one_out_dir_is_refused_and_touches_nothing(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _pages(src, 3)
    out.mkdir()
    theirs = out / ".doc000.txt.tmp-4242-deadbeef"  # the other run's file being written
    theirs.write_bytes(b"half")
    (out / MANIFEST_NAME).write_text(json.dumps({"format": 1, "files": {}}))
    with open(out / LOCK_NAME, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the other run holds OUT_DIR
        r = _run(src, out, "--resume", "-j", "1")
    assert r.exit_code == 2, r.output
    assert "another clean-articles run" in r.output
    assert theirs.read_bytes() == b"half"
    assert not (out / "doc000.txt").exists()
    # Once the other run is gone, the next one runs and removes its leftovers.
    r = _run(src, out, "--resume", "-j", "1", "-q")
    assert r.exit_code == 0, r.output
    assert not theirs.exists() and (out / "doc000.txt").is_file()


def test_jsonl_removes_a_dead_runs_temp_files_but_not_a_live_ones(tmp_path):
    src, dest = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "One sentence of a story here.\nAdvertisement\n"}) + "\n")
    dead = tmp_path / ".out.jsonl.tmp-4242-deadbeef"
    live = tmp_path / ".out.jsonl.tmp-4343-0badcafe"
    dead.write_bytes(b"killed mid-write")
    live.write_bytes(b"still being written")
    with open(live, "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # its writer is alive
        r = _run(src, dest, "-j", "1", "-q")
        assert r.exit_code == 0, r.output
        assert not dead.exists()
        assert live.exists()
    assert json.loads(dest.read_text())["id"] == "a"


# -- the manifest: an append-only journal, compacted once a run ----------------------------

def _batch(src, out, **kw):
    from cleaner.pipeline import Cleaner
    from cleaner.run.batch import Batch

    return Batch(Cleaner(), src, out, **kw)


def test_the_manifest_is_journalled_not_rewritten_every_few_files(tmp_path, monkeypatch):
    import cleaner.run.batch as batch_mod

    src, out = tmp_path / "in", tmp_path / "out"
    _pages(src, 120)
    rewrites = []
    real = batch_mod.atomic_write
    monkeypatch.setattr(batch_mod, "atomic_write",
                        lambda path, data: (rewrites.append(path) if path.name == MANIFEST_NAME else None,
                                            real(path, data))[1])
    b = _batch(src, out, save_every=10)
    b.start()
    for _ in b.run(sorted(src.iterdir())):
        pass
    journal = out / batch_mod.JOURNAL_NAME
    per_file = journal.stat().st_size / 120
    b.finish()
    assert len(rewrites) == 1  # compacted once, at the end (it was once every 10 files)
    assert per_file < 400  # one short line a file, whatever the batch's size
    assert not journal.exists()
    assert len(json.loads((out / MANIFEST_NAME).read_bytes())["files"]) == 120


def test_a_killed_runs_journal_is_resumed_and_a_torn_last_line_ignored(tmp_path):
    import cleaner.run.batch as batch_mod

    src, out = tmp_path / "in", tmp_path / "out"
    _pages(src, 30)
    b = _batch(src, out, save_every=5)
    b.start()
    outcomes = list(b.run(sorted(src.iterdir())))
    assert {o.status for o in outcomes} == {"cleaned"}
    b._lock.close()  # killed: no finish, no compaction; the journal holds every entry
    assert not (out / MANIFEST_NAME).exists()
    with open(out / batch_mod.JOURNAL_NAME, "ab") as fh:
        fh.write(b'{"key": "doc000.txt", "entry": {"sha')  # torn by the kill
    b = _batch(src, out, resume=True)
    b.start()
    assert not b.manifest.warning
    assert {o.status for o in b.run(sorted(src.iterdir()))} == {"unchanged"}
    b.finish()


# -- --hits and --report after --resume cover every document ------------------------------

def test_hits_and_report_after_a_resume_cover_every_document(tmp_path):
    src, out, ref = tmp_path / "in", tmp_path / "out", tmp_path / "ref"
    _pages(src, 30)
    assert _run(src, ref, "-j", "1", "-q", "--hits", tmp_path / "ref.hits").exit_code == 0
    assert _run(src, out, "-j", "1", "-q", "--hits", tmp_path / "first.hits").exit_code == 0
    for i in range(0, 30, 3):  # as if the batch had been killed before these
        (out / f"doc{i:03d}.txt").unlink()
    r = _run(src, out, "-j", "1", "--resume", "--hits", tmp_path / "resumed.hits", "--report", tmp_path / "r.html")
    assert r.exit_code == 0, r.output
    assert "10 files" in r.stderr and "20 up to date" in r.stderr, r.stderr
    assert (tmp_path / "resumed.hits").read_bytes() == (tmp_path / "ref.hits").read_bytes()
    report = (tmp_path / "r.html").read_text()
    assert all(f"doc{i:03d}.txt" in report for i in range(30))


def test_a_resume_with_hits_recleans_what_an_earlier_run_kept_no_hits_for(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _pages(src, 5)
    assert _run(src, out, "-j", "1", "-q").exit_code == 0
    r = _run(src, out, "-j", "1", "--resume", "--hits", tmp_path / "h.jsonl")
    assert r.stderr.startswith("cleaned 5 files"), r.stderr
    assert len((tmp_path / "h.jsonl").read_text().splitlines()) == 5

"""Nothing lost: a batch killed with SIGKILL mid-run, re-run with ``--resume``, ends with the
same OUT tree, byte for byte, as an uninterrupted run; no partial output is ever left
under a final name."""
from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.run.batch import MANIFEST_NAME
from cleaner.run.io import TMP_NAME as _TMP_NAME

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CRUFT = ["Advertisement", "Photo: AFP", "Share this article", "Sign up for our newsletter", "Related:",
         "Read more", "Image credit: NASA/JPL", "- Advertisement -"]


def cli(*args, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", "from cleaner.cli import main; main()", *map(str, args)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def make_inputs(root: Path, n: int) -> None:
    rnd = random.Random(1234)
    seeds = [p.read_text(encoding="utf-8") for p in SEEDS]
    for i in range(n):
        lines = rnd.choice(seeds).splitlines()
        for _ in range(rnd.randint(1, 6)):
            lines.insert(rnd.randrange(len(lines) + 1), rnd.choice(CRUFT))
        text = "\n".join(lines) * rnd.randint(1, 3)
        folder = root / f"part{i % 7}" / f"sub{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 50 == 7:
            (folder / f"doc{i:04d}.html.gz").write_bytes(gzip.compress(text.encode())[:40])  # truncated
        elif i % 50 == 8:
            (folder / f"doc{i:04d}.txt").write_bytes(b"%PDF-1.5\n" + os.urandom(64))  # binary: skipped
        elif i % 50 == 9:
            (folder / f"doc{i:04d}.txt").write_bytes(text.encode("cp1252", "replace"))
        else:
            (folder / f"doc{i:04d}.txt").write_text(text, encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def finals(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.txt") if not _TMP_NAME.match(p.name)]


@pytest.mark.slow
def test_sigkill_mid_batch_then_resume_matches_uninterrupted_run(tmp_path):
    src = tmp_path / "in"
    make_inputs(src, 300)
    whole, killed = tmp_path / "whole", tmp_path / "killed"

    p = cli(src, whole, "-q")
    _, err = p.communicate(timeout=600)
    assert p.returncode == 1, err  # the truncated gzips fail, every time
    reference = tree(whole)
    n_out = len(finals(whole))
    assert n_out > 250

    p = cli(src, killed, "-q")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and p.poll() is None:
        if killed.is_dir() and len(finals(killed)) >= 80:
            break
        time.sleep(0.005)
    assert p.poll() is None, "the batch ended before it could be killed; make the inputs bigger"
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL

    done = finals(killed)
    assert 80 <= len(done) < n_out, f"killed after {len(done)} of {n_out} outputs"
    for path in done:  # every file under a final name is complete
        rel = str(path.relative_to(killed))
        assert path.read_bytes() == reference[rel], f"{rel} is partial or differs"
    temps = [p for p in killed.rglob("*") if _TMP_NAME.match(p.name)]
    manifest_entries = 0
    if (killed / MANIFEST_NAME).exists():
        manifest_entries = len(json.loads((killed / MANIFEST_NAME).read_bytes())["files"])

    p = cli(src, killed, "--resume")
    _, err = p.communicate(timeout=600)
    err = err.decode()
    assert p.returncode == 1, err
    assert "up to date" in err, err
    print(f"\nkilled after {len(done)}/{n_out} outputs ({manifest_entries} in the manifest, "
          f"{len(temps)} temp files left); resumed: {err.splitlines()[0]}")
    got = tree(killed)
    assert sorted(got) == sorted(reference), set(got) ^ set(reference)
    diff = [k for k in reference if got[k] != reference[k]]
    assert not diff, f"differs from the uninterrupted run: {diff[:5]}"


def test_resume_skips_up_to_date_and_redoes_changed(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 12)
    p = cli(src, out, "-q")
    p.communicate(timeout=120)
    manifest = json.loads((out / MANIFEST_NAME).read_bytes())
    first = sorted(manifest["files"])
    some = src / first[0]
    some.write_text(some.read_text(encoding="utf-8") + "\nA new closing paragraph was added to the story later.\n",
                    encoding="utf-8")
    (out / first[1]).unlink()                   # a lost output is redone
    stale = out / "part0" / ".x.txt.tmp-123-deadbeef"
    stale.write_bytes(b"partial")
    p = cli(src, out, "--resume")
    _, err = p.communicate(timeout=120)
    summary = err.decode().splitlines()[0]
    assert summary.startswith("cleaned 2 files, 8 up to date, 1 skipped, 1 failed"), err.decode()
    assert not stale.exists()
    after = json.loads((out / MANIFEST_NAME).read_bytes())["files"]
    assert after[first[0]]["sha256"] != manifest["files"][first[0]]["sha256"]
    assert (out / first[1]).is_file()
    # Other rules: everything is redone.
    p = cli(src, out, "--resume", "--ignore", "AD")
    _, err = p.communicate(timeout=120)
    assert err.decode().splitlines()[0].startswith("cleaned 10 files, 1 skipped, 1 failed"), err.decode()


def test_corrupt_manifest_is_ignored_with_a_warning(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 3)
    out.mkdir()
    (out / MANIFEST_NAME).write_text("{not json")
    p = cli(src, out, "--resume")
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert "manifest ignored" in err.decode()
    assert json.loads((out / MANIFEST_NAME).read_bytes())["format"] == 1

"""Kill and resume a record stream: 20 SIGKILLs at random points, each followed by
``--resume``, end with the output and the hits of an uninterrupted run, byte for byte."""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CRUFT = ["Advertisement", "Photo: AFP", "Share this article", "Related:", "Read more"]
KILLS = 20


def cli(*args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "cleaner", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def pages(n: int) -> list[str]:
    """Short pages (so a chunk is quick) from the seeds' paragraphs, with cruft lines."""
    rnd = random.Random(7)
    paragraphs = [p for s in SEEDS for p in s.read_text(encoding="utf-8").split("\n") if len(p) > 80]
    out = []
    for _ in range(n):
        lines = rnd.sample(paragraphs, 3)
        lines.insert(rnd.randrange(4), rnd.choice(CRUFT))
        out.append("\n".join(lines) + "\n")
    return out


def write_jsonl(path: Path, n: int) -> None:
    data = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(pages(n)))
    path.write_bytes(gzip.compress(data.encode()) if path.suffix == ".gz" else data.encode())


def write_warc(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, text in enumerate(pages(n)):
            body = "<html><body><nav>Home | News</nav><article>" + "".join(
                f"<p>{line}</p>" for line in text.splitlines()) + "</article></body></html>"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://example.org/{i}", "response",
                                                          payload=io.BytesIO(body.encode()), http_headers=http))


def write_parquet(path: Path, n: int) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"id": list(range(n)), "text": pages(n)}), path, row_group_size=500)


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


def kill_and_resume(src: Path, dest: Path, seed: int) -> tuple[int, int]:
    """Run, SIGKILL at a random point, ``--resume``, again, :data:`KILLS` times; then let
    the last ``--resume`` finish.  Returns (kills, kills that found a checkpoint)."""
    rnd = random.Random(seed)
    checkpoint = dest.with_name(f".{dest.name}.checkpoint")
    hits = dest.with_name("killed.hits")
    kills = resumed = 0
    for _ in range(KILLS):
        before = _lines(checkpoint)
        resumed += before > 1
        p = cli(src, dest, "-q", "--hits", hits, "--resume", "-j", rnd.choice(["1", "2"]))
        wanted = before + rnd.randint(0, 3)  # chunks to wait for (0: kill while starting)
        deadline = time.monotonic() + 60
        while p.poll() is None and _lines(checkpoint) < wanted and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rnd.uniform(0, 0.05))  # anywhere in the chunk that follows
        if p.poll() is not None:
            break  # finished before the kill: the input was too small
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        kills += 1
        assert not dest.exists(), "a killed run left its output under the final name"
    p = cli(src, dest, "-q", "--hits", hits, "--resume")
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err.decode()
    assert not checkpoint.exists()
    assert [q.name for q in dest.parent.iterdir() if q.name.startswith(".")] == [], "temporary files left"
    return kills, resumed


@pytest.mark.slow
@pytest.mark.parametrize("kind, n, dest_name", [
    ("jsonl", 4000, "out.jsonl"),
    ("jsonl.gz", 4000, "out.jsonl.gz"),
    ("warc.gz", 1500, "out.jsonl"),
    ("parquet", 4000, "out.jsonl.gz"),
    ("parquet", 4000, "out.parquet"),
])
def test_kill_and_resume_is_byte_identical(tmp_path, kind, n, dest_name):
    if kind.startswith("warc"):
        pytest.importorskip("fastwarc")
    src = tmp_path / f"in.{kind}"
    {"jsonl": write_jsonl, "jsonl.gz": write_jsonl, "warc.gz": write_warc, "parquet": write_parquet}[kind](src, n)
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    whole.mkdir()
    killed.mkdir()
    p = cli(src, whole / dest_name, "-q", "--hits", whole / "killed.hits", "-j", "1")
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err.decode()
    kills, resumed = kill_and_resume(src, killed / dest_name, seed=zlib.crc32(kind.encode()))
    assert kills == KILLS, f"the run finished after {kills} kills: make the input bigger"
    assert resumed >= KILLS // 2, f"only {resumed} of {kills} runs had a checkpoint to resume from"
    assert (killed / dest_name).read_bytes() == (whole / dest_name).read_bytes()
    assert (killed / "killed.hits").read_bytes() == (whole / "killed.hits").read_bytes()

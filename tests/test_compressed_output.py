"""Compressed JSONL output: chosen by OUT's name, written atomically, read back by each format's own module."""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.run import readers, stream as stream_run

try:  # Python 3.14 has zstd in the standard library; xopen brings the backport before it
    from compression import zstd
except ImportError:
    from backports import zstd

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))[:6]
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".zst": zstd.open}


def _write_input(path: Path) -> list[str]:
    docs = [{"id": seed.stem, "text": seed.read_text(encoding="utf-8")} for seed in SEEDS]
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return [d["id"] for d in docs]


@pytest.mark.parametrize("suffix", list(OPENERS))
def test_compressed_output_holds_the_same_lines_as_plain_output(tmp_path, suffix):
    src = tmp_path / "in.jsonl"
    ids = _write_input(src)
    plain, packed = tmp_path / "plain.jsonl", tmp_path / f"out.jsonl{suffix}"
    assert CliRunner().invoke(main, [str(src), str(plain), "-q", "-j", "1"]).exit_code == 0
    res = CliRunner().invoke(main, [str(src), str(packed), "-q", "-j", "1"])
    assert res.exit_code == 0, res.stderr
    raw = packed.read_bytes()
    assert raw != plain.read_bytes()  # really compressed, not plain text under a .gz name
    with OPENERS[suffix](packed, "rb") as fh:
        unpacked = fh.read()
    assert unpacked == plain.read_bytes()
    assert [json.loads(line)["id"] for line in unpacked.decode("utf-8").splitlines()] == ids
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.jsonl", "plain.jsonl", packed.name])


def test_a_failing_run_leaves_no_compressed_file(tmp_path, monkeypatch):
    """The run dies after the first chunk was written: no OUT and no temporary file stay."""
    src = tmp_path / "in.jsonl"
    _write_input(src)
    real = stream_run.executor.ordered_map

    def dies_after_one(*args, **kwargs):
        results = real(*args, **kwargs)
        yield next(results)
        raise RuntimeError("worker lost")

    monkeypatch.setattr(stream_run.executor, "ordered_map", dies_after_one)
    monkeypatch.setattr(readers, "JSONL_CHUNK", 2)
    out = tmp_path / "out.jsonl.gz"
    res = CliRunner().invoke(main, [str(src), str(out), "-q", "-j", "1"])
    assert res.exit_code != 0 and isinstance(res.exception, RuntimeError)
    assert [p.name for p in tmp_path.iterdir()] == ["in.jsonl"]  # nor a checkpoint: nothing to resume


def test_compressed_input_to_compressed_output(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a", "text": SEEDS[0].read_text(encoding="utf-8")}) + "\n")
    out = tmp_path / "out.jsonl.zst"
    res = CliRunner().invoke(main, [str(src), str(out), "-q"])
    assert res.exit_code == 0, res.stderr
    with zstd.open(out, "rb") as fh:
        (line,) = fh.read().decode("utf-8").splitlines()
    assert json.loads(line)["id"] == "a"

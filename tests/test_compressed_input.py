"""Damaged compressed JSONL input: a truncated or corrupt ``.gz``, ``.bz2``, ``.xz`` or
``.zst`` file is a failure naming the file and the line it broke after (never click's
``Aborted!``, which is how it reads an ``EOFError``, nor a decompressor's traceback), and
the previous output stays as it was: nothing is renamed into place from a broken input."""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import re

import pytest
from click.testing import CliRunner

from cleaner.cli import main

try:  # Python 3.14 has zstd in the standard library; xopen brings the backport before it
    from compression import zstd
except ImportError:
    from backports import zstd

ARTICLE = ("The council voted on Tuesday to approve the new budget for the city schools, after a "
           "long debate among its members. The vote was close, and the mayor spoke last.")
COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress, ".zst": zstd.compress}
LINES = 3000


def _payload() -> bytes:
    return "".join(json.dumps({"id": i, "text": f"{ARTICLE} Item {i}."}) + "\n" for i in range(LINES)).encode()


def _damage(data: bytes, how: str) -> bytes:
    if how == "truncated":
        return data[: len(data) // 2]
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0x55 for b in data[middle:middle + 64]) + data[middle + 64:]


@pytest.mark.parametrize("how", ["truncated", "corrupt"])
@pytest.mark.parametrize("suffix", list(COMPRESS))
def test_damaged_compressed_input_is_named_and_leaves_the_old_output(tmp_path, suffix, how):
    src = tmp_path / f"in.jsonl{suffix}"
    src.write_bytes(_damage(COMPRESS[suffix](_payload()), how))
    dest = tmp_path / "out.jsonl"
    dest.write_text("the previous output\n")
    res = CliRunner().invoke(main, [str(src), str(dest), "-j", "1"])
    assert res.exit_code == 1, res.output
    assert "Aborted" not in res.output and "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    named = re.search(rf"clean-articles: failed: {re.escape(str(src))}: cannot read after line (\d+): ", res.output)
    assert named, res.output
    if how == "truncated":  # corrupt deflate data can inflate to garbage lines before the CRC check
        assert int(named.group(1)) < LINES
    assert dest.read_text() == "the previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([src.name, dest.name])


@pytest.mark.parametrize("suffix", list(COMPRESS))
def test_a_whole_compressed_input_is_still_read(tmp_path, suffix):
    src = tmp_path / f"in.jsonl{suffix}"
    src.write_bytes(COMPRESS[suffix](_payload()[:20_000].rsplit(b"\n", 1)[0] + b"\n"))
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out.jsonl"), "-j", "1", "-q"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out.jsonl").read_text().count("\n") == _payload()[:20_000].rsplit(b"\n", 1)[0].count(b"\n") + 1

"""HTTP payloads inside WARC records: content codings undone against ``--max-bytes`` (a few
kilobytes that inflate to gigabytes cost no more memory than a page at the limit), and a
record whose HTTP header cannot be read fails alone."""
from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from cleaner.run.http_payload import PayloadError, undo_codings

LIMIT = 1 << 20
BOMB = 48 << 20  # bytes the codings below inflate to


def _deflate(data: bytes, wbits: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return c.compress(data) + c.flush()


def _brotli(data: bytes) -> bytes:
    brotli = pytest.importorskip("brotli")
    return brotli.compress(data, quality=1)


CODINGS = {
    "gzip": lambda data: gzip.compress(data, 1),
    "deflate": lambda data: _deflate(data, zlib.MAX_WBITS),
    "raw-deflate": lambda data: _deflate(data, -zlib.MAX_WBITS),
    "br": _brotli,
}


@pytest.fixture(scope="module")
def zeros() -> bytes:
    return bytes(BOMB)


@pytest.mark.parametrize("name", CODINGS)
def test_a_content_coding_bomb_stops_at_the_limit(name, zeros):
    body = CODINGS[name](zeros)
    coding = "deflate" if name == "raw-deflate" else name
    tracemalloc.start()
    try:
        with pytest.raises(PayloadError, match=f"larger than --max-bytes {LIMIT}"):
            undo_codings(body, None, coding, limit=LIMIT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * LIMIT, f"{name}: {peak:,} bytes at peak"


@pytest.mark.parametrize("name", CODINGS)
def test_a_payload_within_the_limit_is_inflated_whole(name):
    page = b"<html><body><p>" + b"The council voted on Tuesday. " * 2000 + b"</p></body></html>"
    coding = "deflate" if name == "raw-deflate" else name
    assert undo_codings(CODINGS[name](page), None, coding, limit=LIMIT) == page
    assert undo_codings(CODINGS[name](page), None, coding, limit=len(page)) == page
    with pytest.raises(PayloadError, match="larger than"):
        undo_codings(CODINGS[name](page), None, coding, limit=len(page) - 1)


@pytest.mark.parametrize("name", CODINGS)
def test_a_truncated_coding_is_an_error_within_a_limit_too(name):
    page = b"<html><body><p>" + bytes(range(256)) * 200 + b"</p></body></html>"
    coding = "deflate" if name == "raw-deflate" else name
    with pytest.raises(PayloadError):
        undo_codings(CODINGS[name](page)[:-40], None, coding, limit=LIMIT)


@pytest.mark.parametrize("size", [100_000, 3_000_000])
def test_a_huge_http_header_fails_its_record_alone(tmp_path, size):
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from test_warc import PROSE, Archive, page, read_jsonl, run

    archive = Archive(tmp_path / "crawl.warc.gz")
    for name in ("before", "huge", "after"):
        headers = [("X-Padding", "x" * size)] if name == "huge" else []
        archive.response(f"https://example.com/{name}", page(name, PROSE).encode(), "text/html", headers=headers)
    archive.close()
    res = run(archive.path, tmp_path / "out.jsonl", "-j", "1")
    urls = [d["metadata"]["url"] for d in read_jsonl(tmp_path / "out.jsonl")]
    if size < 1 << 20:  # a long header, as some servers send, is read
        assert res.exit_code == 0 and len(urls) == 3, res.output
    else:
        assert res.exit_code == 1 and urls == ["https://example.com/before", "https://example.com/after"]
        assert "#record 2 (https://example.com/huge): cannot read its HTTP header" in res.output


@pytest.mark.parametrize("name", CODINGS)
def test_a_content_coding_is_undone_within_the_runs_max_bytes(tmp_path, name):
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from test_warc import PROSE, Archive, page, read_jsonl, run

    coding = "deflate" if name == "raw-deflate" else name
    small = page("small", PROSE).encode()
    large = page("large", *[PROSE] * 40).encode()
    archive = Archive(tmp_path / "crawl.warc.gz")
    for label, body in (("small", small), ("large", large)):
        archive.response(f"https://example.com/{label}", CODINGS[name](body), "text/html",
                         headers=[("Content-Encoding", coding)])
    archive.close()
    limit = (len(small) + len(large)) // 2
    res = run(archive.path, tmp_path / "out.jsonl", "-j", "1", "--max-bytes", limit)
    assert res.exit_code == 1, res.output
    assert [d["metadata"]["url"] for d in read_jsonl(tmp_path / "out.jsonl")] == ["https://example.com/small"]
    assert (f"#record 2 (https://example.com/large): larger than --max-bytes {limit} "
            f"when its Content-Encoding {coding} is undone") in res.output

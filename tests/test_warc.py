"""WARC input end to end: archives written by warcio, cleaned through the command."""
from __future__ import annotations

import gzip
import io
import json
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("fastwarc")
warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from cleaner.cli import main  # noqa: E402
from cleaner.run import readers  # noqa: E402
from cleaner.run.http_payload import PayloadError, decode_payload, dechunk, undo_codings  # noqa: E402

PROSE = ("The council voted on Tuesday to approve the new budget for the city schools, "
         "after a long debate among its members. The vote was close, and the mayor spoke last.")
RUSSIAN = ("Городской совет во вторник утвердил новый бюджет для школ города после долгого "
           "обсуждения. Голосование было напряжённым, и мэр выступил последним.")
GERMAN = "Grüße aus Köln: der Rat der Stadt hat am Dienstag den neuen Haushalt für die Schulen beschlossen."


def page(title: str, *paragraphs: str, meta: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright 2024 The Daily Example. All rights reserved.</footer></body></html>")


class Archive:
    """A WARC written with warcio; remembers what it wrote for each response record."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = open(path, "wb")
        self.writer = WARCWriter(self._fh, gzip=path.name.endswith(".gz"))
        self.written: list[dict] = []  # every record, in order: type, url, id, date

    def _write(self, record) -> dict:
        self.writer.write_record(record)
        h = record.rec_headers
        info = {"type": h.get_header("WARC-Type"), "url": h.get_header("WARC-Target-URI"),
                "id": h.get_header("WARC-Record-ID"), "date": h.get_header("WARC-Date")}
        self.written.append(info)
        return info

    def warcinfo(self):
        return self._write(self.writer.create_warcinfo_record(self.path.name, {"software": "test"}))

    def response(self, url: str, body: bytes, content_type: str | None, status: str = "200 OK", headers=()):
        http = [("Content-Type", content_type)] if content_type else []
        http += list(headers)
        return self._write(self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body),
            http_headers=StatusAndHeaders(status, http, protocol="HTTP/1.1")))

    def request(self, url: str):
        return self._write(self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)))

    def close(self) -> Path:
        self._fh.close()
        return self.path


def crawl(path: Path) -> Archive:
    """The mixed archive most tests read: pages in two charsets, a gzipped and chunked
    page, plain text, an image, a request, and one broken record between good ones."""
    a = Archive(path)
    a.warcinfo()
    a.response("https://example.com/koeln", page("Haushalt beschlossen", GERMAN, PROSE).encode("utf-8"),
               "text/html; charset=utf-8")
    a.request("https://example.com/koeln")
    # windows-1251 declared only in the HTTP header: the page itself names no charset.
    a.response("https://example.com/ru", page("Бюджет утверждён", RUSSIAN, RUSSIAN[::-1]).encode("cp1251"),
               "text/html; charset=windows-1251")
    a.response("https://example.com/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    zipped = gzip.compress(page("Zipped", PROSE, GERMAN).encode("utf-8"))
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(zipped[i:i + 100]), zipped[i:i + 100])
                       for i in range(0, len(zipped), 100)) + b"0\r\n\r\n"
    a.response("https://example.com/zipped", chunked, "text/html",
               headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])
    a.response("https://example.com/broken", b"\x1f\x8b\x08\x00 not really gzip", "text/html",
               headers=[("Content-Encoding", "gzip")])
    a.response("https://example.com/notes.txt", f"Notes\n\n{PROSE}\n".encode("utf-8"), "text/plain")
    a.response("https://example.com/gone", page("Not here", PROSE).encode("utf-8"), "text/html", status="404 Not Found")
    a.close()
    return a


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(params=["crawl.warc", "crawl.warc.gz"])
def archive(request, tmp_path) -> Archive:
    return crawl(tmp_path / request.param)


def test_each_page_record_becomes_one_document_in_order(archive, tmp_path):
    out = tmp_path / "out.jsonl"
    res = run(archive.path, out, "-j", "1")
    docs = read_jsonl(out)
    responses = {w["url"]: w for w in archive.written if w["type"] == "response"}
    want = ["https://example.com/koeln", "https://example.com/ru", "https://example.com/zipped",
            "https://example.com/notes.txt", "https://example.com/gone"]
    assert [d["metadata"]["url"] for d in docs] == want
    for doc in docs:
        rec = responses[doc["metadata"]["url"]]
        assert doc["id"] == rec["id"] == doc["metadata"]["warc_record_id"]
        assert doc["metadata"]["warc_date"] == rec["date"]
        assert "<" not in doc["text"] and "Copyright 2024" not in doc["text"]
        assert "article_language" in doc["metadata"] and "article_rule_hits" in doc["metadata"]
    by_url = {d["metadata"]["url"]: d for d in docs}
    koeln, ru = by_url["https://example.com/koeln"], by_url["https://example.com/ru"]
    assert GERMAN in koeln["text"] and koeln["metadata"]["charset"] == "utf-8"
    assert RUSSIAN in ru["text"] and ru["metadata"]["charset"] == "windows-1251"
    assert ru["metadata"]["article_language"] == "ru"
    assert GERMAN in by_url["https://example.com/zipped"]["text"]  # chunked, then gzip, undone
    assert by_url["https://example.com/zipped"]["metadata"]["charset"] is None
    assert by_url["https://example.com/notes.txt"]["metadata"]["content_type"] == "text/plain"
    assert PROSE in by_url["https://example.com/notes.txt"]["text"]
    assert by_url["https://example.com/gone"]["metadata"]["http_status"] == 404
    assert koeln["metadata"]["http_status"] == 200

    # The broken record is named by its place in the file and its URL; the others went on.
    broken = next(i for i, w in enumerate(archive.written, 1) if w["url"] == "https://example.com/broken")
    assert res.exit_code == 1
    assert f"clean-articles: failed: {archive.path}#record {broken} (https://example.com/broken): " \
           "corrupt or truncated gzip data" in res.stderr
    assert "cleaned 5 records, 1 not HTML, 1 failed" in res.stderr
    assert "not HTML: image/png 1" in res.stderr
    assert "other records: request 1, warcinfo 1" in res.stderr


def test_the_output_does_not_depend_on_jobs(tmp_path, monkeypatch):
    a = Archive(tmp_path / "many.warc.gz")
    for i in range(9):
        a.response(f"https://example.com/{i}", page(f"Story {i}", f"{PROSE} Number {i}.", GERMAN).encode(),
                   "text/html; charset=utf-8")
    a.close()
    monkeypatch.setattr(readers, "WARC_CHUNK", 2)  # chunks of two: the pool gets several
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run(a.path, one, "-j", "1", "-q").exit_code == 0
    assert run(a.path, two, "-j", "2", "-q").exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    assert [d["metadata"]["url"] for d in read_jsonl(one)] == [f"https://example.com/{i}" for i in range(9)]


def test_hits_name_each_record(archive, tmp_path):
    out, hits = tmp_path / "out.jsonl", tmp_path / "hits.jsonl"
    run(archive.path, out, "--hits", hits, "-q")
    docs, records = read_jsonl(out), read_jsonl(hits)
    assert [r["id"] for r in records] == [d["id"] for d in docs]
    numbers = {w["id"]: i for i, w in enumerate(archive.written, 1)}
    assert [r["source"] for r in records] == [f"{archive.path}#record {numbers[d['id']]}" for d in docs]
    koeln = records[0]
    assert koeln["language"] == docs[0]["metadata"]["article_language"]
    assert sum(json.loads(docs[0]["metadata"]["article_rule_hits"]).values()) == len(koeln["hits"])


def test_warc_gz_to_compressed_jsonl_and_to_stdout(tmp_path):
    a = crawl(tmp_path / "crawl.warc.gz")
    packed, plain = tmp_path / "out.jsonl.gz", tmp_path / "out.jsonl"
    run(a.path, plain, "-q")
    assert run(a.path, packed, "-q").exit_code == 1  # the broken record
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    res = run(a.path, "-", "-q")
    assert res.stdout.encode("utf-8") == plain.read_bytes()


def test_warc_on_stdin_with_format_warc(tmp_path):
    a = crawl(tmp_path / "crawl.warc.gz")
    plain = tmp_path / "out.jsonl"
    run(a.path, plain, "-q")
    res = run("--format", "warc", "-", "-", "-q", input=a.path.read_bytes())
    assert res.stdout.encode("utf-8") == plain.read_bytes()
    odd = tmp_path / "crawl.dat"  # no WARC name: --format warc says what it is
    odd.write_bytes(a.path.read_bytes())
    assert run("--format", "warc", odd, tmp_path / "odd.jsonl", "-q").exit_code == 1
    assert (tmp_path / "odd.jsonl").read_bytes() == plain.read_bytes()


def test_all_good_records_exit_0(tmp_path):
    a = Archive(tmp_path / "good.warc")
    a.response("https://example.com/a", page("A story", PROSE, GERMAN).encode(), "text/html")
    a.close()
    out = tmp_path / "out.jsonl"
    res = run(a.path, out)
    assert res.exit_code == 0, res.stderr
    assert "cleaned 1 records, 0 not HTML, 0 failed" in res.stderr
    assert len(read_jsonl(out)) == 1


def test_a_truncated_archive_keeps_the_records_before_the_cut(tmp_path):
    a = Archive(tmp_path / "full.warc")
    for i in range(3):
        a.response(f"https://example.com/{i}", page(f"Story {i}", PROSE, GERMAN).encode(), "text/html")
    a.close()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(a.path.read_bytes()[:-300])
    out = tmp_path / "out.jsonl"
    res = run(cut, out, "-q")
    assert res.exit_code == 1
    assert f"failed: {cut}#record 3 (https://example.com/2): truncated record" in res.stderr
    assert [d["metadata"]["url"] for d in read_jsonl(out)] == ["https://example.com/0", "https://example.com/1"]


def test_a_file_that_is_no_warc_fails_and_writes_nothing(tmp_path):
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"<html><body>not an archive</body></html>\n" * 20)
    out = tmp_path / "out.jsonl"
    res = run(junk, out)
    assert res.exit_code == 1
    assert f"clean-articles: failed: {junk}: not a WARC file" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.warc"]


def test_without_fastwarc_it_is_a_usage_error_naming_the_extra(tmp_path, monkeypatch):
    a = crawl(tmp_path / "crawl.warc.gz")
    monkeypatch.setitem(sys.modules, "fastwarc", None)  # import fastwarc now raises ImportError
    monkeypatch.setitem(sys.modules, "fastwarc.warc", None)
    out = tmp_path / "out.jsonl"
    res = run(a.path, out)
    assert res.exit_code == 2
    from cleaner.run.extras import install_command
    assert install_command("warc") in res.stderr
    assert not out.exists()


def test_html_field_is_refused_for_warc(tmp_path):
    a = crawl(tmp_path / "crawl.warc")
    res = run(a.path, tmp_path / "out.jsonl", "--html-field", "html")
    assert res.exit_code == 2 and not (tmp_path / "out.jsonl").exists()


# -- HTTP payloads -------------------------------------------------------------------

def test_payload_codings():
    html = b"<html><body><p>hello</p></body></html>"
    assert dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") == b"hello world"
    assert dechunk(html) == html  # stored de-chunked, header kept
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert undo_codings(raw_deflate.compress(html) + raw_deflate.flush(), None, "deflate") == html
    assert undo_codings(zlib.compress(html), None, "deflate") == html
    assert undo_codings(html, None, "gzip") == html  # stored decoded
    with pytest.raises(PayloadError):
        dechunk(b"ff\r\nshort\r\n")
    with pytest.raises(PayloadError):
        undo_codings(html, None, "compress")


def test_payload_charset():
    text = "Привет, мир"
    assert decode_payload(text.encode("cp1251"), "windows-1251") == text
    assert decode_payload(text.encode("cp1251"), "no-such-charset") == text.encode("cp1251")  # left to detection
    assert decode_payload("Köln".encode("latin-1"), "utf-8") == "Köln".encode("latin-1")  # does not decode
    assert decode_payload("“quoted”".encode("cp1252"), "iso-8859-1") == "“quoted”"  # as browsers read it
    assert decode_payload(b"\xef\xbb\xbf<p>x</p>", "latin-1") == b"\xef\xbb\xbf<p>x</p>"  # the BOM wins


def test_markdown_output_fills_the_text_field_and_json_is_refused(tmp_path):
    archive = crawl(tmp_path / "crawl.warc.gz")
    out = tmp_path / "out.jsonl"
    res = run(archive.path, out, "-j", "1", "--output", "markdown")
    assert res.exit_code == 1, res.output  # the broken record, as without --output
    koeln = next(d for d in read_jsonl(out) if d["metadata"]["url"] == "https://example.com/koeln")
    assert koeln["text"].startswith("# Haushalt beschlossen\n"), koeln["text"]
    assert koeln["metadata"]["article_title"] == "Haushalt beschlossen"
    res = run(archive.path, tmp_path / "o2.jsonl", "--output", "json")
    assert res.exit_code == 2 and "--output json" in res.output and not (tmp_path / "o2.jsonl").exists()

"""Charset labels a page or its HTTP header names, read as browsers read them: through the
WHATWG Encoding label table, never Python's codec registry."""
from __future__ import annotations

import pytest

from cleaner import clean
from cleaner.run.http_payload import decode_payload
from cleaner.stages.decode import decode_bytes, web_codec
from cleaner.stages.html import decode_html

PROSE = ("The council voted on Tuesday to approve the new budget for the city schools, after a long "
         "debate among its members. The files sit in C:\\new\\reports on the clerk's machine.")
# Labels Python knows as codecs that no browser has: text codecs that rewrite what they
# read, codecs that raise UnicodeError (not UnicodeDecodeError), EBCDIC, bytes codecs.
NOT_WEB = ["unicode_escape", "raw_unicode_escape", "punycode", "idna", "cp500", "cp037", "utf-7",
           "rot13", "hex", "base64", "zlib", "x-no-such-charset", "replacement", ""]


def page(meta: str = "", text: str = PROSE) -> str:
    return f"<html><head>{meta}<title>Budget</title></head><body><article><p>{text}</p></article></body></html>"


@pytest.mark.parametrize("label", NOT_WEB)
def test_http_charset_not_in_the_web_table_is_left_to_detection(label):
    body = page().encode("utf-8")
    assert decode_payload(body, label) == body
    assert decode_payload(b"<p>x.y</p>", label) == b"<p>x.y</p>"  # punycode raised UnicodeError here


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-16be", "unicode"])
def test_utf16_declared_on_utf8_bytes_is_not_read_as_utf16(label):
    body = page(text=PROSE + " Grüße aus Köln.").encode("utf-8")
    decoded = decode_payload(body, label)
    assert decoded in (body, body.decode("utf-8"))
    encoding = "utf-16-be" if label.lower().endswith("be") else "utf-16-le"
    assert decode_payload(page().encode(encoding), label) == page()  # real UTF-16 still is


def test_web_labels_resolve_as_browsers_resolve_them():
    assert web_codec("ISO-8859-1") == web_codec("ascii") == "cp1252"
    assert web_codec(" Shift_JIS ") == "cp932" and web_codec("gb2312") == "gbk"
    assert web_codec("x-user-defined") == "cp1252"
    for label in NOT_WEB + [None]:
        assert web_codec(label) is None


@pytest.mark.parametrize("label", ["unicode_escape", "raw_unicode_escape", "cp500", "utf-16", "punycode", "utf-7"])
def test_meta_charset_not_a_browser_reading_keeps_the_text(label):
    """Bytes that are not UTF-8 (a latin-1 é) with such a meta: detection reads them."""
    data = page(f'<meta charset="{label}">', PROSE + " Un café crème.").encode("latin-1")
    text = decode_html(data)
    assert "C:\\new\\reports" in text and "café crème" in text
    result = clean(data, html=True)
    assert "C:\\new\\reports" in result.text and "café crème" in result.text


@pytest.mark.parametrize("label", ["cp500", "utf-16", "unicode_escape"])
def test_meta_charset_on_utf8_bytes_reads_utf8(label):
    data = page(f'<meta charset="{label}">', PROSE + " Grüße aus Köln.").encode("utf-8")
    assert "Grüße aus Köln" in decode_html(data) and "C:\\new\\reports" in decode_html(data)


def test_xml_declaration_in_text_names_no_python_codec():
    data = ('<?xml version="1.0" encoding="unicode_escape"?>\n' + PROSE + " Un café crème.\n").encode("latin-1")
    text, fallback = decode_bytes(data)
    assert "C:\\new\\reports" in text and "café crème" in text and "escape" not in fallback


def test_warc_records_with_labels_no_browser_has_are_cleaned(tmp_path):
    """``punycode`` raised out of the payload decoder and took the whole run down;
    ``unicode_escape`` ate the backslashes of every page that named it."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from test_warc import Archive, read_jsonl, run

    archive = Archive(tmp_path / "crawl.warc.gz")
    labels = ["punycode", "unicode_escape", "cp500", "utf-16", "utf-8"]
    for label in labels:
        archive.response(f"https://example.com/{label}", page(text=PROSE).encode("utf-8"),
                         f"text/html; charset={label}")
    archive.close()
    res = run(archive.path, tmp_path / "out.jsonl", "-j", "1")
    assert res.exit_code == 0, res.output
    docs = read_jsonl(tmp_path / "out.jsonl")
    assert [d["metadata"]["charset"] for d in docs] == labels
    assert all("C:\\new\\reports" in d["text"] for d in docs)

"""Binary or text: a stray NUL byte does not make an article binary (a repair removes it,
with a hit), UTF-16 without a byte order mark is decoded, and real binary data (random
bytes, a share of control bytes) is still refused."""
from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

from cleaner.pipeline import Cleaner
from cleaner.stages.decode import NotTextError, decode_bytes, looks_like_html, sniff_binary, sniff_utf16

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))[:2])
HTML = ("<!doctype html><html><head><title>News</title></head><body><article><p>"
        + ARTICLE.replace("\n\n", "</p><p>") + "</p></article></body></html>")


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


def test_one_nul_byte_in_the_head_is_repaired_with_a_hit(cleaner):
    data = ARTICLE.encode("utf-8")
    with_nul = data[:200] + b"\x00" + data[200:]
    assert len(with_nul) > 1000 and with_nul.index(b"\x00") < 8192
    result = cleaner.clean(with_nul)
    assert result.text == cleaner.clean(data).text
    nul_hits = [h for h in result.hits if h.code == "UC206"]
    assert len(nul_hits) == 1 and "\x00" not in result.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_bom_is_decoded(cleaner, encoding):
    data = ARTICLE.encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert sniff_utf16(data) == encoding and sniff_binary(data) is None
    text, fallback = decode_bytes(data)
    assert text == ARTICLE and encoding in fallback
    result = cleaner.clean(data)
    assert result.text == cleaner.clean(ARTICLE).text
    assert any(h.code == "EN101" and encoding in h.detail for h in result.hits)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_html_without_a_bom_is_decoded(cleaner, encoding):
    data = HTML.encode(encoding)
    assert looks_like_html(data)
    assert cleaner.clean(data).text == cleaner.clean(HTML.encode("utf-8")).text


def test_cyrillic_utf16_without_a_bom_is_recognised():
    text = "Привет, как дела? Это новости дня, 12 мая 2024 года.\n" * 40
    assert sniff_utf16(text.encode("utf-16-le")) == "utf-16-le"
    assert decode_bytes(text.encode("utf-16-be"))[0] == text


@pytest.mark.parametrize("data", [
    random.Random(7).randbytes(20000),  # compressed or encrypted data
    b"".join(struct.pack("<IHH", i, i % 7, 0) for i in range(2000)),  # a table of integers
    b"abc\x00\x01\x02" * 100,
    b"\x01\x02\x03\x04 text" * 200,
])
def test_binary_data_is_still_refused(cleaner, data):
    assert sniff_binary(data) and sniff_utf16(data) is None
    with pytest.raises(NotTextError):
        cleaner.clean(data)

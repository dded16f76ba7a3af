"""Bytes to text: UTF-8 first, beautifulsoup4's encoding detection as the fallback.

A charset a page or its HTTP header declares is resolved as browsers resolve it, through
the WHATWG Encoding label table (``webencodings``), never through Python's codec registry:
that registry also holds codecs no page is written in (``unicode_escape`` rewrites
``C:\\new``, ``punycode`` raises, EBCDIC code pages turn ASCII into garbage).
"""
from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections import Counter

import webencodings

GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
# Magic numbers of common binary formats that are never article text.
_BINARY_MAGIC = (
    (b"%PDF-", "PDF"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"), (b"PK\x03\x04", "ZIP archive"), (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media"), (b"OggS", "Ogg media"), (b"7z\xbc\xaf", "7z archive"),
    (b"BZh", "bzip2 archive"), (b"\xfd7zXZ", "xz archive"), (b"\x00\x00\x01\x00", "icon"),
)


class NotTextError(ValueError):
    """The input is binary (an image, a PDF, an archive), not a page."""


class TooLarge(ValueError):
    """A document is larger than its size budget (``limit`` bytes)."""

    def __init__(self, limit: int, what: str = ""):
        super().__init__(f"larger than {limit} bytes{what}")
        self.limit, self.what = limit, what


def gunzip(data: bytes, limit: int = 0) -> bytes:
    """Decompress gzip data; a truncated or corrupt stream raises a clear error.

    With ``limit`` (bytes), no more than ``limit + 1`` bytes are ever inflated: a stream
    that holds more raises :class:`TooLarge` with memory bounded by the limit, so a small
    file that expands to gigabytes (a "gzip bomb") costs no more than a page at the limit."""
    try:
        if not limit:
            return gzip.decompress(data)
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (EOFError, OSError, zlib.error) as exc:
        raise ValueError(f"corrupt or truncated gzip data ({exc})") from None
    if len(out) > limit:
        raise TooLarge(limit, " when decompressed")
    return out


_HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta ", b"<title")
INPUTS = ("auto", "text", "html")  # what ``--input`` may say a document is


def looks_like_html(data: bytes | str) -> bool:
    """Is this document markup rather than text?  Its first non-blank character is ``<``
    and its first 4 KiB hold one of the tags every page has (a gzip file is HTML too, as
    the batch only gzips pages)."""
    if isinstance(data, str):
        data = data[:4096].encode("utf-8", "replace")
    if data.startswith(GZIP_MAGIC):
        return True
    utf16 = sniff_utf16(data)
    if utf16:
        data = data[:8192].decode(utf16, errors="replace").encode("utf-8")
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and any(mark in head for mark in _HTML_MARKS)


def is_html_input(data: bytes | str, kind: str = "auto") -> bool:
    """Does ``--input KIND`` send this document down the HTML path?  ``auto`` decides by
    content (:func:`looks_like_html`)."""
    if kind not in INPUTS:
        raise ValueError(f"input kind must be one of {', '.join(INPUTS)} (got {kind!r})")
    return kind == "html" or (kind == "auto" and looks_like_html(data))


# C0 control bytes that text does not hold (tab, line ends, form feed and ESC, which
# terminal escapes use and a repair removes, stay out).  Binary data has ~9% of them.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b")
_MAX_CONTROL_SHARE = 0.05
_SNIFF = 8192


def sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` is UTF-16 without a byte order mark.

    In UTF-16 text the high byte of each code unit is zero for ASCII (spaces, digits,
    punctuation at least) and else nearly always one script's block, all on one side: at
    odd offsets (little-endian) or at even ones (big-endian).  Binary data has zeros on
    both sides and high bytes of every value.  The guess must decode cleanly and read as
    text (few control characters)."""
    head = data[:_SNIFF]
    head = head[:len(head) - len(head) % 2]
    units = len(head) // 2
    if units < 2 or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    low_first, high_first = head[0::2], head[1::2]
    for encoding, high, low in (("utf-16-le", high_first, low_first), ("utf-16-be", low_first, high_first)):
        # High bytes: zero for ASCII, else mostly one script's block (0x04 for Cyrillic).
        top = sorted(Counter(high).items(), key=lambda kv: -kv[1])[:2]
        if high.count(0) >= 0.1 * units and low.count(0) <= 0.01 * units and sum(n for _, n in top) >= 0.9 * units:
            try:  # an incremental decoder: the cut may split a surrogate pair
                text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            except UnicodeDecodeError:
                return None
            controls = sum(map(text.count, _CONTROL_CHARS))
            return encoding if controls <= _MAX_CONTROL_SHARE * max(len(text), 1) else None
    return None


_CONTROL_CHARS = tuple(_CONTROL_BYTES.decode("ascii"))


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it may be text.

    Text may hold a stray NUL or control byte (a repair removes it), so only a share of
    them in the first 8 KiB makes data binary; UTF-16 text, whose ASCII letters each carry
    a zero byte, is recognised first (with or without a byte order mark)."""
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return what
    head = data[:_SNIFF]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")) or sniff_utf16(head):
        return None
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(head):
        what = "NUL bytes" if b"\x00" in head else "control bytes"
        return f"binary data ({what}: {controls / len(head):.0%} of the first {len(head):,} bytes)"
    return None


def unpacked_size(data: bytes) -> int:
    """The size of a document's bytes as read: a gzip stream's uncompressed size (its
    trailer's, so nothing is inflated), else its length."""
    if data.startswith(GZIP_MAGIC) and len(data) >= 18:
        return int.from_bytes(data[-4:], "little")
    return len(data)


def unwrap(data: bytes) -> bytes:
    """The bytes of a document: gunzipped when gzipped; ``NotTextError`` when binary."""
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data)
    what = sniff_binary(data)
    if what:
        raise NotTextError(f"not text: looks like {what}")
    return data


# WHATWG encodings that are not an ordinary codec: "replacement" (labels of ISO-2022-KR and
# HZ, whose pages a browser shows as one U+FFFD) is left to detection; x-user-defined is
# read as windows-1252, as a browser reads it from a <meta>.
_WEB_AS = {"replacement": None, "x-user-defined": "cp1252"}
_UTF16 = frozenset({"utf-16-le", "utf-16-be"})


def web_codec(label: str | None) -> str | None:
    """The Python codec a charset ``label`` names in the WHATWG Encoding label table
    (``iso-8859-1`` is windows-1252, ``Shift_JIS`` cp932, ...), or None for a label the
    table does not hold (the caller falls back to detection)."""
    encoding = webencodings.lookup(label) if label else None
    if encoding is None:
        return None
    return _WEB_AS.get(encoding.name, encoding.codec_info.name)


def declared_codec(label: str | None, data: bytes) -> str | None:
    """The codec to read ``data`` with when it declares ``label``: :func:`web_codec`, but a
    UTF-16 label holds only when the bytes are UTF-16, else it means UTF-8 (as the WHATWG
    rule for a ``<meta>`` has it: a page that can declare its charset in ASCII is not UTF-16)."""
    codec = web_codec(label)
    if codec in _UTF16:
        found = sniff_utf16(data)
        return found if found == codec else "utf-8"
    return codec


def strict_decode(data: bytes, codec: str | None) -> str | None:
    """``data`` decoded by ``codec`` when every byte fits it, else None (never raises)."""
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (LookupError, UnicodeError):
        return None


def detect(data: bytes, is_html: bool) -> tuple[str, str] | None:
    """``(text, encoding)`` by bs4's detection with the declared charset (``<meta>`` or XML
    declaration) read through the web label table; None when nothing decodes the bytes."""
    from bs4.dammit import EncodingDetector, UnicodeDammit  # imported only when needed: it is slow to load

    declared = None
    if EncodingDetector.strip_byte_order_mark(data)[1] is None:  # a byte order mark outranks it
        declared = EncodingDetector.find_declared_encoding(data, is_html=is_html)
        codec = declared_codec(declared, data)
        text = strict_decode(data, codec)
        if text is not None:
            return text, "utf-8" if codec == "utf-8" else webencodings.lookup(declared).name
    # The declared label, tried already or not a web charset, is kept out of bs4's guesses.
    excluded = [e for e in (declared and declared.lower(), codec) if e] if declared else []
    dammit = UnicodeDammit(data, is_html=is_html, exclude_encodings=excluded)
    if dammit.unicode_markup is not None and dammit.original_encoding:
        return dammit.unicode_markup, dammit.original_encoding
    return None


def decode_bytes(data: bytes, *, is_html: bool = False) -> tuple[str, str | None]:
    """Return ``(text, fallback)``; ``fallback`` names the encoding used when not UTF-8.

    Never raises on bad bytes: when no encoding fits, undecodable bytes become U+FFFD.
    Line endings are normalised to ``\\n`` (layout, not content).
    """
    data = unwrap(data)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    text, fallback = _to_text(data, is_html)
    return line_ends(text), fallback


def line_ends(text: str) -> str:
    """``\r\n`` and a lone ``\r`` as ``\n`` (layout, not content)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _to_text(data: bytes, is_html: bool) -> tuple[str, str | None]:
    utf16 = sniff_utf16(data)  # before UTF-8: ASCII in UTF-16 is valid UTF-8 (with NULs)
    if utf16:
        return data.decode(utf16, errors="replace"), f"{utf16} (no byte order mark)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    found = detect(data, is_html)
    if found is not None:
        return found
    return data.decode("utf-8", errors="replace"), "utf-8 with replacement characters"

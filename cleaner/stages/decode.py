"""Bytes to text: UTF-8 first, beautifulsoup4's encoding detection as the fallback."""
from __future__ import annotations

import gzip
import io
import zlib

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
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and any(mark in head for mark in _HTML_MARKS)


def is_html_input(data: bytes | str, kind: str = "auto") -> bool:
    """Does ``--input KIND`` send this document down the HTML path?  ``auto`` decides by
    content (:func:`looks_like_html`)."""
    if kind not in INPUTS:
        raise ValueError(f"input kind must be one of {', '.join(INPUTS)} (got {kind!r})")
    return kind == "html" or (kind == "auto" and looks_like_html(data))


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it may be text."""
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return "binary data (NUL bytes)"
    return None


def unwrap(data: bytes) -> bytes:
    """The bytes of a document: gunzipped when gzipped; ``NotTextError`` when binary."""
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data)
    what = sniff_binary(data)
    if what:
        raise NotTextError(f"not text: looks like {what}")
    return data


def decode_bytes(data: bytes, *, is_html: bool = False) -> tuple[str, str | None]:
    """Return ``(text, fallback)``; ``fallback`` names the encoding used when not UTF-8.

    Never raises on bad bytes: when no encoding fits, undecodable bytes become U+FFFD.
    Line endings are normalised to ``\\n`` (layout, not content).
    """
    data = unwrap(data)
    fallback = None
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        from bs4.dammit import UnicodeDammit  # imported only when needed: it is slow to load

        dammit = UnicodeDammit(data, is_html=is_html)
        if dammit.unicode_markup is not None and dammit.original_encoding:
            text, fallback = dammit.unicode_markup, dammit.original_encoding
        else:
            text, fallback = data.decode("utf-8", errors="replace"), "utf-8 with replacement characters"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, fallback

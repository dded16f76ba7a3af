"""HTTP payloads as a crawler stored them: the transfer and content codings undone, then
the bytes decoded by the charset the server declared.

Crawlers differ: some store the body as it came off the wire (chunked, gzipped), others
decode it and keep the headers.  So a coding is undone only where the bytes carry it (a
gzip magic number, a chunk-size line), and bytes already decoded pass as they are.
"""
from __future__ import annotations

import codecs
import http.client
import io
import zlib

from cleaner.stages.decode import GZIP_MAGIC, TooLarge, declared_codec, gunzip, strict_decode

# A byte order mark outranks the HTTP charset (WHATWG Encoding: "BOM sniffing").
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class PayloadError(ValueError):
    """A payload whose declared coding cannot be undone (corrupt, truncated, unknown)."""


class _Wire:
    """Just enough of a socket for :class:`http.client.HTTPResponse` to read from bytes."""

    def __init__(self, data: bytes):
        self._file = io.BytesIO(data)

    def makefile(self, mode: str):
        return self._file


def dechunk(body: bytes) -> bytes:
    """Undo ``Transfer-Encoding: chunked`` with :mod:`http.client`'s own reader; a body
    that does not start with a chunk-size line was stored decoded and passes unchanged."""
    first = body.split(b"\r\n", 1)[0].split(b";", 1)[0].strip()
    try:
        int(first, 16)
    except ValueError:
        return body
    response = http.client.HTTPResponse(_Wire(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body))
    try:
        response.begin()
        return response.read()
    except (http.client.HTTPException, ValueError) as exc:
        raise PayloadError(f"broken chunked transfer encoding ({type(exc).__name__})") from None


def _inflate_zlib(body: bytes, wbits: int, limit: int) -> bytes | None:
    """zlib or raw deflate data inflated to at most ``limit + 1`` bytes; None when it is
    not such data, or breaks off."""
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(body, limit + 1) if limit else inflater.decompress(body)
    except zlib.error:
        return None
    return out if inflater.eof or len(out) > limit > 0 else None


def _inflate_brotli(body: bytes, limit: int) -> bytes | None:
    try:
        import brotli
    except ImportError:
        raise PayloadError("Content-Encoding br needs the brotli module: pip install brotli") from None
    inflater = brotli.Decompressor()
    try:
        out = inflater.process(body, output_buffer_limit=limit + 1) if limit else inflater.process(body)
    except TypeError:  # brotli < 1.2 cannot stop at a size
        raise PayloadError("Content-Encoding br within --max-bytes needs brotli>=1.2: pip install -U brotli") from None
    except brotli.error:
        return None
    return out if inflater.is_finished() or len(out) > limit > 0 else None


def undo_content_coding(body: bytes, coding: str, limit: int = 0) -> bytes:
    """Undo one ``Content-Encoding`` (gzip, deflate, br; identity passes), inflating no
    more than ``limit`` bytes (0: no limit): a larger payload is a :class:`PayloadError`."""
    coding = coding.strip().lower()
    if coding in ("", "identity"):
        return body
    if coding in ("gzip", "x-gzip"):
        if not body.startswith(GZIP_MAGIC):
            return body  # stored decoded
        try:
            out = gunzip(body, limit)
        except TooLarge:
            raise PayloadError(_too_large(limit, coding)) from None
        except ValueError as exc:
            raise PayloadError(str(exc)) from None
    elif coding == "deflate":  # zlib-wrapped as the RFC says, or raw deflate as some servers send
        out = _inflate_zlib(body, zlib.MAX_WBITS, limit)
        if out is None:
            out = _inflate_zlib(body, -zlib.MAX_WBITS, limit)
        if out is None:
            if body.lstrip()[:1] == b"<":
                return body  # stored decoded
            raise PayloadError("corrupt deflate data")
    elif coding == "br":
        out = _inflate_brotli(body, limit)
        if out is None:
            if body.lstrip()[:1] == b"<":
                return body
            raise PayloadError("corrupt brotli data")
    else:
        raise PayloadError(f"unsupported Content-Encoding {coding!r}")
    if limit and len(out) > limit:
        raise PayloadError(_too_large(limit, coding))
    return out


def _too_large(limit: int, coding: str) -> str:
    return f"larger than --max-bytes {limit} when its Content-Encoding {coding} is undone"


def undo_codings(body: bytes, transfer_encoding: str | None, content_encoding: str | None, limit: int = 0) -> bytes:
    """The payload with its HTTP codings undone, in reverse order of application; each
    content coding inflates no more than ``limit`` bytes (0: no limit)."""
    if transfer_encoding and "chunked" in transfer_encoding.lower():
        body = dechunk(body)
    for coding in reversed((content_encoding or "").split(",")):
        body = undo_content_coding(body, coding, limit)
    return body


def decode_payload(body: bytes, charset: str | None) -> str | bytes:
    """The payload as text when the declared ``charset`` is a web charset (the WHATWG label
    table: ``iso-8859-1`` reads as windows-1252, ``utf-16`` only on UTF-16 bytes) and the
    bytes decode strictly with it; else the bytes, for the HTML path's own detection.
    Never raises: a label no browser knows is no label."""
    if not charset or body.startswith(_BOMS):
        return body
    text = strict_decode(body, declared_codec(charset, body))
    return body if text is None else text

"""One document: ``clean-articles page.html out.txt``, ``clean-articles page.txt -`` and
``cat page.txt | clean-articles - -``.

The command hands over here when IN is a single file that is not JSONL, or when standard
input does not start with a JSON object.  HTML or text is told by the name (``.html``,
``.htm``, gzip) or else by the content.  The output is written atomically (never onto
the input or a special file); exit 0 when the document was cleaned, 1 when it could
not be, 2 on a usage error.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleaner.cli.common import EXIT_FAILED, EXIT_OK, check_destinations, file_or_stdout, write_failed
from cleaner.review.diff import format_diff, want_color
from cleaner.terminal import display, printable
from cleaner.run.io import WriteError, atomic_write, is_html
from cleaner.formats import render
from cleaner.stages.decode import is_html_input
from cleaner.run.totals import hit_record
from cleaner.run.work import clean_one


def stdin_is_one_page(stream=None) -> bool:
    """Does standard input hold one page rather than JSON lines?  It does unless its first
    non-blank byte opens a JSON object (peeked, nothing is consumed)."""
    stream = stream or sys.stdin.buffer
    if hasattr(stream, "peek"):
        head = stream.peek(65536)[:65536]
    elif stream.seekable():  # an in-memory stream: read ahead and go back
        at = stream.tell()
        head = stream.read(65536)
        stream.seek(at)
    else:
        head = b"{"  # cannot look ahead: JSON lines, as before
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(head) and not head.startswith(b"{")


def print_explain(name: str, result, err: bool = False) -> None:
    """``--explain``: a document's hits, one a line, with their spans in the input."""
    click.echo(f"== {name} ({result.language}, {len(result.hits)} hits)", err=err)
    for h in result.hits:
        before = h.before.replace("\n", " ")
        change = f"{before[:80]!r}" + (f" -> {h.after[:80]!r}" if h.action in ("substitute", "repair") else "")
        click.echo(f"  {h.src_start}:{h.src_end}  {h.code} {h.name} [{h.action}] {change}  # {h.message}", err=err)


def run_page_command(source: str, dest: str, cleaner, *, hits_path=None, explain: bool = False,
                     show_diff: bool = False, quiet: bool = False, input: str = "auto",
                     output: str = "text") -> int:
    """Clean one document from ``source`` (a file or ``-``) into ``dest`` (a file or ``-``)."""
    inputs = [] if source == "-" else [Path(source)]
    if dest != "-" and Path(dest).is_dir():
        raise click.UsageError(f"OUT {dest} is a folder; name a file, or - for stdout, for one page")
    check_destinations([("OUT", file_or_stdout(dest)), ("--hits", hits_path)], inputs)
    name = "-" if source == "-" else display(source)
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        click.echo(f"clean-articles: failed: {name}: {printable(exc.strerror or str(exc))}", err=True)
        return EXIT_FAILED
    html = is_html_input(data, input) if source == "-" else is_html(Path(source), data, input)
    result, error, _ = clean_one(cleaner, data, html)
    if result is None:
        click.echo(f"clean-articles: failed: {name}: {printable(error)}", err=True)
        return EXIT_FAILED
    out = render(result, output, source=name).encode("utf-8")
    try:
        if dest == "-":
            sys.stdout.buffer.write(out)
            sys.stdout.flush()
        else:
            atomic_write(Path(dest), out)
        if hits_path:
            atomic_write(Path(hits_path), hit_record(name, name, result).encode("utf-8"))
    except WriteError as exc:
        return write_failed(exc)
    if explain:  # on stderr: stdout may carry the clean text
        print_explain(name, result, err=True)
    if show_diff:
        color = want_color(sys.stderr)
        click.echo(format_diff(name, result.input_text, result.text, result.hits, color=color, escape=True),
                   nl=False, err=True, color=color)
    if not quiet:
        removed = result.metadata.get("removed_share", 0.0)
        kind_name = "HTML" if html else "text"
        click.echo(f"cleaned {name} ({kind_name}, {result.language or 'und'}): {removed:.0%} removed, "
                   f"{len(result.hits)} hits", err=True)
    return EXIT_OK

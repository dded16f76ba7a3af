"""What ``--explain``, ``--diff`` (``--worst``), ``--report`` and ``--marks`` do with each
cleaned document of a batch, whatever its input: a folder's files, JSONL lines, WARC
records or Parquet rows (each named as the batch names it: ``a/b.txt``, ``FILE:LINE``,
``FILE#record N``, ``FILE#row N``)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleaner.cli.common import is_terminal
from cleaner.cli.page import print_explain
from cleaner.review.diff import WorstDiffs, format_diff, want_color
from cleaner.review.marks import MarkCheck, MarksError, load_marks
from cleaner.review.report import ReportWriter
from cleaner.terminal import display, printable


def mark_check(path: Path) -> MarkCheck:
    """``--marks MARKS.json`` read, or a usage error naming what is wrong with it."""
    try:
        return MarkCheck(load_marks(path)[1])
    except MarksError as exc:
        raise click.UsageError(display(str(exc))) from None


class BatchReview:
    """Collects the review of a batch: ``add`` each cleaned document, then ``finish``."""

    def __init__(self, cleaner, title: str, *, explain: bool = False, show_diff: bool = False,
                 worst: int | None = None, report_path: Path | None = None, marks_path: Path | None = None,
                 diff_to_stderr: bool = False):
        self.explain, self.show_diff, self.report_path = explain, show_diff, report_path
        self.marks = mark_check(marks_path) if marks_path else None
        valve = cleaner.by_code.get(cleaner.codes.safety_valve)
        self.writer = ReportWriter(title=title, **({"warn_share": valve.params["min_removed_share"]} if valve else {})) \
            if report_path else None
        # The diff goes to stdout, unless stdout carries the records (OUT is -).
        self.err = diff_to_stderr
        stream = sys.stderr if diff_to_stderr else sys.stdout
        self.color = want_color(stream)
        self.escape = diff_to_stderr or is_terminal(stream)  # the text's own control characters never reach a terminal raw
        self.worst = WorstDiffs(worst) if show_diff and worst else None  # printed at the end, in triage order

    @property
    def wanted(self) -> bool:
        """Does the review need each document's result?"""
        return bool(self.explain or self.show_diff or self.writer is not None or self.marks is not None)

    def add(self, name: str, result) -> None:
        if self.marks is not None:
            self.marks.add(name, result.text, result.hits, result.input_text)
        if self.explain:
            print_explain(name, result, err=self.err)
        share = result.metadata.get("removed_share", 0.0)
        if self.writer is not None:
            self.writer.add(name, result.input_text, result.text, result.hits, share, result.metadata)
        if self.worst is not None:
            self.worst.add(name, result.input_text, result.text, result.hits, share, result.metadata)
        elif self.show_diff:
            click.echo(format_diff(name, result.input_text, result.text, result.hits, color=self.color,
                                   escape=self.escape), nl=False, color=self.color, err=self.err)

    def finish(self) -> list[tuple[str, str]]:
        """Print the worst diffs and the marks' summary, write the report; returns what
        could not be written, as ``(path, why)``."""
        unwritten = []
        if self.worst is not None:
            for text in self.worst.diffs(color=self.color, escape=self.escape):
                click.echo(text, nl=False, color=self.color, err=self.err)
        if self.writer is not None and self.report_path is not None:
            if self.marks is not None:
                self.writer.marks_status = self.marks.rows()
            try:
                self.writer.write(self.report_path)
            except OSError as exc:
                unwritten.append((str(self.report_path), f"cannot write: {exc.strerror or exc}"))
        return unwritten

    def summary(self) -> None:
        if self.marks is not None:
            for line in self.marks.summary():
                click.echo(f"clean-articles: {printable(line)}", err=True)

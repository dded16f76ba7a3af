"""The ``clean-articles`` command: clean a folder of scraped pages into another folder.

Exit codes follow linters: 0 every file cleaned (binary files skipped and named),
1 some files failed (each is named), 2 could not start: usage, rule-file error, OUT_DIR
inside IN_DIR or not writable (nothing was cleaned). The per-file loop and the resume
manifest live in :mod:`cleaner.run.batch`.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import click

from cleaner import __version__
from cleaner.content import learned
from cleaner.run.batch import CLEANED, FAILED, MANIFEST_NAME, SKIPPED, UNCHANGED, Batch, OutDirBusy
from cleaner.terminal import display, printable
from cleaner.run.io import is_parquet, walk_inputs
from cleaner.run.executor import resolve_jobs
from cleaner.run.progress import Progress
from cleaner.run.readers import is_jsonl, is_warc
from cleaner.run.totals import Totals, hit_record
from cleaner.run.work import MAX_BYTES, TIMEOUT, Budget
from cleaner.cli.batch_review import BatchReview
from cleaner.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, check_destinations
from cleaner.cli.stream import run_records_command
from cleaner.cli.config import settings_options, settings_path
from cleaner.cli.page import run_page_command, stdin_is_one_page
from cleaner.cli.review import add_rules_test, review
from cleaner.pipeline import Cleaner, Config
from cleaner.rules import RuleError
from cleaner.rules.schema import schema_for



class _DefaultGroup(click.Group):
    """``clean-articles IN OUT`` runs the batch; ``clean-articles rules`` lists the rules."""

    def parse_args(self, ctx, args):
        if args and args[0] not in ("--help", "-h", "--version") and (
                args[0] not in self.commands or self._is_input_folder(args)):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, "IN OUT [OPTIONS] | COMMAND [ARGS]...")

    def format_help(self, ctx, formatter):
        """The group's help, then the options of ``clean-articles IN OUT`` (the ``run``
        command's), so the batch options are where a new user looks first."""
        super().format_help(ctx, formatter)
        batch = self.commands["run"]
        sub = click.Context(batch, info_name="run", parent=ctx)
        rows = [row for p in batch.get_params(sub)
                if isinstance(p, click.Option) and p.name != "help" and (row := p.get_help_record(sub))]
        with formatter.section("Batch options (clean-articles IN OUT [OPTIONS]; the same as clean-articles run)"):
            formatter.write_dl(rows)

    def _is_input_folder(self, args) -> bool:
        """``clean-articles rules out``: a folder named like a command, given as IN with an
        OUT after it (a command's own subcommands and options still win)."""
        if len(args) < 2 or args[1].startswith("-") or not os.path.exists(args[0]):
            return False
        command = self.commands[args[0]]
        return args[1] not in getattr(command, "commands", {})


def _spec(rules_dirs, select, ignore, profile) -> Config:
    """What the rule options say, for this process and for worker processes alike."""
    return Config.of(rules_dirs, _codes(select), _codes(ignore), profile)


def _build(spec: Config) -> Cleaner:
    try:
        return spec.build()
    except RuleError as exc:
        raise click.UsageError(str(exc)) from None


def _codes(values) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


_rule_options = [
    click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, path_type=Path),
                 help="Extra rule pack (file or folder), loaded after the built-in packs. Repeatable."),
    click.option("--select", multiple=True, metavar="CODES", help="Only these rule codes or prefixes (comma-separated)."),
    click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rule codes or prefixes (comma-separated)."),
    click.option("--profile", type=click.Choice(["safe", "default", "aggressive"]), default="default",
                 show_default=True, help="Which rules run when --select is not given."),
]


def rule_options(f):
    for opt in reversed(_rule_options):
        f = opt(f)
    return f


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clean-articles")
def main():
    """Clean scraped article pages: clean-articles IN OUT.

    IN and OUT are folders of pages, JSONL files (plain or compressed; - for stdin and
    stdout), a WARC (IN), Parquet files, or one page.  Any record input goes with any
    record output: in.jsonl out.parquet, crawl.warc.gz out.jsonl.zst, in.parquet -."""


@main.command("run")
@click.argument("in_dir", type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.argument("out_dir", type=click.Path(allow_dash=True, path_type=Path))
@rule_options
@click.option("--hits", "hits_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every rule hit as JSON lines, one document a line.")
@click.option("--explain", is_flag=True, help="Print each document's hits.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a self-contained HTML review report of every hit in the batch.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff per file, hunks labelled with rule codes (coloured on a terminal).")
@click.option("--worst", type=click.IntRange(min=1), metavar="N",
              help="With --diff: only the N documents most worth a look, most suspicious first (the report's "
                   "triage order), printed after the batch.")
@click.option("--marks", "marks_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A review's MARKS.json: after the batch, say which marks this run satisfies (and show it in "
                   "--report).")
@click.option("--resume", is_flag=True,
              help="Finish a killed batch: a folder skips inputs whose output is up to date (manifest "
                   "OUT_DIR/.clean-articles.json); a JSONL OUT goes on from its last checkpoint (.OUT.checkpoint), "
                   "byte-identical to an uninterrupted run.")
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symlinked folders that lead outside IN_DIR (skipped by default; one into OUT_DIR "
                   "never is).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--format", "fmt", type=click.Choice(["auto", "files", "jsonl", "warc", "page"]), default="auto",
              show_default=True,
              help="files: folders of pages; jsonl: one {id, text, metadata} object a line; warc: a web archive "
                   "(.warc, .warc.gz) whose HTML responses become JSONL; page: IN is one document (auto: jsonl "
                   "for .jsonl names and for '-' starting with '{', warc for .warc names, page for any other "
                   "single file or stdin).")
@click.option("--text-field", default="text", show_default=True,
              help="JSONL field (Parquet column) holding the page (and receiving the clean text).")
@click.option("--input", "input_kind", type=click.Choice(["auto", "html", "text"]), default="auto",
              show_default=True,
              help="What the pages are: auto decides per file by name, else by content, and per JSONL record "
                   "by content (markup takes the HTML path).")
@click.option("--output", "output", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True,
              help="text: the clean text; markdown: the same lines with headings, lists, quotes and tables "
                   "(.md files); json: one object a page with text, title, byline, date, url, language, "
                   "page type, removed share and hits per rule (.json files). JSONL, WARC and Parquet take text or markdown.")
@click.option("--html-field", metavar="FIELD",
              help="JSONL, Parquet: read each record's HTML from FIELD (the clean text goes to --text-field).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (default 0: every core); the output does not depend on it.")
@click.option("--scheduler", metavar="ADDRESS", help="Run a JSONL, WARC or Parquet batch on the Dask cluster at ADDRESS.")
@click.option("--max-bytes", type=click.IntRange(min=0), default=MAX_BYTES, show_default=True,
              help="Largest document (file, decompressed .gz page, JSONL line, WARC payload or Parquet page) "
                   "cleaned; a larger one fails, named, and the batch goes on (0: no limit).")
@click.option("--timeout", type=click.FloatRange(min=0), default=TIMEOUT, show_default=True,
              help="Seconds one document may take; a slower one fails, named, and the batch goes on "
                   "(0: no limit).")
@settings_options
def run(in_dir: Path, out_dir: Path, rules_dirs, select, ignore, profile, hits_path, explain, report_path,
        show_diff, worst, marks_path, resume, follow_symlinks, quiet, no_progress, fmt, text_field, input_kind, output,
        html_field, jobs, scheduler, max_bytes, timeout):
    """Clean every page under IN_DIR into OUT_DIR at the same relative path.

    Records: IN a JSONL file (or - for stdin), a WARC (.warc, .warc.gz: each HTML response
    is a record) or a Parquet file; OUT a JSONL file (.gz, .bz2, .xz, .zst: compressed; -
    for stdout) or a Parquet file, any IN with any OUT.
    With one page (IN a single file, or - holding plain text or HTML), write its clean
    text to OUT (a file, or - for stdout)."""
    if worst and not show_diff:
        raise click.UsageError("--worst N picks the diffs to print: give --diff too")
    spec = _spec(rules_dirs, select, ignore, profile)
    cleaner = _build(spec)
    budget = Budget(max_bytes, timeout)
    source, dest = str(in_dir), str(out_dir)
    records = is_warc(source, fmt) or (fmt == "auto" and is_parquet(source))
    if html_field and not (records or is_jsonl(source, fmt)):
        raise click.UsageError("--html-field names a field of JSONL records or a Parquet column; for files use "
                               "--input html")
    one_page = not records and (fmt == "page" or (fmt == "auto" and (
        stdin_is_one_page() if source == "-" else (in_dir.is_file() and not is_jsonl(source, fmt)))))
    if one_page:
        if report_path or resume or marks_path or scheduler or (fmt == "auto" and is_parquet(dest)):
            raise click.UsageError("--report, --resume, --marks, --scheduler and a Parquet OUT are for batches; "
                                   "one page takes --hits, --explain and --diff")
        sys.exit(run_page_command(source, dest, cleaner, hits_path=hits_path, explain=explain,
                                  show_diff=show_diff, quiet=quiet, input=input_kind, output=output))
    title = f"clean-articles review: {in_dir}"
    if records or is_jsonl(source, fmt):
        _records_take_text_or_markdown(output)
        batch_review = BatchReview(cleaner, title, explain=explain, show_diff=show_diff, worst=worst,
                                   report_path=report_path, marks_path=marks_path, diff_to_stderr=dest == "-")
        sys.exit(run_records_command(source, dest, cleaner, fmt=fmt, text_field=text_field, jobs=jobs,
                                     scheduler=scheduler, quiet=quiet, no_progress=no_progress, hits_path=hits_path,
                                     input=input_kind, html_field=html_field, output=output, budget=budget,
                                     resume=resume, review=batch_review))
    if fmt == "auto" and is_parquet(dest):
        raise click.UsageError(f"OUT {dest} is Parquet: Parquet is written from records (IN a JSONL, WARC or "
                               "Parquet file); folders are cleaned to folders")
    if not in_dir.is_dir() or out_dir.is_file() or scheduler:
        raise click.UsageError("folders need IN_DIR and OUT_DIR folders; --scheduler needs JSONL")
    batch_review = BatchReview(cleaner, title, explain=explain, show_diff=show_diff, worst=worst,
                               report_path=report_path, marks_path=marks_path)
    check_destinations([("--hits", hits_path), ("--report", report_path), ("the manifest", out_dir / MANIFEST_NAME)],
                       in_dir=in_dir, out_dir=out_dir)
    started = time.monotonic()
    failures: list[tuple[str, str]] = []
    unwritten: list[tuple[str, str]] = []  # --hits, --report, the manifest: not inputs, reported apart
    skipped: list[tuple[str, str]] = []
    unread: Counter = Counter()
    files = list(walk_inputs(in_dir, failures, skipped, unread, out_dir=out_dir, follow_symlinks=follow_symlinks))
    if not files and unread:  # a folder of other things: say so, never "cleaned 0 files", exit 0
        failures.append((str(in_dir), f"no page to clean: {sum(unread.values())} files of other types"))
    stats: Counter = Counter()
    totals = Totals()
    batch = Batch(cleaner, in_dir, out_dir, resume=resume, input=input_kind, output=output, budget=budget,
                  keep_hits=bool(hits_path), need_results=bool(report_path or marks_path))
    try:
        batch.start()
        hits_out = open(hits_path, "w", encoding="utf-8") if hits_path else None
    except OutDirBusy as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        click.echo(f"clean-articles: cannot start: {display(exc.filename or out_dir)}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    if batch.manifest.warning and not quiet:
        click.echo(f"clean-articles: {batch.manifest.warning}", err=True)
    show_bar = not quiet and not no_progress and sys.stderr.isatty()
    try:
        with Progress("cleaning", len(files), enabled=show_bar) as bar:
            for o in batch.run(files, jobs=resolve_jobs(jobs)):
                bar.update()
                stats[o.status] += 1
                if o.status == FAILED:
                    failures.append((str(o.path), o.reason))
                    continue
                if o.status == SKIPPED:
                    skipped.append((str(o.path), o.reason))
                    continue
                totals.add(o.result, o.bytes_in, o.bytes_out)
                line = o.hits or (hit_record(display(o.rel), display(o.rel), o.result) if o.result is not None else "")
                if hits_out and line:
                    try:
                        hits_out.write(line)
                    except OSError as exc:  # a full disk: no more hits, the outputs go on
                        unwritten.append((str(hits_path), f"cannot write: {exc.strerror or exc}"))
                        _close(hits_out)
                        hits_out = None
                if o.result is not None:
                    batch_review.add(display(o.rel), o.result)
    finally:
        batch.finish()
        why = _close(hits_out) if hits_out else ""
        if why:
            unwritten.append((str(hits_path), why))
    if batch.manifest_error:
        unwritten.append((str(batch.manifest.path), f"{batch.manifest_error} (the outputs written are whole; "
                                                    "--resume may clean some inputs again)"))
    unwritten += batch_review.finish()
    if not quiet:
        _summary(stats, totals, cleaner, failures, skipped, time.monotonic() - started, unread,
                 settings_path(click.get_current_context()))
    batch_review.summary()
    for name, why in failures + unwritten:
        click.echo(f"clean-articles: failed: {display(name)}: {printable(why)}", err=True)
    sys.exit(EXIT_FAILED if failures or unwritten else EXIT_OK)


def _close(fh) -> str:
    """Close ``fh``: "" when its last bytes reached the file, else why they did not."""
    try:
        fh.close()
    except OSError as exc:
        return f"cannot write: {exc.strerror or exc}"
    return ""


def _records_take_text_or_markdown(output: str) -> None:
    """JSONL, WARC and Parquet records carry the fields of ``--output json`` already (their
    metadata or columns); their text field takes the text or its Markdown."""
    if output == "json":
        raise click.UsageError("JSONL, WARC and Parquet records are JSON or columns already: they carry the "
                               "fields of --output json; use --output text or markdown for the text field")


def _summary(stats: Counter, totals: Totals, cleaner: Cleaner, failures, skipped, elapsed: float,
             unread: Counter | None = None, settings: Path | None = None) -> None:
    up_to_date = f", {stats[UNCHANGED]} up to date" if stats[UNCHANGED] else ""
    head = (f"cleaned {stats[CLEANED]} files{up_to_date}, {len(skipped)} skipped, {len(failures)} failed, "
            f"in {elapsed:.1f}s")
    lines = totals.summary(head, "bytes", cleaner.by_code)
    lines[1:1] = [f"clean-articles: skipped: {display(name)}: {printable(why)}" for name, why in skipped]
    if unread:
        kinds = ", ".join(f"{n} {printable(ext) or 'no-extension'}" for ext, n in sorted(unread.items()))
        lines.insert(1, f"clean-articles: not read: {sum(unread.values())} files of other types ({kinds}); "
                        "pages are .txt, .html, .htm (or gzipped), server pages such as .php, or no extension")
    if settings is not None:
        lines.insert(1, f"clean-articles: settings from {display(settings)}")
    for line in lines:
        click.echo(line, err=True)


@main.group("rules", invoke_without_command=True)
@rule_options
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@settings_options
@click.pass_context
def list_rules(ctx, rules_dirs, select, ignore, profile, as_json):
    """List the rules with their codes, kinds, languages and messages (`rules show CODE`: one rule)."""
    if ctx.invoked_subcommand is not None:
        return
    cleaner = _build(_spec(rules_dirs, select, ignore, profile))
    if as_json:
        click.echo(json.dumps([{"code": r.code, "name": r.name, "kind": r.kind, "langs": list(r.langs),
                                "message": r.message, "source": r.source} for r in cleaner.rules], indent=1))
        return
    for r in cleaner.rules:
        click.echo(f"{r.code}  {r.name:40s} {r.kind:11s} {','.join(r.langs):9s} {r.message}")


@list_rules.command("show")
@click.argument("code")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Extra rule pack (file or folder), loaded after the built-in packs. Repeatable.")
def show_rule(code, rules_dirs):
    """Print one rule: its message, patterns, examples and every parameter with its meaning."""
    cleaner = _build(_spec(rules_dirs, (), (), "default"))
    rule = cleaner.by_code.get(code) or next((r for r in cleaner.all_rules if r.name == code), None)
    if rule is None:
        raise click.UsageError(f"no rule {code!r}; `clean-articles rules` lists them")
    click.echo(f"{rule.code}  {rule.name}  ({rule.kind}, profile {rule.profile}, langs {','.join(rule.langs)})")
    click.echo(f"  {rule.message}")
    click.echo(f"  defined in {rule.source}")
    for pattern in rule.patterns:
        click.echo(f"  pattern: {pattern}")
    if rule.replace or rule.kind in ("substitute", "repair"):
        click.echo(f"  replace: {rule.replace!r}")
    schema = schema_for(rule.code, rule.kind, rule.params)
    if rule.params:
        click.echo("  parameters:")
    for key, value in rule.params.items():
        spec = schema.get(key)
        shown = list(value) if isinstance(value, tuple) and key != "follow" else value
        about = f"  # {spec.meaning} ({spec.describe()})" if spec else ""
        click.echo(f"    {key} = {shown!r}{about}")
    for what, examples in (("hit", rule.examples_hit), ("keep", rule.examples_keep), ("fixed", rule.examples_fixed)):
        for ex in examples:
            click.echo(f"  examples.{what}: {ex!r}")
    if rule.code in (learned.TEXT_CODE, learned.HTML_CODE) and cleaner.content_model is not None:
        for line in learned.summary(cleaner.content_model, "html" if rule.code == learned.HTML_CODE else "text"):
            click.echo(f"  {line}")


main.add_command(review)
add_rules_test(list_rules)

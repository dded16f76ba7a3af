"""The ``clean-articles`` command: clean a folder of scraped pages into another folder.

Exit codes follow linters: 0 every file cleaned, 1 some files failed (each is named),
2 usage or rule-file error (nothing was cleaned).
"""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click

from cleaner import __version__
from cleaner.diff import format_diff, want_color
from cleaner.io import atomic_write, input_kind, is_inside, output_name, walk_inputs
from cleaner.parallel import CleanerSpec, clean_files, register
from cleaner.progress import Progress
from cleaner.stream import is_jsonl
from cleaner.pipeline import Cleaner
from cleaner.report import ReportWriter
from cleaner.rules import RuleError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _DefaultGroup(click.Group):
    """``clean-articles IN OUT`` runs the batch; ``clean-articles rules`` lists the rules."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _cleaner(rules_dirs, select, ignore, profile) -> Cleaner:
    try:
        return Cleaner(rules_dirs, select=_codes(select), ignore=_codes(ignore), profile=profile)
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
    """Clean scraped article pages: clean-articles IN_DIR OUT_DIR."""


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
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--format", "fmt", type=click.Choice(["auto", "files", "jsonl"]), default="auto", show_default=True,
              help="files: folders of pages; jsonl: one {id, text, metadata} object a line "
                   "(auto: jsonl for '-' and .jsonl names).")
@click.option("--text-field", default="text", show_default=True, help="JSONL field holding the page text.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (default 0: every core).")
@click.option("--scheduler", metavar="ADDRESS", help="Run a JSONL batch on the Dask cluster at ADDRESS.")
def run(in_dir: Path, out_dir: Path, rules_dirs, select, ignore, profile, hits_path, explain, report_path,
        show_diff, quiet, no_progress, fmt, text_field, jobs, scheduler):
    """Clean every page under IN_DIR into OUT_DIR at the same relative path.

    With JSONL (IN and OUT are .jsonl files, or - for stdin/stdout), clean each line's text."""
    cleaner = _cleaner(rules_dirs, select, ignore, profile)
    spec = CleanerSpec.of(rules_dirs, _codes(select), _codes(ignore), profile)
    if is_jsonl(str(in_dir), fmt):
        if report_path or show_diff or explain:
            raise click.UsageError("--report, --diff and --explain are for folders; JSONL takes --hits")
        from cleaner.cli_stream import run_jsonl_command

        sys.exit(run_jsonl_command(str(in_dir), str(out_dir), cleaner, spec, text_field=text_field, jobs=jobs,
                                   scheduler=scheduler, quiet=quiet, no_progress=no_progress, hits_path=hits_path))
    if not in_dir.is_dir() or out_dir.is_file() or scheduler:
        raise click.UsageError("folders need IN_DIR and OUT_DIR folders; --scheduler needs JSONL")
    if is_inside(out_dir, in_dir) or is_inside(in_dir, out_dir):
        raise click.UsageError(f"OUT_DIR {out_dir} must be outside IN_DIR {in_dir} (inputs are never modified)")
    register(spec, cleaner)
    started = time.monotonic()
    failures: list[tuple[str, str]] = []
    files = list(walk_inputs(in_dir, failures))
    stats = Counter()
    per_rule = Counter()
    hits_out = open(hits_path, "w", encoding="utf-8") if hits_path else None
    show_bar = not quiet and not no_progress and sys.stderr.isatty()
    writer = ReportWriter(title=f"clean-articles review: {in_dir}") if report_path else None
    color = want_color(sys.stdout)
    try:
        with Progress("cleaning", len(files), enabled=show_bar) as bar:
            for path, n_read, result, error in clean_files(files, spec, jobs):
                bar.update()
                rel = path.relative_to(in_dir)
                if error:
                    failures.append((str(path), error))
                    continue
                try:
                    out = result.text.encode("utf-8")
                    atomic_write(out_dir / output_name(rel), out)
                except Exception as exc:  # one bad file never stops the batch
                    failures.append((str(path), f"{type(exc).__name__}: {exc}"))
                    continue
                stats["files"] += 1
                stats["bytes_in"] += n_read
                stats["bytes_out"] += len(out)
                for h in result.hits:
                    per_rule[h.code] += 1
                    stats["blocks_removed"] += h.action == "drop"
                if hits_out:
                    hits_out.write(json.dumps({"file": str(rel), "language": result.language,
                                               "hits": [h.to_dict() for h in result.hits]},
                                              ensure_ascii=False) + "\n")
                if explain:
                    _print_explain(str(rel), result)
                if writer is not None:
                    writer.add(str(rel), result.input_text, result.text, result.hits,
                               result.metadata.get("removed_share", 0.0))
                if show_diff:
                    click.echo(format_diff(str(rel), result.input_text, result.text,
                                           [h.to_dict() for h in result.hits], color=color), nl=False, color=color)
    finally:
        if hits_out:
            hits_out.close()
    if writer is not None:
        writer.write(report_path)
    if not quiet:
        _summary(stats, per_rule, cleaner, failures, time.monotonic() - started)
    for name, why in failures:
        click.echo(f"clean-articles: failed: {name}: {why}", err=True)
    sys.exit(EXIT_FAILED if failures else EXIT_OK)


def _print_explain(name: str, result) -> None:
    click.echo(f"== {name} ({result.language}, {len(result.hits)} hits)")
    for h in result.hits:
        before = h.before.replace("\n", " ")
        change = f"{before[:80]!r}" + (f" -> {h.after[:80]!r}" if h.action in ("substitute", "repair") else "")
        click.echo(f"  {h.src_start}:{h.src_end}  {h.code} {h.name} [{h.action}] {change}  # {h.message}")


def _summary(stats: Counter, per_rule: Counter, cleaner: Cleaner, failures, elapsed: float) -> None:
    err = lambda s="": click.echo(s, err=True)  # noqa: E731
    err(f"cleaned {stats['files']} files, {len(failures)} failed, in {elapsed:.1f}s")
    if stats["bytes_in"]:
        err(f"bytes in {stats['bytes_in']:,}, out {stats['bytes_out']:,} "
            f"({1 - stats['bytes_out'] / stats['bytes_in']:.0%} removed), blocks removed {stats['blocks_removed']:,}")
    for code, n in per_rule.most_common():
        rule = cleaner.by_code.get(code)
        err(f"  {n:6d}  {code}  {rule.name if rule else ''}")


@main.command("rules")
@rule_options
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
def list_rules(rules_dirs, select, ignore, profile, as_json):
    """List the rules with their codes, kinds, languages and messages."""
    cleaner = _cleaner(rules_dirs, select, ignore, profile)
    if as_json:
        click.echo(json.dumps([{"code": r.code, "name": r.name, "kind": r.kind, "langs": list(r.langs),
                                "message": r.message, "source": r.source} for r in cleaner.rules], indent=1))
        return
    for r in cleaner.rules:
        click.echo(f"{r.code}  {r.name:40s} {r.kind:11s} {','.join(r.langs):9s} {r.message}")

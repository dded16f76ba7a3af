"""``clean-articles review apply`` and ``clean-articles rules test``: from a reviewer's
marks back to the rules, and the rules against their own examples.

``review apply MARKS.json`` edits a rule pack (``review-pack.toml`` by default) and then
runs the tests of every rule it touched, so the reviewer sees at once which new keep
example fails (the rule needs a fix) and which draft rule passes its example.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleaner.cli.common import EXIT_FAILED, EXIT_OK, check_destinations
from cleaner.review.marks import MISSED, WRONG, MarksError, load_marks
from cleaner.rules import RuleError, load_rules
from cleaner.rules.edit import MissedLine, WrongHit, apply_marks
from cleaner.run.io import WriteError, atomic_write
from cleaner.run.rule_tests import check_rules
from cleaner.terminal import display, printable

DEFAULT_PACK = "review-pack.toml"

_rules_option = click.option(
    "--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, path_type=Path),
    help="Extra rule pack (file or folder) the batch ran with, loaded after the built-in packs. Repeatable.")


def _load(dirs) -> list:
    try:
        return load_rules(dirs)
    except RuleError as exc:
        raise click.UsageError(str(exc)) from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


@click.group("review")
def review():
    """Turn a review's marks (MARKS.json from the report) into rule-pack changes."""


@review.command("apply")
@click.argument("marks_path", metavar="MARKS.json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--pack", "pack_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_PACK,
              show_default=True, help="The rule pack to create or extend (its comments and layout are kept).")
@_rules_option
def apply(marks_path: Path, pack_path: Path, rules_dirs):
    """Write MARKS.json into a rule pack a person can read and then load with --rules.

    A hit marked wrong becomes a keep example of its rule (its tests fail until the rule
    is fixed) and an allow entry (a run with --rules PACK leaves that line alone); a line
    marked "should go" becomes a draft rule RV### with the line as its hit example."""
    try:
        _title, marks = load_marks(marks_path)
    except MarksError as exc:
        raise click.UsageError(display(str(exc))) from None
    check_destinations([("--pack", pack_path)], inputs=[marks_path])
    others = [d for d in rules_dirs if not _same(d, pack_path)]
    exists = pack_path.is_file()
    rules = _load(others + ([pack_path] if exists else []))  # the pack's drafts can be marked too
    try:
        before = pack_path.read_text(encoding="utf-8") if exists else None
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"{display(pack_path)}: cannot read: {exc}") from None
    wrong = [WrongHit(m.code, m.text, m.where) for m in marks if m.kind == WRONG]
    missed = [MissedLine(m.text, m.where) for m in marks if m.kind == MISSED]
    try:
        text, changes = apply_marks(before, wrong, missed, rules, source=str(pack_path))
    except RuleError as exc:
        raise click.UsageError(str(exc)) from None
    out = click.echo
    if not changes.changed:
        out(f"{display(pack_path)}: nothing to add ({changes.already} of {len(marks)} marks are in it already)")
    else:
        try:
            atomic_write(pack_path, text.encode("utf-8"))
        except (OSError, WriteError) as exc:
            click.echo(f"clean-articles: failed: {display(pack_path)}: cannot write: "
                       f"{printable(getattr(exc, 'strerror', None) or str(exc))}", err=True)
            sys.exit(EXIT_FAILED)
        out(f"{display(pack_path)}: {'extended' if exists else 'written'} from {len(marks)} marks"
            + (f" ({changes.already} in it already)" if changes.already else ""))
    for code in sorted(set(changes.keep_added) | set(changes.allow_added)):
        out(f"  {code}: {_plural(len(changes.keep_added.get(code, [])), 'keep example')}, "
            f"{_plural(len(changes.allow_added.get(code, [])), 'allow entry', 'allow entries')}")
    for code, line in changes.drafts:
        out(f"  {code}: draft rule for {printable(_short(line))!r}")
    for mark, why in changes.skipped:
        out(f"  skipped {printable(mark)}: {printable(why)}")
    touched = sorted(set(changes.keep_added) | {c for c, _ in changes.drafts})
    if touched and changes.changed:
        _report_tests(others + [pack_path], touched, changes, marks_path)
    sys.exit(EXIT_OK)


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[:n - 1] + "\u2026"


def _report_tests(dirs, codes, changes, marks_path: Path) -> None:
    """Each touched rule against its examples, with the pack: what the reviewer does next."""
    _n, failures = check_rules(_load(dirs), codes)
    failing = {(f.code, f.what, f.example) for f in failures}
    out = click.echo
    out("rule tests with the pack:")
    for code in codes:
        for example in changes.keep_added.get(code, []):
            if (code, "keep", example) in failing:
                out(f"  FAIL {code} fires on its new keep example {printable(_short(example))!r}: fix the rule "
                    "(its pattern or parameters), then this test passes")
            else:
                out(f"  pass {code} on {printable(_short(example))!r} alone: the hit came from the page around it; "
                    "the allow entry spares the line in runs with the pack")
    for code, _line in changes.drafts:
        bad = [f for f in failures if f.code == code]
        out(f"  {'FAIL' if bad else 'pass'} {code} (draft)" + (": " + printable(str(bad[0])) if bad else
                                                              ": generalise its pattern before relying on it"))
    rules_args = " ".join(f"--rules {display(d)}" for d in dirs)
    out("next: clean-articles rules test " + rules_args + " " + " ".join(codes))
    out("      re-run the batch with " + rules_args + f" --marks {display(marks_path)} to see which marks it satisfies")


def add_rules_test(rules_group: click.Group) -> None:
    """``clean-articles rules test [CODES]``, under the ``rules`` group."""

    @rules_group.command("test")
    @click.argument("codes", nargs=-1)
    @_rules_option
    def rules_test(codes, rules_dirs):
        """Run every rule (or the CODES given: codes, prefixes or names) on its own examples.

        Exit 0 when each hit example fires its rule and no keep example does, 1 otherwise."""
        rules = _load(rules_dirs)
        wanted = [c.strip() for v in codes for c in v.split(",") if c.strip()]
        n, failures = check_rules(rules, wanted)
        if wanted and not n:
            raise click.UsageError(f"no rule matches {' '.join(wanted)}; `clean-articles rules` lists them")
        for f in failures:
            click.echo(f"FAIL {printable(str(f))}")
        click.echo(f"{_plural(n, 'rule')} tested, {_plural(len(failures), 'example')} failing")
        sys.exit(EXIT_FAILED if failures else EXIT_OK)

"""Every rule against its own examples: each ``hit`` example fires it, each ``keep`` does
not, and substitutions give their ``fixed`` text.

Shared by ``clean-articles rules test`` and the test suite. Pattern rules run alone
(selected by their code), so an example tests the rule itself; rules decided by code
(scoring, dedupe, unicode) run with the whole rule set, since their decisions depend on
the other stages. A review's allow lists are left out: they spare the lines a reviewer
marked in a run, and a keep example from the same review must still fail until the
rule itself is fixed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from cleaner.journal.edits import assemble
from cleaner.model import CleanResult
from cleaner.pipeline import MODEL_CODES, SCORE_CODES, Cleaner
from cleaner.rules import CODE_KINDS, Rule
from cleaner.stages.decode import is_html_input


@dataclass(frozen=True)
class Failure:
    """One example a rule gets wrong."""

    code: str
    name: str
    what: str  # "hit", "keep" or "fixed"
    example: str
    detail: str

    def __str__(self) -> str:
        if self.what == "hit":
            return f"{self.code} ({self.name}) did not fire on its hit example {self.example!r}; {self.detail}"
        if self.what == "keep":
            return f"{self.code} ({self.name}) fired on its keep example {self.example!r}"
        return f"{self.code} ({self.name}) on {self.example!r}: {self.detail}"


class ExampleRunner:
    """Runs rules on their examples; the cleaners it needs are built once per rule set."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(replace(r, allow=frozenset()) if r.allow else r for r in rules)
        self._full: Cleaner | None = None
        self._alone: dict[str, Cleaner] = {}  # by code: a rule's examples share its cleaner
        self._hand: Cleaner | None = None

    def _lang(self, rule: Rule) -> str:
        return next((lang for lang in rule.langs if lang != "*"), "en")

    def run(self, rule: Rule, text: str) -> CleanResult:
        """``rule`` on one example, as its tests run it."""
        if rule.kind in CODE_KINDS and rule.code in SCORE_CODES.values():
            # The hand-set scorer decides only where the content model is off: tested so.
            if self._hand is None:
                self._hand = Cleaner(rules=self.rules, ignore=[c for c in MODEL_CODES if any(
                    r.code == c for r in self.rules)])
            cleaner: Cleaner = self._hand
        elif rule.kind in CODE_KINDS:
            if self._full is None:
                self._full = Cleaner(rules=self.rules)
            cleaner = self._full
        else:
            alone = self._alone.get(rule.code)
            if alone is None:
                alone = self._alone[rule.code] = Cleaner(rules=self.rules, select=[rule.code])
            cleaner = alone
        encoding = rule.param("example_encoding")
        data = text.encode(encoding) if encoding else text
        # A code-decided rule of the HTML path (the content model's ML102) has HTML examples.
        html = rule.kind == "html" or (rule.kind in CODE_KINDS and is_html_input(text, "auto"))
        return cleaner.clean(data, lang=self._lang(rule), html=html)

    def codes(self, rule: Rule, example: str) -> list[str]:
        """Codes that fired: hits, or for ``html`` rules every DOM decision (keeps included)."""
        if rule.kind == "html":
            from cleaner.stages.html import fired_codes

            return sorted(fired_codes(example))
        return [h.code for h in self.run(rule, example).hits]

    def hit_failures(self, rule: Rule) -> list[Failure]:
        out = []
        for i, example in enumerate(rule.examples_hit):
            codes = self.codes(rule, example)
            if rule.code not in codes:
                out.append(Failure(rule.code, rule.name, "hit", example, f"hits: {codes}"))
            elif rule.examples_fixed:
                text = self.run(rule, example).text
                if text != assemble(rule.examples_fixed[i]):
                    out.append(Failure(rule.code, rule.name, "fixed", example,
                                       f"gave {text!r}, expected {assemble(rule.examples_fixed[i])!r}"))
        return out

    def keep_failures(self, rule: Rule) -> list[Failure]:
        return [Failure(rule.code, rule.name, "keep", example, "")
                for example in rule.examples_keep if rule.code in self.codes(rule, example)]

    def failures(self, rule: Rule) -> list[Failure]:
        return self.hit_failures(rule) + self.keep_failures(rule)


def check_rules(rules: Sequence[Rule], codes: Iterable[str] = ()) -> tuple[int, list[Failure]]:
    """(rules checked, their failures) for ``codes`` (prefixes; every rule when empty)."""
    runner = ExampleRunner(rules)
    keys = tuple(codes)
    chosen = [r for r in runner.rules if not keys or any(r.code.startswith(k) or r.name == k for k in keys)]
    return len(chosen), [f for r in chosen for f in runner.failures(r)]

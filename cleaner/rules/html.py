"""The ``html`` rule pack compiled for the DOM: hint vocabularies turned into lookup
tables (:class:`HtmlRules`), thresholds read from the rules' validated parameters."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from cleaner.rules.pack import Rule, RuleError, builtin_rules_dir, load_pack
from cleaner.rules.stopwords import stopword_languages, stopwords

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_WORD = re.compile(r"[A-Z]+[a-z]*|[a-z]+")  # the [a-z] runs of an ASCII value, camel case split
_NON_ALNUM = re.compile(r"[^a-z]+")
_EMPTY: frozenset = frozenset()


@dataclass(frozen=True)
class _HintRule:
    code: str
    name: str
    hint: str
    drop: bool
    guard_share: float | None
    tags: frozenset[str]
    roles: frozenset[str]
    classes: frozenset[str]
    tokens: frozenset[str]
    substrings: tuple[str, ...]
    attributes: tuple[str, ...]
    styles: tuple[str, ...]
    except_tokens: frozenset[str] = frozenset()
    prose_min_chars: int | None = None
    weighed_with: str = ""  # the hint whose prose this one's counts with (see HT203 hint_max_total_share)


@dataclass(frozen=True)
class HtmlRules:
    """The html rule pack, compiled: hint vocabularies, thresholds, stopword lists."""

    rules: Mapping[str, Rule]
    hint_rules: tuple[_HintRule, ...]
    skip_tags: tuple[str, ...]  # in the pack's order: HT100's hit lists them so, in every process
    stopwords: Mapping[str, frozenset[str]]
    by_hint: Mapping[str, _HintRule] = field(default_factory=dict)
    index: "_HintIndex | None" = None
    # Class/id values already matched against the vocabulary.  Pages of one site repeat
    # them, so the cache lives as long as the rules; it only ever holds pure results.
    match_cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    # (tag, attributes) of an element -> (its hints, its path label): one probe per element
    # in the walk.  Same lifetime and purity as ``match_cache``.
    element_cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def p(self, code: str, key: str):
        """A rule parameter, as its pack gives it (the schema made sure it is there)."""
        rule = self.rules.get(code)
        if rule is None:
            raise RuleError(f"rule {code} is not loaded: the HTML stage needs its parameters")
        return rule.params[key]

    def name(self, code: str) -> str:
        rule = self.rules.get(code)
        return rule.name if rule else code


def _compile_hint_rule(rule: Rule) -> _HintRule:
    """Lower-case the vocabulary; a token with anything but letters could never match,
    because class names are split into words at every other character."""
    p = rule.params
    low = lambda key: tuple(str(v).lower() for v in p.get(key, ()))  # noqa: E731
    bad = [t for t in low("tokens") if not t.isalpha() or not t.isascii()]
    if bad:
        raise RuleError(f"{rule.source}: rule {rule.code}: tokens must be plain letters, "
                        f"use 'substrings' for {bad}")
    return _HintRule(
        code=rule.code, name=rule.name, hint=str(p["hint"]), drop=bool(p["drop"]),
        guard_share=float(p["guard_share"]) if "guard_share" in p else None,
        tags=frozenset(low("tags")), roles=frozenset(low("roles")), classes=frozenset(low("classes")),
        tokens=frozenset(low("tokens")), substrings=low("substrings"), attributes=low("attributes"),
        styles=tuple(s.replace(" ", "") for s in low("styles")),
        except_tokens=frozenset(low("except_tokens")),
        prose_min_chars=int(p["prose_min_chars"]) if "prose_min_chars" in p else None,
        weighed_with=str(p.get("weighed_with", "")),
    )


def load_html_rules(path: Path | None = None) -> HtmlRules:
    """Load and compile an html rule pack (default: the built-in ``rules/html.toml``)."""
    return compile_html_rules(load_pack(Path(path or builtin_rules_dir() / "html.toml")))


def compile_html_rules(rules, enabled: frozenset[str] | None = None) -> HtmlRules:
    """Compile the ``html`` rules of a loaded rule set; the stoplists are the built-in
    ones of :mod:`cleaner.stages.lang`.

    Thresholds always come from every loaded rule: ``--select``/``--ignore`` decide which
    rules make hits, never another rule's numbers.  A hint rule not in ``enabled`` (when
    given) marks no element, as a keyword rule that is switched off matches no line."""
    by_code = {r.code: r for r in rules if r.kind == "html"}
    hint_rules = tuple(_compile_hint_rule(r) for r in by_code.values()
                       if "hint" in r.params and (enabled is None or r.code in enabled))
    skip = by_code.get("HT100")
    return HtmlRules(
        rules=by_code, hint_rules=hint_rules,
        skip_tags=tuple(dict.fromkeys(skip.param("skip_tags", ()))) if skip else (),
        stopwords={lang: stopwords(lang) for lang in stopword_languages()},
        by_hint={h.hint: h for h in hint_rules}, index=_HintIndex.build(hint_rules),
    )


@lru_cache(maxsize=1)
def default_rules() -> HtmlRules:
    """The built-in pack, loaded once (a pure loader, so caching it is safe)."""
    return load_html_rules()


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex for a set of literals, as a trie: ``ad(?:-(?:slot|wrapper)|vert)``.

    At each position the regex engine follows one branch per character instead of trying
    every literal, and a shorter literal is an optional tail's fallback, so the match at a
    position is the longest literal there, as with the alternatives sorted longest first.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a literal ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


@dataclass(frozen=True)
class _HintIndex:
    """The hint rules turned into lookup tables, so that matching an element is a few
    dictionary probes instead of a loop over every rule.  Substrings are found in one
    scan (non-overlapping, longest first): two substrings that overlap in one class name
    count once, which no vocabulary in the pack relies on."""

    by_tag: Mapping[str, tuple]
    by_role: Mapping[str, tuple]
    by_class: Mapping[str, tuple]
    by_token: Mapping[str, tuple]
    class_set: frozenset[str]
    token_set: frozenset[str]
    by_substring: Mapping[str, tuple]
    any_substring: re.Pattern  # every substring in one trie pattern (longest match first)
    attributes: tuple[str, ...]
    by_attribute: Mapping[str, tuple]
    styles: tuple           # (compact style fragment, pair)
    exceptions: Mapping[tuple, frozenset]  # pair -> class words that cancel it ("embed")

    @classmethod
    def build(cls, hint_rules: Iterable[_HintRule]) -> "_HintIndex":
        maps: dict[str, dict[str, list]] = {k: {} for k in ("tag", "role", "class", "token", "attr")}
        subs: dict[str, list] = {}
        styles = []
        for h in hint_rules:
            pair = (h.hint, h.code)
            for kind, values in (("tag", h.tags), ("role", h.roles), ("class", h.classes),
                                 ("token", h.tokens), ("attr", h.attributes)):
                for v in values:
                    maps[kind].setdefault(v, []).append(pair)
            for x in h.substrings:
                subs.setdefault(x, []).append(pair)
            styles += [(x, pair) for x in h.styles]
        frozen = {k: {v: tuple(lst) for v, lst in m.items()} for k, m in maps.items()}
        exceptions = {(h.hint, h.code): h.except_tokens for h in hint_rules if h.except_tokens}
        return cls(by_tag=frozen["tag"], by_role=frozen["role"], by_class=frozen["class"],
                   by_token=frozen["token"], class_set=frozenset(frozen["class"]),
                   token_set=frozenset(frozen["token"]),
                   by_substring={k: tuple(v) for k, v in subs.items()}, exceptions=exceptions,
                   any_substring=re.compile(_trie_pattern(subs) if subs else r"(?!x)x"),
                   attributes=tuple(frozen["attr"]),
                   by_attribute=frozen["attr"], styles=tuple(styles))

    def match(self, cls: str | None, eid: str | None, role: str | None, style: str | None,
              flags: tuple) -> tuple:
        found: list = []
        if role:
            found += self.by_role.get(role.lower(), ())
        attr = f"{cls or ''} {eid or ''}"
        low = attr.lower()
        if low.strip():
            # In the attribute's own word order, never a set's: the first dropping hint names
            # the rule, and set order changes with PYTHONHASHSEED from one process to the next.
            classes = low.split()
            if not self.class_set.isdisjoint(classes):
                for w in classes:
                    if w in self.class_set:
                        found += self.by_class[w]
            if low == attr:
                words = _NON_ALNUM.split(low)
            elif attr.isascii():
                # Camel case splits words ("relatedPosts"): runs of capitals then lower case.
                words = " ".join(_CAMEL_WORD.findall(attr)).lower().split()
            else:
                words = _NON_ALNUM.split(_CAMEL.sub(r"\1 \2", attr).lower())
            if not self.token_set.isdisjoint(words):
                for w in words:
                    if w in self.token_set:
                        found += self.by_token[w]
            for sub in self.any_substring.findall(low):
                found += self.by_substring[sub]
            if found and self.exceptions:
                found = [p for p in found if self.exceptions.get(p, _EMPTY).isdisjoint(words)]
        for a in flags:
            found += self.by_attribute.get(a, ())
        if style:
            compact = style.replace(" ", "").lower()
            found += [pair for frag, pair in self.styles if frag in compact]
        return tuple(dict.fromkeys(found))

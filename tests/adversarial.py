"""Adversarial inputs made from a pattern's parse tree: long runs of each character it
names (ended by a character nothing matches, the classic ``aaaa…!``), runs of each pair
of neighbouring elements, a walk through the pattern (an example-like string) whole and
cut short (a near-miss), and the rule's own examples, whole and cut short."""
from __future__ import annotations

from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from cleaner.rules.linear import _in_class

END = "\x01"  # ends every input: a character no built-in pattern asks for
_POOL = "a A 0 \t.,:;!?-_/()[]\"'&#é\u00a0\u200bж\n"
_CATEGORY_REP = {
    C.CATEGORY_DIGIT: "0", C.CATEGORY_NOT_DIGIT: "a", C.CATEGORY_SPACE: " ", C.CATEGORY_NOT_SPACE: "a",
    C.CATEGORY_WORD: "a", C.CATEGORY_NOT_WORD: " ", C.CATEGORY_LINEBREAK: "\n", C.CATEGORY_NOT_LINEBREAK: "a",
}


def _reps(op, av) -> list[str]:
    """Characters one element matches (a few)."""
    if op == C.LITERAL:
        return [chr(av)]
    if op == C.NOT_LITERAL:
        return [c for c in "a !" if c != chr(av)][:1]
    if op == C.ANY:
        return ["a", " "]
    if op == C.IN:
        if any(o == C.NEGATE for o, _ in av):
            return [c for c in _POOL if _in_class(av, c)][:3]
        out = []
        for o, a in av:
            if o == C.LITERAL:
                out.append(chr(a))
            elif o == C.RANGE:
                out.append(chr(a[0]))
            elif o == C.CATEGORY:
                out.append(_CATEGORY_REP.get(a, "a"))
        return out[:4]
    return []


def _walk(items) -> tuple[list[str], list[list[str]]]:
    """An example-like string through ``items`` (first branch, each repeat once) and the
    characters of its elements in order."""
    text, seq = [], []
    for op, av in items:
        reps = _reps(op, av)
        if reps:
            text.append(reps[0])
            seq.append(reps)
            continue
        body = None
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            body = list(av[2])
        elif op == C.SUBPATTERN:
            body = list(av[3])
        elif op == C.ATOMIC_GROUP:
            body = list(av)
        elif op == C.BRANCH:
            for b in av[1][1:]:  # the other branches' characters count too
                seq.extend(_walk(list(b))[1])
            body = list(av[1][0])
        if body is not None:
            t, s = _walk(body)
            text.extend(t)
            seq.extend(s)
    return text, seq


def units(pattern: str, flags: int = 0, examples=()) -> list[str]:
    """The repeated units of the adversarial inputs for ``pattern``."""
    text, seq = _walk(list(sre_parse.parse(pattern, flags)))
    out = {"a", " ", ".", "ab ", " \t", "\u00a0"}
    for reps in seq:
        out.update(reps)
    for a, b in zip(seq, seq[1:]):
        out.add(a[0] + b[0])
    walk = "".join(text)
    for sample in [walk, *examples]:
        if sample:
            out.update({sample + " ", sample + "\n", sample[:-1], sample[:-1] + " "})
    return sorted(u for u in out if u)


def fill(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` characters, the last one :data:`END`."""
    return (unit * ((size - 1) // len(unit) + 1))[:size - 1] + END

"""Is a rule's pattern safe for Python's backtracking ``re``?  Checked on its parse tree.

Python's engine tries every way a pattern can match a text before it gives up, so a pattern
that can match one text in exponentially many ways takes exponential time on a near-miss
(``^(?:a|a)*$`` on 31 a's and a "!": minutes).  :func:`check_linear` rejects the shapes
behind that, on the ``re._parser`` tree:

* an unbounded repeat inside an unbounded repeat (``(a+)+``, ``(\\w*\\s?)*``);
* alternatives under a repeat that can start alike, an empty one starting with whatever
  follows it (``(?:a|a)*``, ``(?:x|)*x``): the first-character test;
* any repeat (bounded ones too) whose body can match the same text in two ways, found on
  the pattern's position (Glushkov) automaton: two different paths that leave one state
  and come back to it reading the same characters are exponential ambiguity
  (``(?:a?a)+``, ``(?:\\w+|\\d)+``, ``(.*a){20}``);
* a conditional group ``(?(1)...|...)`` and a back-reference under a repeat: what they
  match depends on earlier captures, so no analysis here can bound their cost;
* two unbounded runs of one element each (``\\s*``, ``[a-z]+``) that can read the same
  character one after the other, with nothing required between them (``\\s*\\.?\\s*$``,
  ``\\w+\\s*\\w+``): on a long run that then fails, every split of it between the two is
  tried, so the time is quadratic.

Character classes are compared on a sample alphabet: every character the pattern names,
the ends and middles of its ranges and one member of each category (``\\w``, ``\\d``,
``\\s``, their complements).  Two classes that share no sampled character are taken as
disjoint, so the test errs only where a range and a category meet outside the samples.
"""
from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)

NESTED = "nested unbounded quantifiers (a repeat inside an unbounded repeat)"
OVERLAP = "alternatives that can match the same text under an unbounded repeat (such as (?:a|a)*)"
AMBIGUOUS = ("a repeat whose body can match the same text in more than one way (overlapping alternatives or "
             "quantifiers, such as (?:a?a)+, (?:\\w+|\\d)+ or (.*a){20})")
CONDITIONAL = "a conditional group (?(...)...|...) (its cost cannot be bounded)"
BACKREF = "a back-reference under a repeat (what it matches depends on earlier captures)"
RUNS = ("two unbounded runs that can read the same characters one after the other (such as \\s*,?\\s*$): "
        "quadratic on a long run; make the part between them required, e.g. \\s*(?:,\\s*)?$")


def check_linear(pattern: str, flags: int = 0, *, runs: bool = True) -> str | None:
    """Return why ``pattern`` may backtrack badly, or None if it is linear enough.

    ``runs=False`` leaves out the quadratic shape of two runs in a row, for a pattern whose
    input is bounded (an ``extract`` pattern reads a block no longer than ``max_chars``)."""
    try:
        tree = sre_parse.parse(pattern, flags)
    except re.error as exc:  # reported by the caller
        return f"bad pattern: {exc}"
    groups = _groups(list(tree))
    found = _scan(list(tree), None, bool(groups) and _has_backref(list(tree)))
    if found:
        return found
    ignorecase = bool((flags | tree.state.flags) & re.IGNORECASE)
    alphabet = _alphabet(tree)
    if _exponentially_ambiguous(list(tree), ignorecase, alphabet, groups):
        return AMBIGUOUS
    if runs and _runs_in_a_row(list(tree), ignorecase, alphabet, groups):
        return RUNS
    return None


def _groups(items, out: dict | None = None) -> dict[int, list]:
    """Each capturing group's number and body."""
    out = {} if out is None else out
    for op, av in items:
        if op == sre_constants.SUBPATTERN and av[0] is not None:
            out[av[0]] = list(av[3])
        for child in _children(op, av):
            _groups(child, out)
    return out


def _unbounded(op, av) -> bool:
    return op in _REPEATS and av[1] == sre_constants.MAXREPEAT


def _has_repeat(items) -> bool:
    for op, av in items:
        if op in _REPEATS:
            if av[1] > 1 or _has_repeat(av[2]):
                return True
        elif op == sre_constants.SUBPATTERN and _has_repeat(av[3]):
            return True
        elif op == sre_constants.BRANCH and any(_has_repeat(b) for b in av[1]):
            return True
    return False


def _children(op, av) -> list[list]:
    """The sub-sequences of one tree element."""
    if op in _REPEATS:
        return [list(av[2])]
    if op == sre_constants.SUBPATTERN:
        return [list(av[3])]
    if op == sre_constants.ATOMIC_GROUP:
        return [list(av)]
    if op == sre_constants.BRANCH:
        return [list(b) for b in av[1]]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [list(av[1])]
    if op == sre_constants.GROUPREF_EXISTS:
        return [list(b) for b in av[1:] if b is not None]
    return []


def _has_backref(items) -> bool:
    return any(op == sre_constants.GROUPREF or any(_has_backref(c) for c in _children(op, av)) for op, av in items)


def _scan(items, inside: set[int] | None, refs: bool) -> str | None:
    """The structural checks; ``inside`` holds the groups of the innermost repeat of more
    than once around ``items`` (None outside repeats).  A back-reference to a group outside
    that repeat matches one fixed text on every pass; to a group inside it, a new one."""
    for op, av in items:
        if op == sre_constants.GROUPREF_EXISTS:
            return CONDITIONAL
        if op == sre_constants.GROUPREF and inside is not None and av in inside:
            return BACKREF
        if op in _REPEATS and _unbounded(op, av):
            if _has_repeat(av[2]):
                return NESTED
            if _ambiguous(list(av[2])):
                return OVERLAP
        scope = set(_groups(list(av[2]))) if refs and op in _REPEATS and av[1] > 1 else inside
        for child in _children(op, av):
            found = _scan(child, scope, refs)
            if found:
                return found
    return None


# --- first characters: the quick test for alternatives that start alike ---------------

_ALL = None  # a first-character set that may hold any character


def _union(a, b):
    return _ALL if a is _ALL or b is _ALL else a | b


def _overlap(a, b) -> bool:
    return a is _ALL or b is _ALL or bool(a & b)


def _nullable(items) -> bool:
    """Can the sequence match the empty string?"""
    for op, av in items:
        if op in _REPEATS:
            if av[0] > 0 and not _nullable(av[2]):
                return False
        elif op == sre_constants.SUBPATTERN:
            if not _nullable(av[3]):
                return False
        elif op == sre_constants.ATOMIC_GROUP:
            if not _nullable(av):
                return False
        elif op == sre_constants.BRANCH:
            if not any(_nullable(b) for b in av[1]):
                return False
        elif op in _ZERO_WIDTH + (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
            continue
        else:
            return False
    return True


def _first(items, after):
    """The characters a match of the sequence may start with (``after`` when it can be
    empty); ``_ALL`` when that is not a small known set."""
    out: frozenset | None = frozenset()
    for op, av in items:
        if op == sre_constants.LITERAL:
            return _union(out, frozenset((av,)))
        if op == sre_constants.IN:
            chars = class_chars(av)
            return _union(out, frozenset(map(ord, chars)) if chars is not None else _ALL)
        if op in _ZERO_WIDTH:
            continue
        if op == sre_constants.SUBPATTERN:
            body = list(av[3])
        elif op == sre_constants.ATOMIC_GROUP:
            body = list(av)
        elif op in _REPEATS:
            body = list(av[2])
            if av[0] == 0:
                out = _union(out, _first(body, frozenset()))
                continue
        elif op == sre_constants.BRANCH:
            first = frozenset()
            for b in av[1]:
                first = _union(first, _first(list(b), frozenset()))
            out = _union(out, first)
            if any(_nullable(b) for b in av[1]):
                continue
            return out
        else:
            return _ALL
        out = _union(out, _first(body, frozenset()))
        if not _nullable(body):
            return out
    return _union(out, after)


def _ambiguous(body) -> bool:
    """Does a repeated body hold a choice whose alternatives may start alike, so that the
    engine can match one text in many ways (``(?:a|a)*``, ``(?:\\s|\\t)*``)?  An empty
    alternative starts with whatever follows it (the rest of the body, then the body again)."""
    loop = _first(body, frozenset())
    for k, (op, av) in enumerate(body):
        if op == sre_constants.SUBPATTERN and _ambiguous(list(av[3])):
            return True
        if op == sre_constants.BRANCH:
            rest = _first(body[k + 1:], loop)
            firsts = [_first(list(b), rest) for b in av[1]]
            for i in range(len(firsts)):
                for j in range(i + 1, len(firsts)):
                    if _overlap(firsts[i], firsts[j]):
                        return True
            if any(_ambiguous(list(b)) for b in av[1]):
                return True
    return False


def class_chars(items) -> frozenset[str] | None:
    """The characters of a small positive character class, or None."""
    chars: set[str] = set()
    for op, av in items:
        if op == sre_constants.LITERAL:
            chars.add(chr(av))
        elif op == sre_constants.RANGE and av[1] - av[0] < 64:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return frozenset(chars) if 0 < len(chars) <= 64 else None


# --- the position automaton: exponential ambiguity of any repeat ------------------------

# One member of each category and of its complement, and characters classes often split on.
_SAMPLES = "aZ09_ \t\n\r\xa0\u2009\u3000é\u00df\u0436\u4e2d\u0661!-.,:;'\"()[]/\\&#@%*+=?<>|\x00\u200b\u201c\uff01\U0001f600"

_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: str.isdecimal,
    sre_constants.CATEGORY_SPACE: str.isspace,
    sre_constants.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre_constants.CATEGORY_LINEBREAK: lambda c: c == "\n",
}
_CATEGORIES.update({
    sre_constants.CATEGORY_NOT_DIGIT: lambda c: not c.isdecimal(),
    sre_constants.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    sre_constants.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
    sre_constants.CATEGORY_NOT_LINEBREAK: lambda c: c != "\n",
})


def _in_class(items, c: str) -> bool:
    negate, hit = False, False
    for op, av in items:
        if op == sre_constants.NEGATE:
            negate = True
        elif op == sre_constants.LITERAL:
            hit = hit or c == chr(av)
        elif op == sre_constants.RANGE:
            hit = hit or av[0] <= ord(c) <= av[1]
        elif op == sre_constants.CATEGORY:
            hit = hit or _CATEGORIES.get(av, lambda _: True)(c)
        else:  # an element this test does not know: it may hold anything
            return True
    return hit != negate


def _matches(op, av, c: str) -> bool:
    if op == sre_constants.LITERAL:
        return c == chr(av)
    if op == sre_constants.NOT_LITERAL:
        return c != chr(av)
    if op == sre_constants.IN:
        return _in_class(av, c)
    return True  # ANY, and anything unknown


def _alphabet(tree) -> list[str]:
    chars = set(_SAMPLES)

    def walk(items):
        for op, av in items:
            if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL):
                chars.add(chr(av))
            elif op == sre_constants.IN:
                for iop, iav in av:
                    if iop == sre_constants.LITERAL:
                        chars.add(chr(iav))
                    elif iop == sre_constants.RANGE:
                        lo, hi = iav
                        chars.update(chr(x) for x in {lo, min(lo + 1, hi), (lo + hi) // 2, max(hi - 1, lo), hi})
            for child in _children(op, av):
                walk(child)

    walk(list(tree))
    chars |= {v for c in chars for v in (c.lower(), c.upper()) if len(v) == 1}
    return sorted(chars)


class _Automaton:
    """Glushkov's position automaton of a pattern: one state per character-consuming
    element, labelled with the sampled characters it accepts (a bit mask); repeats of more
    than once are loops (``{2,5}`` is taken as ``{2,}``: only more paths, never fewer)."""

    def __init__(self, alphabet: list[str], groups: dict[int, list], masks: dict):
        self.alphabet = alphabet
        self.index = {c: i for i, c in enumerate(alphabet)}
        self.groups = groups
        self.keys: list[tuple] = []  # each state's tree element and case flag
        self.follow: list[set[int]] = []
        self._copying: set[int] = set()
        self.runs: set[int] = set()  # states of an unbounded repeat of one element (\\s*, [a-z]+)
        self._masks = masks  # each element's mask, by its tree node: words repeat letters

    def position(self, op, av, icase: bool) -> int:
        self.keys.append((op, tuple(av) if op == sre_constants.IN else av, icase))
        self.follow.append(set())
        return len(self.keys) - 1

    def mask(self, p: int) -> int:
        """The sampled characters state ``p`` reads, as bits of the alphabet."""
        key = self.keys[p]
        mask = self._masks.get(key)
        if mask is not None:
            return mask
        op, av, icase = key
        mask = 0
        if op == sre_constants.LITERAL:  # the common case, by index
            c = chr(av)
            for v in {c, c.lower(), c.upper()} if icase else (c,):
                if v in self.index:
                    mask |= 1 << self.index[v]
        else:
            for i, c in enumerate(self.alphabet):
                variants = (c, c.lower(), c.upper()) if icase else (c,)
                if any(len(v) == 1 and _matches(op, av, v) for v in variants):
                    mask |= 1 << i
        self._masks[key] = mask
        return mask

    def build(self, items, icase: bool) -> tuple[set[int], set[int], bool]:
        """``(first, last, nullable)`` of a sequence, adding its states and edges."""
        first: set[int] = set()
        last: set[int] = set()
        nullable = True
        for op, av in items:
            f, la, n = self.element(op, av, icase)
            for p in last:
                self.follow[p] |= f
            if nullable:
                first |= f
            last = (last | la) if n else la
            nullable = nullable and n
        return first, last, nullable

    def element(self, op, av, icase: bool) -> tuple[set[int], set[int], bool]:
        if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN, sre_constants.ANY):
            p = self.position(op, av, icase)
            return {p}, {p}, False
        if op == sre_constants.GROUPREF:
            if av in self.groups and av not in self._copying:  # the text its group matched
                self._copying.add(av)
                try:
                    return self.build(self.groups[av], icase)
                finally:
                    self._copying.discard(av)
            p = self.position(sre_constants.ANY, None, icase)  # any text: a state looping on anything
            self.follow[p].add(p)
            return {p}, {p}, True
        if op in _REPEATS:
            lo, hi = av[0], av[1]
            if hi == 0:
                return set(), set(), True
            f, la, n = self.build(list(av[2]), icase)
            if hi > 1:
                for p in la:
                    self.follow[p] |= f
            if hi == sre_constants.MAXREPEAT and len(f) == 1 and f == la:
                self.runs |= f
            return f, la, n or lo == 0
        if op == sre_constants.BRANCH:
            first, last, nullable = set(), set(), False
            for b in av[1]:
                f, la, n = self.build(list(b), icase)
                first |= f
                last |= la
                nullable = nullable or n
            return first, last, nullable
        if op == sre_constants.SUBPATTERN:
            _, add, drop, body = av
            icase = bool((icase or add & re.IGNORECASE) and not drop & re.IGNORECASE)
            return self.build(list(body), icase)
        if op == sre_constants.ATOMIC_GROUP:
            return self.build(list(av), icase)
        return set(), set(), True  # anchors and lookarounds consume nothing


def _exponentially_ambiguous(items, ignorecase: bool, alphabet: list[str], groups: dict[int, list],
                             masks: dict | None = None) -> bool:
    """Is there a state from which two different paths return to it on the same text?

    Pairs of states that read the same characters form the product automaton; the pattern
    is exponentially ambiguous when one strongly connected component of it holds both a
    pair ``(p, p)`` and a pair ``(p, q)`` with ``p != q``.  Lookaround bodies run at each
    position, so each is checked as a pattern of its own.
    """
    masks_by_node = {} if masks is None else masks
    auto = _Automaton(alphabet, groups, masks_by_node)
    auto.build(items, ignorecase)
    follow = auto.follow
    # A cycle of pairs is a cycle in each coordinate, all through one state: both
    # coordinates stay in that state's loop, so each loop of the automaton is searched alone.
    for loop in _components({p: list(follow[p]) for p in range(len(follow))}):
        if len(loop) == 1 and loop[0] not in follow[loop[0]]:
            continue
        members = set(loop)
        edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
        todo = [(p, p) for p in loop]
        seen = set(todo)
        while todo:
            node = todo.pop()
            p, q = node
            out = []
            for a in follow[p] & members:
                for b in follow[q] & members:
                    if auto.mask(a) & auto.mask(b):
                        nxt = (a, b) if a <= b else (b, a)
                        out.append(nxt)
                        if nxt not in seen:
                            seen.add(nxt)
                            todo.append(nxt)
            edges[node] = out
        for component in _components(edges):
            if any(p == q for p, q in component) and any(p != q for p, q in component):
                return True
    return any(_exponentially_ambiguous(list(body), ignorecase, alphabet, groups, masks_by_node)
               for body in _lookaround_bodies(items))


def _runs_in_a_row(items, ignorecase: bool, alphabet: list[str], groups: dict[int, list]) -> bool:
    """Can a run state ``p`` reach another run state ``q`` through states that all read
    one character ``c`` that both runs read (so ``c * n`` splits between them n ways)?"""
    auto = _Automaton(alphabet, groups, {})
    auto.build(items, ignorecase)
    follow = auto.follow
    for p in auto.runs:
        seen: set[tuple[int, int]] = set()
        todo = [(q, auto.mask(p) & auto.mask(q)) for q in follow[p] if q != p]
        while todo:
            q, common = todo.pop()
            if not common or (q, common) in seen:
                continue
            seen.add((q, common))
            if q in auto.runs:
                return True
            todo.extend((r, common & auto.mask(r)) for r in follow[q] if r != q)
    return any(_runs_in_a_row(list(body), ignorecase, alphabet, groups) for body in _lookaround_bodies(items))


def _lookaround_bodies(items):
    for op, av in items:
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            yield av[1]
        for child in _children(op, av):
            yield from _lookaround_bodies(child)


def _components(edges: dict) -> list[list]:
    """Strongly connected components (Tarjan's, without recursion)."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    out: list[list] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                out.append(component)
    return out

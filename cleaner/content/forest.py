"""Inference for the learned content model: a forest of gradient-boosted trees.

Training happens elsewhere (LightGBM); this module evaluates a trained forest given as a
plain dict, as read from its JSON file::

    {"n_features": F, "n_classes": K, "base_score": [b_0, ..., b_K-1],
     "trees": [{"feature": [...], "threshold": [...], "left": [...], "right": [...],
                "value": [...]}, ...]}

``K == 1`` is a binary model (one raw score); for ``K > 1`` tree ``t`` belongs to class
``t % K``.  In a tree, node 0 is the root; an internal node (``feature[i] >= 0``) sends a
row to ``left[i]`` when ``x[feature[i]] <= threshold[i]``, else to ``right[i]``; a leaf
(``feature[i] == -1``, both children ``-1``) outputs ``value[i]``.  An internal node's
``value`` is its expected output (LightGBM's ``internal_value``), which the explanations
use.

:meth:`Forest.py_raw` and :meth:`Forest.py_contributions` are the reference; when the
native core is active (``cleaner.native``) :meth:`Forest.raw` and
:meth:`Forest.contributions` run its twin, which sums in the same order and so agrees
bit for bit (``tests/test_forest.py`` checks it).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import chain

from cleaner import native

_KEYS = ("n_features", "n_classes", "base_score", "trees")
_TREE_KEYS = ("feature", "threshold", "left", "right", "value")

# A tree as five tuples: feature, threshold, left, right, value.
_Tree = tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...], tuple[int, ...], tuple[float, ...]]


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_finite(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _keys(d: object, keys: tuple[str, ...], what: str) -> Mapping:
    if not isinstance(d, Mapping):
        raise ValueError(f"{what}: expected a dict, got {type(d).__name__}")
    missing = [k for k in keys if k not in d]
    unknown = sorted(str(k) for k in d if k not in keys)
    if missing or unknown:
        raise ValueError(f"{what}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(unknown)}"] if unknown else [])))
    return d


def _array(values: object, what: str, floats: bool) -> tuple:
    """A list of finite floats (``floats``) or of integers, as a tuple."""
    ok, noun = (_is_finite, "a finite number") if floats else (_is_int, "an integer")
    if not isinstance(values, Sequence) or isinstance(values, (str, bytes)):
        raise ValueError(f"{what}: expected a list, got {type(values).__name__}")
    for i, v in enumerate(values):
        if not ok(v):
            raise ValueError(f"{what}[{i}]: expected {noun}, got {v!r}")
    return tuple(map(float, values)) if floats else tuple(values)


def _floats(values: object, what: str) -> tuple[float, ...]:
    return _array(values, what, floats=True)


def _ints(values: object, what: str) -> tuple[int, ...]:
    return _array(values, what, floats=False)


def _tree(spec: object, n_features: int, what: str) -> _Tree:
    """One tree, checked: equal lengths, features in range, leaves without children, and
    a proper tree: children come after their parent (so no cycle) and every node but the
    root has exactly one parent (so none is shared or unreachable)."""
    spec = _keys(spec, _TREE_KEYS, what)
    feature = _ints(spec["feature"], f"{what}.feature")
    threshold = _floats(spec["threshold"], f"{what}.threshold")
    left = _ints(spec["left"], f"{what}.left")
    right = _ints(spec["right"], f"{what}.right")
    value = _floats(spec["value"], f"{what}.value")
    lengths = {k: len(a) for k, a in zip(_TREE_KEYS, (feature, threshold, left, right, value))}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"{what}: arrays differ in length ({', '.join(f'{k} {v}' for k, v in lengths.items())})")
    n = len(feature)
    if n == 0:
        raise ValueError(f"{what}: has no nodes")
    parents = [0] * n
    for i in range(n):
        f = feature[i]
        if f == -1:
            if left[i] != -1 or right[i] != -1:
                raise ValueError(f"{what}: leaf {i} has children (left and right must be -1)")
            continue
        if not 0 <= f < n_features:
            raise ValueError(f"{what}: node {i} splits on feature {f}, outside 0..{n_features - 1} (-1 marks a leaf)")
        for side, child in (("left", left[i]), ("right", right[i])):
            if not i < child < n:
                raise ValueError(f"{what}: node {i} has {side} child {child}, not in {i + 1}..{n - 1} "
                                 "(a child comes after its parent)")
            parents[child] += 1
    for i in range(1, n):
        if parents[i] != 1:
            raise ValueError(f"{what}: node {i} has {parents[i]} parents, not 1")
    return feature, threshold, left, right, value


def _check_lengths(rows: Sequence[Sequence[float]], n_features: int) -> None:
    for r, row in enumerate(rows):
        if len(row) != n_features:
            raise ValueError(f"row {r}: {len(row)} features, the model takes {n_features}")


def _check_rows(rows: Sequence[Sequence[float]], n_features: int) -> list[list[float]]:
    """The rows as lists of floats; ValueError for a row of the wrong length (any row
    first) or holding NaN or an infinity (the first, row by row: the native core checks
    the same way), TypeError for a value that is not a number."""
    _check_lengths(rows, n_features)
    out = []
    for r, row in enumerate(rows):
        if not all(map(math.isfinite, row)):
            j = next(j for j, v in enumerate(row) if not math.isfinite(v))
            raise ValueError(f"row {r}, feature {j}: not a finite number")
        out.append(list(map(float, row)))
    return out


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # the form that cannot overflow for very negative x
    return e / (1.0 + e)


def _softmax(xs: list[float]) -> list[float]:
    top = max(xs)
    exps = [math.exp(x - top) for x in xs]
    total = sum(exps)
    return [e / total for e in exps]


class Forest:
    """A trained forest, validated on construction (ValueError naming the first fault).

    Immutable and safe to share between threads; pickles as its model dict (the native
    twin is rebuilt on unpickling).
    """

    __slots__ = ("n_features", "n_classes", "base_score", "_trees", "_model", "_twin")

    def __init__(self, model: Mapping) -> None:
        model = _keys(model, _KEYS, "model")
        n_features, n_classes = model["n_features"], model["n_classes"]
        if not _is_int(n_features) or n_features < 1:
            raise ValueError(f"model.n_features: expected an integer >= 1, got {n_features!r}")
        if not _is_int(n_classes) or n_classes < 1:
            raise ValueError(f"model.n_classes: expected an integer >= 1, got {n_classes!r}")
        base = _floats(model["base_score"], "model.base_score")
        if len(base) != n_classes:
            raise ValueError(f"model.base_score: {len(base)} values for {n_classes} classes")
        specs = model["trees"]
        if not isinstance(specs, Sequence) or isinstance(specs, (str, bytes)):
            raise ValueError(f"model.trees: expected a list, got {type(specs).__name__}")
        if not specs or len(specs) % n_classes:
            # LightGBM writes whole rounds (one tree per class); anything else is a cut file.
            raise ValueError(f"model.trees: {len(specs)} trees, expected a positive multiple of "
                             f"n_classes ({n_classes}): one tree per class per round")
        trees = tuple(_tree(t, n_features, f"model.trees[{i}]") for i, t in enumerate(specs))
        self.n_features: int = n_features
        self.n_classes: int = n_classes
        self.base_score: tuple[float, ...] = base
        self._trees: tuple[_Tree, ...] = trees
        self._model = {"n_features": n_features, "n_classes": n_classes, "base_score": list(base),
                       "trees": [dict(zip(_TREE_KEYS, map(list, t))) for t in trees]}
        self._twin = self._build_twin() if native.ACTIVE else None

    def _build_twin(self):
        """The native core's copy: the trees' arrays concatenated, with each tree's start."""
        roots, at = [], 0
        for t in self._trees:
            roots.append(at)
            at += len(t[0])
        flat = [list(chain.from_iterable(t[j] for t in self._trees)) for j in range(5)]
        return native.CORE.Forest(self.n_features, self.n_classes, list(self.base_score), roots, *flat)

    def __reduce__(self):
        return Forest, (self._model,)

    def __repr__(self) -> str:
        return f"Forest({len(self._trees)} trees, {self.n_features} features, {self.n_classes} classes)"

    @property
    def n_trees(self) -> int:
        return len(self._trees)

    @property
    def native(self) -> bool:
        """Whether :meth:`raw` and :meth:`contributions` run in the native core."""
        return self._twin is not None and native.ACTIVE

    def raw(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """Per row, per class ``k``: ``base_score[k]`` plus the leaf values of class k's
        trees, summed in tree order."""
        if not self.native:
            return self.py_raw(rows)
        _check_lengths(rows, self.n_features)  # the core checks the values
        k = self.n_classes
        out = self._twin.raw(list(chain.from_iterable(rows)), len(rows))
        return [out[i:i + k] for i in range(0, len(out), k)]

    def py_raw(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """:meth:`raw` in Python, the reference of the native core's."""
        return self._raw(_check_rows(rows, self.n_features))

    def _raw(self, rows: list[list[float]]) -> list[list[float]]:
        k_count, trees = self.n_classes, self._trees
        out = []
        for x in rows:
            sums = list(self.base_score)
            for t, (feature, threshold, left, right, value) in enumerate(trees):
                i = 0
                while (f := feature[i]) >= 0:
                    i = left[i] if x[f] <= threshold[i] else right[i]
                sums[t % k_count] += value[i]
            out.append(sums)
        return out

    def proba(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """Per row, the sigmoid of the raw score (``[p]``) for a binary model, the
        softmax of the raw scores for K > 1."""
        if self.n_classes == 1:
            return [[_sigmoid(s)] for s, in self.raw(rows)]
        return [_softmax(r) for r in self.raw(rows)]

    def contributions(self, row: Sequence[float], k: int = 0) -> list[float]:
        """Saabas path attribution of class ``k``'s raw score to each feature.

        For each of class k's trees, walking from the root to the row's leaf, each step
        from ``node`` to ``child`` adds ``value[child] - value[node]`` to the entry of
        ``feature[node]``.  The steps of a tree telescope, so (up to rounding)
        ``sum(contributions) + sum(root values of class k's trees) + base_score[k]``
        equals ``raw([row])[0][k]``.
        """
        if not self.native:
            return self.py_contributions(row, k)
        self._check_class(k)
        _check_lengths([row], self.n_features)
        return self._twin.contributions(list(row), k)

    def py_contributions(self, row: Sequence[float], k: int = 0) -> list[float]:
        """:meth:`contributions` in Python, the reference of the native core's."""
        self._check_class(k)
        (x,) = _check_rows([row], self.n_features)
        return self._contributions(x, k)

    def _check_class(self, k: int) -> None:
        if not _is_int(k) or not 0 <= k < self.n_classes:
            raise ValueError(f"class {k!r}: expected an integer in 0..{self.n_classes - 1}")

    def _contributions(self, x: list[float], k: int) -> list[float]:
        out = [0.0] * self.n_features
        for feature, threshold, left, right, value in self._trees[k::self.n_classes]:
            i = 0
            while (f := feature[i]) >= 0:
                child = left[i] if x[f] <= threshold[i] else right[i]
                out[f] += value[child] - value[i]
                i = child
        return out

    def root_values(self, k: int = 0) -> float:
        """The sum of the root values of class ``k``'s trees, in tree order: the part of
        the raw score that :meth:`contributions` attributes to no feature (with the base)."""
        self._check_class(k)
        total = 0.0
        for t in self._trees[k::self.n_classes]:
            total += t[4][0]
        return total

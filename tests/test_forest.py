"""The forest engine: the Python reference walks the trees as the format says, the native
twin agrees with it bit for bit, the contributions add up to the raw score, and a
malformed model or row is refused with a clear error.

Forests are generated (1 to 20 trees, depth up to 6, binary or three classes, nodes
numbered breadth-first or depth-first) with rows that hit the thresholds exactly and
their neighbouring floats.  The comparisons with the core skip, with the reason, only
where the install built no core.
"""
from __future__ import annotations

import copy
import math
import os
import pickle
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cleaner import native
from cleaner.content.forest import Forest

needs_core = pytest.mark.skipif(native.CORE is None, reason=f"no native core: {native.REASON}")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

# Leaf values mix magnitudes so that a change in summation order changes the bits.
leaf_values = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 0.1, 0.2, 0.3, 1e12, -1e12]))
split_values = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                         st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 5e-324, 1e308, -1e308]))


@st.composite
def nested_trees(draw, n_features: int, depth: int = 6):
    """A tree as nested tuples: ("leaf", value) or (feature, threshold, value, left, right)."""
    if depth == 0 or draw(st.booleans()):
        return ("leaf", draw(leaf_values))
    return (draw(st.integers(0, n_features - 1)), draw(split_values), draw(leaf_values),
            draw(nested_trees(n_features, depth - 1)), draw(nested_trees(n_features, depth - 1)))


def flatten(tree, breadth_first: bool, leaf_threshold: float = 0.0) -> dict:
    """The format's arrays of a nested tree, its nodes numbered in either order (both put
    a child after its parent)."""
    order, queue = [], [tree]
    while queue:
        node = queue.pop(0) if breadth_first else queue.pop()
        order.append(node)
        if node[0] != "leaf":
            queue.extend((node[3], node[4]) if breadth_first else (node[4], node[3]))
    index = {id(n): i for i, n in enumerate(order)}
    out = {k: [] for k in ("feature", "threshold", "left", "right", "value")}
    for n in order:
        leaf = n[0] == "leaf"
        out["feature"].append(-1 if leaf else n[0])
        out["threshold"].append(leaf_threshold if leaf else n[1])
        out["left"].append(-1 if leaf else index[id(n[3])])
        out["right"].append(-1 if leaf else index[id(n[4])])
        out["value"].append(n[1] if leaf else n[2])
    return out


def nested_leaf(tree, x) -> float:
    while tree[0] != "leaf":
        tree = tree[3] if x[tree[0]] <= tree[1] else tree[4]
    return tree[1]


@st.composite
def cases(draw):
    """(model, nested trees, rows)."""
    k = draw(st.sampled_from([1, 3]))
    n_features = draw(st.integers(1, 8))
    n_trees = draw(st.integers(1, 20)) if k == 1 else 3 * draw(st.integers(1, 6))
    trees = [draw(nested_trees(n_features)) for _ in range(n_trees)]
    model = {"n_features": n_features, "n_classes": k, "base_score": draw(st.lists(leaf_values, min_size=k, max_size=k)),
             "trees": [flatten(t, draw(st.booleans()), draw(split_values)) for t in trees]}
    thresholds = sorted({th for t in model["trees"] for th, f in zip(t["threshold"], t["feature"]) if f >= 0} or {0.0})
    near = st.sampled_from(thresholds).flatmap(
        lambda th: st.sampled_from([v for v in (th, math.nextafter(th, math.inf), math.nextafter(th, -math.inf))
                                    if math.isfinite(v)]))
    value = st.one_of(near, split_values)
    rows = draw(st.lists(st.lists(value, min_size=n_features, max_size=n_features), min_size=1, max_size=6))
    return model, trees, rows


def bits(values: list[float]) -> list[str]:
    """Floats as their exact bits (== alone takes -0.0 for 0.0)."""
    return [v.hex() for v in values]


def native_forest(model: dict, monkeypatch) -> Forest:
    monkeypatch.setattr(native, "ACTIVE", True)
    forest = Forest(model)
    assert forest.native
    return forest


@needs_core
@SETTINGS
@given(cases())
def test_native_agrees_bit_for_bit(monkeypatch, case):
    model, _, rows = case
    forest = native_forest(model, monkeypatch)
    assert [bits(r) for r in forest.raw(rows)] == [bits(r) for r in forest.py_raw(rows)]
    for row in rows:
        for k in range(forest.n_classes):
            assert bits(forest.contributions(row, k)) == bits(forest.py_contributions(row, k))


@SETTINGS
@given(cases())
def test_raw_is_the_base_plus_the_leaves_reached(case):
    model, trees, rows = case
    forest = Forest(model)
    k_count = model["n_classes"]
    expected = []
    for x in rows:
        sums = list(model["base_score"])
        for t, tree in enumerate(trees):
            sums[t % k_count] += nested_leaf(tree, x)
        expected.append(bits(sums))
    assert [bits(r) for r in forest.py_raw(rows)] == expected
    assert [bits(r) for r in forest.raw(rows)] == expected


@SETTINGS
@given(cases())
def test_contributions_add_up_to_the_raw_score(case):
    """sum(contributions) + root values + base = raw, up to rounding (the steps of each
    path telescope from the root's value to the leaf's)."""
    model, _, rows = case
    forest = Forest(model)
    k_count = forest.n_classes
    for row, raw in zip(rows, forest.raw(rows)):
        for k in range(k_count):
            own = model["trees"][k::k_count]
            scale = abs(model["base_score"][k]) + sum(abs(v) for t in own for v in t["value"])
            for contributions in (forest.contributions(row, k), forest.py_contributions(row, k)):
                assert len(contributions) == forest.n_features
                total = math.fsum(contributions) + forest.root_values(k) + model["base_score"][k]
                assert math.isclose(total, raw[k], rel_tol=0, abs_tol=1e-12 * scale + 1e-300)


@SETTINGS
@given(cases())
def test_probabilities(case):
    model, _, rows = case
    forest = Forest(model)
    for raw, p in zip(forest.raw(rows), forest.proba(rows)):
        assert len(p) == forest.n_classes and all(0.0 <= q <= 1.0 for q in p)
        if forest.n_classes == 1:
            assert math.isclose(p[0], 1 / (1 + math.exp(-raw[0])) if raw[0] > -700 else 0.0, abs_tol=1e-15)
        else:
            assert math.isclose(sum(p), 1.0, rel_tol=1e-12)
            assert all(p[a] <= p[b] for a in range(3) for b in range(3) if raw[a] < raw[b])


def leaf_model(values: list[float], n_classes: int = 1) -> dict:
    """A forest of one-leaf trees (raw score = base + the values of the class)."""
    return {"n_features": 1, "n_classes": n_classes, "base_score": [0.0] * n_classes,
            "trees": [{"feature": [-1], "threshold": [0.0], "left": [-1], "right": [-1], "value": [v]} for v in values]}


def test_probabilities_of_extreme_scores_do_not_overflow():
    assert Forest(leaf_model([1000.0])).proba([[0.0]]) == [[1.0]]
    assert Forest(leaf_model([-1000.0])).proba([[0.0]]) == [[0.0]]
    assert Forest(leaf_model([-1000.0, 1000.0, 0.0], 3)).proba([[0.0]]) == [[0.0, 1.0, 0.0]]


def good_model() -> dict:
    """Two rounds of a three-class forest over two features."""
    split = {"feature": [0, -1, 1, -1, -1], "threshold": [0.5, 0.0, 1.5, 0.0, 0.0],
             "left": [1, -1, 3, -1, -1], "right": [2, -1, 4, -1, -1], "value": [0.1, -0.2, 0.3, 0.25, 0.4]}
    return {"n_features": 2, "n_classes": 3, "base_score": [0.0, 0.1, -0.1],
            "trees": [copy.deepcopy(split) for _ in range(6)]}


def _set(path: tuple, value):
    def change(model):
        target = model
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _tree(i: int, **arrays):
    def change(model):
        model["trees"][i].update(arrays)
    return change


MALFORMED = [
    (lambda m: m.pop("trees"), "model: missing trees"),
    (_set(("n_trees",), 3), "model: unknown n_trees"),
    (_set(("n_features",), 0), "model.n_features: expected an integer >= 1"),
    (_set(("n_features",), True), "model.n_features: expected an integer"),
    (_set(("n_classes",), 2.0), "model.n_classes: expected an integer"),
    (_set(("base_score",), [0.0, 0.0]), "model.base_score: 2 values for 3 classes"),
    (_set(("base_score", 1), math.nan), r"model.base_score\[1\]: expected a finite number"),
    (_set(("trees",), {}), "model.trees: expected a list, got dict"),
    (lambda m: m["trees"].pop(), "model.trees: 5 trees, expected a positive multiple of n_classes"),
    (_set(("trees",), []), "model.trees: 0 trees"),
    (lambda m: m["trees"][2].pop("value"), r"model.trees\[2\]: missing value"),
    (_tree(0, feature=[]), r"model.trees\[0\]: arrays differ in length"),
    (_tree(1, feature=[], threshold=[], left=[], right=[], value=[]), r"model.trees\[1\]: has no nodes"),
    (_tree(3, value=[0.1, -0.2, 0.3, 0.25]), r"model.trees\[3\]: arrays differ in length \(feature 5, .*value 4\)"),
    (_tree(0, feature=[2, -1, 1, -1, -1]), r"model.trees\[0\]: node 0 splits on feature 2, outside 0..1"),
    (_tree(0, feature=[-2, -1, 1, -1, -1]), r"model.trees\[0\]: node 0 splits on feature -2"),
    (_tree(0, feature=[0.0, -1, 1, -1, -1]), r"model.trees\[0\].feature\[0\]: expected an integer"),
    (_tree(4, left=[1, -1, 0, -1, -1]), r"model.trees\[4\]: node 2 has left child 0, not in 3..4"),
    (_tree(4, left=[1, -1, 2, -1, -1]), r"model.trees\[4\]: node 2 has left child 2"),
    (_tree(4, right=[2, -1, 5, -1, -1]), r"model.trees\[4\]: node 2 has right child 5"),
    (_tree(0, left=[1, 2, 3, -1, -1]), r"model.trees\[0\]: leaf 1 has children"),
    (_tree(0, left=[1, -1, 2, -1, -1], right=[2, -1, 4, -1, -1]), r"model.trees\[0\]: node 2 has left child 2"),
    (_tree(0, right=[1, -1, 4, -1, -1], feature=[0, -1, 1, -1, -1]), r"model.trees\[0\]: node 1 has 2 parents"),
    (_tree(0, left=[1, -1, 4, -1, -1], right=[4, -1, 4, -1, -1]), r"node 2 has 0 parents"),
    (_tree(5, threshold=[math.inf, 0.0, 1.5, 0.0, 0.0]), r"model.trees\[5\].threshold\[0\]: expected a finite number"),
    (_tree(5, value=[0.1, -0.2, 0.3, 0.25, math.nan]), r"model.trees\[5\].value\[4\]: expected a finite number"),
    (_tree(5, value=[0.1, -0.2, "0.3", 0.25, 0.4]), r"model.trees\[5\].value\[2\]: expected a finite number"),
    (_tree(5, value="0.1"), r"model.trees\[5\].value: expected a list, got str"),
]


@pytest.mark.parametrize("change, message", MALFORMED)
def test_malformed_models_are_refused_naming_the_fault(change, message):
    model = good_model()
    Forest(model)
    change(model)
    with pytest.raises(ValueError, match=message):
        Forest(model)


@pytest.mark.parametrize("active", [False, True])
def test_bad_rows_are_refused_both_ways(monkeypatch, active):
    if active and native.CORE is None:
        pytest.skip(f"no native core: {native.REASON}")
    monkeypatch.setattr(native, "ACTIVE", active)
    forest = Forest(good_model())
    assert forest.native == active
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="row 1, feature 1: not a finite number"):
            forest.raw([[0.0, 1.0], [2.0, bad]])
        with pytest.raises(ValueError, match="row 0, feature 0: not a finite number"):
            forest.contributions([bad, 0.0])
    with pytest.raises(ValueError, match="row 0: 3 features, the model takes 2"):
        forest.raw([[0.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match="row 1: 1 features"):  # lengths first, on both sides
        forest.raw([[math.nan, 1.0], [2.0]])
    with pytest.raises(ValueError, match="row 0: 1 features"):
        forest.contributions([0.0])
    with pytest.raises(ValueError, match=r"class 3: expected an integer in 0..2"):
        forest.contributions([0.0, 0.0], 3)
    with pytest.raises(TypeError):
        forest.raw([[0.0, "1.0"]])
    with pytest.raises(TypeError):
        forest.contributions([0.0, None])
    assert forest.raw([]) == []


@needs_core
def test_the_core_refuses_what_would_walk_out_of_bounds():
    args = dict(n_features=2, n_classes=1, base_score=[0.0], roots=[0], feature=[0, -1, -1],
                threshold=[0.0, 0.0, 0.0], left=[1, -1, -1], right=[2, -1, -1], value=[0.0, 1.0, 2.0])
    core = native.CORE.Forest(*args.values())
    assert core.raw([0.0, 0.0, 1.0, 0.0], 2) == [1.0, 2.0]
    for bad in ({"left": [0, -1, -1]}, {"right": [3, -1, -1]}, {"feature": [2, -1, -1]}, {"roots": [0, 3]},
                {"value": [0.0, math.nan, 0.0]}, {"threshold": [0.0, 0.0]}):
        with pytest.raises(ValueError):
            native.CORE.Forest(*{**args, **bad}.values())
    with pytest.raises(ValueError):
        core.raw([0.0, 0.0, 1.0], 2)
    with pytest.raises(ValueError):
        core.contributions([0.0, 0.0], 1)


def test_the_forest_keeps_its_own_copy_and_pickles():
    model = good_model()
    forest = Forest(model)
    rows = [[0.0, 0.0], [1.0, 1.5], [1.0, 2.0]]
    before = forest.raw(rows)
    model["trees"][0]["value"][1] = 100.0
    assert forest.raw(rows) == before
    again = pickle.loads(pickle.dumps(forest))
    assert again.native == forest.native
    assert again.raw(rows) == before and again.contributions(rows[1], 2) == forest.contributions(rows[1], 2)


class _FakeForest:
    """A core forest whose answers are marked, to see which side a caller took."""

    def __init__(self, n_features, n_classes, *arrays):
        self.n_features, self.n_classes = n_features, n_classes

    def raw(self, flat, n_rows):
        return [-7.0] * (n_rows * self.n_classes)

    def contributions(self, row, k):
        return [-7.0] * self.n_features


def test_forests_take_the_core_only_when_active(monkeypatch):
    class Core:
        Forest = _FakeForest

    monkeypatch.setattr(native, "CORE", Core)
    monkeypatch.setattr(native, "ACTIVE", True)
    fast = Forest(good_model())
    assert fast.raw([[0.0, 0.0]]) == [[-7.0] * 3] and fast.contributions([0.0, 0.0], 1) == [-7.0, -7.0]
    pure = fast.py_raw([[0.0, 0.0]])
    assert pure != [[-7.0] * 3]
    monkeypatch.setattr(native, "ACTIVE", False)
    assert not fast.native and fast.raw([[0.0, 0.0]]) == pure
    assert not Forest(good_model()).native


def _native_in_child(pure: str | None) -> str:
    """Whether a forest runs natively, and whether the core loaded, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "CLEAN_ARTICLES_PURE"}
    if pure is not None:
        env["CLEAN_ARTICLES_PURE"] = pure
    code = (f"from cleaner import native; from cleaner.content.forest import Forest; "
            f"print(Forest({good_model()!r}).native, native.CORE is not None)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def test_clean_articles_pure_runs_forests_in_python():
    loaded = native.CORE is not None
    assert _native_in_child("1") == f"False {loaded}"
    assert _native_in_child(None) == f"{loaded} {loaded}"

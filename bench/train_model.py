#!/usr/bin/env python3
"""Train the content model and judge it on sites it never saw.

    python bench/train_model.py BLOCKS.npz DATASET [DATASET ...] [--out rules/content-model.json]
                                [--folds 5] [--oof OOF.npz]

``BLOCKS.npz`` comes from ``bench/labels.py`` over the same datasets.  Pages are put in
``--folds`` folds by site (every page of a site in one fold, over both datasets); each
fold's blocks are decided by a model trained on the other folds, and the figures are
those out-of-fold decisions: the blocks the model keeps, with the blocks the rules kept,
scored with each dataset's own metric (F1; keep and drop rates) per page type and input.
The smoothing cost and the threshold of each page type are chosen inside the training
folds (on their own inner out-of-fold probabilities), never on the fold they decide.

The shipped model is then trained on every page, with the parameters chosen on all of
them the same way, and written to ``--out``: gradient-boosted trees (LightGBM: a fixed
seed, one thread, deterministic) as plain arrays, with a header holding the data hash,
the feature list, the parameters and the out-of-fold figures.  The same data gives the
same bytes.  LightGBM is needed here only (``pip install '.[train]'``); inference is
:mod:`cleaner.content.forest`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import numpy as np  # noqa: E402

from labels import digest, unpacked  # noqa: E402
from quality import measure, page_counts, snippets  # noqa: E402
from cleaner.content.blockfeatures import CONTEXT, FEATURES, PAGE_VECTOR, context_rows, page_vector  # noqa: E402
from cleaner.content.learned import FORMAT, PAGE_CLASSES, smooth  # noqa: E402

SEED = 20251
PARAMS = {"objective": "binary", "learning_rate": 0.08, "num_leaves": 31, "min_data_in_leaf": 40,
          "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
          "max_bin": 255, "num_threads": 1, "deterministic": True, "force_row_wise": True, "seed": SEED,
          "verbose": -1}
ROUNDS = 250
TYPES = ("article", "forum", "service", "product", "listing", "documentation", "collection")
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.71, 0.05))
SWITCH_COSTS = (0.0, 0.5, 1.0, 2.0)
# A page type gets a threshold of its own only with this many training pages of it, and
# only where it gains this much over the common one (fewer pages choose noise).
MIN_TYPE_PAGES = 40
GUARD_MIN_CHARS = 150  # the hand-set scorer's guard (BS101's guard_min_chars)
MIN_TYPE_GAIN = 0.005


def folds_by_site(sites: np.ndarray, pages: np.ndarray, k: int) -> dict[str, int]:
    """Each site's fold: sites by page count (largest first, ties by a hash), each to the
    fold with the fewest pages so far.  Deterministic."""
    count = Counter()
    for s, p in set(zip(sites.tolist(), pages.tolist())):
        count[s] += 1
    order = sorted(count, key=lambda s: (-count[s], hashlib.sha256(s.encode()).hexdigest()))
    load = [0] * k
    out = {}
    for s in order:
        f = min(range(k), key=lambda j: (load[j], j))
        out[s] = f
        load[f] += count[s]
    return out


PAGE_PARAMS = {**PARAMS, "objective": "multiclass", "num_class": len(PAGE_CLASSES), "num_leaves": 15,
               "min_data_in_leaf": 5, "learning_rate": 0.05}
PAGE_ROUNDS = 150


def fit(X, y, w, params=PARAMS, rounds=ROUNDS):
    import lightgbm as lgb

    return lgb.train(params, lgb.Dataset(X, y, weight=w, free_raw_data=False), num_boost_round=rounds)


def stage2_matrix(data: dict, rows: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """The second stage's rows: each page's open blocks with the first stage's
    probabilities around them (:func:`cleaner.content.blockfeatures.context_rows`)."""
    X2 = np.zeros((len(data["y"]), len(FEATURES) + len(CONTEXT)))
    for js in pages_of(data, rows).values():
        ctx = context_rows(data["X"][js].tolist(), prob[js].tolist())
        X2[js] = np.asarray(ctx)
    return X2


def pages_of(data: dict, rows: np.ndarray) -> dict[int, np.ndarray]:
    """Each page's rows among ``rows``, in page order."""
    out: dict[int, list[int]] = {}
    for j in rows:
        out.setdefault(int(data["page"][j]), []).append(int(j))
    return {p: np.asarray(sorted(js, key=lambda j: data["index"][j])) for p, js in out.items()}


def page_table(data: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pages, vectors, true class, site) of every page input with open blocks."""
    rows = np.arange(len(data["y"]))
    pages, vecs, ys, sites = [], [], [], []
    for p, js in sorted(pages_of(data, rows).items()):
        pages.append(p)
        vecs.append(page_vector(data["X"][js].tolist()))
        t = str(data["type"][js[0]])
        ys.append(PAGE_CLASSES.index(t) if t in PAGE_CLASSES else 0)
        sites.append(str(data["site"][js[0]]))
    return np.asarray(pages), np.asarray(vecs), np.asarray(ys), np.asarray(sites)


def to_forest(booster, n_classes: int = 1) -> dict:
    """The booster as :class:`cleaner.content.forest.Forest` data: one array set per tree,
    node 0 the root, leaves with feature -1; internal nodes keep their value (for the
    explanations)."""
    dump = booster.dump_model()
    trees = []
    for t in dump["tree_info"]:
        feature, threshold, left, right, value = [], [], [], [], []

        def add(node) -> int:
            i = len(feature)
            feature.append(-1)
            threshold.append(0.0)
            left.append(-1)
            right.append(-1)
            value.append(0.0)
            if "leaf_value" in node:
                value[i] = float(node["leaf_value"])
                return i
            if node.get("decision_type", "<=") != "<=":
                raise ValueError("only numeric splits are supported")
            feature[i] = int(node["split_feature"])
            threshold[i] = float(node["threshold"])
            value[i] = float(node.get("internal_value", 0.0))
            left[i] = add(node["left_child"])
            right[i] = add(node["right_child"])
            return i

        add(t["tree_structure"])
        trees.append({"feature": feature, "threshold": threshold, "left": left, "right": right, "value": value})
    return {"n_features": booster.num_feature(), "n_classes": n_classes, "base_score": [0.0] * n_classes,
            "trees": trees}


def page_outputs(data: dict, keep: np.ndarray, rows: np.ndarray) -> dict[int, str]:
    """Each page's output text: the blocks rules kept and the open blocks kept, in order."""
    by_page: dict[int, list[tuple[int, str]]] = {}
    for j in rows:
        if keep[j]:
            by_page.setdefault(int(data["page"][j]), []).append((int(data["index"][j]), data["text_full"][j]))
    out = {}
    pages = sorted(set(int(p) for p in data["page"][rows]))
    for p in pages:
        parts = [tuple(x) for x in json.loads(data["fixed"][p])] + by_page.get(p, [])
        parts.sort()
        out[p] = "\n\n".join(t for _, t in parts)
    return out


def decide(data: dict, prob: np.ndarray, rows: np.ndarray, params: dict) -> np.ndarray:
    """The model's keep of each block in ``rows``: smoothed per page, cut per page type."""
    keep = np.zeros(len(data["y"]), dtype=bool)
    pages: dict[int, list[int]] = {}
    for j in rows:
        pages.setdefault(int(data["page"][j]), []).append(j)
    for p, js in pages.items():
        js.sort(key=lambda j: data["index"][j])
        t = params["thresholds"].get(str(data["ptype_page"][p]), params["threshold"])
        for j, k in zip(js, smooth([float(prob[j]) for j in js], t, params["switch_cost"])):
            keep[j] = k
    return keep


def score_pages(data: dict, truth: dict, outputs: dict[int, str]) -> list[dict]:
    out = []
    for p, text in outputs.items():
        ds, pid, kind = str(data["pages"][p]).split("/")
        e = truth[ds][pid]
        c = page_counts(e.get("articleBody") or "", text)
        out.append({"page": p, "kind": kind, "ds": ds, "type": e.get("page_type") or "article", "counts": c,
                    "snip": snippets(e, text), "empty": bool((e.get("articleBody") or "").strip()) and not text.strip()})
    return out


def objective(data: dict, keep: np.ndarray, rows: np.ndarray) -> float:
    """What parameters are chosen by: the mean of F1, keep rate and drop rate (F1 alone
    on a set without them), from each block's shingle and snippet counts (shingles
    across block edges aside): fast enough to try every parameter."""
    pages = np.unique(data["page"][rows])
    ps = data["page_stats"][pages]
    idx = {int(p): k for k, p in enumerate(pages)}
    at = np.asarray([idx[int(p)] for p in data["page"][rows]])
    st = data["stats"][rows] * keep[rows][:, None]
    n = np.bincount(at, st[:, 0], len(pages)) + ps[:, 3]
    tp = np.bincount(at, st[:, 1], len(pages)) + ps[:, 4]
    kept = np.minimum(np.bincount(at, st[:, 2], len(pages)) + ps[:, 5], ps[:, 1])
    leaked = np.minimum(np.bincount(at, st[:, 3], len(pages)) + ps[:, 6], ps[:, 2])
    fp, fn = n - tp, np.maximum(ps[:, 0] - tp, 0)
    prec = np.where((fp == 0) & (fn == 0), 1.0, np.divide(tp, tp + fp, out=np.zeros(len(tp)), where=tp + fp > 0))
    rec = np.where((fp == 0) & (fn == 0), 1.0, np.divide(tp, tp + fn, out=np.zeros(len(tp)), where=tp + fn > 0))
    parts = []
    ds = data["page_ds"][pages]
    for name in np.unique(ds):
        m = ds == name
        p_ok, r_ok = m & ((tp + fp) > 0), m & ((tp + fn) > 0)
        p_mean = prec[p_ok].mean() if p_ok.any() else 0.0
        r_mean = rec[r_ok].mean() if r_ok.any() else 0.0
        parts.append(2 * p_mean * r_mean / (p_mean + r_mean) if p_mean + r_mean else 0.0)
        if ps[m, 1].sum():
            parts.append(kept[m].sum() / ps[m, 1].sum())
        if ps[m, 2].sum():
            parts.append(1 - leaked[m].sum() / ps[m, 2].sum())
    return float(np.mean(parts))


def choose(data: dict, truth: dict, prob: np.ndarray, rows: np.ndarray) -> dict:
    """The switch cost, one threshold, then one threshold per found page type, each chosen
    to maximise :func:`objective` over ``rows`` (out-of-fold probabilities)."""
    best = None
    for sc in SWITCH_COSTS:
        for t in THRESHOLDS:
            params = {"switch_cost": sc, "threshold": t, "thresholds": {}}
            s = objective(data, decide(data, prob, rows, params), rows)
            if best is None or s > best[0] + 1e-12:
                best = (s, params)
    params = best[1]
    for ptype in TYPES:
        sub = rows[data["ptype_page"][data["page"][rows]] == ptype]
        if len(np.unique(data["page"][sub])) < MIN_TYPE_PAGES:
            continue
        base = objective(data, decide(data, prob, sub, params), sub)
        best_t = (base + MIN_TYPE_GAIN, None)
        for t in THRESHOLDS:
            trial = {**params, "thresholds": {ptype: t}}
            s = objective(data, decide(data, prob, sub, trial), sub)
            if s > best_t[0] + 1e-12:
                best_t = (s, t)
        if best_t[1] is not None:
            params["thresholds"][ptype] = best_t[1]
    return params


def oof_probs(data: dict, rows: np.ndarray, fold_of: np.ndarray, folds: list[int],
              boosters: dict | None = None, X: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold probabilities over ``rows``: each of ``folds`` predicted by the others
    (each fold's booster goes into ``boosters`` when given); ``X`` defaults to the rows."""
    X = data["X"] if X is None else X
    prob = np.zeros(len(data["y"]))
    for f in folds:
        test = rows[fold_of[rows] == f]
        train = rows[fold_of[rows] != f]
        if len(test) == 0 or len(train) == 0:
            continue
        b = fit(X[train], data["y"][train], data["w"][train])
        prob[test] = b.predict(X[test])
        if boosters is not None:
            boosters[f] = b
    return prob


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("blocks", type=Path)
    ap.add_argument("datasets", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, default=None, help="write the model trained on every page here")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--context", action="store_true",
                    help="add a second stage that reads the first stage's probabilities around each block")
    ap.add_argument("--fold-models", type=Path, default=None,
                    help="write each fold's model and parameters to this folder (for bench/oof_quality.py)")
    ap.add_argument("--pack", type=Path, default=ROOT / "rules" / "content-model.toml",
                    help="the pack whose ML101/ML102 parameters get the chosen values (with --out)")
    args = ap.parse_args(argv)
    data = dict(np.load(args.blocks, allow_pickle=False))
    truth = {ds.name: json.loads((ds / "ground-truth.json").read_text(encoding="utf-8")) for ds in args.datasets}
    if tuple(data["features"].tolist()) != FEATURES:
        print("the labelled blocks were made with other features: run bench/labels.py again", file=sys.stderr)
        return 2
    data_hash = digest(data)
    prepare(data)
    data["hash"] = data_hash
    fold_site = folds_by_site(data["site"], data["page"], args.folds)
    fold_of = np.asarray([fold_site[s] for s in data["site"]])
    figures, chosen, boosters = {}, {}, {}
    # The page type, learned: each page's class from the fold that never saw its site.
    pages, vecs, ys, psites = page_table(data)
    page_fold = np.asarray([fold_site[s] for s in psites])
    guess = np.zeros(len(pages), dtype=int)
    for f in range(args.folds):
        b = fit(vecs[page_fold != f], ys[page_fold != f], None, PAGE_PARAMS, PAGE_ROUNDS)
        boosters.setdefault("page_type", {})[f] = b
        guess[page_fold == f] = np.argmax(b.predict(vecs[page_fold == f]), axis=1)
    data["ptype_page"] = np.full(len(data["pages"]), "article", dtype=object)
    data["ptype_page"][pages] = [PAGE_CLASSES[g] for g in guess]
    figures["page_type"] = confusion(data, pages, ys, guess)
    for kind, is_html in (("text", False), ("html", True)):
        rows = np.flatnonzero(data["html"] == is_html)
        b1 = boosters.setdefault(kind, {})
        p1 = oof_probs(data, rows, fold_of, list(range(args.folds)), b1)
        prob = p1
        if args.context:
            X2 = stage2_matrix(data, rows, p1)
            prob = oof_probs(data, rows, fold_of, list(range(args.folds)), boosters.setdefault(kind + "2", {}), X2)
            figures[kind + "-stage1"] = report(kind + " (first stage alone, cut at 0.5)",
                                               score_pages(data, truth, page_outputs(data, p1 >= 0.5, rows)))
        keep = np.zeros(len(data["y"]), dtype=bool)
        for f in range(args.folds):
            test = rows[fold_of[rows] == f]
            others = rows[fold_of[rows] != f]
            inner = prob
            params = choose(data, truth, inner, others)
            chosen.setdefault(kind, []).append(params)
            keep |= decide(data, prob, test, params)
        scored = score_pages(data, truth, page_outputs(data, keep, rows))
        figures[kind] = report(kind, scored)
        hand = score_pages(data, truth, page_outputs(data, data["X"][:, FEATURES.index("kept")] > 0.5, rows))
        figures[kind + "-hand-set"] = report(kind + " (hand-set scorer, same blocks)", hand)
    print(json.dumps(chosen, indent=None))
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "chosen": chosen}, indent=1), encoding="utf-8")
    if args.fold_models:
        write_folds(args.fold_models, data, fold_of, boosters, chosen, args.folds)
    if args.out:
        write_model(args.out, data, truth, figures, args.pack, args.context)
    return 0


def model_file(forests: dict, header: dict) -> str:
    return json.dumps({"format": FORMAT, "header": header, **forests}, separators=(",", ":"), sort_keys=True) + "\n"


def write_folds(folder: Path, data: dict, fold_of: np.ndarray, boosters: dict, chosen: dict, k: int) -> None:
    """Each fold's model (trained without the fold's sites) and its parameters, and which
    pages it is to decide: for scoring the real pipeline out of fold (bench/oof_quality.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = {}
    for f in range(k):
        forests = forests_of({key: b[f] for key, b in boosters.items()})
        header = {"features": list(FEATURES), "context_features": list(CONTEXT), "page_vector": list(PAGE_VECTOR),
                  "page_classes": list(PAGE_CLASSES), "fold": f}
        (folder / f"fold{f}.json").write_text(model_file(forests, header), encoding="utf-8")
        pages = sorted({str(data["pages"][p]).rsplit("/", 1)[0] for p in data["page"][fold_of == f]})
        plan[f] = {"model": f"fold{f}.json", "pages": pages, "params": {kind: chosen[kind][f] for kind in chosen}}
    (folder / "folds.json").write_text(json.dumps(plan, indent=1), encoding="utf-8")


def forests_of(b: dict) -> dict:
    """The model file's forests from the boosters of one model (text, text2, html, html2, page_type)."""
    out = {kind: {"stage1": to_forest(b[kind])} for kind in ("text", "html")}
    for kind in ("text", "html"):
        if kind + "2" in b:
            out[kind]["stage2"] = to_forest(b[kind + "2"])
    out["page_type"] = to_forest(b["page_type"], len(PAGE_CLASSES))
    return out


def prepare(data: dict) -> None:
    """Columns the training reads besides the labelled blocks: each page's dataset, and
    block weights that give each dataset a weight growing with the root of its page
    count (the large set counts more, the small one is not drowned)."""
    data["text_full"] = unpacked(data, "text")
    data["fixed"] = unpacked(data, "fixed")
    data["page_ds"] = np.asarray([str(p).split("/")[0] for p in data["pages"]])
    ds_of_row = data["page_ds"][data["page"]]
    w = data["w"].copy()
    for name in np.unique(data["page_ds"]):
        n_pages = int((data["page_ds"] == name).sum())
        w[ds_of_row == name] /= np.sqrt(n_pages)
    data["w"] = w * (len(np.unique(data["page"])) / w.sum())


def confusion(data: dict, pages: np.ndarray, ys: np.ndarray, guess: np.ndarray) -> dict:
    """The out-of-fold page-type table per input: truth -> found counts."""
    out = {}
    for kind in ("text", "html"):
        m = np.asarray([str(data["pages"][p]).endswith("/" + kind) for p in pages])
        table = Counter((PAGE_CLASSES[a], PAGE_CLASSES[b]) for a, b in zip(ys[m], guess[m]))
        ok = sum(n for (a, b), n in table.items() if a == b)
        print(f"\npage type ({kind}), out of fold: {ok}/{int(m.sum())} right")
        print("  truth \\ found  " + " ".join(f"{c[:6]:>7}" for c in PAGE_CLASSES))
        for a in PAGE_CLASSES:
            print(f"  {a:<14} " + " ".join(f"{table.get((a, b), 0):>7}" for b in PAGE_CLASSES))
        out[kind] = {f"{a}->{b}": n for (a, b), n in sorted(table.items())}
    return out


def found_types(X: np.ndarray) -> np.ndarray:
    """The heuristic page type each row was computed with (its one-hot columns)."""
    out = np.full(len(X), "", dtype=object)
    for t in ("article", "forum", "listing", "product", "documentation", "service"):
        out[X[:, FEATURES.index(f"type_{t}")] > 0.5] = t
    return out.astype(str)


def report(kind: str, scored: list[dict]) -> dict:
    out = {}
    print(f"\n{kind}")
    for ds in sorted({s["ds"] for s in scored}):
        sub = [s for s in scored if s["ds"] == ds]
        groups = [("all", sub)] + [(t, [s for s in sub if s["type"] == t]) for t in TYPES]
        for name, g in groups:
            if not g:
                continue
            m = measure(g)
            out[f"{ds}/{name}"] = m
            rate = lambda v: "  -  " if v is None else f"{v:.3f}"  # noqa: E731
            print(f"  {ds:<16} {name:<14} n={m['n']:<4} F1 {m['f1']:.3f}  keep {rate(m['keep'])}  "
                  f"drop {rate(m['drop'])}  empty {m['empty']}")
    return out


def write_model(path: Path, data: dict, truth: dict, figures: dict, pack: Path | None, context: bool) -> None:
    """The shipped model, trained on every page the way each fold's was: the page type,
    the first stage, the second on the first's out-of-fold probabilities, the parameters
    chosen on the second's out-of-fold probabilities."""
    fold_site = folds_by_site(data["site"], data["page"], 5)
    fold_of = np.asarray([fold_site[s] for s in data["site"]])
    pages, vecs, ys, psites = page_table(data)
    boosters = {"page_type": fit(vecs, ys, None, PAGE_PARAMS, PAGE_ROUNDS)}
    params = {}
    for kind, is_html in (("text", False), ("html", True)):
        rows = np.flatnonzero(data["html"] == is_html)
        boosters[kind] = fit(data["X"][rows], data["y"][rows], data["w"][rows])
        prob = oof_probs(data, rows, fold_of, list(range(5)))
        if context:
            X2 = stage2_matrix(data, rows, prob)
            boosters[kind + "2"] = fit(X2[rows], data["y"][rows], data["w"][rows])
            prob = oof_probs(data, rows, fold_of, list(range(5)), None, X2)
        params[kind] = choose(data, truth, prob, rows)
    header = {"data_hash": data["hash"], "features": list(FEATURES), "context_features": list(CONTEXT),
              "page_vector": list(PAGE_VECTOR), "page_classes": list(PAGE_CLASSES), "lightgbm_params": PARAMS,
              "rounds": ROUNDS, "page_params": PAGE_PARAMS, "page_rounds": PAGE_ROUNDS, "chosen": params,
              "cv_figures": figures, "trained_by": "bench/train_model.py"}
    path.write_text(model_file(forests_of(boosters), header), encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    if pack:
        write_params(pack, params)


def write_params(pack: Path, params: dict) -> None:
    """The chosen threshold, smoothing cost and per-type thresholds into the model rules'
    ``params`` (ML101 text, ML102 HTML), keeping the pack's comments and layout."""
    import tomlkit

    doc = tomlkit.parse(pack.read_text(encoding="utf-8"))
    for rule in doc["rule"]:
        kind = {"ML101": "text", "ML102": "html"}.get(str(rule["code"]))
        if kind is None:
            continue
        p = params[kind]
        table = tomlkit.table()
        table["threshold"] = p["threshold"]
        table["switch_cost"] = p["switch_cost"]
        table["guard_min_chars"] = GUARD_MIN_CHARS
        for t in TYPES:
            if t in p["thresholds"] and t != "collection":
                table[f"threshold_{t}"] = p["thresholds"][t]
        rule["params"] = table
    pack.write_text(tomlkit.dumps(doc), encoding="utf-8")
    print(f"wrote the chosen parameters into {pack}")


if __name__ == "__main__":
    sys.exit(main())

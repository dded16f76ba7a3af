"""Speed of the forest engine: rows/s of the Python reference and of the native core.

    python bench/forest_speed.py [--trees 300] [--depth 6] [--rows 500] [--features 60] [--repeat 5]

A random binary forest of full trees (``--depth`` splits from root to leaf) scores random
rows; raw scores and per-row contributions are timed on each side (best of ``--repeat``
runs, wall time, one thread) and the two sides are checked to agree exactly.  Not a test:
the figures depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner import native  # noqa: E402
from cleaner.content.forest import Forest  # noqa: E402


def random_tree(rng: random.Random, n_features: int, depth: int) -> dict:
    """A full tree of the given depth, nodes numbered breadth-first."""
    n_internal = 2 ** depth - 1
    n = 2 * n_internal + 1
    return {"feature": [rng.randrange(n_features) if i < n_internal else -1 for i in range(n)],
            "threshold": [rng.gauss(0, 1) if i < n_internal else 0.0 for i in range(n)],
            "left": [2 * i + 1 if i < n_internal else -1 for i in range(n)],
            "right": [2 * i + 2 if i < n_internal else -1 for i in range(n)],
            "value": [rng.gauss(0, 0.1) for _ in range(n)]}


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--features", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not native.ACTIVE:
        print(f"the native core is not active ({native.REASON or 'CLEAN_ARTICLES_PURE=1'})", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    forest = Forest({"n_features": args.features, "n_classes": 1, "base_score": [0.0],
                     "trees": [random_tree(rng, args.features, args.depth) for _ in range(args.trees)]})
    rows = [[rng.gauss(0, 1) for _ in range(args.features)] for _ in range(args.rows)]
    print(f"{forest}, depth {args.depth}, {args.rows} rows; best of {args.repeat}")
    sides = {"python": (forest.py_raw, forest.py_contributions), "native": (forest.raw, forest.contributions)}
    results = {}
    for side, (raw, contributions) in sides.items():
        t_raw, scores = best_of(args.repeat, lambda: raw(rows))
        t_con, explained = best_of(args.repeat, lambda: [contributions(r) for r in rows])
        results[side] = (scores, explained)
        print(f"{side:>7}: raw {args.rows / t_raw:12,.0f} rows/s   contributions {args.rows / t_con:12,.0f} rows/s")
    if results["python"] != results["native"]:
        print("the native core and the Python reference disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

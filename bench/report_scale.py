"""How big and how slow is the review report for a 10,000-document batch?

Builds a report from synthetic articles (boilerplate at both ends, a few inline strips,
rewrites, repairs and warnings in between, some pages mostly boilerplate), prints the
file size and, when Chromium is installed, the time a headless Chromium needs to reach
``load`` and to finish the page's first render.

    python bench/report_scale.py [--docs 10000] [--context 200] [--out report.html] [--no-browser]
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.review.report import ReportWriter  # noqa: E402

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WORDS = (
    "the minister said on wednesday that talks would resume after the summit while "
    "officials in the capital declined to comment on reports of new sanctions against "
    "the regime which has denied any role in the attacks that killed several people"
).split()
NAV = "Home | World | Business | Sport | Culture | Opinion\n\n"
FOOTER = "\n\nRelated stories\n\nShare this article on Facebook\n\nCopyright 2024 Example News"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def synthetic_document(rng: random.Random) -> tuple[str, str, list[dict], float]:
    """One article with hits shaped like the pipeline's (offsets into the input)."""
    parts: list[str] = []
    hits: list[dict] = []
    removed = 0

    def add(text: str, code: str = "", action: str = "", after: str = "", message: str = "") -> None:
        nonlocal removed
        start = sum(map(len, parts))
        parts.append(text)
        if code:
            hits.append({"code": code, "name": f"synthetic.{code.lower()}", "action": action,
                         "start": start, "end": start + len(text), "before": text,
                         "after": after, "message": message, "detail": ""})
            if action in ("drop", "strip"):
                removed += len(text)

    add(NAV, "NV101", "drop", message="navigation line")
    for p in range(rng.randint(4, 12)):
        for _ in range(rng.randint(2, 6)):
            add(sentence(rng) + " ")
            roll = rng.random()
            if roll < 0.05:
                add("&amp;", "RP301", "repair", "&", "html entity")
            elif roll < 0.08:
                add("(Reuters) ", "CR102", "strip", message="agency credit")
            elif roll < 0.10:
                add("said sources", "SB401", "substitute", "sources said", "reordered attribution")
            elif roll < 0.12:
                add("CLICK HERE", "FL901", "flag", message="call to action left in text")
        add("\n\n")
        if rng.random() < 0.1:
            add("Advertisement\n\n", "AD201", "drop", message="ad label line")
    if rng.random() < 0.15:  # a page that is mostly comments
        add("\n\n".join(sentence(rng) for _ in range(60)), "CM301", "drop", message="comment thread")
    add(FOOTER, "FT101", "drop", message="footer boilerplate")
    text = "".join(parts)
    return text, "", hits, removed / len(text)


def build(n_docs: int, path: Path, seed: int = 1, context: int = 200) -> tuple[int, int, int, float]:
    """Write the report; return (bytes, input characters, hits, seconds to build)."""
    rng = random.Random(seed)
    writer = ReportWriter(title=f"synthetic batch of {n_docs} documents", context=context)
    chars = n_hits = 0
    t0 = time.perf_counter()
    for i in range(n_docs):
        text, _, hits, share = synthetic_document(rng)
        chars += len(text)
        n_hits += len(hits)
        writer.add(f"doc-{i:05d}", text, text, hits, share)
    writer.write(path)
    return path.stat().st_size, chars, n_hits, time.perf_counter() - t0


def measure_load(path: Path, runs: int = 3) -> list[dict]:
    """Load the page in headless Chromium: navigation-to-load and navigation-to-first-render."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            t0 = time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
            wall = time.perf_counter() - t0
            timing = page.evaluate(
                "() => ({load: performance.getEntriesByType('navigation')[0].loadEventEnd,"
                " render: window.__reportRendered,"
                " rows: document.querySelectorAll('#docs tbody tr').length})"
            )
            timing.update(wall_ms=wall * 1000, errors=errors)
            results.append(timing)
            page.close()
        browser.close()
    return results


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--context", type=int, default=200, help="characters of input either side of a hit")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp()) / "report.html"
    size, chars, hits, secs = build(args.docs, out, context=args.context)
    print(f"documents: {args.docs}  input: {chars / 1e6:.1f} M chars  hits: {hits}")
    print(f"report: {out}  size: {size / 1e6:.2f} MB ({size / chars:.1%} of input)  built in {secs:.1f} s")
    if args.no_browser or not chromium():
        print("load time: skipped (no chromium)" if not args.no_browser else "load time: skipped")
        return
    runs = measure_load(out)
    for r in runs:
        if r["errors"]:
            print("page errors:", r["errors"])
    print(
        "load event: median {:.0f} ms; first render done: median {:.0f} ms; wall: median {:.0f} ms"
        " ({} runs, {} document rows rendered)".format(
            statistics.median(r["load"] for r in runs),
            statistics.median(r["render"] for r in runs),
            statistics.median(r["wall_ms"] for r in runs),
            len(runs),
            runs[0]["rows"],
        )
    )


if __name__ == "__main__":
    main()

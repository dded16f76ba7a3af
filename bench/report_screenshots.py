"""Screenshots of the review report for the README: overview, a document, a chart.

    python bench/report_screenshots.py [--out docs]

Builds the 220-page test batch (tests/report_batch.py) and photographs it in headless Chromium.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import report_batch  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402
from cleaner.rules import load_rules  # noqa: E402
from report_scale import CHROMIUM_ARGS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    path = Path(tempfile.mkdtemp()) / "report.html"
    writer = report_batch.build(path, Cleaner(rules=load_rules()))
    doc = next(d for d in writer.data()["docs"] if d["runs"] and d["rest"] is not None)
    args.out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.screenshot(path=str(args.out / "report-overview.png"))
        page.locator("#charts").screenshot(path=str(args.out / "report-charts.png"))
        page.fill("#f-doc", doc["id"])
        page.locator(".band-toggle").first.click()
        page.check("#view-side")
        page.locator("#doc-section").screenshot(path=str(args.out / "report-document.png"))
        browser.close()
    print("wrote", *(args.out / n for n in ("report-overview.png", "report-charts.png", "report-document.png")))


if __name__ == "__main__":
    main()

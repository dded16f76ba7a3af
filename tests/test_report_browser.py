"""The review report in a real headless Chromium: it renders, filters, and runs no article text.

Needs Debian's ``chromium`` and the ``playwright`` package (the ``test`` extra); the
browser is never downloaded.  Skipped only when no Chromium is installed.
"""
from __future__ import annotations

import io
import os
import re
import shutil

import pytest

from cleaner.review.report import ReportWriter

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
TITLE = "browser test batch"
EVIL_ID = 'evil</script><img src=x onerror="window.pwned=3">'
PAYLOAD = (
    "Intro. <script>window.pwned=1;document.title='pwned'</script> "
    '<img src=x onerror="window.pwned=2;document.title=\'pwned\'"> '
    "</style></script><!-- comment --> <svg onload=\"window.pwned=4\"></svg> Outro."
)
N_BULK = 60  # documents carrying PR501 three times each: 180 hits, more than one page of 100


def _hit(code, action, text, needle, after="", message=None, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {
        "code": code, "name": f"rule.{code.lower()}", "action": action,
        "start": start, "end": start + len(needle), "before": needle, "after": after,
        "message": message or f"{code} message", "detail": "",
    }


def build_report(path):
    """A batch with known counts per rule, a hostile document and enough hits to page."""
    w = ReportWriter(title=TITLE)
    story = "Home | World\n\nKyiv cut ties &amp; more.\n\nAdvertisement\n\nThe story goes on.\n\nCLICK HERE now."
    w.add("story-1", story, "Kyiv cut ties & more.\n\nThe story goes on.\n", [
        _hit("NV101", "drop", story, "Home | World\n\n", message="navigation line"),
        _hit("RP301", "repair", story, "&amp;", "&", message="html entity"),
        _hit("AD201", "drop", story, "Advertisement\n\n", message="ad label line"),
        _hit("FL901", "flag", story, "CLICK HERE", message="call to action left in text"),
    ], 0.3)
    second = "Advertisement\n\nShort piece said sources.\n\nAdvertisement"
    w.add("story-2", second, "Short piece sources said.\n", [
        _hit("AD201", "drop", second, "Advertisement", message="ad label line"),
        _hit("SB401", "substitute", second, "said sources", "sources said", message="reordered attribution"),
        _hit("AD201", "drop", second, "Advertisement", message="ad label line", nth=1),
    ], 0.92)
    tenth = "Home | World\n\nA story whose id starts like story-1."
    w.add("story-10", tenth, "A story whose id starts like story-1.\n", [
        _hit("NV101", "drop", tenth, "Home | World\n\n", message="navigation line"),
    ], 0.2)
    w.add(EVIL_ID, PAYLOAD, "Intro. Outro.", [
        _hit("AD201", "strip", PAYLOAD, PAYLOAD[7:-7], message="markup <b>left</b> in text"),
    ], 0.95)
    for i in range(N_BULK):
        text = f"Paragraph {i} (PR) one (PR) two (PR) three."
        w.add(f"bulk-{i:03d}", text, text.replace(" (PR)", ""),
              [_hit("PR501", "strip", text, " (PR)", message="press marker", nth=k) for k in range(3)], 0.05)
    w.write(path)
    return w


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    return path, build_report(path)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must install it (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # Chromium is there, so the test extra is missing: that is an error.
        pytest.fail("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, report):
    """The report loaded in a fresh page; console errors and page errors are collected."""
    pg = browser.new_page(viewport={"width": 1200, "height": 900})
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(report[0].resolve().as_uri(), wait_until="load")
    pg.wait_for_function("window.__reportRendered !== undefined")
    yield pg
    pg.close()


def hit_cards(pg):
    return pg.eval_on_selector_all(
        "#hit-list > li", "els => els.map(e => [e.dataset.code, e.dataset.doc])")


def assert_inert(pg):
    assert pg.evaluate("window.pwned") is None
    assert pg.title() == TITLE
    assert pg.locator("img").count() == 0
    # The report's own charts are SVG; nothing else may be (no element from article text).
    assert pg.locator("svg").count() == pg.locator("#charts svg").count()


def test_loads_without_console_errors(page, report):
    assert page.errors == []
    counts = report[1].overview()
    assert f"{counts['documents']} documents, {counts['hits']} hits" in page.inner_text("#summary")
    assert page.locator("#rules tbody tr").count() == len(counts["hits_per_rule"])
    assert page.locator("#docs tbody tr.warn .warnmark").count() == counts["warned"] == 2


def test_filter_by_rule_shows_exactly_that_rules_hits(page):
    page.select_option("#f-rule", label="AD201 rule.ad201 (4)")
    cards = hit_cards(page)
    assert len(cards) == 4 and {code for code, _ in cards} == {"AD201"}
    assert sorted(doc for _, doc in cards) == sorted(["story-1", "story-2", "story-2", EVIL_ID])
    docs = page.eval_on_selector_all("#docs tbody tr", "els => els.map(e => e.dataset.doc)")
    assert sorted(docs) == sorted(["story-1", "story-2", EVIL_ID])
    assert page.errors == []


def test_clicking_a_rule_in_the_overview_lists_all_its_hits(page):
    page.click("#rules button[data-rule] >> text=PR501")
    assert re.search(r"PR501: 180 in 60 documents", page.inner_text("#hits-h"))
    assert len(hit_cards(page)) == 100  # first page
    page.click("#hits-more")
    cards = hit_cards(page)
    assert len(cards) == 3 * N_BULK and {code for code, _ in cards} == {"PR501"}
    assert page.locator("#hits-more").is_hidden()
    assert page.errors == []


def test_filter_by_document_shows_that_document(page):
    page.fill("#f-doc", "story-2")
    assert page.locator("#doc-section").is_visible()
    assert page.inner_text("#doc-h") == "Document story-2"
    cards = hit_cards(page)
    assert sorted(code for code, _ in cards) == ["AD201", "AD201", "SB401"]
    view = page.locator("#doc-view")
    assert view.locator(".hit.a-drop").count() == 2
    assert view.locator(".hit.a-substitute ins.after").inner_text().endswith("sources said")
    page.fill("#f-doc", "story-1")  # an exact id opens that document only, not story-10
    assert {doc for _, doc in hit_cards(page)} == {"story-1"}
    assert page.eval_on_selector_all("#docs tbody tr", "els => els.map(e => e.dataset.doc)") == ["story-1"]
    page.fill("#f-doc", "story-")
    assert {doc for _, doc in hit_cards(page)} == {"story-1", "story-2", "story-10"}
    page.click("#f-clear")
    assert len(hit_cards(page)) == 100 and page.locator("#doc-section").is_hidden()


def test_hostile_document_shows_as_text_and_runs_nothing(page):
    page.click(f"#docs button.doc-link >> text={EVIL_ID}")
    view = page.inner_text("#doc-view")
    assert "<script>window.pwned=1;document.title='pwned'</script>" in view
    assert 'onerror="window.pwned=2' in view and "</style></script><!-- comment -->" in view
    assert EVIL_ID in page.inner_text("#doc-h")
    page.hover("#doc-view .hit")
    assert "markup <b>left</b> in text" in page.inner_text("#tip")
    assert_inert(page)
    assert page.errors == []


def test_hostile_document_is_inert_even_without_the_csp(browser, report, tmp_path):
    """The CSP is a second line: rendering alone must already keep article text inert."""
    html = report[0].read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    path = tmp_path / "no-csp.html"
    path.write_text(html, encoding="utf-8")
    pg = browser.new_page()
    try:
        pg.goto(path.resolve().as_uri(), wait_until="load")
        pg.click(f"#docs button.doc-link >> text={EVIL_ID}")
        pg.wait_for_timeout(200)  # let any (wrongly) created <img> fire its onerror
        assert_inert(pg)
        assert "<script>window.pwned=1" in pg.inner_text("#doc-view")
    finally:
        pg.close()


def test_keyboard_focus_on_a_hit_shows_rule_and_message(page):
    page.fill("#f-doc", "story-1")
    page.focus("#f-clear")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#doc-view .hit[data-hit]')"):
            break
    else:
        pytest.fail("Tab never reached a hit")
    focused = page.evaluate(
        "({code: document.activeElement.dataset.code,"
        " title: document.activeElement.title,"
        " described: document.activeElement.getAttribute('aria-describedby')})")
    assert focused["code"] == "NV101" and focused["described"] == "tip"
    assert "navigation line" in focused["title"]
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert "NV101" in tip.inner_text() and "navigation line" in tip.inner_text()
    page.keyboard.press("Tab")
    assert "RP301" in tip.inner_text() and "html entity" in tip.inner_text()
    page.keyboard.press("Escape")
    assert tip.is_hidden()


def _ink(png: bytes) -> tuple[float, float]:
    """Share of pixels that are not page background, and share that are clearly coloured."""
    from PIL import Image

    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))
    ink = sum(1 for p in pixels if min(p) < 235)
    colour = sum(1 for p in pixels if max(p) - min(p) > 40)
    return ink / len(pixels), colour / len(pixels)


def test_screenshot_is_not_blank(page, browser, report, tmp_path):
    ink, colour = _ink(page.screenshot())
    assert ink > 0.05 and colour > 0.005, (ink, colour)
    # The same measure on the page with its script removed (an "empty" render) must fail,
    # or this test would not notice a page that renders nothing.
    html = re.sub(r"<script nonce=.*?</script>", "", report[0].read_text(encoding="utf-8"), flags=re.S)
    path = tmp_path / "no-script.html"
    path.write_text(html, encoding="utf-8")
    empty = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        empty.goto(path.resolve().as_uri(), wait_until="load")
        blank_ink, blank_colour = _ink(empty.screenshot())
    finally:
        empty.close()
    assert not (blank_ink > 0.05 and blank_colour > 0.005), (blank_ink, blank_colour)

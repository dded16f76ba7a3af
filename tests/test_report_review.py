"""The review a person can finish, in headless Chromium, on a 220-page batch cleaned by
the real pipeline: triage order and count, charts that filter, bands, the three views,
sorting, no horizontal overflow at 1,024 px, marks that survive a reload, and a mark that
``review apply`` turns into a failing example of its rule."""
from __future__ import annotations

import json
import re

import pytest
import tomllib
from click.testing import CliRunner

import report_batch
from test_report_browser import _ink, browser  # noqa: F401  (the shared Chromium fixture)
from cleaner.cli import main
from cleaner.review.report import ReportWriter

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def batch(tmp_path_factory, cleaner):
    path = tmp_path_factory.mktemp("batch") / "report.html"
    writer = report_batch.build(path, cleaner)
    return path, writer, writer.data()


@pytest.fixture
def page(browser, batch):  # noqa: F811
    pg = browser.new_page(viewport={"width": 1200, "height": 900})
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.goto(batch[0].resolve().as_uri(), wait_until="load")
    pg.wait_for_function("window.__reportRendered !== undefined")
    yield pg
    pg.close()


def rows(pg):
    return pg.eval_on_selector_all("#docs tbody tr", "els => els.map(e => e.dataset.doc)")


def open_doc(pg, doc_id):
    pg.fill("#f-doc", doc_id)
    assert pg.locator("#doc-section").is_visible()


def test_overview_opens_on_the_documents_worth_a_look(page, batch):
    _, writer, data = batch
    look = writer.overview()["worth_a_look"]
    assert 0 < look < len(data["docs"]) / 2
    assert page.inner_text("#look").startswith(f"{look} of 220 documents worth a look")
    shown = rows(page)
    assert shown == [d["id"] for d in data["docs"][:100]]
    flagged = page.eval_on_selector_all("#docs tbody tr.look", "els => els.map(e => e.dataset.doc)")
    assert flagged == shown[:look], "the documents worth a look come first, and only they are marked"
    first = data["docs"][0]
    cell = page.locator("#docs tbody tr").first
    assert first["title"] in cell.inner_text() and first["url"] in cell.inner_text()
    assert first["why"][0] in cell.inner_text()
    assert page.errors == []


def test_each_chart_is_drawn_and_filters(page, batch):
    _, _, data = batch
    for fig in ("#chart-rules", "#chart-hist", "#chart-heat"):
        ink, colour = _ink(page.locator(fig + " svg").screenshot())
        assert ink > 0.02 and colour > 0.005, (fig, ink, colour)
    top = max(data["rules"], key=lambda r: r["removed"])
    bar = page.locator("#chart-rules [data-rule]").first
    assert top["code"] in bar.text_content()
    bar.click()
    assert re.search(rf"of rule {top['code']}: {top['hits']} in {top['docs']} documents", page.inner_text("#hits-h"))
    page.click("#f-clear")
    bin3 = [d["id"] for d in data["docs"] if 0.3 <= d["share"] < 0.4]
    page.click("#chart-hist [data-bin='3']")
    assert sorted(rows(page)) == sorted(bin3) and page.locator("#f-set").is_visible()
    page.click("#f-clear")
    cell = page.locator("#chart-heat [data-group='1']").first
    rule = data["rules"][int(cell.get_attribute("data-rule"))]
    cell.click()
    group = data["groups"]["names"][1]
    expect = [d["id"] for d in data["docs"] if d["g"] == 1 and any(data["rules"][h[0]]["code"] == rule["code"]
                                                                     for h in d["hits"])]
    assert sorted(rows(page)) == sorted(expect[:100])
    codes = page.eval_on_selector_all("#hit-list > li", "els => els.map(e => e.dataset.code)")
    assert codes and set(codes) == {rule["code"]} and group in page.inner_text("#hits-h")
    assert page.errors == []


def _doc_with_band(data):
    return next(d for d in data["docs"] if d["runs"] and d["rest"] is not None)


def test_removed_lines_collapse_into_a_band_that_expands(page, batch):
    d = _doc_with_band(batch[2])
    open_doc(page, d["id"])
    band = page.locator("#doc-view .band").first
    run = d["runs"][0]
    codes = [batch[2]["rules"][i]["code"] for i in run[2]]
    label = band.locator(".band-toggle").inner_text()
    assert f"{run[3]} lines removed" in label and all(c in label for c in codes)
    body = band.locator(".band-body")
    assert body.is_hidden() and band.get_attribute("aria-expanded") is None
    band.locator(".band-toggle").click()
    assert body.is_visible() and body.locator(".hit").count() >= 1
    assert band.locator(".band-toggle").get_attribute("aria-expanded") == "true"
    band.locator(".band-toggle").click()
    assert body.is_hidden()
    assert "characters not shown" not in page.inner_text("#doc-view")


def test_three_views_and_the_output_is_the_cleaned_text(page, batch, cleaner):
    name, text = report_batch.pages()[5]
    expected = cleaner.clean(text).text
    open_doc(page, name)
    assert page.locator("#doc-view .hit").count() > 0
    page.check("#view-output")
    assert page.locator("#doc-view .hit").count() == 0
    assert page.eval_on_selector("#doc-view .out", "e => e.textContent") == expected
    page.check("#view-side")
    assert page.locator("#doc-view > .in").count() == 1 and page.locator("#doc-view > .outcol").count() == 1
    boxes = page.eval_on_selector_all("#doc-view > div", "els => els.map(e => e.getBoundingClientRect().left)")
    assert boxes[1] > boxes[0] + 200, "side by side: the output column is right of the input column"
    page.check("#view-input")
    assert page.locator("#doc-view > .in").count() == 0 and page.locator("#doc-view .hit").count() > 0


def _rule_column(pg, col):
    return pg.eval_on_selector_all(f"#rules tbody tr td:nth-child({col})",
                                   "els => els.map(e => Number(e.textContent.replace(/,/g, '')))")


def test_rules_table_sorts_by_characters_removed_then_by_any_header(page, batch):
    removed = _rule_column(page, 3)
    assert removed == sorted(removed, reverse=True) and len(removed) == len(batch[2]["rules"])
    page.click("#rules th[data-sort=hits] button")
    hits = _rule_column(page, 4)
    assert hits == sorted(hits, reverse=True) and hits != removed
    page.click("#rules th[data-sort=hits] button")
    assert _rule_column(page, 4) == sorted(hits)
    assert page.get_attribute("#rules th[data-sort=hits]", "aria-sort") == "ascending"
    page.click("#rules th[data-sort=code] button")
    codes = page.eval_on_selector_all("#rules tbody tr", "els => els.map(e => e.dataset.code)")
    assert codes == sorted(codes)


def test_no_horizontal_overflow_at_1024_px_and_headers_stay_visible(browser, batch):  # noqa: F811
    pg = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        pg.goto(batch[0].resolve().as_uri(), wait_until="load")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 1024
        open_doc(pg, _doc_with_band(batch[2])["id"])
        pg.check("#view-side")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 1024
        pg.evaluate("document.querySelector('#rules tbody tr:nth-child(3)').scrollIntoView()")
        th = pg.evaluate("document.querySelector('#rules th').getBoundingClientRect().top")
        bar = pg.evaluate("document.getElementById('filters').getBoundingClientRect().bottom")
        assert th >= bar - 1, (th, bar)
    finally:
        pg.close()


def test_marks_are_saved_reloaded_and_downloaded(page, batch):
    d = next(d for d in batch[2]["docs"] if any(batch[2]["actions"][h[1]] == "drop" for h in d["hits"]))
    open_doc(page, d["id"])
    button = page.locator("#hit-list .mark-wrong").first
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    # select a kept line of the input and mark it "should go"
    page.evaluate("""() => {
        const view = document.getElementById('doc-view');
        const node = [...view.childNodes].find(n => n.nodeType === 3 && n.textContent.trim().length > 20);
        const r = document.createRange(); r.selectNodeContents(node);
        const s = getSelection(); s.removeAllRanges(); s.addRange(r);
    }""")
    page.click("#mark-missed")
    assert "1 hit marked wrong, " in page.inner_text("#marks-summary")
    page.reload(wait_until="load")
    open_doc(page, d["id"])
    assert page.locator("#hit-list .mark-wrong[aria-pressed=true]").count() == 1
    assert "1 hit marked wrong" in page.inner_text("#marks-summary")
    with page.expect_download() as info:
        page.click("#marks-download")
    marks = json.loads(open(info.value.path(), encoding="utf-8").read())
    kinds = sorted(m["kind"] for m in marks["marks"])
    assert kinds[0] == "missed" and kinds[-1] == "wrong"
    wrong = next(m for m in marks["marks"] if m["kind"] == "wrong")
    assert wrong["doc"] == d["id"] and wrong["code"] and wrong["text"]
    page.click("#marks-clear")


def test_a_hit_marked_wrong_in_the_page_becomes_a_failing_example_of_its_rule(page, batch, tmp_path):
    """The whole loop: mark a hit in the browser, download MARKS.json, ``review apply`` it,
    and the rule's own test now fails on the marked line (and passes without the pack)."""
    data = batch[2]
    ad = next(i for i, r in enumerate(data["rules"]) if r["code"] == "AD201")
    d = next(d for d in data["docs"] if any(h[0] == ad for h in d["hits"]))
    open_doc(page, d["id"])
    page.select_option("#f-rule", str(ad))  # only that rule's hits in the list
    page.locator("#hit-list .mark-wrong").first.click()
    with page.expect_download() as info:
        page.click("#marks-download")
    marks = tmp_path / "MARKS.json"
    marks.write_bytes(open(info.value.path(), "rb").read())
    page.click("#marks-clear")
    (mark,) = json.loads(marks.read_text(encoding="utf-8"))["marks"]
    assert mark["code"] == "AD201" and mark["doc"] == d["id"] and mark["title"] == d["title"]
    pack = tmp_path / "review-pack.toml"
    res = CliRunner().invoke(main, ["review", "apply", str(marks), "--pack", str(pack)])
    assert res.exit_code == 0, res.output
    assert f"FAIL AD201 fires on its new keep example {mark['text']!r}" in res.output
    assert tomllib.loads(pack.read_text(encoding="utf-8"))["extend"][0]["examples"]["keep"] == [mark["text"]]
    failing = CliRunner().invoke(main, ["rules", "test", "--rules", str(pack), "AD201"])
    assert failing.exit_code == 1 and f"fired on its keep example {mark['text']!r}" in failing.output
    assert CliRunner().invoke(main, ["rules", "test", "AD201"]).exit_code == 0
    assert page.errors == []


def test_hit_context_shows_other_removals_as_removed(browser, tmp_path):  # noqa: F811
    text = "Menu\nKyiv cut ties &amp; more, officials said on Wednesday."
    w = ReportWriter()
    w.add("d", text, "Kyiv cut ties & more, officials said on Wednesday.\n", [
        {"code": "NV101", "name": "nav", "action": "drop", "start": 0, "end": 5, "before": "Menu\n", "after": "",
         "message": "navigation"},
        {"code": "RP301", "name": "rep", "action": "repair", "start": 19, "end": 24, "before": "&amp;", "after": "&",
         "message": "entity"},
    ], 0.1)
    path = w.write(tmp_path / "r.html")
    pg = browser.new_page()
    try:
        pg.goto(path.resolve().as_uri(), wait_until="load")
        card = pg.locator("#hit-list > li[data-code=RP301]")
        other = card.locator(".hit.other")
        assert other.count() == 1 and other.get_attribute("data-code") == "NV101"
        assert "Menu" in other.inner_text()
        assert card.locator(".hit[data-hit]").count() == 1
    finally:
        pg.close()


def test_a_rerun_report_lists_each_mark_with_its_status(browser, tmp_path):  # noqa: F811
    w = ReportWriter()
    w.add("a.txt", "Advertisement\nText of the article.", "Advertisement\nText of the article.\n", [], 0.0)
    w.marks_status = [
        {"kind": "wrong", "doc": "a.txt", "code": "AD201", "text": "Advertisement", "by": [], "status": "satisfied"},
        {"kind": "missed", "doc": "a.txt", "code": "", "text": "<b>Buy now</b>", "by": [], "status": "open"},
        {"kind": "wrong", "doc": "b.txt", "code": "CO101", "text": "Comments", "by": [], "status": "unseen"},
    ]
    path = w.write(tmp_path / "r.html")
    pg = browser.new_page()
    try:
        pg.goto(path.resolve().as_uri(), wait_until="load")
        assert pg.locator("#marks-run").is_visible()
        assert pg.inner_text("#marks-run-summary") == "1 of 3 marks satisfied (1 in documents this run did not clean)."
        items = pg.locator("#marks-run-list li")
        assert [items.nth(i).get_attribute("class") for i in range(3)] == ["mark-satisfied", "mark-open", "mark-unseen"]
        assert "should go: a.txt: <b>Buy now</b>" in items.nth(1).inner_text()  # text, never markup
        assert pg.locator("#marks-run-list b").count() == 0
    finally:
        pg.close()
    plain = ReportWriter()
    plain.add("a.txt", "Text.", "Text.\n", [], 0.0)
    pg = browser.new_page()
    try:
        pg.goto(plain.write(tmp_path / "p.html").resolve().as_uri(), wait_until="load")
        assert not pg.locator("#marks-run").is_visible()  # no --marks: no panel
    finally:
        pg.close()

"""The review report: page structure, escaping of untrusted text, size and overview counts."""
from __future__ import annotations

import json
import re

import pytest

from cleaner.model import Hit
from cleaner.review.report import ReportWriter, context_ranges, embed_json, write_report

PAYLOAD = (
    "Intro <script>window.pwned=1;document.title='pwned'</script> "
    '<img src=x onerror="window.pwned=2"> </style></script><!-- hidden --> end'
)


def hit(code, action, start, end, text, after="", message="", name=None):
    """A hit dict in ``Hit.to_dict()`` shape whose ``before`` is what the input holds."""
    return {
        "code": code,
        "name": name or f"rule.{code.lower()}",
        "action": action,
        "start": start,
        "end": end,
        "before": text[start:end],
        "after": after,
        "message": message or f"{code} fired",
        "detail": "",
    }


def article(padding: int = 0) -> tuple[str, str, list[dict]]:
    """A small article with a nav line, an ad label and an entity to repair."""
    nav = "Home | World | Sport\n\n"
    body = "Kyiv cut ties on Wednesday &amp; said so.\n\n" + ("Plain paragraph text. " * padding)
    text = nav + body + "\n\nAdvertisement\n\nThe story goes on."
    ad = text.index("Advertisement")
    amp = text.index("&amp;")
    hits = [
        hit("NV101", "drop", 0, len(nav), text, message="navigation line"),
        hit("RP301", "repair", amp, amp + 5, text, after="&", message="html entity"),
        hit("AD201", "drop", ad, ad + len("Advertisement"), text, message="ad label line"),
    ]
    output = text.replace(nav, "").replace("&amp;", "&").replace("Advertisement", "")
    return text, output, hits


def page_data(page: str) -> dict:
    """The JSON the page embeds, parsed the way a browser would (escapes are valid JSON)."""
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


@pytest.fixture
def writer() -> ReportWriter:
    w = ReportWriter(title="batch <1>")
    text, out, hits = article()
    w.add("a", text, out, hits, 0.3)
    w.add("b", PAYLOAD, "Intro end", [hit("AD201", "strip", 6, len(PAYLOAD) - 4, PAYLOAD)], 0.95)
    w.add("c", "Nothing to see.", "Nothing to see.", [], 0.0)
    return w


def test_page_is_self_contained(writer):
    page = writer.render()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<script type="application/json"') == 1
    page = re.sub(r'(<script type="application/json"[^>]*>).*?</script>', "", page, flags=re.S)
    for external in ("src=", "href=", "url(", "@import", "http://", "https://"):
        assert external not in page, external


def test_csp_nonce_matches_the_only_code_script(writer):
    page = writer.render()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    nonce = re.search(r"'nonce-([A-Za-z0-9_-]+)'", csp).group(1)
    assert page.count(f'<script nonce="{nonce}">') == 1
    assert nonce not in writer.render(), "a nonce must not repeat between pages"


def test_untrusted_text_cannot_leave_the_data_block(writer):
    page = writer.render()
    # Only the page's own two scripts open and close; nothing from the payload does.
    assert len(re.findall(r"<script", page, re.I)) == 2
    assert len(re.findall(r"</script", page, re.I)) == 2
    assert "<!--" not in page
    assert "</style" not in page.split("</style>", 1)[1]
    assert "onerror=" not in page.split("<script type=", 1)[0]


def test_embedded_data_round_trips_the_payload(writer):
    data = page_data(writer.render())
    assert data == writer.data()
    b = next(d for d in data["docs"] if d["id"] == "b")
    shown = "".join(text for _, text in b["chunks"])
    assert "<script>window.pwned=1" in shown and 'onerror="window.pwned=2"' in shown


def test_embed_json_escapes_markup_and_line_separators():
    text = embed_json({"x": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"x": "</script><!-- & \u2028"}


def test_title_is_escaped(writer):
    page = writer.render()
    assert "<title>batch &lt;1&gt;</title>" in page


def test_overview_counts(writer):
    o = writer.overview()
    assert o["documents"] == 3
    assert o["hits"] == 4
    assert o["hits_per_rule"] == {"NV101": 1, "RP301": 1, "AD201": 2}
    assert o["warned"] == 1
    rules = {r["code"]: r for r in writer.data()["rules"]}
    assert rules["AD201"]["docs"] == 2
    assert rules["AD201"]["actions"] == {"drop": 1, "strip": 1}
    messages = writer.data()["messages"]
    assert sorted(messages[i] for i, _ in rules["AD201"]["messages"]) == ["AD201 fired", "ad label line"]


def test_exactly_the_warning_share_removed_is_not_warned():
    w = ReportWriter()
    w.add("nine tenths", "ab", "a", [], 0.9)
    w.add("more", "ab", "", [], 0.91)
    w.add("half", "ab", "a", [], 0.5)
    assert w.overview()["warned"] == 1


def test_documents_sorted_by_share_removed(writer):
    assert [d["id"] for d in writer.data()["docs"]] == ["b", "a", "c"]


def test_size_grows_with_hits_not_with_text_length():
    def size(padding, copies=1):
        w = ReportWriter()
        for i in range(copies):
            text, out, hits = article(padding)
            w.add(f"d{i}", text, out, hits, 0.2)
        return len(w.render().encode())

    short, long = size(10), size(20_000)  # about 200 characters vs 440,000 characters of body
    assert long - short < 1_000, (short, long)
    one, twenty = size(10), size(10, copies=20)
    assert twenty - one > 19 * 300, "each document's hits must add to the page"


def test_context_ranges_merge_close_hits_and_cut_long_spans():
    assert context_ranges([(100, 110), (130, 140)], 1000, context=20) == [(80, 160)]
    assert context_ranges([(100, 110), (500, 510)], 1000, context=20) == [(80, 130), (480, 530)]
    assert context_ranges([(5, 10)], 12, context=20) == [(0, 12)]
    # A 10,000-character dropped block keeps its two ends, not its middle.
    ranges = context_ranges([(1000, 11_000)], 20_000, context=50, keep=100)
    assert ranges == [(950, 1100), (10_900, 11_050)]


def test_before_is_left_out_only_when_the_input_holds_it():
    text = "one two three"
    w = ReportWriter()
    same = hit("SB401", "substitute", 4, 7, text, after="2")
    other = dict(same, before="TWO")  # a later stage saw different text at this span
    w.add("d", text, "one 2 three", [same, other], 0.0)
    rows = w.data()["docs"][0]["hits"]
    assert rows[0][6] is None and rows[1][6] == "TWO"


def test_hits_without_a_span_are_kept():
    w = ReportWriter()
    w.add("d", "text", "text", [{"code": "UN001", "action": "strip", "start": -1, "end": -1,
                                  "before": "lost", "after": "", "message": "m"}], 0.0)
    row = w.data()["docs"][0]["hits"][0]
    assert row[2:4] == [-1, -1] and row[6] == "lost"
    assert w.data()["docs"][0]["chunks"] == []


def test_offsets_are_utf16_for_the_browser():
    text = "\U0001F600 hi there"
    w = ReportWriter(context=0)
    w.add("d", text, text, [hit("FL001", "flag", 2, 4, text)], 0.0)
    doc = w.data()["docs"][0]
    assert doc["hits"][0][2:4] == [3, 5]  # the emoji counts twice in JavaScript
    assert doc["chunks"] == [[3, "hi"]]


def test_accepts_hit_objects_and_writes_lone_surrogates(tmp_path):
    text = "bad \udcff byte"
    h = Hit("RP301", "repair.bytes", "repair", 4, 5, "\udcff", "", "undecodable byte", src_start=4, src_end=5)
    path = write_report(tmp_path / "r.html", [("d", text, "bad  byte", [h], 0.1)])
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["docs"][0]["hits"][0][:4] == [0, 3, 4, 5]


def test_odd_shares_do_not_break_the_page():
    w = ReportWriter()
    w.add("nan", "a", "a", [], float("nan"))
    w.add("big", "a", "", [], 3)
    assert sorted(d["share"] for d in w.data()["docs"]) == [0.0, 1.0]


def test_context_edges_move_to_word_boundaries():
    text = "alpha bravo charlie delta echo"
    hit_at = text.index("charlie")
    assert context_ranges([(hit_at, hit_at + 7)], len(text), context=3, text=text) == [(6, 25)]
    assert text[6:25] == "bravo charlie delta"

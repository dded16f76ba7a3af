"""Property tests of ``clean()`` on generated pages (hypothesis): no exception, replayable
hits (every removed character is accounted for by a hit), deterministic output (twice, and
from two threads), and idempotence.

Example counts (see the settings below): 400 for the no-crash/replay/determinism
property, 300 for idempotence of the full pipeline with the language pinned, 200 for
idempotence without the block scorer, 150 for idempotence with the language detected again,
a known failure (see that test).
The HTML path is tested when ``Cleaner.clean`` takes ``html=True``.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.stages.decode import NotTextError
from cleaner.journal.edits import replay
from cleaner.pipeline import Cleaner

ROOT = Path(__file__).resolve().parent.parent
SEED_LINES = sorted({ln for p in (ROOT / "seeds").glob("*.txt") for ln in p.read_text(encoding="utf-8").splitlines()})
CRUFT = ["Advertisement", "- Advertisement -", "Photo: AFP", "(Photo: Jane Roe/Reuters)", "Share this article",
         "Read more", "Related:", "Sign up for our newsletter", "12.12.2020", " date 2022-07-13 ×", "By Jane Doe",
         "Home", "the the", "caf\u00c3\u00a9", "&amp;", "\u00a0", "\u200b", "\u00ad", "Image credit: NASA", "1 day ago",
         "5 hours ago", "Comments are closed", "©2024 All rights reserved", "Photo by A/B", "\\n\\t"]
LINE = st.one_of(
    st.sampled_from(SEED_LINES), st.sampled_from(CRUFT), st.text(max_size=80),
    st.text(alphabet=" \t.,;:()[]-–—\"'aAbBéÃ©01\u00a0\u200b\u00ad&#/\\n\r", max_size=40), st.just(""),
)
DOCS = st.lists(LINE, max_size=30).map("\n".join)


def _control_share(data: bytes) -> float:
    """The share of C0 control bytes (not tab, line ends, form feed, ESC) in the first 8 KiB."""
    head = data[:8192]
    return sum(b < 32 and b not in b"\t\n\v\f\r\x1b" for b in head) / max(len(head), 1)
COMMON = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def no_score(all_rules):
    return Cleaner(rules=all_rules, ignore=["BS"])


@settings(max_examples=400, **COMMON)
@given(doc=DOCS)
def test_no_exception_replay_and_determinism(cleaner, doc):
    result = cleaner.clean(doc)
    assert replay(result.input_text, result.hits) == result.text
    again = cleaner.clean(doc)
    assert again.text == result.text and again.hits == result.hits
    out: list = [None, None]

    def work(i):
        out[i] = cleaner.clean(doc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out[0].text == out[1].text == result.text
    assert out[0].hits == out[1].hits == result.hits
    # bytes take the decoding path: text, or NotTextError for what looks binary (a share of
    # control bytes; a stray one is repaired)
    try:
        cleaner.clean(doc.encode("utf-8", "surrogatepass"))
    except NotTextError:
        assert _control_share(doc.encode("utf-8", "surrogatepass")) > 0.05


@settings(max_examples=300, **COMMON)
@given(doc=DOCS)
def test_idempotent_language_pinned(cleaner, doc):
    """Cleaning the output again changes nothing, given the language of the first pass."""
    first = cleaner.clean(doc)
    second = cleaner.clean(first.text, lang=first.language)
    assert second.text == first.text, [(h.code, h.before) for h in second.changes]


@settings(max_examples=200, **COMMON)
@given(doc=DOCS)
def test_idempotent_without_the_block_scorer(no_score, doc):
    """Rules, repairs and dedupe alone (language pinned)."""
    first = no_score.clean(doc)
    second = no_score.clean(first.text, lang=first.language)
    assert second.text == first.text, [(h.code, h.before) for h in second.changes]


def test_language_flip_on_a_tiny_page_is_held_by_the_empty_fallback(cleaner):
    """Found by hypothesis.  The language is detected on the input, cruft included, and
    again on the output without it: 'Advertisement\nAdvertisement\nPhoto: AFP' reads as
    Dutch, so the English credit rule CA101 does not fire and 'Photo: AFP' stays; the
    output alone is too short to detect ('und', English rules), CA101 drops it, and the
    empty-page fallback (SV002) keeps it again, flagged.  The text is stable; the flip
    itself remains (it needs detection on the kept text, a second pass)."""
    first = cleaner.clean("Advertisement\nAdvertisement\nPhoto: AFP")
    second = cleaner.clean(first.text)
    assert second.text == first.text == "Photo: AFP\n"
    assert [h.code for h in second.hits] == ["SV002"]


@settings(max_examples=150, **COMMON)
@given(body=st.lists(st.one_of(LINE.map(lambda s: f"<p>{s}</p>"), st.sampled_from(
    ["<div>", "</div>", "<script>x</script>", "<br>", "<nav>Home</nav>", "<!--", "<p", "&amp;"])), max_size=30))
def test_html_path_no_exception_and_replay(cleaner, body):
    html = "<html><body>" + "".join(body) + "</body></html>"
    try:
        result = cleaner.clean(html.encode(), html=True)
    except NotTextError:  # control bytes: binary, not a page
        assert _control_share(html.encode()) > 0.05
        return
    assert replay(result.input_text, result.hits) == result.text
    assert cleaner.clean(html.encode(), html=True).text == result.text

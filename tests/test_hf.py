"""Hugging Face datasets: ``Dataset.map`` with our function, batched and not, on one and two
processes; the rows compared with the library's own clean of each page."""
from __future__ import annotations

import json
import pickle

import pytest

datasets = pytest.importorskip("datasets", reason="datasets is not installed (pip install '.[datasets]')")

from cleaner.integrations.fields import FIELDS  # noqa: E402
from cleaner.integrations.hf import CleanMap, clean_function  # noqa: E402
from cleaner.pipeline import BadDocument, Cleaner, Config  # noqa: E402
from record_pages import BUDGET_HTML, SEED_TEXTS  # noqa: E402

SEEDS = SEED_TEXTS
HTML = BUDGET_HTML
# The first row names no date and the second does: a None first would make the column null.
PAGES = [SEEDS[0], SEEDS[1], HTML, SEEDS[2], HTML.replace("Tuesday", "Friday"), SEEDS[3], SEEDS[4]]


def _dataset(pages=PAGES, column="text"):
    return datasets.Dataset.from_list([{"id": f"d{i}", column: p, "url": f"https://example.org/{i}",
                                        "date": "2024-05-01"} for i, p in enumerate(pages)])


def _check(out, cleaner, pages=PAGES, text_field="text"):
    assert out.column_names == ["id", text_field, "url", "date", *FIELDS]  # the input's, then ours
    assert out.features["article_removed_share"].dtype == "float64"
    assert out.features["article_page_type_confidence"].dtype == "float64"
    assert out.features["article_input_chars"].dtype == out.features["article_input_size"].dtype == "int64"
    assert all(out.features[c].dtype == "string" for c in FIELDS
               if c not in ("article_removed_share", "article_page_type_confidence", "article_input_chars",
                            "article_input_size"))
    rows = out.to_list()
    assert [r["id"] for r in rows] == [f"d{i}" for i in range(len(pages))]
    assert all(r["url"] == f"https://example.org/{i}" and r["date"] == "2024-05-01" for i, r in enumerate(rows))
    for row, page in zip(rows, pages):
        result = cleaner.clean(page, html=page.startswith("<"))
        assert row[text_field] == result.text
        assert row["article_language"] == result.language
        assert sum(json.loads(row["article_rule_hits"]).values()) == len(result.hits)
    assert rows[1]["article_date"] == "2022-07-13" and rows[0]["article_date"] == ""


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "rows"])
def test_map_cleans_each_row_and_adds_fixed_columns(batched, cleaner):
    out = _dataset().map(clean_function(), batched=batched, batch_size=3)
    _check(out, cleaner)


def test_map_on_two_processes_gives_the_same_rows(cleaner):
    one = _dataset().map(clean_function(), batched=True, batch_size=2)
    two = _dataset().map(clean_function(), batched=True, batch_size=2, num_proc=2)
    _check(two, cleaner)
    assert two.to_list() == one.to_list()


def test_html_field_reads_the_page_from_its_column(cleaner):
    out = _dataset([HTML, HTML], column="html").map(clean_function(html_field="html"), batched=True)
    assert out["html"] == [HTML, HTML]  # the page passes through
    assert out["text"] == [cleaner.clean(HTML, html=True).text] * 2
    assert "Share this article" not in out["text"][0]


def test_the_function_pickles_as_its_config_and_hashes_the_same():
    """What num_proc workers and the datasets cache rely on."""
    from datasets.fingerprint import Hasher

    fn = clean_function(Cleaner(select=("WS",)), input="text")
    assert pickle.loads(pickle.dumps(fn)) == CleanMap(Config(select=("WS",)), input="text")
    assert len(pickle.dumps(fn)) < 1000  # the config, not the loaded rules
    assert Hasher.hash(fn) == Hasher.hash(clean_function(Config(select=("WS",)), input="text"))
    assert Hasher.hash(fn) != Hasher.hash(clean_function(input="text"))
    with pytest.raises(TypeError, match="rule folders"):
        clean_function(Cleaner(rules=()))
    with pytest.raises(ValueError, match="input must be one of"):
        clean_function(input="htm")


def test_a_row_without_a_page_is_a_bad_document():
    ds = datasets.Dataset.from_list([{"text": "A page."}, {"text": None}])
    with pytest.raises(BadDocument, match="not a string"):
        ds.map(clean_function(), batched=True)


def test_budgets_and_the_choice_for_a_bad_row():
    """A row over a budget fails by its id (or its place in the batch), or comes out empty
    with errors="empty"; the other rows are cleaned."""
    rows = {"id": ["a", "b"], "text": [SEEDS[0], SEEDS[1] * 50]}
    fn = clean_function(max_bytes=20_000)
    with pytest.raises(BadDocument, match=r"row id 'b': larger than max_bytes 20000"):
        fn(rows)
    with pytest.raises(BadDocument, match=r"row 1 of the batch: text field 'text' not a string but NoneType"):
        clean_function()({"text": [SEEDS[0], None]})
    out = clean_function(max_bytes=20_000, errors="empty")(rows)
    assert out["text"][1] == "" and out["article_language"][1] == "" and out["text"][0]
    with pytest.raises(ValueError):
        clean_function(errors="ignore")

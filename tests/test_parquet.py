"""Parquet in and out: files written by pyarrow here, cleaned by the command, read back by
pyarrow and compared with the library's own clean of each row."""
from __future__ import annotations

import datetime
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install '.[parquet]')")
pq = pytest.importorskip("pyarrow.parquet")

from cleaner.cli import main  # noqa: E402
from record_pages import BUDGET_HTML, SEED_PATHS  # noqa: E402

SEEDS = SEED_PATHS
HTML = BUDGET_HTML
PASSTHROUGH = ["id", "n", "ts", "tags", "url"]

# The added columns as the documentation (cleaner/run/schema.py, README) states them.
DOCUMENTED = pa.schema([
    pa.field("article_language", pa.string(), nullable=False),
    pa.field("article_page_type", pa.string()),
    pa.field("article_page_type_confidence", pa.float64(), nullable=False),
    pa.field("article_page_type_reason", pa.string()),
    pa.field("article_removed_share", pa.float64(), nullable=False),
    pa.field("article_rule_hits", pa.string(), nullable=False),
    pa.field("article_title", pa.string()),
    pa.field("article_url", pa.string()),
    pa.field("article_byline", pa.string()),
    pa.field("article_agency", pa.string()),
    pa.field("article_date", pa.string()),
    pa.field("article_time", pa.string()),
    pa.field("article_input_chars", pa.int64(), nullable=False),
    pa.field("article_input_size", pa.int64(), nullable=False),
])


def _pages() -> list[tuple[str, bool]]:
    """(page, is HTML) for every seed text and one HTML page."""
    return [(s.read_text(encoding="utf-8"), False) for s in SEEDS] + [(HTML, True)]


def _table(texts: list) -> pa.Table:
    n = len(texts)
    return pa.table({
        "id": [f"doc-{i}" for i in range(n)],
        "text": pa.array(texts, pa.large_string()),
        "n": pa.array(range(n), pa.int32()),
        "ts": pa.array([datetime.datetime(2024, 1, 1) + datetime.timedelta(hours=i) for i in range(n)],
                       pa.timestamp("ms", tz="UTC")),
        "tags": [[f"t{i % 3}", "news"] for i in range(n)],
        "url": [f"https://example.org/{i}" if i % 4 else None for i in range(n)],
    })


def _clean(tmp_path: Path, table: pa.Table, *args: str, out: str = "out.parquet", row_group_size=None):
    src = tmp_path / "in.parquet"
    pq.write_table(table, src, row_group_size=row_group_size)
    dest = tmp_path / out
    res = CliRunner().invoke(main, [str(src), str(dest), "-q", *args])
    return res, src, dest


def _expected_schema(table: pa.Table) -> pa.Schema:
    fields = [pa.field("text", pa.string()) if f.name == "text" else f for f in table.schema]
    return pa.schema(fields + list(DOCUMENTED))


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """Every page many times over (several tasks and row groups), cleaned with -j 1 and -j 2."""
    tmp = tmp_path_factory.mktemp("many")
    pages = _pages() * 30
    table = _table([p for p, _ in pages])
    outputs = {}
    for jobs in ("1", "2"):
        res, _, dest = _clean(tmp, table, "-j", jobs, out=f"out-{jobs}.parquet", row_group_size=50)
        assert res.exit_code == 0, res.output
        outputs[jobs] = dest.read_bytes()
    return pages, table, tmp / "out-1.parquet", outputs


def test_every_row_is_cleaned_in_order_and_the_rest_passes_through(many, cleaner):
    pages, table, out, _ = many
    got = pq.read_table(out)
    assert got.schema.equals(_expected_schema(table))
    assert got.num_rows == len(pages)
    assert got.select(PASSTHROUGH).equals(table.select(PASSTHROUGH))
    results = [cleaner.clean(page, html=is_html) for page, is_html in pages]
    assert got.column("text").to_pylist() == [r.text for r in results]
    assert got.column("article_language").to_pylist() == [r.language for r in results]
    assert got.column("article_removed_share").to_pylist() == [r.metadata["removed_share"] for r in results]
    assert [json.loads(h) for h in got.column("article_rule_hits").to_pylist()] == \
        [dict(Counter(h.code for h in r.hits)) for r in results]
    assert got.column("article_page_type").to_pylist() == [r.metadata.get("page_type") for r in results]


def test_jobs_do_not_change_the_output(many):
    _, _, _, outputs = many
    assert outputs["1"] == outputs["2"]


def test_the_schema_is_the_same_whatever_rules_fire(tmp_path, cleaner):
    """One file a document: different rules fire, and no metadata line is found in one."""
    plain = "The council met on Tuesday to discuss the new budget for the schools of the city.\n"
    schemas, hits = [], []
    for i, text in enumerate([SEEDS[0].read_text(encoding="utf-8"), SEEDS[1].read_text(encoding="utf-8"), plain]):
        folder = tmp_path / str(i)
        folder.mkdir()
        res, _, dest = _clean(folder, _table([text]))
        assert res.exit_code == 0, res.output
        got = pq.read_table(dest)
        schemas.append(got.schema)
        hits.append(json.loads(got.column("article_rule_hits")[0].as_py()))
    assert len({frozenset(h) for h in hits}) == 3  # the rules that fired differ...
    assert hits[2] == {}
    assert all(s.equals(_expected_schema(_table([plain]))) for s in schemas)  # ...the schema does not


def test_a_null_text_is_a_named_failure_and_the_rest_is_written(tmp_path, cleaner):
    texts = [SEEDS[0].read_text(encoding="utf-8"), None, SEEDS[1].read_text(encoding="utf-8")]
    res, src, dest = _clean(tmp_path, _table(texts), "-j", "1")
    assert res.exit_code == 1, res.output
    assert f"clean-articles: failed: {src}#row 1: text column 'text' is null" in res.stderr
    got = pq.read_table(dest)
    assert got.column("id").to_pylist() == ["doc-0", "doc-2"]
    assert got.column("text").to_pylist() == [cleaner.clean(texts[0]).text, cleaner.clean(texts[2]).text]


def test_html_field_is_read_and_the_clean_text_gets_its_own_column(tmp_path, cleaner):
    table = pa.table({"id": ["a"], "html": [HTML]})
    res, _, dest = _clean(tmp_path, table, "--html-field", "html")
    assert res.exit_code == 0, res.output
    got = pq.read_table(dest)
    assert got.column_names == ["id", "html", "text", *DOCUMENTED.names]
    assert got.column("html").to_pylist() == [HTML]
    assert got.column("text").to_pylist() == [cleaner.clean(HTML, html=True).text]


def test_input_text_keeps_markup_as_text(tmp_path, cleaner):
    res, _, dest = _clean(tmp_path, _table([HTML]), "--input", "text")
    assert res.exit_code == 0, res.output
    assert pq.read_table(dest).column("text").to_pylist() == [cleaner.clean(HTML).text]


def test_parquet_in_jsonl_out(many, tmp_path):
    pages, table, parquet_out, _ = many
    res, _, dest = _clean(tmp_path, table, "-j", "1", out="out.jsonl")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in dest.read_text(encoding="utf-8").splitlines()]
    want = pq.read_table(parquet_out).to_pylist()
    for row in want:
        row["ts"] = row["ts"].isoformat()
    assert rows == want


@pytest.mark.parametrize("table, args, why", [
    (pa.table({"id": ["a"], "body": ["x"]}), [], "has no column 'text'"),
    (pa.table({"text": ["x"], "article_language": ["en"]}), [], "already has the column(s) article_language"),
    (pa.table({"text": ["x"]}), ["--html-field", "html"], "has no column 'html'"),
])
def test_usage_errors_write_nothing(tmp_path, table, args, why):
    res, _, dest = _clean(tmp_path, table, *args)
    assert res.exit_code == 2, res.output
    assert why in res.output
    assert not dest.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.parquet"]


def test_never_onto_the_input(tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": ["x"]}), src)
    before = src.read_bytes()
    res = CliRunner().invoke(main, [str(src), str(src), "-q"])
    assert res.exit_code == 2 and "is the input" in res.output
    assert src.read_bytes() == before


def test_without_pyarrow_the_error_names_the_extra(tmp_path, monkeypatch):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": ["x"]}), src)
    from cleaner.run.extras import install_command

    # As if pyarrow were not installed: importing it fails.
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out.parquet")])
    assert res.exit_code == 2
    assert install_command("parquet") in res.output
    assert not (tmp_path / "out.parquet").exists()


def test_hits_name_the_row(tmp_path):
    texts = [SEEDS[0].read_text(encoding="utf-8"), SEEDS[1].read_text(encoding="utf-8")]
    res, src, dest = _clean(tmp_path, _table(texts), "--hits", str(tmp_path / "hits.jsonl"))
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in (tmp_path / "hits.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["source"], r["id"]) for r in records] == [(f"{src}#row 0", "doc-0"), (f"{src}#row 1", "doc-1")]
    assert [sum(Counter(h["code"] for h in r["hits"]).values()) for r in records] == \
        [sum(json.loads(h).values()) for h in pq.read_table(dest).column("article_rule_hits").to_pylist()]


def test_markdown_output_fills_the_text_column_and_json_is_refused(tmp_path, cleaner):
    from cleaner.formats import to_markdown

    table = pa.table({"id": ["a"], "html": [HTML]})
    res, _, dest = _clean(tmp_path, table, "--html-field", "html", "--output", "markdown")
    assert res.exit_code == 0, res.output
    (text,) = pq.read_table(dest).column("text").to_pylist()
    assert text == to_markdown(cleaner.clean(HTML, html=True)) and text.startswith("# Council approves budget\n")
    res, _, dest = _clean(tmp_path, table, "--html-field", "html", "--output", "json", out="o2.parquet")
    assert res.exit_code == 2 and "--output json" in res.output and not dest.exists()

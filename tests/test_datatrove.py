"""datatrove: files written by datatrove's own JsonlWriter, read by its JsonlReader, cleaned
by our step and written by its JsonlWriter and ParquetWriter on a LocalPipelineExecutor;
read back and compared with the library's own clean of each page."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("datatrove", reason="datatrove is not installed (pip install '.[datatrove]')")
pq = pytest.importorskip("pyarrow.parquet")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter  # noqa: E402

from cleaner.cli import main  # noqa: E402
from cleaner.integrations.datatrove import CleanArticles  # noqa: E402
from cleaner.integrations.fields import FIELDS  # noqa: E402
from cleaner.pipeline import Cleaner, Config  # noqa: E402
from record_pages import BUDGET_HTML, SEED_PATHS  # noqa: E402

SEEDS = SEED_PATHS
HTML = BUDGET_HTML
EMPTY_HTML = "<html><head><title></title></head><body><script>var a = 1;</script></body></html>"
BROKEN = "(a page an upstream step breaks)"


def _break(data, rank: int = 0, world_size: int = 1):
    """An upstream pipeline step that leaves one document's text as no string: our step
    must count it and go on."""
    for doc in data:
        if doc.text == BROKEN:
            doc.text = 12345
        yield doc


def _crawl_meta(i: int) -> dict:
    """What a crawl's reader leaves in the metadata: the fields ours must not overwrite."""
    return {"url": f"https://example.org/{i}", "date": "2024-05-01T10:00:00Z", "language": "crawl-lang", "n": i}


def _shards() -> list[list[Document]]:
    """Two input files.  The first document's page names no date and the second's does, so a
    field that is None in the first would give ParquetWriter a null column that fails."""
    seeds = [s.read_text(encoding="utf-8") for s in SEEDS]
    first = [seeds[0], seeds[1], HTML, EMPTY_HTML]
    second = [seeds[2], BROKEN, seeds[3], seeds[4], HTML]
    return [[Document(text=t, id=f"{k}-{i}", metadata=_crawl_meta(10 * k + i)) for i, t in enumerate(texts)]
            for k, texts in enumerate((first, second))]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    """The shards as ``.jsonl.gz`` files written by datatrove's JsonlWriter."""
    folder = tmp_path_factory.mktemp("crawl")
    for rank, docs in enumerate(_shards()):
        with JsonlWriter(str(folder)) as writer:
            for doc in docs:
                writer.write(doc, rank)
    assert sorted(p.name for p in folder.iterdir()) == ["00000.jsonl.gz", "00001.jsonl.gz"]
    return folder


def _run(crawl: Path, out: Path, tasks: int) -> None:
    LocalPipelineExecutor([
        JsonlReader(str(crawl)),
        _break,
        CleanArticles(),
        JsonlWriter(str(out / "jsonl")),
        ParquetWriter(str(out / "parquet")),
    ], tasks=tasks, workers=1, logging_dir=str(out / "logs")).run()


@pytest.fixture(scope="module", params=[1, 2], ids=["tasks=1", "tasks=2"])
def cleaned(request, crawl, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(f"out-{request.param}")
    _run(crawl, out, request.param)
    return out


def _jsonl_docs(folder: Path) -> dict[str, dict]:
    docs = {}
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            docs.update((d["id"], d) for d in map(json.loads, f))
    return docs


def _expected(cleaner: Cleaner) -> dict[str, tuple[str, dict]]:
    """id -> (clean text, input metadata) of every document that has text left after a clean."""
    out = {}
    for docs in _shards():
        for doc in docs:
            if doc.text == BROKEN:
                continue
            text = cleaner.clean(doc.text, html=doc.text.startswith("<")).text
            if text.strip():
                out[doc.id] = (text, doc.metadata)
    return out


def test_text_is_cleaned_and_the_crawl_metadata_kept(cleaned, cleaner):
    got = _jsonl_docs(cleaned / "jsonl")
    expected = _expected(cleaner)
    assert set(got) == set(expected) and "0-3" not in got and "1-1" not in got  # empty and bad: dropped
    for doc_id, (text, meta) in expected.items():
        doc = got[doc_id]
        assert doc["text"] == text
        for key, value in meta.items():  # url, date, language of the crawl are untouched
            assert doc["metadata"][key] == value
        assert doc["metadata"]["article_language"] == "en"
    assert got["0-1"]["metadata"]["article_date"] == "2022-07-13"  # read from the page, beside the crawl's
    assert got["0-0"]["metadata"]["article_date"] == ""


# The numeric fields the record schema states (cleaner/run/schema.py); every other is a string.
NUMBERS = {"article_removed_share": float, "article_page_type_confidence": float, "article_input_chars": int,
           "article_input_size": int}


def test_every_document_has_the_same_fields_of_the_same_types(cleaned):
    for doc in _jsonl_docs(cleaned / "jsonl").values():
        added = {k: v for k, v in doc["metadata"].items() if k.startswith("article_")}
        assert tuple(added) == FIELDS
        assert all(isinstance(added[k], t) for k, t in NUMBERS.items())
        assert all(isinstance(v, str) for k, v in added.items() if k not in NUMBERS)
        assert isinstance(json.loads(added["article_rule_hits"]), dict)


def test_parquet_holds_every_document_with_one_schema(cleaned):
    jsonl = _jsonl_docs(cleaned / "jsonl")
    files = sorted((cleaned / "parquet").glob("*.parquet"))
    assert files
    tables = [pq.read_table(f) for f in files]
    assert len({t.schema for t in tables}) == 1  # shards from different tasks concatenate
    meta_type = tables[0].schema.field("metadata").type
    for name in FIELDS:
        assert str(meta_type.field(name).type) == {float: "double", int: "int64"}.get(NUMBERS.get(name), "string")
    rows = [row for t in tables for row in t.to_pylist()]
    assert {r["id"]: r["text"] for r in rows} == {k: d["text"] for k, d in jsonl.items()}
    assert {r["id"]: r["metadata"] for r in rows} == {k: d["metadata"] for k, d in jsonl.items()}


def test_stats_count_rules_empty_and_failed_documents(cleaned, cleaner):
    stats = json.loads((cleaned / "logs" / "stats.json").read_text())
    ours = next(s for s in stats if "clean-articles" in s["name"])["stats"]
    count = {k: (v["total"] if isinstance(v, dict) else v) for k, v in ours.items()}
    assert count["total"] == 9 and count["forwarded"] == 7 and count["dropped"] == 2
    assert count["dropped_empty"] == 1 and count["clean_error"] == 1
    hits: dict[str, int] = {}
    for docs in _shards():
        for doc in docs:
            if doc.text != BROKEN:
                for h in cleaner.clean(doc.text, html=doc.text.startswith("<")).hits:
                    hits[h.code] = hits.get(h.code, 0) + 1
    assert {k[len("hits_"):]: v for k, v in count.items() if k.startswith("hits_")} == hits


def test_the_step_pickles_as_its_config_for_worker_processes():
    import dill  # what datatrove's multiprocess executor sends steps with

    step = CleanArticles(Cleaner(select=("WS",)), input="text")
    back = dill.loads(dill.dumps(step))
    assert back.config == Config(select=("WS",)) and back.input == "text"
    doc = Document(text="Advertisement\n\nThe council  met on Tuesday to talk about the budget of the schools.", id="a")
    (out,) = back.run([doc])
    assert "Advertisement" in out.text and "council met" in out.text  # only the spacing rules ran
    with pytest.raises(TypeError, match="rule folders"):
        CleanArticles(Cleaner(rules=()))
    with pytest.raises(ValueError, match="input must be one of"):
        CleanArticles(input="htm")


def test_the_command_reads_the_datatrove_jsonl_gz(crawl, tmp_path, cleaner):
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, [str(crawl / "00000.jsonl.gz"), str(out), "-q"])
    assert res.exit_code == 0, res.output
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    source = _shards()[0]
    assert [d["id"] for d in docs] == [d.id for d in source]  # the command keeps empty documents
    for doc, src in zip(docs, source):
        assert doc["text"] == cleaner.clean(src.text, html=src.text.startswith("<")).text
        assert doc["metadata"]["url"] == src.metadata["url"] and doc["metadata"]["n"] == src.metadata["n"]


def test_budgets_drop_a_document_by_its_id():
    step = CleanArticles(max_bytes=20_000)
    seeds = [s.read_text(encoding="utf-8") for s in SEED_PATHS]
    docs = [Document(text=seeds[0], id="small"), Document(text=seeds[1] * 50, id="huge")]
    kept = list(step.run(iter(docs)))
    assert [d.id for d in kept] == ["small"]
    assert step.stats["clean_error"].total == 1

"""Dask: a bag, a DataFrame column and the --scheduler batch on a real local cluster,
compared byte for byte with the single-process output."""
from __future__ import annotations

import bz2
import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("dask.bag", reason="Dask is not installed (pip install '.[dask]')")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install '.[dask]')")

from cleaner.cli import main  # noqa: E402
from cleaner.run.totals import dumps  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _docs() -> list[dict]:
    return [{"id": f"{seed.stem}-{i}", "text": seed.read_text(encoding="utf-8"), "metadata": {"i": i}}
            for i in range(2) for seed in SEEDS]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def single_process(tmp_path_factory):
    """The JSONL input and its output from one process (`--jobs 1`)."""
    tmp = tmp_path_factory.mktemp("single")
    src = tmp / "in.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in _docs()), encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(tmp / "out.jsonl"), "--jobs", "1", "-q"])
    assert res.exit_code == 0, res.output
    return src, (tmp / "out.jsonl").read_bytes()


def test_bag_to_jsonl_matches_single_process(client, single_process, tmp_path):
    import dask.bag as db

    from cleaner.run.dask import clean_bag, to_jsonl

    bag = db.from_sequence(_docs(), npartitions=3)
    to_jsonl(clean_bag(bag), tmp_path / "out")
    parts = sorted((tmp_path / "out").glob("part-*.jsonl"))
    assert [p.name for p in parts] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert b"".join(p.read_bytes() for p in parts) == single_process[1]


def test_read_jsonl_round_trip(client, single_process, tmp_path):
    from cleaner.run.dask import clean_bag, read_jsonl

    got = clean_bag(read_jsonl(str(single_process[0]), blocksize=2000)).map(dumps).compute()
    assert "".join(line + "\n" for line in got).encode() == single_process[1]


def test_scheduler_option_matches_single_process(client, single_process, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(single_process[0].read_bytes() + b"{broken\n")
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out.jsonl"), "--scheduler", client.scheduler.address,
                                    "-q"])
    assert res.exit_code == 1, res.output
    assert f"{src}:{len(_docs()) + 1}: bad line: invalid JSON" in res.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == single_process[1]


def _frame(docs, npartitions=2):
    dd = pytest.importorskip("dask.dataframe", reason="dask.dataframe is not installed (pip install 'dask[dataframe]')")
    import pandas as pd

    return dd.from_pandas(pd.DataFrame({"id": [d["id"] for d in docs], "body": [d["text"] for d in docs]}),
                          npartitions=npartitions)


def test_dataframe_column(client, cleaner):
    from cleaner.run.dask import clean_dataframe

    docs = _docs()
    got = clean_dataframe(_frame(docs), "body").compute()
    results = [cleaner.clean(d["text"]) for d in docs]
    assert list(got["id"]) == [d["id"] for d in docs]
    assert list(got["body"]) == [r.text for r in results]
    assert set(got["article_language"]) == {"en"}
    assert [json.loads(h) for h in got["article_rule_hits"]] == [dict(Counter(h.code for h in r.hits)) for r in results]
    assert list(got["article_removed_share"]) == [r.metadata["removed_share"] for r in results]


def test_dataframe_to_parquet_writes_string_columns(client, cleaner, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from cleaner.run.dask import clean_dataframe

    docs = _docs()
    clean_dataframe(_frame(docs), "body").to_parquet(tmp_path / "out")
    got = pq.read_table(tmp_path / "out")
    strings = ["id", "body", "article_language", "article_page_type", "article_page_type_reason", "article_rule_hits", "article_title", "article_url",
               "article_byline", "article_agency", "article_date", "article_time"]
    for name in strings:
        assert pa.types.is_string(got.schema.field(name).type) or pa.types.is_large_string(
            got.schema.field(name).type), (name, got.schema.field(name).type)
    assert got.schema.field("article_removed_share").type == pa.float64()
    assert got.column("body").to_pylist() == [cleaner.clean(d["text"]).text for d in docs]
    # The metadata rules read a line of some documents and none of others: "" (one schema: no
    # nulls), not missing columns.
    agencies = got.column("article_agency").to_pylist()
    assert "" in agencies and any(agencies) and None not in agencies


def test_dataframe_refuses_to_overwrite_a_column(client):
    import pandas as pd

    dd = pytest.importorskip("dask.dataframe")
    from cleaner.run.dask import clean_dataframe

    with pytest.raises(ValueError, match="article_language"):
        clean_dataframe(dd.from_pandas(pd.DataFrame({"text": ["x"], "article_language": ["en"]}), npartitions=1))


@pytest.mark.parametrize("suffix, opener", [(".jsonl.gz", gzip.open), (".jsonl.bz2", bz2.open)])
def test_read_jsonl_compressed(client, single_process, tmp_path, suffix, opener):
    from cleaner.run.dask import clean_bag, read_jsonl

    src = tmp_path / f"in{suffix}"
    with opener(src, "wb") as fh:
        fh.write(single_process[0].read_bytes())
    bag = read_jsonl(str(src))
    assert bag.npartitions == 1  # a compressed file is not split
    got = clean_bag(bag).map(dumps).compute()
    assert "".join(line + "\n" for line in got).encode() == single_process[1]

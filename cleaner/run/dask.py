"""Dask: clean a bag of documents or a DataFrame text column on a cluster.

Optional: ``pip install 'clean-articles[dask]'``.  Each worker process builds its
:class:`~cleaner.pipeline.Cleaner` once (a Cleaner pickles as its config), on the first
partition it cleans::

    import dask.bag as db
    from cleaner.run.dask import clean_bag, to_jsonl
    docs = db.read_text("pages-*.jsonl").map(json.loads)
    to_jsonl(clean_bag(docs), "out/")           # out/part-00000.jsonl, ...

The output of a document is the same bytes as with ``clean-articles`` on one core
(:func:`cleaner.run.totals.dumps`).  For one JSONL file in, one out, in order, with bad lines
reported by number, the command takes ``--scheduler ADDRESS``
(:func:`cleaner.run.jsonl.run_jsonl` with the cluster's executor).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import dask.bag as db
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError("cleaner.run.dask needs Dask: pip install 'clean-articles[dask]'") from exc

from cleaner.pipeline import Cleaner, default_cleaner, result_metadata
from cleaner.run.totals import dumps

if TYPE_CHECKING:
    import dask.dataframe as dd


def _clean_partition(docs, cleaner: Cleaner, text_field: str) -> list[dict]:
    return [cleaner.clean_doc(doc, text_field)[0] for doc in docs]


def clean_bag(bag: db.Bag, cleaner: Cleaner | None = None, *, text_field: str = "text") -> db.Bag:
    """A bag of cleaned ``{id, text, metadata}`` dicts, partition for partition.

    A document without a string text field fails its partition with
    :class:`cleaner.pipeline.BadDocument` (filter first if the input may hold such)."""
    return bag.map_partitions(_clean_partition, cleaner or default_cleaner(), text_field)


def to_jsonl(bag: db.Bag, out_dir: Path | str, **compute) -> list[str]:
    """Write a bag of documents as ``out_dir/part-NNNNN.jsonl``, one partition a file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return bag.map(dumps).to_textfiles(str(out / "part-*.jsonl"), name_function=lambda i: f"{i:05d}",
                                       encoding="utf-8", last_endline=True, **compute)


def read_jsonl(paths, blocksize: int | str | None = "64MiB") -> db.Bag:
    """A bag of documents from JSONL files (a glob or a list); blank lines are skipped."""
    lines = db.read_text(paths, blocksize=blocksize, encoding="utf-8")
    return lines.filter(lambda line: line.strip() != "").map(json.loads)


def _clean_frame(frame, cleaner: Cleaner, column: str):
    frame = frame.copy()
    results = [cleaner.clean(text) for text in frame[column]]
    frame[column] = [r.text for r in results]
    frame["language"] = [r.language for r in results]
    frame["clean_metadata"] = [json.dumps(result_metadata(r), ensure_ascii=False) for r in results]
    return frame


def clean_dataframe(df: "dd.DataFrame", column: str = "text", cleaner: Cleaner | None = None) -> "dd.DataFrame":
    """``df`` (needs ``dask[dataframe]``) with ``column`` cleaned, plus ``language`` and ``clean_metadata`` (a JSON
    string: hits per rule, removed share, byline, agency, date) columns."""
    meta = df._meta.copy()
    meta["language"] = meta[column].astype(object)
    meta["clean_metadata"] = meta[column].astype(object)
    return df.map_partitions(_clean_frame, cleaner or default_cleaner(), column, meta=meta)

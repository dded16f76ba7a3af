"""Dask: clean a bag of documents or a DataFrame text column on a cluster.

Optional: ``pip install 'clean-articles[dask]'``.  Each worker process builds its
:class:`~cleaner.pipeline.Cleaner` once (a Cleaner pickles as its config), on the first
partition it cleans::

    import dask.bag as db
    from cleaner.run.dask import clean_bag, to_jsonl
    docs = db.read_text("pages-*.jsonl").map(json.loads)
    to_jsonl(clean_bag(docs), "out/")           # out/part-00000.jsonl, ...

    import dask.dataframe as dd
    from cleaner.run.dask import clean_dataframe
    clean_dataframe(dd.read_parquet("pages/")).to_parquet("clean/")   # the text column cleaned

The output of a document is the same bytes as with ``clean-articles`` on one core
(:func:`cleaner.run.totals.dumps`).  For one JSONL file in, one out, in order, with bad lines
reported by number, the command takes ``--scheduler ADDRESS``
(:func:`cleaner.run.stream.run_stream` with the cluster's executor).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import dask.bag as db
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError("cleaner.run.dask needs Dask: pip install 'clean-articles[dask]'") from exc

from cleaner.pipeline import Cleaner, default_cleaner
from cleaner.run.readers import is_compressed
from cleaner.run.schema import ADDED, TEXT_TYPE, added_values, collisions
from cleaner.run.totals import dumps

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pyarrow as pa


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
    """A bag of documents from JSONL files (a glob or a list); blank lines are skipped.

    Compressed files (``.jsonl.gz``, ``.bz2``, ``.xz``, ``.zst``) are decompressed by their
    name; they cannot be split, so each is one partition (``blocksize`` applies to the
    plain files only when no name is compressed)."""
    names = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if any(is_compressed(str(name)) for name in names):
        blocksize = None
    lines = db.read_text(paths if isinstance(paths, str) else [str(n) for n in names], blocksize=blocksize,
                         compression="infer", encoding="utf-8")
    return lines.filter(lambda line: line.strip() != "").map(json.loads)


def _dtype(arrow_type: "pa.DataType"):
    """The pandas dtype of a column of :mod:`cleaner.run.schema`: pyarrow-backed strings
    (``string[pyarrow]``: Dask's stand-in values are strings, so ``to_parquet`` writes
    strings), floats as they are."""
    import pandas as pd

    return pd.StringDtype("pyarrow") if arrow_type == TEXT_TYPE else arrow_type.to_pandas_dtype()


def _clean_frame(frame, cleaner: Cleaner, column: str, input: str):
    import pandas as pd

    results = [cleaner.clean_doc({column: text}, column, input=input)[1] for text in frame[column]]
    rows = [added_values(r) for r in results]
    frame = frame.copy()
    frame[column] = pd.Series([r.text for r in results], index=frame.index, dtype=_dtype(TEXT_TYPE))
    for f in ADDED:
        frame[f.name] = pd.Series([row[f.name] for row in rows], index=frame.index, dtype=_dtype(f.type))
    return frame


def clean_dataframe(df: "dd.DataFrame", column: str = "text", cleaner: Cleaner | None = None, *,
                    input: str = "auto") -> "dd.DataFrame":
    """``df`` (needs ``dask[dataframe]``) with ``column`` cleaned (HTML or text by content, or
    as ``input`` says) and the columns of :mod:`cleaner.run.schema` added, every text column a
    pyarrow-backed string: ``clean_dataframe(df).to_parquet("out/")`` writes the same schema
    as ``clean-articles in.parquet out.parquet``.

    A row whose ``column`` is not a string fails its partition with
    :class:`cleaner.pipeline.BadDocument`; a frame that already has a column the clean adds
    is refused (``ValueError``) rather than overwritten."""
    import pandas as pd

    taken = collisions(df.columns)
    if taken:
        raise ValueError(f"the frame already has the column(s) {', '.join(taken)} that the clean adds; rename them")
    meta = df._meta.copy()
    meta[column] = meta[column].astype(_dtype(TEXT_TYPE))
    for f in ADDED:
        meta[f.name] = pd.Series(dtype=_dtype(f.type), index=meta.index)
    return df.map_partitions(_clean_frame, cleaner or default_cleaner(), column, input, meta=meta)

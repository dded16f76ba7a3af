"""The columns a clean adds to a table: one fixed schema for Parquet files and Dask DataFrames.

Every cleaned row gets the same columns, whatever rules fired, so tables from different
runs, shards or workers concatenate without casting:

=============================  =======  ==========================================
column                         type     what
=============================  =======  ==========================================
``article_language``           string   the language the rules ran for (``en``...)
``article_page_type``          string   ``article``, ``forum``, ``listing``... (""
                                        when the page-type rule is off or the text
                                        is too short)
``article_page_type_confidence`` float64  the content model's probability of that
                                        type (0.0 when the rules decided it)
``article_page_type_reason``   string   why the page got that type
``article_removed_share``      float64  share of the input text removed (0.0 - 1.0)
``article_rule_hits``          string   JSON object of hits per rule code, sorted
                                        by code: ``{"BP101":2,"WS001":1}``; ``{}``
``article_title``              string   the headline kept at the top of the text
``article_url``                string   HTML: the page's canonical (or og:) URL
``article_byline``             string   read by the metadata rules from a removed line
``article_agency``             string   likewise (a news agency credit)
``article_date``               string   likewise, as written on the page
``article_time``               string   likewise
``article_input_chars``        int64    characters of the decoded input
``article_input_size``         int64    bytes of the input, decompressed
=============================  =======  ==========================================

No value is ever null: a string the page did not give is ``""``.  These are the fields of
:func:`cleaner.pipeline.result_metadata`, the same names and types in a JSONL or WARC
record's metadata and in the documents of the datatrove, datasets and NeMo adapters.
A JSONL or WARC record written to Parquet becomes a row of :data:`RECORD` (its id, its
metadata and its other fields as JSON text), the text column and these.

The text column itself becomes ``string`` (the clean text); every other column of the
input passes through unchanged.  Every added name is prefixed ``article_``, so a crawl's
own ``url``, ``date`` (the fetch) or ``language`` columns stand beside the article's.  Fields
that a custom rule pack's ``extract`` patterns read under other names are in the JSONL
output's metadata (prefixed likewise), not here.
An input that already has a column of one of these names is refused (its values would
be lost): rename it first.
"""
from __future__ import annotations

import pyarrow as pa

from cleaner.model import CleanResult
from cleaner.pipeline import ARTICLE_FIELDS, result_metadata

ADDED = pa.schema([
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
TEXT_TYPE = pa.string()
assert tuple(ADDED.names) == ARTICLE_FIELDS, "one schema: the columns are the fields every record gets"
# A JSONL or WARC record written as a table row: its id, the text, and the rest of the
# record as JSON text (its metadata object; its other fields), so nothing is lost and the
# schema does not depend on what the records hold.
RECORD = pa.schema([pa.field("id", pa.string()), pa.field("metadata", pa.string(), nullable=False),
                    pa.field("fields", pa.string(), nullable=False)])


def added_values(result: CleanResult) -> dict:
    """The values of the :data:`ADDED` columns for one cleaned document."""
    meta = result_metadata(result)
    return {name: meta[name] for name in ADDED.names}


def collisions(columns) -> list[str]:
    """Input columns that have the name of an added column (in the table's order)."""
    added = set(ADDED.names)
    return [c for c in columns if c in added]


def output_schema(schema: pa.Schema, text_field: str) -> pa.Schema:
    """The schema of a table cleaned from one of ``schema``: its columns in their order,
    the text column as ``string`` (appended when the page came from another column), then
    :data:`ADDED`.  The input's schema-level metadata (a pandas index, dataset features)
    describes the input's columns and is not carried over."""
    fields = [pa.field(f.name, TEXT_TYPE, metadata=f.metadata) if f.name == text_field else f for f in schema]
    if text_field not in schema.names:
        fields.append(pa.field(text_field, TEXT_TYPE))
    return pa.schema(fields + list(ADDED))

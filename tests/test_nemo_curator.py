"""NeMo Curator: our DocumentModifier in NeMo's own Modify stage, between its JSONL reader
and writer stages (each stage's ``process``, as an executor's worker calls it; no Ray
cluster is started)."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

modifiers = pytest.importorskip(
    "nemo_curator.stages.text.modifiers",
    reason="NeMo Curator is not importable (without torch: pip install 'ray>=2.57' regex, then "
           "pip install --no-deps nemo-curator==1.4.0 cosmos-xenna==0.2.0)")

from nemo_curator.stages.text.io.reader.jsonl import JsonlReaderStage  # noqa: E402
from nemo_curator.stages.text.io.writer import JsonlWriter  # noqa: E402
from nemo_curator.tasks import FileGroupTask  # noqa: E402

from cleaner.integrations.nemo_curator import CleanArticle  # noqa: E402
from cleaner.pipeline import BadDocument, Cleaner, Config  # noqa: E402
from record_pages import BUDGET_HTML, SEED_TEXTS  # noqa: E402

SEEDS = SEED_TEXTS
HTML = BUDGET_HTML
PAGES = [*SEEDS, HTML]


def test_modify_stage_cleans_the_text_column_between_reader_and_writer(tmp_path, cleaner):
    src = tmp_path / "pages.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": p, "url": f"https://example.org/{i}"}) + "\n"
                           for i, p in enumerate(PAGES)), encoding="utf-8")
    batch = JsonlReaderStage().process(FileGroupTask(dataset_name="pages", data=[str(src)]))
    modify = modifiers.Modify(CleanArticle(), input_fields="text")
    assert modify.name == "CleanArticle"
    cleaned = modify.process(batch)
    files = JsonlWriter(str(tmp_path / "out")).process(cleaned)
    rows = [json.loads(line) for f in files.data for line in Path(f).read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [f"d{i}" for i in range(len(PAGES))]
    assert [r["url"] for r in rows] == [f"https://example.org/{i}" for i in range(len(PAGES))]
    assert [r["text"] for r in rows] == [cleaner.clean(p, html=p.startswith("<")).text for p in PAGES]
    assert "Share this article" not in rows[-1]["text"]


def test_the_modifier_pickles_as_its_config():
    mod = CleanArticle(Cleaner(select=("WS",)), input="text")
    back = pickle.loads(pickle.dumps(mod))
    assert back.config == Config(select=("WS",)) and len(pickle.dumps(mod)) < 1000
    assert back.modify_document("Advertisement\n\nThe council  met.") == "Advertisement\n\nThe council met.\n"
    with pytest.raises(BadDocument):
        back.modify_document(None)
    with pytest.raises(ValueError, match="input must be one of"):
        CleanArticle(input="htm")

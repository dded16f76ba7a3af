"""One record stream: any reader with any writer, one record schema on every path, the
review options and budgets for every format, and the progress bar on a terminal."""
from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("fastwarc")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from cleaner.cli import main  # noqa: E402
from cleaner.pipeline import ARTICLE_FIELDS  # noqa: E402
from record_pages import BUDGET_HTML, SEED_TEXTS  # noqa: E402
from test_batch_budgets import KILL, SLOW, deadly  # noqa: E402,F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*SEED_TEXTS, BUDGET_HTML]
NUMBERS = {"article_removed_share": float, "article_page_type_confidence": float, "article_input_chars": int,
           "article_input_size": int}
TYPES = {name: NUMBERS.get(name, str) for name in ARTICLE_FIELDS}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write_jsonl(path: Path, pages=PAGES) -> None:
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": p, "metadata": {"n": i}, "url": f"u{i}"}) + "\n"
                            for i, p in enumerate(pages)), encoding="utf-8")


def write_parquet(path: Path, pages=PAGES) -> None:
    pq.write_table(pa.table({"id": [f"d{i}" for i in range(len(pages))], "text": pages,
                             "n": list(range(len(pages)))}), path)


def write_warc(path: Path, pages=PAGES) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        for i, page in enumerate(pages):
            ctype = "text/html; charset=utf-8" if page.startswith("<") else "text/plain; charset=utf-8"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(f"https://example.org/{i}", "response",
                                            payload=__import__("io").BytesIO(page.encode("utf-8")),
                                            http_headers=http)
            writer.write_record(rec)


WRITE = {"jsonl": write_jsonl, "parquet": write_parquet, "warc": write_warc}
SUFFIX = {"jsonl": ".jsonl", "parquet": ".parquet", "warc": ".warc"}


def read_records(path: Path) -> list[dict]:
    """Each record's added fields, wherever the format keeps them, and its text."""
    if path.suffix == ".parquet":
        rows = pq.read_table(path).to_pylist()
        return [{**{k: r[k] for k in r if k.startswith("article_")}, "text": r["text"]} for r in rows]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if rows and "metadata" in rows[0]:
        return [{**{k: v for k, v in r["metadata"].items() if k.startswith("article_")}, "text": r["text"]}
                for r in rows]
    return [{**{k: r[k] for k in r if k.startswith("article_")}, "text": r["text"]} for r in rows]


@pytest.mark.parametrize("src_kind", ["jsonl", "parquet", "warc"])
@pytest.mark.parametrize("dest_suffix", [".jsonl", ".jsonl.gz", ".parquet"])
def test_any_reader_with_any_writer(tmp_path, cleaner, src_kind, dest_suffix):
    src, dest = tmp_path / f"in{SUFFIX[src_kind]}", tmp_path / f"out{dest_suffix}"
    WRITE[src_kind](src)
    res = run(src, dest, "-q", "-j", "1")
    assert res.exit_code == 0, res.output
    if dest_suffix == ".jsonl.gz":
        import gzip
        plain = tmp_path / "unpacked.jsonl"
        plain.write_bytes(gzip.decompress(dest.read_bytes()))
        dest = plain
    got = read_records(dest)
    assert [r["text"] for r in got] == [cleaner.clean(p, html=p.startswith("<")).text for p in PAGES]
    assert [r["article_language"] for r in got] == [cleaner.clean(p, html=p.startswith("<")).language
                                                    for p in PAGES]
    if dest.suffix == ".parquet" and src_kind != "parquet":  # the rest of the record, as JSON text
        rows = pq.read_table(dest).to_pylist()
        assert [r["id"] for r in rows][:1] == (["d0"] if src_kind == "jsonl" else [rows[0]["id"]])
        if src_kind == "jsonl":
            assert json.loads(rows[1]["metadata"]) == {"n": 1} and json.loads(rows[1]["fields"]) == {"url": "u1"}
        else:
            assert json.loads(rows[0]["metadata"])["url"] == "https://example.org/0"


def _adapter_fields(cleaner) -> dict[str, list[dict]]:
    """The added fields of every page by the Python paths: clean_doc, Dask, datatrove, datasets."""
    out = {"clean_doc": [{k: v for k, v in cleaner.clean_doc({"text": p})[0]["metadata"].items()}
                         for p in PAGES]}
    try:
        import dask.bag as db

        from cleaner.run.dask import clean_bag
        docs = clean_bag(db.from_sequence([{"text": p} for p in PAGES], npartitions=2), cleaner)
        out["dask"] = [d["metadata"] for d in docs.compute(scheduler="synchronous")]
    except ImportError:
        pass
    try:
        from datatrove.data import Document

        from cleaner.integrations.datatrove import CleanArticles
        step = CleanArticles()
        out["datatrove"] = [dict(d.metadata) for d in step.run(iter(Document(text=p, id=str(i))
                                                                  for i, p in enumerate(PAGES)))]
    except ImportError:
        pass
    try:
        from cleaner.integrations.hf import clean_function
        out["datasets"] = [clean_function()({"text": p}) for p in PAGES]
    except ImportError:
        pass
    return out


def test_one_schema_on_every_path(tmp_path, cleaner):
    """The same added fields, in the same order, of the same types and values, whatever
    the path: the command's JSONL, WARC and Parquet outputs and the Python adapters."""
    paths = {}
    for kind in ("jsonl", "parquet", "warc"):
        for suffix in (".jsonl", ".parquet"):
            src, dest = tmp_path / f"in-{kind}{SUFFIX[kind]}", tmp_path / f"out-{kind}{suffix}"
            WRITE[kind](src)
            assert run(src, dest, "-q", "-j", "1").exit_code == 0
            paths[f"cli {kind}->{suffix}"] = [{k: v for k, v in r.items() if k != "text"} for r in read_records(dest)]
    paths.update(_adapter_fields(cleaner))
    assert {"dask", "datatrove", "datasets"} <= set(paths)
    reference = paths["cli jsonl->.jsonl"]
    for name, records in paths.items():
        assert len(records) == len(PAGES), name
        for record in records:
            added = [k for k in record if k.startswith("article_")]
            assert added == list(ARTICLE_FIELDS), (name, added)
            assert {k: type(record[k]) for k in added} == TYPES, name
        assert [{k: r[k] for k in ARTICLE_FIELDS} for r in records] == reference, name


@pytest.mark.parametrize("kind", ["jsonl", "warc"])
def test_review_options_on_record_inputs(tmp_path, kind):
    src, dest, report = tmp_path / f"in{SUFFIX[kind]}", tmp_path / "out.jsonl", tmp_path / "review.html"
    WRITE[kind](src)
    res = run(src, dest, "-q", "-j", "1", "--report", report, "--explain", "--diff")
    assert res.exit_code == 0, res.output
    name = f"{src}:2" if kind == "jsonl" else f"{src}#record 2"
    html = report.read_text(encoding="utf-8")
    assert name in html
    assert f"== {name} (" in res.stdout  # --explain
    assert "@@" in res.stdout and "Advertisement" in res.stdout or "-" in res.stdout  # --diff


def test_diff_goes_to_stderr_when_the_records_go_to_stdout(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src)
    res = run(src, "-", "-q", "-j", "1", "--explain")
    assert res.exit_code == 0
    assert all(json.loads(line) for line in res.stdout.splitlines())  # stdout holds records only
    assert f"== {src}:1 (" in res.stderr


def _pages_with(marker: bytes, at: int, n: int = 12) -> list[str]:
    pages = [SEED_TEXTS[i % len(SEED_TEXTS)] for i in range(n)]
    pages[at] = pages[at] + "\n" + marker.decode() + "\n"
    return pages


@pytest.mark.parametrize("kind", ["jsonl", "parquet", "warc"])
def test_max_bytes_on_every_format(tmp_path, kind):
    pages = [SEED_TEXTS[0], SEED_TEXTS[1] * 40, SEED_TEXTS[2]]
    src, dest = tmp_path / f"in{SUFFIX[kind]}", tmp_path / "out.jsonl"
    WRITE[kind](src, pages)
    res = run(src, dest, "-j", "1", "--max-bytes", 20_000)
    assert res.exit_code == 1, res.output
    position = {"jsonl": ":2: bad line: ", "parquet": "#row 1: ", "warc": "#record 2 (https://example.org/1): "}[kind]
    assert f"{src}{position}larger than --max-bytes 20000" in res.stderr, res.stderr
    assert len(dest.read_text().splitlines()) == 2


@pytest.mark.parametrize("kind", ["jsonl", "parquet", "warc"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_timeout_on_every_format(tmp_path, deadly, kind, jobs):
    src, dest = tmp_path / f"in{SUFFIX[kind]}", tmp_path / "out.jsonl"
    WRITE[kind](src, _pages_with(SLOW, 3))
    started = time.monotonic()
    res = run(src, dest, "-j", jobs, "--timeout", 1)
    assert time.monotonic() - started < 25
    assert res.exit_code == 1, res.output
    failed = [ln for ln in res.stderr.splitlines() if "took longer than" in ln]
    assert len(failed) == 1, res.stderr
    assert len(dest.read_text().splitlines()) == 11


@pytest.mark.parametrize("kind", ["jsonl", "parquet", "warc"])
def test_a_dead_worker_is_one_failure_on_every_format(tmp_path, deadly, kind):
    """A worker killed mid-record (the OOM killer) is that record's failure, named by its
    position; every other record is written as a run without it writes it."""
    src, dest = tmp_path / f"in{SUFFIX[kind]}", tmp_path / "out.jsonl"
    pages = _pages_with(KILL, 5, n=40)
    WRITE[kind](src, pages)
    res = run(src, dest, "-j", "2")
    assert res.exit_code == 1, res.output
    assert "worker died (killed by signal 9)" in res.stderr, res.stderr
    position = {"jsonl": ":6: bad line: ", "parquet": "#row 5: ", "warc": "#record 6 (https://example.org/5): "}[kind]
    assert f"{src}{position}worker died" in res.stderr, res.stderr
    got = read_records(dest)
    assert len(got) == 39
    ref_src, ref = tmp_path / f"ref{SUFFIX[kind]}", tmp_path / "ref-out.jsonl"
    WRITE[kind](ref_src, [p for i, p in enumerate(pages) if i != 5])
    assert run(ref_src, ref, "-j", "1", "-q").exit_code == 0
    assert [r["text"] for r in got] == [r["text"] for r in read_records(ref)]


def test_resume_of_another_input_starts_from_the_top(tmp_path):
    src, dest = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src)
    checkpoint = tmp_path / ".out.jsonl.checkpoint"
    checkpoint.write_text(json.dumps({"format": 1, "key": {"input": "elsewhere"}, "temp": "x"}) + "\n")
    res = run(src, dest, "-j", "1", "--resume")
    assert res.exit_code == 0, res.output
    assert "nothing to resume (the input, the rules or the options changed" in res.stderr
    assert not checkpoint.exists() and len(dest.read_text().splitlines()) == len(PAGES)


def test_resume_needs_files(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src)
    res = run(src, "-", "--resume")
    assert res.exit_code == 2 and "--resume needs IN and OUT files" in res.output


def test_the_bar_shows_an_eta_on_a_terminal(tmp_path):
    """Under a pseudo-terminal the bar runs over the input's bytes, with count, rate and
    ETA; in a pipe it prints nothing."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, PAGES * 40)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows, 120 columns
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", str(src), str(tmp_path / "out.jsonl"), "-j", "1"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, env=env, cwd=ROOT)
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 4096)
        except OSError:  # the other end closed
            break
        if not data:
            break
        shown += data
    proc.wait(timeout=60)
    os.close(leader)
    text = shown.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert re.search(r"cleaning: +\d+%\|.*\| [\d.]+k?B?/[\d.]+[kM]?B? \[\d\d:\d\d<\d\d:\d\d, .*docs\]", text), text
    assert "100%" in text
    piped = subprocess.run([sys.executable, "-m", "cleaner", str(src), str(tmp_path / "out2.jsonl"), "-j", "1"],
                           capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert piped.returncode == 0 and "%|" not in piped.stderr.decode()


def test_a_missing_extra_names_the_install_that_works(monkeypatch, tmp_path):
    from importlib import metadata

    from cleaner.run import extras

    class Dist:
        def __init__(self, direct):
            self.direct = direct

        def read_text(self, name):
            return None if self.direct is None else json.dumps(self.direct)

    cases = [
        (None, "pip install 'clean-articles[warc]'"),  # from an index
        ({"url": "https://files.example/clean_articles-0.1.0.whl", "archive_info": {}},
         "pip install 'clean-articles[warc]'"),
        ({"url": f"file://{tmp_path}", "dir_info": {"editable": True}}, "pip install -e '.[warc]'"),
        ({"url": f"file://{tmp_path}", "dir_info": {}}, "pip install '.[warc]'"),
    ]
    monkeypatch.chdir(tmp_path)
    for direct, want in cases:
        monkeypatch.setattr(metadata, "distribution", lambda name, d=direct: Dist(d))
        assert extras.install_command("warc") == want, direct


def test_the_main_help_lists_the_batch_options():
    res = CliRunner().invoke(main, ["--help"], prog_name="clean-articles")
    assert res.exit_code == 0
    for option in ("--jobs", "--report", "--profile", "--resume", "--hits", "--max-bytes", "--format"):
        assert option in res.output, option
    assert "Usage: clean-articles IN OUT [OPTIONS] | COMMAND" in res.output

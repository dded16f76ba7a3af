"""Documents as streams: clean_iter, JSONL in and out, bad lines, and --jobs identity."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.run import readers, work as parallel
from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
PAGE = ("Big Story\n\nBy Jane Doe and John Roe\n\n4 May 2023 - 08:15 AFP\n\nAdvertisement\n\n"
        "The body of the story goes on here, as bodies do, and on and on with more words of the text.\n")


def _docs(n_rounds: int = 3) -> list[dict]:
    return [{"id": f"{seed.stem}-{i}", "text": seed.read_text(encoding="utf-8"), "metadata": {"round": i},
             "url": f"https://example.com/{i}"} for i in range(n_rounds) for seed in SEEDS]


def _write_jsonl(path: Path, docs, extra_lines=()) -> None:
    lines = [json.dumps(d, ensure_ascii=False) for d in docs]
    for at, line in extra_lines:
        lines.insert(at, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two documents, so a handful of seeds already spreads over the pool."""
    monkeypatch.setattr(readers, "JSONL_CHUNK", 2)
    monkeypatch.setattr(parallel, "FILES_CHUNK", 2)


def test_clean_iter_passes_fields_through_and_adds_metadata(cleaner):
    docs = [{"id": "a", "text": PAGE, "metadata": {"source": "crawl", "date": "2024-01-02T03:04:05Z"}, "url": "u"}]
    (out,) = list(cleaner.clean_iter(iter(docs)))
    assert out["id"] == "a" and out["url"] == "u"
    assert out["text"] == cleaner.clean(PAGE).text
    meta = out["metadata"]
    assert meta["source"] == "crawl"
    assert meta["article_language"] == "en"
    hits = json.loads(meta["article_rule_hits"])
    assert hits["MD105"] == 1 and hits["AD201"] == 1
    assert meta["article_byline"] == "Jane Doe and John Roe"
    assert meta["article_agency"] == "AFP" and meta["article_date"] == "4 May 2023" and meta["article_time"] == "08:15"
    assert meta["date"] == "2024-01-02T03:04:05Z", "the crawl's own date was overwritten"
    assert docs[0]["text"] == PAGE and docs[0]["metadata"]["source"] == "crawl" and "language" not in docs[0]["metadata"], \
        "input dict was changed"


def test_clean_iter_is_lazy(cleaner):
    def endless():
        while True:
            yield {"id": "x", "text": PAGE}

    it = cleaner.clean_iter(endless())
    assert next(it)["id"] == "x" and next(it)["id"] == "x"


def test_clean_iter_other_text_field(cleaner):
    (out,) = cleaner.clean_iter([{"body": PAGE}], text_field="body")
    assert out["body"] == cleaner.clean(PAGE).text and "text" not in out


@pytest.mark.parametrize("code, line, expected", [
    ("MD101", "Published: 3 March 2021", {"date": "3 March 2021"}),
    ("MD101", "Updated March 3, 2021, 10:15 a.m. ET", {"date": "March 3, 2021", "time": "10:15 a.m. ET"}),
    ("MD101", "12.05.2022", {"date": "12.05.2022"}),
    ("MD101", " date 2023-04-01 ×", {"date": "2023-04-01"}),
    ("MD102", "March 3, 2021 10:15 AM Reuters", {"date": "March 3, 2021", "time": "10:15 AM", "agency": "Reuters"}),
    ("MD102", "12 January 2020 | 14:02", {"date": "12 January 2020", "time": "14:02"}),
    ("MD103", "By The Associated Press.", {"agency": "The Associated Press"}),
    ("MD105", "By Jane Doe and John Roe", {"byline": "Jane Doe and John Roe"}),
])
def test_metadata_fields_come_from_the_rules_extract_patterns(cleaner, code, line, expected):
    assert cleaner.by_code[code].fields(line) == expected


def test_metadata_only_from_removed_lines(cleaner):
    kept = cleaner.clean("Title\n\nReuters reported the deal on Monday, citing two sources close to the talks.\n")
    assert "agency" not in kept.metadata


def test_clean_and_clean_iter_give_the_same_metadata(cleaner):
    page = "Storm hits the coast\n\nBy Jane Doe and John Roe\n\n" + PAGE
    result = cleaner.clean(page)
    (doc,) = cleaner.clean_iter([{"id": "a", "text": page}])
    assert result.metadata["byline"] == "Jane Doe and John Roe"
    assert {k: doc["metadata"]["article_" + k] for k in result.metadata} == result.metadata


def test_a_user_rule_can_feed_metadata(tmp_path):
    from cleaner.pipeline import Cleaner

    (tmp_path / "user.toml").write_text("""[[rule]]
code = "US101"
name = "user.editor-line"
kind = "drop-block"
pattern = '^Edited by [A-Z][a-z]+ [A-Z][a-z]+$'
extract = '^Edited by (?P<editor>.+)$'
message = "editor credit"
examples.hit = ["Edited by Ann Lee"]
examples.keep = ["The book was edited by hand."]
""", encoding="utf-8")
    result = Cleaner([tmp_path]).clean("Storm hits the coast\n\nEdited by Ann Lee\n\n" + PAGE)
    assert result.metadata["editor"] == "Ann Lee"


def test_clean_html_keyword_works_as_the_readme_says():
    from cleaner import clean

    result = clean(b"<html><body><h1>Storm</h1><p>" + PAGE.encode() + b"</p></body></html>", html=True)
    assert "Storm" in result.text and result.language


def test_jsonl_cli_bad_lines_reported_and_stream_goes_on(tmp_path):
    docs = _docs(1)
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, docs, [(1, "{not json"), (3, '{"id": "no-text"}'), (4, ""), (5, '["a list"]')])
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out.jsonl"), "--jobs", "1", "-q"])
    assert res.exit_code == 1, res.output
    assert f"{src}:2: bad line: invalid JSON" in res.stderr
    assert f"{src}:4: bad line: text field 'text' missing" in res.stderr
    assert f"{src}:6: bad line: not a JSON object" in res.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in out] == [d["id"] for d in docs]


def test_jsonl_cli_text_field_and_format(tmp_path):
    src = tmp_path / "in.txt"   # not a .jsonl name: --format says so
    src.write_text(json.dumps({"id": 1, "content": PAGE}) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "o.txt"), "--format", "jsonl",
                                    "--text-field", "content", "-q"])
    assert res.exit_code == 0, res.output
    (doc,) = [json.loads(line) for line in (tmp_path / "o.txt").read_text(encoding="utf-8").splitlines()]
    assert "Advertisement" not in doc["content"] and doc["metadata"]["article_agency"] == "AFP"


def test_jsonl_stdin_stdout(tmp_path):
    data = "".join(json.dumps(d) + "\n" for d in _docs(1))
    res = CliRunner().invoke(main, ["-", "-", "-q"], input=data)
    assert res.exit_code == 0, res.stderr
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == [d["id"] for d in _docs(1)]


def test_jsonl_jobs_output_is_byte_identical(tmp_path, small_chunks):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, _docs(3), [(4, "{bad")])
    outs = []
    for jobs in ("1", "2"):
        res = CliRunner().invoke(main, [str(src), str(tmp_path / f"out{jobs}.jsonl"), "--jobs", jobs, "-q",
                                        "--hits", str(tmp_path / f"hits{jobs}.jsonl")])
        assert res.exit_code == 1 and ":5: bad line" in res.stderr
        outs.append((tmp_path / f"out{jobs}.jsonl").read_bytes() + (tmp_path / f"hits{jobs}.jsonl").read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 2 * 3 * len(SEEDS)


def test_folder_jobs_output_is_byte_identical(tmp_path, small_chunks):
    src = tmp_path / "in"
    for i in range(3):
        for seed in SEEDS:
            (src / f"d{i}").mkdir(parents=True, exist_ok=True)
            (src / f"d{i}" / seed.name).write_bytes(seed.read_bytes())
        paras = "".join(f"<p>{line}</p>" for line in PAGE.splitlines() if line)
        (src / f"d{i}" / "page.html").write_text(
            f"<html><body><nav><a href='/'>Home</a></nav><article>{paras}</article></body></html>", encoding="utf-8")
    trees = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        res = CliRunner().invoke(main, [str(src), str(out), "--jobs", jobs, "-q", "--hits", str(tmp_path / f"h{jobs}")])
        assert res.exit_code == 0, res.output
        trees.append(({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.txt"))},
                      (tmp_path / f"h{jobs}").read_bytes()))
    assert len(trees[0][0]) == 3 * (len(SEEDS) + 1)
    assert b"Home" not in trees[0][0][Path("d0/page.txt")], "HTML pages are cleaned as HTML"
    assert trees[0] == trees[1]


def test_clean_iter_parallel_matches_serial(cleaner):
    docs = _docs(2)
    assert list(parallel.clean_iter_parallel(docs, jobs=2, chunk=2)) == list(cleaner.clean_iter(docs))


def test_pipe_streams_through_a_real_process(tmp_path):
    """`cat x.jsonl | clean-articles - - | next-step`: output comes out before the input ends."""
    n = readers.JSONL_CHUNK + 1    # one full chunk, stdin still open
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "-", "-", "-q", "--jobs", "1"], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for i in range(n):
            proc.stdin.write((json.dumps({"id": i, "text": PAGE}) + "\n").encode())
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["id"] == 0
    finally:
        proc.stdin.close()
        rest = proc.stdout.read()
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()
    assert rest.count(b"\n") == n - 1


def test_progress_shows_docs_per_second_only_when_enabled():
    import io

    from cleaner.run.progress import Progress

    shown, hidden = io.StringIO(), io.StringIO()
    for buf, enabled in ((shown, True), (hidden, None)):  # None: a StringIO is no terminal
        with Progress("cleaning", 3, enabled=enabled, file=buf, every=0) as bar:
            bar.update(3)
    assert "cleaning: 100%" in shown.getvalue() and "3/3" in shown.getvalue() and "docs/s" in shown.getvalue()
    assert hidden.getvalue() == ""


def test_jsonl_output_must_be_a_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": PAGE}) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(tmp_path), "-q"])
    assert res.exit_code == 2 and "is a folder" in res.output


def test_broken_pipe_is_not_an_error():
    """`clean-articles - - | head -1`: the reader stops early, the cleaner stops quietly."""
    data = "".join(json.dumps({"id": i, "text": PAGE}) + "\n" for i in range(3 * readers.JSONL_CHUNK))
    proc = subprocess.run(f"{sys.executable} -m cleaner - - -q --jobs 1 | head -1", shell=True, cwd=ROOT,
                          input=data.encode(), capture_output=True, timeout=120)
    assert proc.stdout.count(b"\n") == 1
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_slow_producer_gets_each_document_back_before_sending_the_next(jobs):
    """`tail -f crawl.jsonl | clean-articles - -`: a partial chunk is cleaned once stdin goes quiet."""
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "-", "-", "-q", "--jobs", jobs], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for i in range(4):  # fewer lines than a chunk, one at a time
            proc.stdin.write((json.dumps({"id": i, "text": PAGE}) + "\n").encode())
            proc.stdin.flush()
            assert json.loads(proc.stdout.readline())["id"] == i
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()


def test_pipe_lines_splits_across_reads_and_ticks_when_quiet():
    import os

    from cleaner.run.readers import numbered_chunks, pipe_lines

    r, w = os.pipe()
    os.write(w, b'{"a": 1}\n{"b": 22}\n{"c"')
    lines = pipe_lines(r, idle=0.05, block=4)
    got = [next(lines), next(lines), next(lines)]
    assert got == [b'{"a": 1}\n', b'{"b": 22}\n', None]  # quiet: a tick, the partial line is held
    os.write(w, b": 3}")
    os.close(w)
    assert list(lines) == [b'{"c": 3}']
    assert list(numbered_chunks([b"1\n", None, b"2\n", b"3\n"], 5)) == [[(1, b"1\n")], [], [(2, b"2\n"), (3, b"3\n")]]
    os.close(r)


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.bz2", ".jsonl.xz", ".jsonl.zst"])
def test_compressed_jsonl_is_read_by_its_name(tmp_path, suffix):
    from xopen import xopen

    src, out = tmp_path / f"in{suffix}", tmp_path / "out.jsonl"
    with xopen(src, "wb") as fh:
        fh.write("".join(json.dumps(d) + "\n" for d in _docs(1)).encode("utf-8"))
    res = CliRunner().invoke(main, [str(src), str(out), "-q"])
    assert res.exit_code == 0, res.stderr
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == \
        [d["id"] for d in _docs(1)]

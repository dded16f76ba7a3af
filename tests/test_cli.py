"""The batch command: outputs, summary, exit codes, hits, refusing to write into the input."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _tree(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("Headline\n\nAdvertisement\n\nThe story itself is told in full sentences, as stories are.\n")
    (src / "sub" / "b.txt").write_text("Title\n\nComments are closed.\n\nA second story with a body that reads like prose, too.\n")
    (src / "skip.dat").write_text("not a page")
    return src


def test_batch_mirrors_tree_and_summarises(tmp_path):
    src, out = _tree(tmp_path), tmp_path / "out"
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    res = CliRunner().invoke(main, [str(src), str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "a.txt").read_text() == "Headline\n\nThe story itself is told in full sentences, as stories are.\n"
    assert "Comments are closed" not in (out / "sub" / "b.txt").read_text()
    assert not (out / "skip.dat").exists()
    assert "cleaned 2 files, 0 skipped, 0 failed" in res.output
    assert "AD201" in res.output and "CO101" in res.output
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before, "input was modified"


def test_out_inside_in_is_refused(tmp_path):
    src = _tree(tmp_path)
    for out in (src, src / "out"):
        res = CliRunner().invoke(main, [str(src), str(out)])
        assert res.exit_code == 2
        assert "must be outside" in res.output


def test_failed_file_is_named_and_batch_goes_on(tmp_path):
    src, out = _tree(tmp_path), tmp_path / "out"
    (src / "bad.html.gz").write_bytes(b"\x1f\x8b\x08\x00truncated")
    res = CliRunner().invoke(main, [str(src), str(out)])
    assert res.exit_code == 1
    assert "failed: " in res.output and "bad.html.gz" in res.output and "gzip" in res.output
    assert (out / "a.txt").exists() and (out / "sub" / "b.txt").exists()


def test_hits_file_and_explain(tmp_path):
    src, out = _tree(tmp_path), tmp_path / "out"
    hits = tmp_path / "hits.jsonl"
    res = CliRunner().invoke(main, [str(src), str(out), "--hits", str(hits), "--explain"])
    assert res.exit_code == 0
    docs = [json.loads(line) for line in hits.read_text().splitlines()]
    assert [d["source"] for d in docs] == ["a.txt", "sub/b.txt"]
    changes = [h for h in docs[0]["hits"] if h["action"] != "flag"]
    assert [(h["code"], h["before"]) for h in changes] == [("AD201", "Advertisement")]
    assert "AD201 ads.label-line [drop] 'Advertisement'" in res.output


def test_select_and_ignore(tmp_path):
    src, out = _tree(tmp_path), tmp_path / "out"
    res = CliRunner().invoke(main, [str(src), str(out), "--ignore", "AD,BS"])
    assert res.exit_code == 0
    assert "Advertisement" in (out / "a.txt").read_text()


def test_bad_rule_file_is_a_usage_error(tmp_path):
    src = _tree(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\ncode = "XX101"\nname = "x.y"\nkind = "drop-block"\nregx = "a"\n')
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out"), "--rules", str(bad)])
    assert res.exit_code == 2
    assert "bad.toml: rule XX101: unknown key 'regx'" in res.output


def test_rules_lists_codes_and_messages():
    res = CliRunner().invoke(main, ["rules"])
    assert res.exit_code == 0
    assert "AD201  ads.label-line" in res.output and "ad slot label" in res.output


def test_report_of_the_seeds_shows_every_hit_with_its_rule(tmp_path):
    import re

    from cleaner import clean

    out, report = tmp_path / "out", tmp_path / "report.html"
    res = CliRunner().invoke(main, [str(ROOT / "seeds"), str(out), "--report", str(report), "-q"])
    assert res.exit_code == 0, res.output
    page = report.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1))
    codes = [r["code"] for r in data["rules"]]
    by_doc = {d["id"]: sorted(codes[row[0]] for row in d["hits"]) for d in data["docs"]}
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        expected = sorted(h.code for h in clean(seed.read_bytes()).hits)
        assert by_doc[seed.name] == expected, seed.name


def test_diff_in_a_pipe_is_plain_and_labelled(tmp_path):
    src, out = _tree(tmp_path), tmp_path / "out"
    res = CliRunner().invoke(main, [str(src), str(out), "--diff", "-q"])
    assert res.exit_code == 0
    assert "\x1b[" not in res.output
    assert "-Advertisement" in res.output and "AD201" in res.output


def test_html_inputs_become_txt_outputs(tmp_path):
    import gzip

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    page = ("<html><head><title>Budget passes | Example</title></head><body><nav><a href='/'>Home</a>"
            "<a href='/news'>News</a></nav><article><h1>Budget passes</h1><p>The council approved the budget "
            "on Monday after a long debate about the cost of the new tram line to the hospital.</p><p>The mayor "
            "said the vote was a relief for everyone who had waited years for the line to be built.</p>"
            "</article><footer>© 2024 Example Media. All rights reserved.</footer></body></html>")
    (src / "a.html").write_text(page)
    (src / "b.html.gz").write_bytes(gzip.compress(page.encode()))
    res = CliRunner().invoke(main, [str(src), str(out), "-q"])
    assert res.exit_code == 0, res.output
    for name in ("a.txt", "b.txt"):
        text = (out / name).read_text()
        assert text.startswith("Budget passes\n")
        assert "The mayor said the vote was a relief" in text
        assert "All rights reserved" not in text and "Home" not in text


def test_a_folder_named_like_a_command_is_an_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.txt").write_text("Title\n\nThe body of the story goes on here, as bodies do.\n",
                                              encoding="utf-8")
    res = CliRunner().invoke(main, ["rules", "out", "-q"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "a.txt").is_file()
    listing = CliRunner().invoke(main, ["rules"])  # alone, it is still the rules command
    assert listing.exit_code == 0 and "AD201" in listing.output
    shown = CliRunner().invoke(main, ["rules", "show", "AD201"])
    assert shown.exit_code == 0 and shown.output.startswith("AD201")


def test_summary_counts_gzipped_inputs_at_their_uncompressed_size(tmp_path):
    import gzip

    page = ("<html><body><article><h1>Budget passes</h1>" + "<p>The council approved the budget on Monday "
            "after a long debate about the cost of the new tram line.</p>" * 20 + "</article></body></html>")
    sizes = []
    for name, data in (("a.html", page.encode()), ("a.html.gz", gzip.compress(page.encode()))):
        src = tmp_path / name.replace(".", "-")
        src.mkdir()
        (src / name).write_bytes(data)
        res = CliRunner().invoke(main, [str(src), str(tmp_path / f"out-{src.name}")])
        assert res.exit_code == 0, res.output
        sizes.append(next(line for line in res.output.splitlines() if line.startswith("bytes in")))
    assert sizes[0] == sizes[1] and f"bytes in {len(page.encode()):,}," in sizes[0]

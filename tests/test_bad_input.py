"""Bad input never stops a batch: each bad file gets one clear line naming it, the rest is
cleaned, and the exit status tells "all cleaned" (0), "some failed" (1) and "could not
start" (2) apart.

Tests run as root in CI, where ``chmod 000`` does not stop reads: the permission tests
simulate the failure with monkeypatch, and the real-chmod variants skip under euid 0.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.run import batch as batch_mod
from cleaner.cli import main
from cleaner.pipeline import Cleaner

ARTICLE = ("Storm closes the coast road\n\nAdvertisement\n\n"
           "The coast road was closed on Tuesday after the storm brought down trees and power lines, "
           "the county said in a statement.\n\nCrews expect to reopen it by the end of the week, "
           "weather permitting, officials said.\n")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_cli(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stderr


def tree_digest(root: Path) -> dict[str, str]:
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            p = Path(folder) / name
            if not p.is_symlink():
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def dirs(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return src, out


def failed_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("clean-articles: failed:")]


def test_all_good_exits_0(dirs):
    src, out = dirs
    code, err = run_cli(src, out)
    assert code == 0, err
    assert (out / "good.txt").read_text(encoding="utf-8").startswith("Storm closes the coast road\n")
    assert "Advertisement" not in (out / "good.txt").read_text(encoding="utf-8")


def test_invalid_utf8_is_decoded_with_a_stated_fallback(dirs, tmp_path):
    src, out = dirs
    (src / "latin.txt").write_bytes(ARTICLE.replace("county", "comté").encode("cp1252"))
    (src / "broken.txt").write_bytes(ARTICLE.encode() + b"\xff\xfe\xc3(\x80 end of a broken line.\n")
    hits = tmp_path / "hits.jsonl"
    code, err = run_cli(src, out, "--hits", hits)
    assert code == 0, err
    assert "comté" in (out / "latin.txt").read_text(encoding="utf-8")
    (out / "broken.txt").read_text(encoding="utf-8")  # valid UTF-8 out, whatever came in
    docs = {d["source"]: d for d in map(json.loads, hits.read_text(encoding="utf-8").splitlines())}
    for name in ("latin.txt", "broken.txt"):
        en = [h for h in docs[name]["hits"] if h["code"] == "EN101"]
        assert en and en[0]["detail"].startswith("decoded as "), docs[name]["hits"]
    assert not [h for h in docs["good.txt"]["hits"] if h["code"] == "EN101"]


def test_empty_files_clean_to_empty_outputs(dirs):
    src, out = dirs
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_bytes(b"  \n\n\t\n")
    code, err = run_cli(src, out)
    assert code == 0, err
    assert (out / "empty.txt").read_bytes() == b""
    assert (out / "blank.txt").read_bytes() == b""


@pytest.mark.parametrize("name,data,what", [
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
    ("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    ("bundle.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP archive"),
    ("blob.txt", b"abc\x00\x01\x02" * 100, "NUL bytes"),
    ("page.html.gz", gzip.compress(b"%PDF-1.4 inside a gzip"), "PDF"),
])
def test_binary_files_are_skipped_and_named(dirs, name, data, what):
    src, out = dirs
    (src / name).write_bytes(data)
    code, err = run_cli(src, out)
    assert code == 0, err
    skipped = [ln for ln in err.splitlines() if ln.startswith("clean-articles: skipped:")]
    assert len(skipped) == 1 and name in skipped[0] and what in skipped[0], err
    assert "1 skipped, 0 failed" in err
    assert (out / "good.txt").is_file()
    assert not [p for p in out.rglob("*") if p.name.startswith(Path(name).name.split(".")[0])]


def test_truncated_gzip_is_one_line_error_and_batch_goes_on(dirs):
    src, out = dirs
    whole = gzip.compress(("<p>" + ARTICLE * 50 + "</p>").encode())
    (src / "cut.html.gz").write_bytes(whole[: len(whole) // 2])
    (src / "zz.txt").write_text(ARTICLE, encoding="utf-8")
    code, err = run_cli(src, out)
    assert code == 1
    lines = failed_lines(err)
    assert len(lines) == 1 and "cut.html.gz" in lines[0] and "truncated gzip" in lines[0], err
    assert (out / "good.txt").is_file() and (out / "zz.txt").is_file()
    assert not (out / "cut.txt").exists()


def test_one_long_line_is_linear(tmp_path):
    """A page that is one huge line (minified, or no newlines at all): time grows linearly.

    The CI size is 4 MB; the 50 MB case was checked by hand (see the final report)."""
    cleaner = Cleaner()
    unit = "The council met again on Tuesday and agreed the budget, officials said. "
    timings = {}
    for size in (1 << 20, 4 << 20):
        text = (unit * (size // len(unit) + 1))[:size]
        t0 = time.perf_counter()
        result = cleaner.clean(text.encode())
        timings[size] = time.perf_counter() - t0
        assert len(result.text) > size // 2
    ratio = timings[4 << 20] / max(timings[1 << 20], 1e-3)
    print(f"\none long line: 1 MB {timings[1 << 20]:.2f}s, 4 MB {timings[4 << 20]:.2f}s, ratio {ratio:.1f} (linear = 4)")
    assert ratio < 10, f"4x the text took {ratio:.1f}x the time: not linear ({timings})"


def test_html_nested_1000_levels_keeps_the_deep_paragraph():
    depth = 1000
    deep = "The deep paragraph survives the nesting of the page, as text does in every article."
    data = "<html><body>" + "<div>" * depth + f"<p>{deep}</p>" + "</div>" * depth + "</body></html>"
    assert deep in Cleaner().clean(data.encode(), html=True).text


def test_html_nested_100000_levels_fails_fast_with_a_clear_error(tmp_path):
    """Past the parser's limit the page cannot be read whole: the batch names it as failed
    (quickly, without blowing the recursion limit) instead of writing a truncated page."""
    depth = 100_000
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "deep.html").write_text("<html><body>" + "<div>" * depth + "<p>Deep.</p>" + "</div>" * depth
                                   + "</body></html>", encoding="utf-8")
    t0 = time.perf_counter()
    res = CliRunner().invoke(main, [str(src), str(out), "--no-progress"])
    assert time.perf_counter() - t0 < 30
    assert res.exit_code != 0 and "deep.html" in res.output and "nested too deep" in res.output
    assert not (out / "deep.txt").exists()


def test_unreadable_file_simulated(dirs, monkeypatch):
    src, out = dirs
    (src / "secret.txt").write_text(ARTICLE, encoding="utf-8")
    real = batch_mod._read

    def deny(path):
        if path.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(batch_mod, "_read", deny)
    code, err = run_cli(src, out)
    assert code == 1
    assert failed_lines(err) == [f"clean-articles: failed: {src / 'secret.txt'}: cannot read: Permission denied"]
    assert (out / "good.txt").is_file()


def test_unreadable_folder_simulated(dirs, monkeypatch):
    src, out = dirs
    (src / "locked").mkdir()
    (src / "locked" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    real = os.scandir

    def deny(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", deny)
    code, err = run_cli(src, out)
    assert code == 1
    lines = failed_lines(err)
    assert len(lines) == 1 and "locked" in lines[0] and "Permission denied" in lines[0], err
    assert (out / "good.txt").is_file()


@pytest.mark.skipif(IS_ROOT, reason="running as root: chmod 000 does not block reads (simulated above)")
def test_unreadable_file_and_folder_chmod(dirs):
    src, out = dirs
    (src / "secret.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "locked").mkdir()
    (src / "locked" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    os.chmod(src / "secret.txt", 0)
    os.chmod(src / "locked", 0)
    try:
        code, err = run_cli(src, out)
    finally:
        os.chmod(src / "secret.txt", 0o644)
        os.chmod(src / "locked", 0o755)
    assert code == 1
    assert len(failed_lines(err)) == 2, err
    assert (out / "good.txt").is_file()


def test_broken_symlinks_and_loops(dirs):
    src, out = dirs
    (src / "dangling.txt").symlink_to(src / "nowhere.txt")
    (src / "loop-a.txt").symlink_to(src / "loop-b.txt")
    (src / "loop-b.txt").symlink_to(src / "loop-a.txt")
    (src / "sub").mkdir()
    (src / "sub" / "s.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sub" / "again").symlink_to(src / "sub")   # a folder loop
    code, err = run_cli(src, out)
    assert code == 1, err
    lines = failed_lines(err)
    assert any("dangling.txt: broken symlink" in ln for ln in lines), err
    assert any("loop-a.txt: symlink loop" in ln for ln in lines), err
    assert len(lines) == 3, err
    assert "symlink loop: folder already visited" in err  # skipped, not failed: nothing lost
    assert (out / "sub" / "s.txt").is_file() and (out / "good.txt").is_file()


def test_non_utf8_file_names_keep_their_bytes(dirs, tmp_path):
    src, out = dirs
    raw = os.fsencode(src) + b"/caf\xe9-\xff.txt"
    with open(raw, "wb") as fh:
        fh.write(ARTICLE.encode())
    hits = tmp_path / "hits.jsonl"
    code, err = run_cli(src, out, "--hits", hits, "--explain")
    assert code == 0, err
    assert b"caf\xe9-\xff.txt" in os.listdir(os.fsencode(out))
    with open(os.fsencode(out) + b"/caf\xe9-\xff.txt", "rb") as fh:
        assert fh.read().startswith(b"Storm closes")
    assert any(json.loads(ln)["source"] == "caf\\xe9-\\xff.txt" for ln in hits.read_text().splitlines())
    manifest = json.loads((out / ".clean-articles.json").read_text())
    assert os.fsencode(next(k for k in manifest["files"] if k.startswith("caf"))) == b"caf\xe9-\xff.txt"


def test_outputs_never_escape_out_dir(dirs, tmp_path):
    src, out = dirs
    outside = tmp_path / "outside"
    outside.mkdir()
    (src / "sub").mkdir()
    (src / "sub" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    out.mkdir()
    (out / "sub").symlink_to(outside)   # a link planted in OUT must not carry outputs out
    code, err = run_cli(src, out)
    assert code == 1
    lines = failed_lines(err)
    assert len(lines) == 1 and "sub/x.txt" in lines[0] and "outside OUT_DIR" in lines[0], err
    assert list(outside.iterdir()) == []
    assert batch_mod.safe_output(out, Path("a/b.txt")) == out / "a" / "b.txt"
    with pytest.raises(ValueError):
        batch_mod.safe_output(out, Path("../evil.txt"))


def test_symlinked_input_folder_maps_inside_out(dirs, tmp_path):
    src, out = dirs
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "e.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "linked").symlink_to(elsewhere)
    code, err = run_cli(src, out, "--follow-symlinks")  # outside IN_DIR: followed only when asked
    assert code == 0, err
    assert (out / "linked" / "e.txt").is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["e.txt"]


def test_two_inputs_one_output_name_is_an_error_not_a_silent_overwrite(dirs):
    src, out = dirs
    (src / "story.html").write_text(ARTICLE, encoding="utf-8")
    (src / "story.txt").write_text(ARTICLE.replace("Tuesday", "Monday"), encoding="utf-8")
    code, err = run_cli(src, out)
    assert code == 1
    lines = failed_lines(err)
    assert len(lines) == 1 and "story.txt" in lines[0] and "already written from story.html" in lines[0], err


def test_output_permissions_follow_umask(dirs):
    src, out = dirs
    old = os.umask(0o027)
    try:
        code, err = run_cli(src, out)
    finally:
        os.umask(old)
    assert code == 0, err
    assert (out / "good.txt").stat().st_mode & 0o777 == 0o640
    assert (out / ".clean-articles.json").stat().st_mode & 0o777 == 0o640


def test_inputs_are_never_modified(dirs):
    src, out = dirs
    (src / "latin.txt").write_bytes("caf\xe9 au lait, the paper said in its report on cafes.\n".encode("cp1252"))
    (src / "cut.html.gz").write_bytes(gzip.compress(b"<p>hello</p>")[:10])
    before = tree_digest(src)
    mtimes = {p: p.stat().st_mtime_ns for p in src.rglob("*")}
    run_cli(src, out)
    run_cli(src, out, "--resume")
    assert tree_digest(src) == before
    assert {p: p.stat().st_mtime_ns for p in src.rglob("*")} == mtimes


# -- could not start: exit 2 ----------------------------------------------------------------

def test_exit_2_on_usage_errors(dirs, tmp_path):
    src, out = dirs
    assert run_cli(src)[0] == 2                               # missing OUT_DIR
    assert run_cli(tmp_path / "missing", out)[0] == 2         # IN_DIR does not exist
    code, err = run_cli(src, src / "out")                     # OUT inside IN
    assert code == 2 and "must be outside" in err
    assert run_cli(src, out, "--no-such-option")[0] == 2
    assert not out.exists()


def test_exit_2_on_rule_file_error(dirs, tmp_path):
    src, out = dirs
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\ncode = "XX101"\nname = "x.y"\nkind = "strip"\npattern = "(a+)+$"\n'
                   'message = "m"\nexamples.hit = ["aa"]\nexamples.keep = ["b"]\n', encoding="utf-8")
    code, err = run_cli(src, out, "--rules", bad)
    assert code == 2
    assert "bad.toml: rule XX101" in err and "exponential" in err
    assert not out.exists()


def test_exit_2_when_out_dir_cannot_be_created(dirs, tmp_path):
    src, _ = dirs
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, err = run_cli(src, blocker / "out")
    assert code == 2 and f"cannot be created: {blocker} is not a folder" in err, err


def test_fifo_is_skipped_not_read(dirs):
    src, out = dirs
    os.mkfifo(src / "pipe.txt")  # reading it would block the batch forever
    code, err = run_cli(src, out)
    assert code == 0, err
    assert "skipped:" in err and "pipe.txt: not a regular file" in err
    assert (out / "good.txt").is_file() and not (out / "pipe.txt").exists()


def test_a_lone_surrogate_in_a_pass_through_field_keeps_the_stream_going(tmp_path):
    src = tmp_path / "in.jsonl"
    good = {"id": "ok", "text": ARTICLE}
    src.write_text('{"id": "\\ud800", "text": %s}\n' % json.dumps(ARTICLE) + json.dumps(good) + "\n", encoding="utf-8")
    out, hits = tmp_path / "out.jsonl", tmp_path / "hits.jsonl"
    res = CliRunner().invoke(main, [str(src), str(out), "--hits", str(hits), "--jobs", "1", "-q"])
    assert res.exit_code == 0, res.output
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == ["\ud800", "ok"]  # the escape round-trips, the good line is kept
    assert [json.loads(line)["id"] for line in hits.read_text(encoding="utf-8").splitlines()] == ["\ud800", "ok"]


def test_control_characters_in_a_file_name_cannot_forge_a_failed_line(dirs):
    src, out = dirs
    bad = src / "evil\nclean-articles: failed: good.txt: forged\x1b[2J.html.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    res = CliRunner().invoke(main, [str(src), str(out), "-q"])
    assert res.exit_code == 1
    failed = [line for line in res.stderr.splitlines() if line.startswith("clean-articles: failed:")]
    assert len(failed) == 1 and "\\x0a" in failed[0] and "\\x1b" in failed[0] and "\x1b" not in res.stderr


def _snapshot(folder: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("option", ["--hits", "--report"])
def test_hits_or_report_inside_in_dir_is_refused_before_anything_runs(dirs, option):
    src, out = dirs
    before = _snapshot(src)
    for target in (src / "good.txt", src / "new.jsonl"):
        res = CliRunner().invoke(main, [str(src), str(out), option, str(target), "-q"])
        assert res.exit_code == 2 and f"{option} {target} is inside IN_DIR" in res.output
    assert _snapshot(src) == before and not out.exists()


def test_hits_onto_the_jsonl_input_is_refused(tmp_path):
    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    before = src.read_bytes()
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "clean.jsonl"), "--hits", str(src), "-q"])
    assert res.exit_code == 2 and "is the input" in res.output
    assert src.read_bytes() == before and not (tmp_path / "clean.jsonl").exists()


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_jsonl_output_onto_a_special_file_or_a_symlink_is_refused(tmp_path, kind):
    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    if kind == "fifo":
        dest = tmp_path / "pipe.jsonl"
        os.mkfifo(dest)
    elif kind == "symlink":
        (tmp_path / "real.jsonl").write_text("keep me\n", encoding="utf-8")
        dest = tmp_path / "link.jsonl"
        dest.symlink_to(tmp_path / "real.jsonl")
    else:
        dest = Path(os.devnull)
    res = CliRunner().invoke(main, [str(src), str(dest), "-q"])
    assert res.exit_code == 2, res.output
    assert {"fifo": "is a FIFO", "symlink": "is a symlink", "device": "is a device"}[kind] in res.output
    if kind == "symlink":
        assert dest.is_symlink() and (tmp_path / "real.jsonl").read_text(encoding="utf-8") == "keep me\n"
    if kind == "device":
        assert Path(os.devnull).is_char_device()


def test_two_options_naming_one_file_are_refused(dirs):
    src, out = dirs
    same = out.parent / "review.out"
    res = CliRunner().invoke(main, [str(src), str(out), "--hits", str(same), "--report", str(same), "-q"])
    assert res.exit_code == 2 and "name the same file" in res.output

"""Issue 16: what the tool writes, follows and prints can never hurt its inputs or the terminal.

Each test names the class of fault it guards: a write path checked before anything runs,
symlinked folders of IN_DIR, control characters on the terminal, and a full or read-only
disk.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

ARTICLE = ("Storm closes the coast road\n\nAdvertisement\n\n"
           "The coast road was closed on Tuesday after the storm brought down trees and power lines, "
           "the county said in a statement.\n\nCrews expect to reopen it by the end of the week, "
           "weather permitting, officials said.\n")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def snapshot(folder: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def dirs(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return src, out


# -- 1. every write path is checked before anything runs ---------------------------------

# One input per command; the check runs before the input is read, so its bytes do not matter.
COMMANDS = {"page": ("page.txt", "out.txt"), "jsonl": ("pages.jsonl", "out.jsonl"),
            "warc": ("crawl.warc", "out.jsonl"), "parquet": ("rows.parquet", "out.jsonl")}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_hits_onto_its_input(tmp_path, command):
    name, out = COMMANDS[command]
    src = tmp_path / name
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    before = src.read_bytes()
    res = invoke(src, tmp_path / out, "--hits", src, "-q")
    assert res.exit_code == 2 and "is the input" in res.output, res.output
    assert src.read_bytes() == before and not (tmp_path / out).exists()


def test_hits_onto_the_manifest_is_refused(dirs):
    src, out = dirs
    res = invoke(src, out, "--hits", out / ".clean-articles.json", "-q")
    assert res.exit_code == 2 and "the manifest" in res.output and "same file" in res.output, res.output
    assert not out.exists()


def test_a_planted_manifest_symlink_is_refused(dirs, tmp_path):
    src, out = dirs
    out.mkdir()
    victim = tmp_path / "victim.json"
    victim.write_text("keep me", encoding="utf-8")
    (out / ".clean-articles.json").symlink_to(victim)
    res = invoke(src, out, "-q")
    assert res.exit_code == 2 and "is a symlink" in res.output, res.output
    assert (out / ".clean-articles.json").is_symlink() and not (out / "good.txt").exists()


def test_hits_named_dash_is_a_file_and_is_checked_like_any(dirs, monkeypatch):
    """Only OUT takes ``-`` for stdout; ``--hits -`` is a file named ``-``, refused inside IN_DIR."""
    src, out = dirs
    monkeypatch.chdir(src)
    res = invoke(".", out, "--hits", "-", "-q")
    assert res.exit_code == 2 and "inside IN_DIR" in res.output, res.output
    assert not (src / "-").exists() and not out.exists()


def test_stdout_stays_possible_with_dash(tmp_path):
    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    res = invoke(src, "-", "-q")
    assert res.exit_code == 0 and json.loads(res.stdout)["id"] == 1


# -- 3. symlinked folders of IN_DIR -------------------------------------------------------

def skipped_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("clean-articles: skipped:")]


@pytest.mark.parametrize("follow", [[], ["--follow-symlinks"]])
def test_a_link_into_out_dir_is_never_followed_so_out_never_nests(dirs, follow):
    src, out = dirs
    out.mkdir()
    (src / "o").symlink_to(out)
    for _ in range(3):
        res = invoke(src, out, *follow)
        assert res.exit_code == 0, res.output
        assert any("o: symlink leads into OUT_DIR" in ln for ln in skipped_lines(res.stderr)), res.stderr
        assert "1 skipped" in res.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [".clean-articles.json", "good.txt"]


def test_a_file_link_into_out_dir_is_skipped(dirs):
    src, out = dirs
    invoke(src, out, "-q")
    (src / "again.txt").symlink_to(out / "good.txt")  # would read an output back as an input
    res = invoke(src, out)
    assert res.exit_code == 0 and any("again.txt: symlink leads into OUT_DIR" in ln
                                      for ln in skipped_lines(res.stderr)), res.stderr
    assert not (out / "again.txt").exists()


def test_a_folder_link_outside_in_dir_is_followed_only_when_asked(dirs, tmp_path):
    src, out = dirs
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "e.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "linked").symlink_to(elsewhere)
    res = invoke(src, out)
    assert res.exit_code == 0, res.output
    assert any("linked: symlinked folder leads outside IN_DIR" in ln and "--follow-symlinks" in ln
               for ln in skipped_lines(res.stderr)), res.stderr
    assert not (out / "linked").exists() and (out / "good.txt").is_file()
    res = invoke(src, out, "--follow-symlinks")
    assert res.exit_code == 0 and (out / "linked" / "e.txt").is_file(), res.output


def test_a_followed_link_to_a_parent_still_never_reaches_out(dirs, tmp_path):
    src, out = dirs
    (src / "up").symlink_to(tmp_path)  # tmp_path holds IN_DIR and OUT_DIR
    for _ in range(2):
        res = invoke(src, out, "--follow-symlinks")
        assert res.exit_code == 0, res.output
    assert not (out / "up" / "out").exists() and (out / "good.txt").is_file()


def test_a_folder_link_inside_in_dir_is_followed(dirs):
    src, out = dirs
    (src / "real").mkdir()
    (src / "real" / "r.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "alias").symlink_to(src / "real")
    res = invoke(src, out)
    assert res.exit_code == 0, res.output
    assert (out / "alias" / "r.txt").is_file() or (out / "real" / "r.txt").is_file()
    assert "leads outside" not in res.stderr


# -- 4. file names and document text reach the terminal escaped --------------------------

def failed_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("clean-articles: failed:")]


def test_a_newline_in_a_file_name_cannot_split_or_forge_a_failed_line(dirs):
    src, out = dirs
    # Two inputs with one output name: the second fails, naming both.
    (src / "a\nfailed: b.html").write_text(ARTICLE, encoding="utf-8")
    (src / "a\nfailed: b.txt").write_text(ARTICLE, encoding="utf-8")
    res = invoke(src, out, "-q")
    assert res.exit_code == 1
    lines = failed_lines(res.stderr)
    assert len(lines) == 1 and lines[0].count("a\\x0afailed: b.") == 3, res.stderr  # input, output, first
    assert len(res.stderr.splitlines()) == 1


def test_bidi_overrides_in_a_file_name_are_shown_not_obeyed(dirs):
    src, out = dirs
    (src / "report\u202etxt.gpj.html.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    res = invoke(src, out, "-q")
    assert res.exit_code == 1 and "report\\u202etxt.gpj" in failed_lines(res.stderr)[0], res.stderr
    assert "\u202e" not in res.stderr


def test_a_jsonl_bad_line_names_its_file_escaped(tmp_path):
    src = tmp_path / "a\nfailed: b.jsonl"
    src.write_text("not json\n", encoding="utf-8")
    res = invoke(src, tmp_path / "out.jsonl", "-q")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"clean-articles: {src.parent}/a\\x0afailed: b.jsonl:1: bad line: "
                                       + res.stderr.split("bad line: ", 1)[1].rstrip("\n")], res.stderr


def test_a_usage_error_names_a_path_escaped(dirs):
    src, out = dirs
    res = invoke(src, out, "--hits", src / "x\x1b[2J.jsonl")
    assert res.exit_code == 2 and "x\\x1b[2J.jsonl is inside IN_DIR" in res.output and "\x1b" not in res.output


ESCAPING = ("Storm closes the coast road\n\n\x1b[31mAdvertisement\x1b[0m\n\n"
            + ARTICLE.split("\n\n", 2)[2])


def test_page_diff_escapes_the_text(tmp_path):
    src = tmp_path / "page.txt"
    src.write_text(ESCAPING, encoding="utf-8")
    res = invoke(src, tmp_path / "out.txt", "--diff", "-q")
    assert res.exit_code == 0 and "\\x1b[31m" in res.stderr and "\x1b" not in res.stderr, res.stderr


def test_folder_diff_on_a_terminal_escapes_the_text_and_the_name(dirs, monkeypatch):
    import cleaner.cli.batch_review as batch_review
    src, out = dirs
    (src / "ad\x1b]0;title\x07.txt").write_text(ESCAPING, encoding="utf-8")
    monkeypatch.setattr(batch_review, "is_terminal", lambda stream: True)
    monkeypatch.setenv("NO_COLOR", "1")
    res = invoke(src, out, "--diff", "-q")
    assert res.exit_code == 0 and "\\x1b[31m" in res.stdout and "ad\\x1b]0;title\\x07.txt" in res.stdout
    assert "\x1b" not in res.stdout and "\x07" not in res.stdout


# -- 5. a read-only OUT_DIR, a full disk ---------------------------------------------------

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def tiny_mount(tmp_path):
    """A mount point of a small tmpfs, ``mount(options)``; skips where mounting is not allowed."""
    import subprocess
    mounted = []

    def mount(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                          capture_output=True).returncode:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:  # lazily when busy: a mount must not outlive the test
        if subprocess.run(["umount", str(point)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(point)], capture_output=True)


def no_traceback(res) -> None:
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output


@pytest.mark.parametrize("target", ["OUT_DIR", "OUT_DIR/new", "jsonl", "--hits", "--report", "page"])
def test_a_read_only_destination_is_a_usage_error_before_anything_runs(dirs, tmp_path, tiny_mount, target):
    src, out = dirs
    ro = tiny_mount("ro,size=64k")
    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    args = {"OUT_DIR": [src, ro], "OUT_DIR/new": [src, ro / "new"], "jsonl": [pages, ro / "out.jsonl"],
            "--hits": [src, out, "--hits", ro / "h.jsonl"], "--report": [src, out, "--report", ro / "r.html"],
            "page": [src / "good.txt", ro / "good.txt"]}[target]
    res = CliRunner().invoke(main, [str(a) for a in args] + ["-q"])
    no_traceback(res)
    assert res.exit_code == 2 and "read-only file system" in res.output, res.output
    assert not out.exists()


def test_an_out_dir_without_write_permission_is_a_usage_error(dirs, monkeypatch):
    """As a user without root would meet it (root may write anywhere, so it is simulated)."""
    from cleaner.run import paths
    src, out = dirs
    out.mkdir()
    real = os.access
    monkeypatch.setattr(paths.os, "access",
                        lambda p, mode, **kw: real(p, mode, **kw) and not (mode & os.W_OK and Path(p) == out))
    res = invoke(src, out, "-q")
    assert res.exit_code == 2 and "no permission to write" in res.output, res.output
    assert list(out.iterdir()) == []


@pytest.fixture
def full_disk(monkeypatch):
    """``full_disk(word)``: fsync of any file whose name holds ``word`` fails with ENOSPC,
    as a full disk does when the written blocks are committed."""
    import errno

    def full(word: str) -> None:
        real = os.fsync

        def fsync(fd):
            if word in os.readlink(f"/proc/self/fd/{fd}"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    return full


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".tmp-" in p.name]


def test_a_full_disk_fails_the_one_output_and_the_batch_goes_on(dirs, full_disk):
    src, out = dirs
    (src / "big.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "zz.txt").write_text(ARTICLE, encoding="utf-8")
    full_disk("big.txt")
    res = invoke(src, out)
    assert res.exit_code == 1
    assert failed_lines(res.stderr) == ["clean-articles: failed: " + str(src / "big.txt")
                                        + ": cannot write big.txt: No space left on device"], res.stderr
    assert "cleaned 2 files" in res.stderr
    assert (out / "good.txt").read_bytes() == (out / "zz.txt").read_bytes() and not (out / "big.txt").exists()
    assert not temp_files(out)


def test_a_full_disk_on_the_manifest_says_so_and_exits_1(dirs, full_disk):
    src, out = dirs
    full_disk(".clean-articles.json")
    res = invoke(src, out)
    no_traceback(res)
    assert res.exit_code == 1
    assert "cleaned 1 files" in res.stderr  # the summary is printed
    assert any(".clean-articles.json: cannot write the manifest: No space left on device" in ln
               for ln in failed_lines(res.stderr)), res.stderr
    assert (out / "good.txt").read_text(encoding="utf-8").startswith("Storm closes") and not temp_files(out)
    assert not (out / ".clean-articles.json").exists()


@pytest.mark.parametrize("command", ["jsonl", "page"])
def test_a_full_disk_on_a_single_output_file_is_a_named_failure(tmp_path, full_disk, command):
    if command == "jsonl":
        src, dest = tmp_path / "pages.jsonl", tmp_path / "out.jsonl"
        src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    else:
        src, dest = tmp_path / "page.txt", tmp_path / "out.txt"
        src.write_text(ARTICLE, encoding="utf-8")
    full_disk(dest.name)
    res = CliRunner().invoke(main, [str(src), str(dest), "-q"])
    no_traceback(res)
    assert res.exit_code == 1
    assert failed_lines(res.stderr) == [f"clean-articles: failed: {dest}: cannot write: No space left on device"]
    assert not dest.exists() and not temp_files(tmp_path)


def test_a_full_disk_on_the_hits_file_is_a_named_failure(dirs, tmp_path, monkeypatch):
    import builtins
    import errno
    src, out = dirs
    hits = tmp_path / "hits.jsonl"
    real_open = builtins.open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name):
            return getattr(self.fh, name)

    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: Full(real_open(f, *a, **k)) if Path(str(f)) == hits
                        else real_open(f, *a, **k))
    res = CliRunner().invoke(main, [str(src), str(out), "--hits", str(hits)])
    no_traceback(res)
    assert res.exit_code == 1 and "cleaned 1 files" in res.stderr
    assert failed_lines(res.stderr) == [f"clean-articles: failed: {hits}: cannot write: No space left on device"]
    assert (out / "good.txt").is_file()


def test_a_really_full_tmpfs_loses_nothing_already_written(tmp_path, tiny_mount):
    """Many pages into 64 KiB: the outputs that fit are whole, the others are named, no traceback."""
    src = tmp_path / "many"
    src.mkdir()
    for i in range(40):
        (src / f"p{i:02d}.txt").write_text(ARTICLE * 8, encoding="utf-8")
    reference = tmp_path / "reference"
    assert invoke(src, reference, "-q").exit_code == 0
    out = tiny_mount("size=64k") / "out"
    res = CliRunner().invoke(main, [str(src), str(out), "--jobs", "1"])
    no_traceback(res)
    assert res.exit_code == 1 and "No space left on device" in res.stderr, res.stderr
    written = [p for p in out.iterdir() if p.name.endswith(".txt")]
    assert written and all(p.read_bytes() == (reference / p.name).read_bytes() for p in written)
    assert len(failed_lines(res.stderr)) >= 40 - len(written) and not temp_files(out)

"""The --diff output: a unified diff whose hunks name the rules behind them."""
from __future__ import annotations

import difflib
import io

from cleaner.review.diff import CYAN, GREEN, RED, RESET, format_diff, want_color

INPUT = (
    "Home | World\n\nTitle\n\nBody one.\nAdvertisement\nBody two &amp; more.\n"
    + "".join(f"Line {i}.\n" for i in range(20))
    + "Share on Facebook\n"
)
OUTPUT = (
    "Title\n\nBody one.\nBody two & more.\n"
    + "".join(f"Line {i}.\n" for i in range(20))
)


def hits():
    ad, amp, share = INPUT.index("Advertisement"), INPUT.index("&amp;"), INPUT.index("Share")
    return [
        {"code": "NV101", "start": 0, "end": 14},
        {"code": "AD201", "start": ad, "end": ad + 14},
        {"code": "RP301", "start": amp, "end": amp + 5},
        {"code": "SO501", "start": share, "end": len(INPUT)},
        {"code": "XX000", "start": -1, "end": -1},
    ]


def test_hunks_are_labelled_with_their_rules():
    text = format_diff("doc-7", INPUT, OUTPUT, hits(), color=False)
    headers = [line for line in text.splitlines() if line.startswith("@@")]
    assert headers == ["@@ -1,10 +1,7 @@ NV101 AD201 RP301", "@@ -25,4 +22,3 @@ SO501"]
    assert text.startswith("--- doc-7 (input)\n+++ doc-7 (output)\n")


def test_body_matches_difflib():
    ours = [l for l in format_diff("d", INPUT, OUTPUT, hits()).splitlines() if not l[:3] in ("---", "+++", "@@ ")]
    theirs = [l for l in difflib.unified_diff(INPUT.splitlines(True), OUTPUT.splitlines(True))]
    theirs = [l.rstrip("\n") for l in theirs if not l[:3] in ("---", "+++", "@@ ")]
    assert ours == theirs


def test_no_change_gives_nothing():
    assert format_diff("d", "same\n", "same\n", []) == ""


def test_colour_marks_removed_added_and_headers():
    text = format_diff("d", INPUT, OUTPUT, hits(), color=True)
    assert f"{RED}-Advertisement{RESET}\n" in text
    assert f"{GREEN}+Body two & more.{RESET}\n" in text
    assert f"{CYAN}@@ -1,10 +1,7 @@ NV101 AD201 RP301{RESET}\n" in text
    assert "\x1b" not in format_diff("d", INPUT, OUTPUT, hits(), color=False)


def test_missing_final_newline_is_marked():
    text = format_diff("d", "a\nb", "a\n", [{"code": "ST101", "start": 2, "end": 3}])
    assert text.endswith("-b\n\\ No newline at end of file\n")
    assert "@@ -1,2 +1 @@ ST101" in text


def test_insertion_hunk_takes_hits_at_its_position():
    text = format_diff("d", "a\nc\n", "a\nb\nc\n", [{"code": "IN001", "start": 2, "end": 2}], context=0)
    assert "@@ -1,0 +2 @@ IN001" in text


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_want_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert want_color(_Tty())
    assert not want_color(io.StringIO())
    assert not want_color(object())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not want_color(_Tty())
    monkeypatch.setenv("NO_COLOR", "")
    assert want_color(_Tty())


def test_escape_sequences_of_the_text_do_not_reach_a_terminal():
    text = "Title\x1b[2J\rsecond\nBody line\n"
    shown = format_diff("doc", text, "Body line\n", [{"start": 0, "end": 12, "code": "XX101"}], escape=True)
    assert "\x1b" not in shown and "\r" not in shown
    assert "-Title\\x1b[2J\n" in shown and "-second\n" in shown and "@@ -1,3 +1 @@ XX101" in shown


def test_without_escape_the_diff_keeps_the_text_as_it_is():
    assert "\x1b[2J" in format_diff("doc", "a\x1b[2J\nb\n", "b\n", [])

"""What a document is (HTML or text): by content per JSONL record, by ``--html-field``, and
as ``--input`` forces it, for records, folders and single pages."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.pipeline import BadDocument, default_cleaner
from cleaner.stages.decode import is_html_input, looks_like_html

HTML = ("<!doctype html><html itemscope=\"\"><head><title>Headline</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
        "<h1>Headline</h1><p>The body of the story goes on here, as bodies do, the council said on Monday.</p>"
        "<p>It passed by a single vote after the mayor spoke in favour of the plan, he said.</p></body></html>")
TEXT = "Headline\n\nAdvertisement\n\nThe body of the story goes on here, as bodies do, the council said.\n"


def _clean_jsonl(tmp_path, records, *args):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(out), "-q", "-j", "1", *args])
    assert res.exit_code == 0, res.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_markup_is_told_from_text():
    assert looks_like_html(HTML) and looks_like_html(HTML.encode())
    assert not looks_like_html(TEXT)
    assert not looks_like_html("<b>Bold</b> is a tag name people write about in text.")
    assert is_html_input(TEXT, "html") and not is_html_input(HTML, "text")
    with pytest.raises(ValueError, match="auto, text, html"):
        is_html_input(TEXT, "xml")


def test_an_html_record_takes_the_html_path(tmp_path):
    [page, text] = _clean_jsonl(tmp_path, [{"id": "a", "text": HTML}, {"id": "b", "text": TEXT}])
    assert "<" not in page["text"] and "Home" not in page["text"] and "single vote" in page["text"]
    assert text["text"].startswith("Headline") and "Advertisement" not in text["text"]


def test_input_text_keeps_markup_as_text(tmp_path):
    [page] = _clean_jsonl(tmp_path, [{"id": "a", "text": HTML}], "--input", "text")
    assert page["text"].startswith("<!doctype html>")


def test_html_field_is_read_and_passes_through(tmp_path):
    [page] = _clean_jsonl(tmp_path, [{"id": "a", "html": HTML, "url": "https://example.org/a"}],
                          "--html-field", "html")
    assert "single vote" in page["text"] and "Home" not in page["text"]
    assert page["html"] == HTML and page["url"] == "https://example.org/a"


def test_a_record_without_its_html_field_is_a_bad_line(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(out), "-q", "-j", "1", "--html-field", "html"])
    assert res.exit_code == 1
    assert "HTML field 'html' missing" in res.stderr


def test_html_field_is_for_jsonl(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(main, [str(tmp_path / "in"), str(tmp_path / "out"), "--html-field", "html"])
    assert res.exit_code == 2 and "--input html" in res.output


def test_input_forces_the_kind_of_folder_files(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.html").write_text(HTML, encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out"), "-q", "--input", "text", "-j", "1"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "page.txt").read_text(encoding="utf-8").startswith("<!doctype html>")
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out2"), "-q", "-j", "1"])
    assert "<" not in (tmp_path / "out2" / "page.txt").read_text(encoding="utf-8")


def test_input_html_on_a_single_page_and_stdin(tmp_path):
    fragment = "<div><p>The body of the story goes on here, as bodies do, the council said on Monday.</p></div>"
    res = CliRunner().invoke(main, ["-", "-", "-q"], input=fragment)
    assert res.stdout.startswith("<div>")  # no page tag: text, as auto says
    res = CliRunner().invoke(main, ["-", "-", "-q", "--input", "html"], input=fragment)
    assert res.exit_code == 0 and res.stdout.startswith("The body of the story")


def test_library_clean_doc_decides_per_record():
    cleaner = default_cleaner()
    page, _ = cleaner.clean_doc({"text": HTML})
    assert "single vote" in page["text"] and "<" not in page["text"]
    raw, _ = cleaner.clean_doc({"text": HTML}, input="text")
    assert raw["text"].startswith("<!doctype")
    with pytest.raises(BadDocument, match="HTML field 'body' missing"):
        cleaner.clean_doc({"text": HTML}, html_field="body")
    [again] = Cleaner().clean_iter([{"page": HTML}], text_field="page")
    assert again["page"] == page["text"]

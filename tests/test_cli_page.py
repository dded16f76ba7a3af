"""One page: a single file in, a file or stdout out; plain text or HTML on stdin."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from cleaner.cli import main

PAGE = "Headline\n\nAdvertisement\n\nThe body of the story goes on here, as bodies do, the council said.\n"
HTML = ("<html><head><title>Headline</title></head><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
        "<h1>Headline</h1><p>The body of the story goes on here, as bodies do, the council said on Monday.</p>"
        "<p>It passed by a single vote after the mayor spoke in favour of the plan, he said.</p></body></html>")


def test_a_single_text_file_to_a_file(tmp_path):
    src, out = tmp_path / "page.txt", tmp_path / "clean.txt"
    src.write_text(PAGE, encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") == "Headline\n\nThe body of the story goes on here, as bodies do, the council said.\n"
    assert src.read_text(encoding="utf-8") == PAGE


def test_html_saved_under_any_name_is_read_as_html(tmp_path):
    src, out = tmp_path / "page.php", tmp_path / "clean.txt"
    src.write_text(HTML, encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(out), "--hits", str(tmp_path / "hits.jsonl")])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "<p>" not in text and "Home" not in text and "single vote" in text
    record = json.loads((tmp_path / "hits.jsonl").read_text(encoding="utf-8"))
    assert record["source"].endswith("page.php") and any(h["code"] == "HT101" for h in record["hits"])


def test_plain_text_on_stdin_to_stdout():
    res = CliRunner().invoke(main, ["-", "-", "-q"], input=PAGE)
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "Headline\n\nThe body of the story goes on here, as bodies do, the council said.\n"


def test_json_lines_on_stdin_are_still_json_lines():
    res = CliRunner().invoke(main, ["-", "-", "-q"], input=json.dumps({"id": 1, "text": PAGE}) + "\n")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["id"] == 1


def test_a_real_pipe_of_html_and_of_json_lines():
    run = lambda data: subprocess.run([sys.executable, "-m", "cleaner", "-", "-", "-q"], input=data,  # noqa: E731
                                      capture_output=True, check=True).stdout.decode()
    assert "single vote" in run(HTML.encode()) and "<nav>" not in run(HTML.encode())
    lines = "".join(json.dumps({"id": i, "text": PAGE}) + "\n" for i in range(3)).encode()
    assert [json.loads(x)["id"] for x in run(lines).splitlines()] == [0, 1, 2]


def test_the_output_may_not_be_the_input_or_a_folder(tmp_path):
    src = tmp_path / "page.txt"
    src.write_text(PAGE, encoding="utf-8")
    assert CliRunner().invoke(main, [str(src), str(src)]).exit_code == 2
    assert CliRunner().invoke(main, [str(src), str(tmp_path)]).exit_code == 2
    assert src.read_text(encoding="utf-8") == PAGE


def test_a_binary_file_fails_with_a_clear_line(tmp_path):
    src = tmp_path / "page.bin"
    src.write_bytes(b"%PDF-1.4\x00\x01\x02" * 50)
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out.txt")])
    assert res.exit_code == 1 and "failed:" in res.stderr and not (tmp_path / "out.txt").exists()


def test_a_folder_reads_server_pages_and_extensionless_pages_by_content(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.php").write_text(HTML, encoding="utf-8")
    (src / "b").write_text(HTML, encoding="utf-8")
    (src / "c.txt").write_text(HTML, encoding="utf-8")  # markup saved as .txt is HTML
    (src / "d.txt").write_text(PAGE, encoding="utf-8")
    (src / "e.jpg").write_bytes(b"\xff\xd8\xff\xe0" * 10)
    res = CliRunner().invoke(main, [str(src), str(out)])
    assert res.exit_code == 0, res.output
    for name in ("a.txt", "b", "c.txt"):
        text = (out / name).read_text(encoding="utf-8")
        assert "single vote" in text and "<p>" not in text and "Home" not in text, name
    assert "Advertisement" not in (out / "d.txt").read_text(encoding="utf-8")
    assert "cleaned 4 files" in res.stderr and "not read: 1 files of other types (1 .jpg)" in res.stderr


def test_a_folder_with_no_page_fails_and_says_why(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "pages.warc.gz").write_bytes(b"\x1f\x8b" + b"\x00" * 20)
    (src / "logo.png").write_bytes(b"\x89PNG" + b"\x00" * 20)
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "out")])
    assert res.exit_code == 1 and "no page to clean: 2 files of other types" in res.stderr

"""The README's examples run as written: each Python block saved as a script and run in a
folder holding what it names (the seeds, a crawl, pages), and each command on the seeds."""
from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON = re.findall(r"^```python\n(.*?)^```", README, re.S | re.M)
SHELL = [line for block in re.findall(r"^```sh\n(.*?)^```", README, re.S | re.M) for line in block.splitlines()]
# The commands on the seeds, as a new user would type them (pipes to a pager left out).
SEED_COMMANDS = sorted({line.split("#")[0].split("|")[0].strip() for line in SHELL
                        if line.startswith("clean-articles seeds ")})
ENGINES = ("datatrove", "datasets", "nemo_curator")


def _folder(tmp_path: Path) -> Path:
    """What the examples name: seeds/, a crawl/ of one WARC, pages.jsonl and pages/."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    lines = "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(pages))
    (tmp_path / "pages.jsonl").write_text(lines, encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "pages.jsonl").write_text(lines, encoding="utf-8")
    if importlib.util.find_spec("warcio"):
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        (tmp_path / "crawl").mkdir()
        with open(tmp_path / "crawl" / "crawl.warc.gz", "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for i, text in enumerate(pages):
                html = "<html><body><article>" + "".join(f"<p>{ln}</p>" for ln in text.splitlines()) + \
                       "</article></body></html>"
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(f"https://example.org/{i}", "response",
                                                              payload=io.BytesIO(html.encode()), http_headers=http))
    return tmp_path


def test_the_readme_has_examples():
    assert len(PYTHON) >= 4 and len(SEED_COMMANDS) >= 3


@pytest.mark.parametrize("n", range(len(PYTHON)))
def test_python_example_runs_as_a_script(tmp_path, n):
    code = PYTHON[n]
    for engine in ENGINES:
        if re.search(rf"^from {engine}\b", code, re.M) and not importlib.util.find_spec(engine):
            pytest.skip(f"needs {engine} (an extra)")
    folder = _folder(tmp_path)
    script = folder / f"example_{n}.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Without its __main__ guard the datatrove example hangs (its workers run the pipeline again).
    proc = subprocess.run([sys.executable, str(script)], cwd=folder, env=env, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    if "ParquetWriter(\"clean/\")" in code:  # the datatrove pipeline wrote its output
        assert list((folder / "clean").rglob("*.parquet")), sorted(p.name for p in folder.rglob("*"))


@pytest.mark.parametrize("command", SEED_COMMANDS)
def test_command_on_the_seeds_runs_as_written(tmp_path, command):
    folder = _folder(tmp_path)
    if "MARKS.json" in command:
        # A review with no marks, its pack as `review apply` writes it (the README's step before).
        (folder / "MARKS.json").write_text(json.dumps({"report": "seeds", "marks": []}), encoding="utf-8")
        (folder / "review-pack.toml").write_text('[pack]\ndescription = "A review."\n', encoding="utf-8")
    args = shlex.split(command)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "cleaner", *args[1:]], cwd=folder, env=env, capture_output=True,
                          timeout=600)
    assert proc.returncode == 0, (command, proc.stderr.decode()[-3000:])
    assert len(list((folder / "out").glob("*.txt"))) == len(list((ROOT / "seeds").glob("*.txt")))

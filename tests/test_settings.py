"""Project settings files: clean-articles.toml, .clean-articles.toml, [tool.clean-articles]."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

PAGE = "Headline\n\nAdvertisement\n\nThe story itself is told in full sentences, as stories are.\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(PAGE)
    work = tmp_path / "work" / "deeper"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return tmp_path


def _run(project: Path, *extra: str):
    return CliRunner().invoke(main, [str(project / "in"), str(project / "out"), *extra])


def test_without_a_file_the_defaults_hold(project):
    res = _run(project)
    assert res.exit_code == 0, res.output
    assert "Advertisement" not in (project / "out" / "a.txt").read_text()
    assert "settings from" not in res.output


@pytest.mark.parametrize("name", ["clean-articles.toml", ".clean-articles.toml"])
def test_the_nearest_file_up_from_the_working_directory_sets_the_defaults(project, name):
    (project / "work" / name).write_text('select = ["CO"]\n')
    res = _run(project)
    assert res.exit_code == 0, res.output
    assert "Advertisement" in (project / "out" / "a.txt").read_text()
    assert f"settings from {project / 'work' / name}" in res.output


def test_a_pyproject_table_counts_and_one_without_it_is_passed_over(project):
    (project / "work" / "pyproject.toml").write_text('[tool.clean-articles]\nselect = "CO101"\n')
    (project / "work" / "deeper" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    res = _run(project)
    assert res.exit_code == 0, res.output
    assert "Advertisement" in (project / "out" / "a.txt").read_text()
    assert "work/pyproject.toml" in res.output


def test_the_command_line_wins_over_the_file(project):
    (project / "work" / "clean-articles.toml").write_text('select = ["CO"]\noutput = "json"\n')
    res = _run(project, "--select", "AD", "--output", "text")
    assert res.exit_code == 0, res.output
    assert "Advertisement" not in (project / "out" / "a.txt").read_text()
    assert not (project / "out" / "a.json").exists()


def test_output_from_the_file_changes_the_outputs(project):
    (project / "work" / "clean-articles.toml").write_text('output = "json"\njobs = 1\n')
    res = _run(project)
    assert res.exit_code == 0, res.output
    assert (project / "out" / "a.json").exists()


def test_budgets_come_from_the_file(project):
    (project / "work" / "clean-articles.toml").write_text("max-bytes = 10\n")
    res = _run(project)
    assert res.exit_code == 1 and "max-bytes" in res.output, res.output


def test_rule_packs_are_relative_to_the_file(project):
    packs = project / "work" / "packs"
    packs.mkdir()
    (packs / "house.toml").write_text('''[[rule]]
code = "XH101"
name = "house.story-line"
kind = "drop-block"
langs = ["*"]
message = "a house rule"
patterns = ['^The story itself']
examples.hit = ["The story itself is told"]
examples.keep = ["A story"]
''')
    (project / "work" / "clean-articles.toml").write_text('rules = ["packs"]\n')
    res = _run(project)
    assert res.exit_code == 0, res.output
    assert "The story itself" not in (project / "out" / "a.txt").read_text()


@pytest.mark.parametrize("table, message", [
    ('selct = ["AD"]\n', "unknown key 'selct' (did you mean 'select'?)"),
    ('hits = "h.jsonl"\n', "unknown key 'hits'"),
    ('profile = "safest"\n', "profile: 'safest' is not one of"),
    ('jobs = "many"\n', "jobs: 'many' is not a valid integer"),
    ('select = [1]\n', "select: expected a list of strings"),
    ('rules = ["missing"]\n', "rules: "),
    ('profile = [\n', "settings file"),
])
def test_a_bad_file_is_a_usage_error_naming_it(project, table, message):
    (project / "work" / "clean-articles.toml").write_text(table)
    res = _run(project)
    assert res.exit_code == 2
    assert "clean-articles.toml" in res.output and message in res.output, res.output
    assert not (project / "out").exists()


def test_an_unknown_rule_code_in_the_file_is_refused_like_on_the_command_line(project):
    (project / "work" / "clean-articles.toml").write_text('select = ["XX"]\n')
    res = _run(project)
    assert res.exit_code == 2 and "XX" in res.output


def test_isolated_ignores_the_file_and_config_names_one(project):
    (project / "work" / "clean-articles.toml").write_text('select = ["CO"]\n')
    res = _run(project, "--isolated")
    assert res.exit_code == 0 and "Advertisement" not in (project / "out" / "a.txt").read_text()
    other = project / "other.toml"
    other.write_text('select = ["CO"]\n')
    res = CliRunner().invoke(main, ["--isolated", str(project / "in"), str(project / "out2")])
    assert res.exit_code == 0 and "Advertisement" not in (project / "out2" / "a.txt").read_text()
    (project / "work" / "clean-articles.toml").write_text('ignore = ["XX-broken"]\n')
    res = _run(project, "--config", str(other))
    assert res.exit_code == 0, res.output
    assert "Advertisement" in (project / "out" / "a.txt").read_text()
    res = _run(project, "--config", str(other), "--isolated")
    assert res.exit_code == 2 and "exclude each other" in res.output


def test_the_rules_listing_reads_the_same_settings(project):
    (project / "work" / "clean-articles.toml").write_text('select = ["AD201"]\n')
    res = CliRunner().invoke(main, ["rules"])
    assert res.exit_code == 0, res.output
    assert [line.split()[0] for line in res.output.splitlines()] == ["AD201"]
    (project / "work" / "clean-articles.toml").write_text('output = "json"\n')
    res = CliRunner().invoke(main, ["rules"])
    assert res.exit_code == 2 and "unknown key 'output'" in res.output

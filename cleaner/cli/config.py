"""Project settings: the options a team fixes once, read from a file instead of every
command line.

The nearest of ``clean-articles.toml``, ``.clean-articles.toml`` or a ``pyproject.toml``
with a ``[tool.clean-articles]`` table, from the working directory up, gives defaults for
the command's options (a ``pyproject.toml`` without the table is passed over, as ruff
does).  The command line wins over the file; ``--config PATH`` names the file,
``--isolated`` ignores every file.  Keys are the options' long names; relative ``rules``
paths are relative to the file.  An unknown key or a bad value is a usage error naming
the file, so a typo never silently changes what runs.
"""
from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import click

FILES = ("clean-articles.toml", ".clean-articles.toml", "pyproject.toml")
TABLE = "clean-articles"

# The options a project may fix, per command; everything else is per run (outputs,
# --hits, --report, --resume, --diff) and stays on the command line.
SETTABLE = {
    "run": ("rules", "select", "ignore", "profile", "input", "output", "text-field", "html-field", "jobs", "format",
            "max-bytes", "timeout", "follow-symlinks"),
    "rules": ("rules", "select", "ignore", "profile"),
}
_PARAM = {"rules": "rules_dirs", "format": "fmt", "input": "input_kind"}


@dataclass(frozen=True)
class Settings:
    """One settings file: where it is and its table (keys as in the file)."""

    path: Path
    table: Mapping[str, Any]


def find_settings(start: Path) -> Settings | None:
    """The nearest settings file from ``start`` up, or None."""
    for folder in (start, *start.parents):
        for name in FILES:
            candidate = folder / name
            if candidate.is_file():
                settings = read_settings(candidate, required=name != "pyproject.toml")
                if settings is not None:
                    return settings
    return None


def read_settings(path: Path, required: bool = True) -> Settings | None:
    """The settings of one file (``[tool.clean-articles]`` of a ``pyproject.toml``, the
    top level of any other); None for a ``pyproject.toml`` without the table unless
    ``required``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise click.UsageError(f"settings file {path}: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get(TABLE)
        if table is None:
            if required:
                raise click.UsageError(f"settings file {path}: no [tool.{TABLE}] table")
            return None
        if not isinstance(table, dict):
            raise click.UsageError(f"settings file {path}: [tool.{TABLE}] must be a table")
        return Settings(path, table)
    return Settings(path, data)


def default_map(settings: Settings, command: click.Command) -> dict[str, Any]:
    """The command's defaults from ``settings``: each key checked against the options the
    command lets a project fix, and its value converted by the option's own type."""
    allowed = SETTABLE.get(command.name or "", ())
    params = {p.name: p for p in command.params}
    out: dict[str, Any] = {}
    for key, value in settings.table.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            hint += f"; per-project keys are {', '.join(allowed)}" if allowed else ""
            raise click.UsageError(f"settings file {settings.path}: unknown key {key!r}{hint}")
        param = params[_PARAM.get(key, key.replace("-", "_"))]
        out[param.name] = _convert(settings, key, value, param)
    return out


def _convert(settings: Settings, key: str, value: Any, param: click.Parameter) -> Any:
    where = f"settings file {settings.path}: {key}"
    if param.multiple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise click.UsageError(f"{where}: expected a list of strings, got {value!r}")
        if key == "rules":  # relative to the file, not to wherever the command runs
            value = [str(settings.path.parent / v) for v in value]
        return [_one(where, v, param) for v in value]
    if isinstance(value, (list, dict)):
        raise click.UsageError(f"{where}: expected one value, got {value!r}")
    return _one(where, value, param)


def _one(where: str, value: Any, param: click.Parameter) -> Any:
    try:
        return param.type.convert(value, param, None)
    except click.BadParameter as exc:
        raise click.UsageError(f"{where}: {exc.message}") from None


def _remember(ctx: click.Context, key: str, value: Any) -> None:
    ctx.meta[f"settings.{key}"] = value
    if "settings.isolated" in ctx.meta and "settings.config" in ctx.meta:
        _apply(ctx)


def _apply(ctx: click.Context) -> None:
    path, isolated = ctx.meta["settings.config"], ctx.meta["settings.isolated"]
    if path is not None and isolated:
        raise click.UsageError("--config and --isolated exclude each other")
    if isolated:
        return
    settings = read_settings(path) if path is not None else find_settings(Path.cwd())
    if settings is None:
        return
    ctx.meta["settings.path"] = settings.path
    ctx.default_map = {**default_map(settings, ctx.command), **(ctx.default_map or {})}


def settings_options(f):
    """``--config`` and ``--isolated``: processed before every other option (eager), so
    the file's values are the defaults the rest are parsed against."""
    f = click.option("--isolated", is_flag=True, is_eager=True, expose_value=False,
                     callback=lambda ctx, _p, v: _remember(ctx, "isolated", v),
                     help="Ignore every settings file.")(f)
    f = click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     is_eager=True, expose_value=False, callback=lambda ctx, _p, v: _remember(ctx, "config", v),
                     help="Settings file (default: the nearest clean-articles.toml, .clean-articles.toml or "
                          "pyproject.toml with [tool.clean-articles], from the working directory up).")(f)
    return f


def settings_path(ctx: click.Context) -> Path | None:
    """The settings file this command's defaults came from, if any."""
    return ctx.meta.get("settings.path")

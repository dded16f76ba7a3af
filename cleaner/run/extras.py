"""The install command for a missing extra, as it works for how this copy was installed.

Installed from a package index, the extra is ``pip install 'clean-articles[warc]'``.
Installed from a checkout (``pip install .`` or ``pip install -e .``), that name would
fetch another copy or nothing, so the command names the checkout, as pip recorded it
(PEP 610's ``direct_url.json``): ``pip install -e '.[warc]'``.  Imported from a source tree
that was never installed, the tree is named likewise.
"""
from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

DISTRIBUTION = "clean-articles"
_SOURCE_TREE = Path(__file__).resolve().parent.parent.parent  # above cleaner/


def _where(path: Path) -> str:
    """``path`` as the user would type it from here: ``.``, ``../x`` or absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith(os.pardir + os.sep + os.pardir) else rel


def install_source() -> tuple[Path | None, bool]:
    """Where this copy was installed from: ``(checkout, editable)``, or ``(None, False)``
    for a package index."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        project = _SOURCE_TREE / "pyproject.toml"
        return (_SOURCE_TREE, True) if project.is_file() else (None, False)
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "null")
    except ValueError:
        direct = None
    if not isinstance(direct, dict) or "dir_info" not in direct:
        return None, False
    url = urlparse(direct.get("url", ""))
    if url.scheme != "file":
        return None, False
    return Path(unquote(url.path)), bool(direct["dir_info"].get("editable"))


def install_command(extra: str) -> str:
    """The command that installs ``extra`` into the environment this copy runs in."""
    checkout, editable = install_source()
    if checkout is None:
        return f"pip install '{DISTRIBUTION}[{extra}]'"
    return f"pip install {'-e ' if editable else ''}'{_where(checkout)}[{extra}]'"


def missing_extra(what: str, module: str, extra: str) -> str:
    """The message for a feature whose module is not installed."""
    return f"{what} needs {module}: {install_command(extra)}"

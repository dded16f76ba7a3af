"""Hatch build hook: compile the native core (``cargo build --release``) into the wheel as
``cleaner/_native.abi3.so``.

Without cargo (or with ``CLEAN_ARTICLES_NO_NATIVE=1``) the wheel is the pure-Python one,
with a warning: the package runs the same, on its Python twins.  When cargo is there but
the build fails, the install fails: a broken core must not pass silently for a pure one.

Editable installs import ``cleaner`` from the source tree, so there the library is copied
into ``cleaner/`` (ignored by git) instead of into the wheel.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "cleaner/_native.abi3.so"


def find_cargo() -> str | None:
    """cargo on PATH, else rustup's default place."""
    found = shutil.which("cargo")
    if found:
        return found
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "bin" / "cargo"
    return str(home) if home.is_file() else None


class NativeBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        crate = root / "native"
        if os.environ.get("CLEAN_ARTICLES_NO_NATIVE") == "1":
            self.app.display_warning("CLEAN_ARTICLES_NO_NATIVE=1: building without the native core")
            return
        cargo = find_cargo()
        if cargo is None:
            self.app.display_warning("cargo not found: building without the native core "
                                     "(pure Python; put ~/.cargo/bin on PATH for the native one)")
            return
        env = {**os.environ, "PYO3_PYTHON": sys.executable}
        self.app.display_info(f"building the native core with {cargo}")
        subprocess.run([cargo, "build", "--release", "--features", "extension-module",
                        "--manifest-path", str(crate / "Cargo.toml")], check=True, env=env)
        built = crate / "target" / "release" / "lib_native.so"
        if version == "editable":
            shutil.copy2(built, root / TARGET)
        else:
            build_data["force_include"][str(built)] = TARGET
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

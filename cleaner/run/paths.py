"""Where the tool may write: every write path checked against every input before anything runs.

Every command (folders, one page, JSONL, WARC, Parquet) hands its write paths -- the
outputs, ``--hits``, ``--report``, the manifest -- to :func:`write_problem` once, before it
reads or writes a byte, and stops with a usage error on the first problem.  Temporary
files need no check: :func:`cleaner.run.io.atomic_open` creates them exclusively beside a
checked path.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable


def is_inside(child: Path, parent: Path) -> bool:
    child, parent = Path(child).resolve(), Path(parent).resolve()
    return child == parent or parent in child.parents


def unsafe_destination(dest: Path, inputs: Iterable[Path] = (), in_dir: Path | None = None) -> str | None:
    """Why the tool must not write the file ``dest``, or None.

    Never inside IN_DIR, never onto an input (by name or by inode: a hard link counts),
    never onto a device, FIFO, socket or folder, never through a symlink (the atomic
    rename would replace what it points at or is).
    """
    try:
        st = os.lstat(dest)
    except (FileNotFoundError, NotADirectoryError):  # not there yet: created later
        st = None
    except OSError as exc:
        return f"cannot be checked: {exc.strerror or exc}"
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            return "is a symlink (writing would replace it, or what it points at)"
        if not stat.S_ISREG(st.st_mode):
            kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode)
                    else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file")
            return f"is {kind}"
    if in_dir is not None and is_inside(dest, in_dir):
        return f"is inside IN_DIR {in_dir}"
    for p in inputs:
        try:
            if st is not None and os.path.samefile(dest, p):
                return f"is the input {p}"
        except OSError:
            pass
        if Path(dest).resolve() == Path(p).resolve():
            return f"is the input {p}"
    return None


def out_dir_problem(out_dir: Path, in_dir: Path) -> str | None:
    """Why a batch must not write into the folder ``out_dir``, or None."""
    if is_inside(out_dir, in_dir) or is_inside(in_dir, out_dir):
        return f"must be outside IN_DIR {in_dir} (inputs are never modified)"
    return not_writable(out_dir)


def not_writable(path: Path) -> str | None:
    """Why nothing can be created at ``path`` (a folder to fill, or a file's folder), or None:
    the nearest folder that exists on its way is on a read-only file system, not ours to
    write, or not a folder at all.  Found here, it is a usage error before anything runs,
    not a traceback after the first output."""
    folder = Path(path)
    while not os.path.lexists(folder) and folder.parent != folder:
        folder = folder.parent
    if not folder.is_dir():
        return f"cannot be created: {folder} is not a folder"
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    if read_only:
        return "is on a read-only file system"
    effective = os.access in os.supports_effective_ids  # the set-uid user's rights, not the caller's
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=effective):
        return f"cannot be written: no permission to write in {folder}"
    return None


def write_problem(files: Iterable[tuple[str, os.PathLike | str | None]], inputs: Iterable[Path] = (),
                  in_dir: Path | None = None, out_dir: Path | None = None) -> str | None:
    """The first reason, as one message, why the command must not start, or None.

    ``files`` are ``(what, path)`` pairs, ``what`` naming the path in the message
    (``"--hits"``, ``"OUT"``, ``"the manifest"``); a None path is not written (stdout, an
    option not given).  ``out_dir`` is a batch's output folder, checked against ``in_dir``.
    Two pairs naming one file are a problem too: one would overwrite the other.
    """
    inputs = [Path(p) for p in inputs]
    if out_dir is not None and in_dir is not None:
        why = out_dir_problem(Path(out_dir), Path(in_dir))
        if why:
            return f"OUT_DIR {out_dir} {why}"
    seen: dict[Path, str] = {}
    for what, dest in files:
        if dest is None:
            continue
        dest = Path(dest)
        why = unsafe_destination(dest, inputs, in_dir) or not_writable(dest.parent)
        if why:
            return (f"{what} {dest} {why}: inputs are never modified and nothing is written through "
                    "links or onto special files")
        key = dest.resolve()
        if key in seen:
            return f"{seen[key]} and {what} name the same file {dest}"
        seen[key] = what
    return None

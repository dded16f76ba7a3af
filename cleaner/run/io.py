"""Files: finding inputs, naming outputs, and writing them atomically."""
from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator, TextIO

from xopen import xopen

from cleaner.run.paths import is_inside
from cleaner.stages.decode import looks_like_html

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
# Pages saved under a server's name for them: HTML or text, told by the content.
PAGE_SUFFIXES = (".php", ".xhtml", ".shtml", ".asp", ".aspx", ".jsp", ".cfm")
SNIFF = "sniff"
PARQUET_SUFFIXES = (".parquet", ".pq")


def input_kind(path: Path) -> str | None:
    """``"text"``, ``"html"``, :data:`SNIFF` (a page whose content says which: a server
    page name, or no extension at all) or None for a file the batch does not clean."""
    name = path.name.lower()
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(PAGE_SUFFIXES) or ("." not in name and name):
        return SNIFF
    return None


def is_parquet(path: str) -> bool:
    """Is the file named as Parquet (``.parquet``, ``.pq``)?"""
    return str(path).lower().endswith(PARQUET_SUFFIXES)


def is_html(path: Path, data: bytes, input: str = "auto") -> bool:
    """Is the input HTML: as ``--input`` says (``html``, ``text``), else (``auto``) by its
    name, or for a :data:`SNIFF` name (and a ``.txt`` file that holds markup) by its content."""
    if input != "auto":
        return input == "html"
    kind = input_kind(path)
    return kind == "html" or (kind in (SNIFF, "text") and looks_like_html(data))


def output_name(rel: Path, suffix: str = ".txt") -> Path:
    """``a/b.txt`` stays ``a/b.txt``; ``a/b.html.gz`` and ``a/b.php`` become ``a/b.txt``; a
    name without an extension stays.  With another ``suffix`` (``.md``, ``.json``), the
    page's extension is replaced by it, or it is added to a name without one."""
    name = rel.name
    lower = name.lower()
    for known in sorted(HTML_SUFFIXES + PAGE_SUFFIXES + TEXT_SUFFIXES, key=len, reverse=True):
        if lower.endswith(known):
            if known in TEXT_SUFFIXES and suffix == ".txt":
                return rel
            return rel.with_name(name[: -len(known)] + suffix)
    return rel if suffix == ".txt" else rel.with_name(name + suffix)


def walk_inputs(root: Path, errors: list[tuple[str, str]],
                skipped: list[tuple[str, str]] | None = None, unread: Counter | None = None, *,
                out_dir: Path | None = None, follow_symlinks: bool = False) -> Iterator[Path]:
    """Input files under ``root`` in a stable order, following no symlinked folder twice.

    Folders that cannot be read, broken links and link loops are reported in ``errors`` and
    skipped. A folder reached a second time through a symlink (a loop, or two links to one
    folder) is reported in ``skipped`` when given (nothing is lost: its files were cleaned
    once), else in ``errors``.  Files of types the batch does not read are counted in
    ``unread`` by extension (a crawl folder holds images and scripts by the thousand).

    A symlinked folder that leads outside ``root`` is skipped (with its reason) unless
    ``follow_symlinks``: what a batch reads stays inside IN_DIR unless asked.  Nothing
    under ``out_dir`` is ever read, through any link: its outputs would come back as
    inputs and nest one level deeper each run.
    """
    seen: set[tuple[int, int]] = set()
    real_root = root.resolve()
    real_out = out_dir.resolve() if out_dir is not None else None
    quiet_skip = errors if skipped is None else skipped

    def into_out(path: Path) -> bool:
        return real_out is not None and is_inside(path, real_out)

    def visit(folder: Path) -> Iterator[Path]:
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:
                quiet_skip.append((str(folder), "symlink loop: folder already visited"))
                return
            seen.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            errors.append((str(folder), f"cannot read folder: {exc.strerror or exc}"))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink() and (entry.is_dir() or entry.is_file() and input_kind(path)):
                    real = path.resolve()
                    if into_out(real):
                        quiet_skip.append((str(path), "symlink leads into OUT_DIR (outputs are never read back)"))
                        continue
                    if entry.is_dir() and not follow_symlinks and not is_inside(real, real_root):
                        quiet_skip.append((str(path), "symlinked folder leads outside IN_DIR "
                                                      "(--follow-symlinks follows it)"))
                        continue
                if entry.is_dir():
                    if into_out(path.resolve()):  # under a followed link to a folder above OUT_DIR
                        quiet_skip.append((str(path), "is OUT_DIR (outputs are never read back)"))
                        continue
                    yield from visit(path)
                elif entry.is_file():
                    if input_kind(path):
                        yield path
                    elif unread is not None and not entry.name.startswith("."):
                        unread[Path(entry.name.lower()).suffix] += 1
                elif entry.is_symlink() and input_kind(path):
                    try:
                        os.stat(path)
                        why = "not a regular file"
                    except OSError as exc:
                        why = "symlink loop" if exc.errno == errno.ELOOP else "broken symlink"
                    errors.append((str(path), why))
                elif input_kind(path) and skipped is not None:
                    skipped.append((str(path), "not a regular file (fifo, socket or device)"))
            except OSError as exc:
                why = "symlink loop" if exc.errno == errno.ELOOP else f"cannot read: {exc.strerror or exc}"
                errors.append((str(path), why))

    yield from visit(root)


class WriteError(OSError):
    """Writing ``target`` failed (a full disk, an I/O error): the destination's fault, not
    the input's.  Keeps the errno and strerror of the error it wraps."""

    def __init__(self, target, exc: OSError):
        super().__init__(exc.errno, exc.strerror or str(exc))
        self.target = str(target)


class ReadError(Exception):
    """An input could not be read on after ``line`` whole lines (truncated or corrupt
    compressed data, an I/O error): the input's fault.  An ``EOFError`` never escapes as
    itself, which click would take for Ctrl-D and report as ``Aborted!``."""

    def __init__(self, source: str, line: int, exc: BaseException):
        why = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, EOFError):
            why = f"truncated: {why}"
        super().__init__(f"{source}: cannot read after line {line}: {why}")
        self.source, self.line, self.why = source, line, why


class CheckedLines:
    """The lines of the binary input ``fh`` (a file named ``source``), any error reading
    or closing it a :class:`ReadError` naming the file and the last line read whole.

    Closing is part of reading: a decompressor tells a truncated stream only at its end.
    So a caller closes the input before it commits an output made from it."""

    def __init__(self, fh: BinaryIO, source: str):
        self._fh, self.source, self.lines = fh, source, 0

    def __iter__(self) -> Iterator[bytes]:
        lines = iter(self._fh)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - each decompressor has its own errors
                raise ReadError(self.source, self.lines, exc) from None
            self.lines += 1
            yield line

    def close(self) -> None:
        try:
            self._fh.close()
        except Exception as exc:  # noqa: BLE001
            raise ReadError(self.source, self.lines, exc) from None

    def __enter__(self) -> "CheckedLines":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# Temporary files of atomic_open: ".NAME.tmp-<pid>-<8 hex>".
TMP_NAME = re.compile(r"^\..+\.tmp-[0-9]+-[0-9a-f]{8}$")


def _owner_gone(path: Path) -> bool:
    """Is no live process writing the temporary file ``path``?  Its writer holds an
    exclusive lock on it (:func:`atomic_open`), which the kernel drops when it dies."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_dead_temps(folder: Path, name: str | None = None, *, recursive: bool = False,
                      keep: Path | None = None) -> list[Path]:
    """Delete the temporary files (of ``name`` only, when given) a killed run left in
    ``folder``: only those whose writer is gone, so a run still writing keeps its own
    (and ``keep``, the one a resumed run goes on writing)."""
    removed = []
    prefix = None if name is None else f".{name}.tmp-"
    walk = os.walk(folder) if recursive else [(str(folder), [], _names(folder))]
    for where, _, files in walk:
        for entry in files:
            if not TMP_NAME.match(entry) or (prefix and not entry.startswith(prefix)):
                continue
            p = Path(where) / entry
            if keep is not None and p.resolve() == keep.resolve():
                continue
            if _owner_gone(p):
                try:
                    p.unlink()
                    removed.append(p)
                except OSError:
                    pass
    return removed


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def temp_name(path: Path) -> Path:
    """A new temporary name for ``path``, in its folder: ``.NAME.tmp-<pid>-<8 hex>``."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


@contextmanager
def atomic_open(path: Path, *, resume: tuple[Path, int] | None = None) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` only when the ``with`` block ends without error.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file
    is renamed over ``path``; a process killed at any moment leaves no partial output (and
    an error removes the temporary file).  The file is created with ``open(..., "xb")``, so
    its permissions follow the umask.  Its own steps failing (creating, flushing, syncing,
    renaming: a full disk shows there) raise :class:`WriteError`.  The temporary file is
    locked (``flock``) until it is renamed, which tells a dead run's leftovers
    (:func:`remove_dead_temps`) from a live one's.

    ``resume=(temp, size)`` goes on writing a killed run's temporary file ``temp``, cut
    back to its first ``size`` bytes (its last checkpoint).  An interrupt (Ctrl-C) keeps
    the temporary file of such a resumable output, for the next ``--resume``.
    """
    tmp = resume[0] if resume else temp_name(path)
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fh: BinaryIO
            if resume:
                fh = open(tmp, "r+b")
                lock_when_free(fh)
                fh.truncate(resume[1])
                fh.seek(resume[1])
            else:
                fh = open(tmp, "xb")
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else holds it
        except OSError as exc:
            raise WriteError(path, exc) from exc
        with fh:
            yield fh
            try:
                fh.flush()
                os.fsync(fh.fileno())
                os.replace(tmp, path)  # still locked: never taken for a dead run's leftover
            except OSError as exc:
                raise WriteError(path, exc) from exc
    except KeyboardInterrupt:
        if resume is None:
            _unlink(tmp)
        raise
    except BaseException:
        _unlink(tmp)
        raise


# Seconds a killed run's worker processes may still hold its temporary file: they shared
# its lock when forked, and end within half a second of their parent (executor.init_worker).
LOCK_WAIT = 10.0


def lock_when_free(fh) -> None:
    """Lock a killed run's temporary file, once its last worker process has let it go."""
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


@contextmanager
def text_output(path: Path) -> Iterator[TextIO]:
    """``path`` opened as UTF-8 text (the ``--hits`` file); failing to open or close it
    raises :class:`WriteError` naming it."""
    try:
        fh = open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise WriteError(path, exc) from exc
    try:
        yield fh
    except BaseException:
        try:
            fh.close()
        except OSError:
            pass
        raise
    try:
        fh.close()
    except OSError as exc:
        raise WriteError(path, exc) from exc


# Compression told by a file's name (xopen's format names), for reading and writing alike.
COMPRESSION = {".gz": "gz", ".bz2": "bz2", ".xz": "xz", ".zst": "zst"}


def compression_of(path: str | Path) -> str | None:
    """The compression format a file's name says (``"gz"``, ``"bz2"``, ``"xz"``, ``"zst"``), or None."""
    return COMPRESSION.get(Path(str(path).lower()).suffix)


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """:func:`atomic_open`, compressed through xopen when the name says so (``.gz``,
    ``.bz2``, ``.xz``, ``.zst``): the compressed stream is closed (its trailer written)
    before the temporary file is renamed, so ``path`` never holds a partial archive.
    A stream's output is one file: the temporary files a killed run left for it go first."""
    remove_dead_temps(path.parent, path.name)
    fmt = compression_of(path)
    with atomic_open(path) as raw:
        if fmt is None:
            yield raw
            return
        # threads=0: compress in this process, no helper program writing behind our back.
        with xopen(raw, "wb", format=fmt, threads=0) as out:
            yield out


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either complete or untouched."""
    with atomic_open(path) as fh:
        fh.write(data)

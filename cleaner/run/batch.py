"""The batch loop: clean input files one at a time into OUT, and lose nothing.

* Each input gets one :class:`Outcome`: ``cleaned``, ``unchanged`` (``--resume`` found its
  output up to date), ``skipped`` (binary, not a page) or ``failed`` (a one-line reason).
  One bad file never stops the batch.
* Outputs are written atomically (:func:`cleaner.run.io.atomic_write`), always inside OUT:
  an output path whose real folder would lie outside OUT (a symlink planted in OUT) fails.
* The manifest ``OUT/.clean-articles.json`` maps each input's relative path to its sha256
  and size, the rules hash and the tool version; each finished input is a line appended to
  its journal (on disk every ``save_every`` files), folded into it at the end
  (:class:`Manifest`).  With ``resume=True`` an input whose entry matches
  and whose output exists is not cleaned again, so a killed batch re-run with ``--resume``
  ends with the same OUT tree as an uninterrupted run.  The manifest holds no timestamps.
  A save that fails (a full disk) is kept in ``Batch.manifest_error`` for the command to
  report: the batch goes on, and the manifest on disk stays the last complete one.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from itertools import tee

from cleaner import __version__
from cleaner.model import CleanResult
from cleaner.rules import builtin_rules_dir
from cleaner.run.executor import batched, ordered_map
from cleaner.formats import SUFFIXES, render
from cleaner.run.io import atomic_write, is_html, output_name, remove_dead_temps
from cleaner.run.totals import hit_record
from cleaner.stages.decode import unpacked_size
from cleaner.run.work import FILES_CHUNK, NO_BUDGET, Budget, clean_one, clean_payloads, files_recovery, one_line
from cleaner.terminal import display

MANIFEST_NAME = ".clean-articles.json"
JOURNAL_NAME = ".clean-articles.journal"
MANIFEST_FORMAT = 1
LOCK_NAME = ".clean-articles.lock"
SAVE_EVERY = 50

CLEANED, UNCHANGED, SKIPPED, FAILED = "cleaned", "unchanged", "skipped", "failed"


@dataclass
class Outcome:
    """What happened to one input."""

    path: Path
    rel: Path
    status: str
    reason: str = ""
    result: CleanResult | None = None
    bytes_in: int = 0
    bytes_out: int = 0
    hits: str = ""  # its --hits line, kept in the manifest (``keep_hits``)


def rules_hash(cleaner) -> str:
    """Hash of what decides the output: the loaded rule files (their bytes, in load
    order), the stopword lists, and the enabled rule codes (selection and profile)."""
    h = hashlib.sha256()
    sources = list(dict.fromkeys(r.source for r in cleaner.all_rules))
    for src in sources:
        p = Path(src)
        h.update(p.name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")
    try:
        for p in sorted((builtin_rules_dir() / "stopwords").glob("*.txt")):
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    except Exception:  # pragma: no cover - an incomplete install fails elsewhere
        pass
    h.update(",".join(sorted(cleaner.enabled)).encode())
    return h.hexdigest()


class Manifest:
    """``OUT/.clean-articles.json``: relative input path -> input hash, rules hash, version.

    During a run each finished input appends one JSON line to the journal
    ``OUT/.clean-articles.journal`` (``{"key": ..., "entry": {...}}``, or ``"forget"``),
    flushed to disk every ``save_every`` lines, so the cost per file is constant however
    large the batch.  The snapshot (the format-1 file earlier versions wrote, which still
    loads) is rewritten once at the start of a resumed run and once at its end, when the
    journal is folded into it and removed.  Loading reads the snapshot, then replays the
    journal: the last line of an input wins, and a line torn by a kill is ignored.
    """

    def __init__(self, out_dir: Path, rules: str):
        self.path = out_dir / MANIFEST_NAME
        self.journal_path = out_dir / JOURNAL_NAME
        self.rules = rules
        self.entries: dict[str, dict] = {}
        self.warning = ""
        self._journal: BinaryIO | None = None
        self._unsynced = 0
        self.error = ""  # a journal line that could not be written (a full disk)

    def load(self) -> None:
        """Read an earlier manifest and journal; an unreadable or foreign manifest is
        ignored with a warning (the journal of that run with it)."""
        try:
            data = json.loads(self.path.read_bytes())
            entries = data["files"]
            if data.get("format") != MANIFEST_FORMAT or not isinstance(entries, dict):
                raise ValueError("unknown format")
        except FileNotFoundError:
            entries = {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.warning = f"{display(self.path)}: manifest ignored, every input is cleaned again ({one_line(exc)})"
            return
        self.entries = {k: v for k, v in entries.items() if isinstance(v, dict)}
        self._replay()

    def _replay(self) -> None:
        try:
            raw = self.journal_path.read_bytes()
        except OSError:
            return
        for line in raw.splitlines():
            try:
                item = json.loads(line)
                key = item["key"]
            except (ValueError, KeyError, TypeError):
                continue  # torn by a kill (the last line), or not ours
            if isinstance(item.get("entry"), dict):
                self.entries[key] = item["entry"]
            elif item.get("forget"):
                self.entries.pop(key, None)

    def up_to_date(self, key: str, sha: str, size: int, out_path: Path, need: tuple[str, ...] = ()) -> bool:
        """Is ``key``'s output the one these bytes and rules give (and its entry holds
        the fields ``need``, such as its hits)?"""
        e = self.entries.get(key)
        if not e or e.get("sha256") != sha or e.get("size") != size:
            return False
        if e.get("rules") != self.rules or e.get("version") != __version__:
            return False
        if any(field not in e for field in need):
            return False
        try:
            return out_path.is_file() and out_path.stat().st_size == e.get("output_size")
        except OSError:
            return False

    def record(self, key: str, sha: str, size: int, output: str, output_size: int, **extra) -> None:
        self.entries[key] = entry = {"sha256": sha, "size": size, "rules": self.rules, "version": __version__,
                                     "output": output, "output_size": output_size, **extra}
        self._append({"key": key, "entry": entry})

    def forget(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self._append({"key": key, "forget": True})

    def open_journal(self) -> None:
        """Start this run's journal: after a resume's load, the snapshot holds everything
        read so far, so the journal starts empty (and no torn line is appended to)."""
        if self._journal is None:
            self._journal = open(self.journal_path, "wb")
            _sync_folder(self.journal_path.parent)

    def _append(self, item: dict) -> None:
        if self._journal is None:
            return
        # ensure_ascii: names that are not UTF-8 round-trip as \udcNN escapes.
        try:
            self._journal.write(json.dumps(item, ensure_ascii=True).encode("ascii") + b"\n")
        except OSError as exc:  # kept for the command; the outputs go on
            self.error = f"cannot write the manifest journal: {exc.strerror or exc}"
        self._unsynced += 1

    def sync(self) -> None:
        """The journal's lines to disk (every ``save_every`` entries: a kill loses no more)."""
        if self._journal is not None and self._unsynced:
            self._journal.flush()
            os.fsync(self._journal.fileno())
            self._unsynced = 0

    def save(self, keep: set[str] | None = None) -> None:
        """Compact: write the snapshot atomically (``keep`` limits the entries to the inputs
        of this run), then empty the journal, whose lines it now holds."""
        entries = self.entries if keep is None else {k: v for k, v in self.entries.items() if k in keep}
        data = {"format": MANIFEST_FORMAT, "tool": "clean-articles", "version": __version__,
                "rules": self.rules, "files": dict(sorted(entries.items()))}
        # ensure_ascii: names that are not UTF-8 round-trip as \udcNN escapes.
        atomic_write(self.path, (json.dumps(data, indent=1, ensure_ascii=True) + "\n").encode("ascii"))
        if self._journal is not None:
            self._journal.seek(0)
            self._journal.truncate()
            self._unsynced = 0

    def close(self) -> None:
        """End the run's journal (compacted already: it is removed)."""
        if self._journal is not None:
            journal, self._journal = self._journal, None
            try:
                journal.close()
            except OSError as exc:
                self.error = f"cannot write the manifest journal: {exc.strerror or exc}"
            try:
                if self.journal_path.stat().st_size == 0:
                    self.journal_path.unlink()
            except OSError:
                pass


def _sync_folder(folder: Path) -> None:
    """A new file's name to disk (its folder's entry), so a crash keeps the file."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class OutDirBusy(Exception):
    """Another run holds OUT_DIR's lock: two runs would overwrite each other's outputs
    and manifest, and delete each other's temporary files."""


def lock_out_dir(out_dir: Path):
    """Hold ``OUT/.clean-articles.lock`` (an exclusive ``flock``) for the whole run; the
    kernel releases it when the process ends, however it ends.  Returns the open file;
    :func:`unlock_out_dir` removes it.  A lock taken on a file another run removed in the
    meantime is no lock: it is taken again on the file the path names now."""
    path = out_dir / LOCK_NAME
    while True:
        fh = open(path, "a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held, named = os.fstat(fh.fileno()), os.stat(path)
        except BlockingIOError:
            fh.close()
            raise OutDirBusy(f"another clean-articles run is writing {display(out_dir)} "
                             f"(it holds {LOCK_NAME}); wait for it to end") from None
        except FileNotFoundError:  # removed between open and stat: take the new one
            fh.close()
            continue
        except OSError:
            fh.close()
            raise
        if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
            return fh
        fh.close()


def unlock_out_dir(fh) -> None:
    """Remove the lock file while holding it (so OUT holds only outputs), then release it."""
    try:
        os.unlink(fh.name)
    except OSError:
        pass
    fh.close()


def remove_temp_files(out_dir: Path) -> list[Path]:
    """Delete temporary files a killed run left in OUT (``.NAME.tmp-<pid>-<hex>``)."""
    return remove_dead_temps(out_dir, recursive=True)


def safe_output(out_dir: Path, rel_out: Path) -> Path:
    """``out_dir / rel_out``, refusing a path that escapes OUT (``..`` or a symlinked folder)."""
    if rel_out.is_absolute() or ".." in rel_out.parts:
        raise ValueError(f"output name {display(rel_out)} escapes OUT_DIR")
    target = out_dir / rel_out
    root = out_dir.resolve()
    parent = target.parent.resolve()
    if parent != root and root not in parent.parents:
        raise ValueError(f"output folder {display(target.parent)} leads outside OUT_DIR (symlink?)")
    if target.is_symlink():
        raise ValueError(f"output {display(target)} is a symlink; refusing to write through it")
    return target


def _read(path: Path) -> bytes:
    return path.read_bytes()


class Batch:
    """Clean ``inputs`` (paths under ``in_dir``) into ``out_dir``; see the module docstring."""

    def __init__(self, cleaner, in_dir: Path, out_dir: Path, *, resume: bool = False,
                 save_every: int = SAVE_EVERY, input: str = "auto", output: str = "text",
                 budget: Budget = NO_BUDGET, keep_hits: bool = False, need_results: bool = False):
        self.cleaner = cleaner
        self.budget = budget  # --max-bytes, --timeout: what one input may cost
        # --hits: each entry keeps its document's hit line, so a resumed run's hits file
        # holds every document; --report needs every result, so an up-to-date input is
        # cleaned again in memory (its output is not rewritten).
        self.keep_hits = keep_hits
        self.need_results = need_results
        self.input = input  # --input: html, text, or auto (by name, else by content)
        self.output = output  # --output: text, markdown or json (cleaner.formats)
        self.in_dir = in_dir
        self.out_dir = out_dir
        self.resume = resume
        self.save_every = max(1, save_every)
        # The output format decides the output as much as the rules do.
        self.manifest = Manifest(out_dir, rules_hash(cleaner) if output == "text" else f"{rules_hash(cleaner)}:{output}")
        self.seen: set[str] = set()
        self.outputs: dict[Path, Path] = {}
        self.temp_removed: list[Path] = []
        self.manifest_error = ""
        self._since_save = 0
        self._lock = None

    def start(self) -> None:
        """Create OUT and lock it (:class:`OutDirBusy` when another run holds it); remove
        the temporary files a killed run left; with ``resume``, read the manifest."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._lock = lock_out_dir(self.out_dir)
        self.temp_removed = remove_temp_files(self.out_dir)
        if self.resume:
            self.manifest.load()
            if self.manifest.journal_path.exists():  # a killed run's: fold it in first
                self.manifest.save()
        self.manifest.open_journal()

    def run(self, inputs: Iterable[Path], *, jobs: int = 1) -> Iterator[Outcome]:
        """Outcomes in input order. With ``jobs`` > 1 the cleaning runs in worker processes
        (each builds the cleaner from its config); reading, the resume check, writing and
        the manifest stay here, so the OUT tree is the same as with one process."""
        if jobs == 1 or self.cleaner.config is None:
            outcomes: Iterator[Outcome] = (self.one(path) for path in inputs)
        else:
            outcomes = self._parallel(inputs, jobs)
        for outcome in outcomes:
            if outcome.status in (CLEANED, FAILED):
                self._since_save += 1
                if self._since_save >= self.save_every:
                    self._sync()
                    self._since_save = 0
            yield outcome

    def _parallel(self, inputs: Iterable[Path], jobs: int) -> Iterator[Outcome]:
        chunks, payloads = tee(batched((self.prepare(path) for path in inputs), FILES_CHUNK))
        work = ([(p.data, p.html) if isinstance(p, _Pending) else None for p in chunk] for chunk in payloads)
        for chunk, results in zip(chunks, ordered_map(clean_payloads, self.cleaner, work, self.budget, jobs=jobs,
                                                      recovery=files_recovery(self.budget))):
            for item, (result, error, skipped) in zip(chunk, results):
                yield item if isinstance(item, Outcome) else self.complete(item, result, error, skipped)

    def finish(self) -> None:
        """Write the manifest: the entries of this run's inputs only; release OUT."""
        if self._lock is None:
            return
        self._save(keep=self.seen)
        self.manifest.close()
        self.manifest_error = self.manifest_error or self.manifest.error
        unlock_out_dir(self._lock)
        self._lock = None

    def _sync(self) -> None:
        try:
            self.manifest.sync()
        except OSError as exc:
            self.manifest.error = f"cannot write the manifest journal: {exc.strerror or exc}"
        self.manifest_error = self.manifest.error

    def _save(self, keep: set[str] | None = None) -> None:
        """Save the manifest; a failure (a full disk) is kept in ``manifest_error``, not
        raised: the outputs written are whole, and the batch goes on (the next save may
        succeed).  The manifest on disk stays the last complete one."""
        try:
            self.manifest.save(keep)
            self.manifest_error = self.manifest.error = ""  # the snapshot holds every entry
        except OSError as exc:
            self.manifest_error = f"cannot write the manifest: {exc.strerror or exc}"

    def one(self, path: Path) -> Outcome:
        """Clean one input in this process."""
        item = self.prepare(path)
        if isinstance(item, Outcome):
            return item
        return self.complete(item, *clean_one(self.cleaner, item.data, item.html, self.budget))

    def prepare(self, path: Path) -> "Outcome | _Pending":
        """Read one input and decide whether it needs cleaning (an Outcome when it does not)."""
        rel = path.relative_to(self.in_dir)
        key = str(rel.as_posix())
        self.seen.add(key)
        rel_out = output_name(rel, SUFFIXES[self.output])
        first = self.outputs.setdefault(rel_out, rel)
        if first != rel:
            self.manifest.forget(key)
            return Outcome(path, rel, FAILED, f"output {display(rel_out)} is already written from {display(first)}")
        try:
            out_path = safe_output(self.out_dir, rel_out)
            too_large = self.budget.too_large(path.stat().st_size)  # never read a file past the budget
            if too_large:
                self.manifest.forget(key)
                return Outcome(path, rel, FAILED, too_large)
            data = _read(path)
        except (OSError, ValueError) as exc:
            self.manifest.forget(key)
            return Outcome(path, rel, FAILED, one_line(exc) if isinstance(exc, OSError) else str(exc))
        sha = hashlib.sha256(data).hexdigest()
        need = ("hits",) if self.keep_hits else ()
        fresh = self.resume and self.manifest.up_to_date(key, sha, len(data), out_path, need)
        if fresh and not self.need_results:
            entry = self.manifest.entries[key]
            return Outcome(path, rel, UNCHANGED, "output up to date", bytes_in=unpacked_size(data),
                           bytes_out=entry["output_size"], hits=entry.get("hits", ""))
        return _Pending(path, rel, key, rel_out, out_path, data, sha, is_html(path, data, self.input), fresh)

    def complete(self, item: "_Pending", result: CleanResult | None, error: str, skipped: bool) -> Outcome:
        """Write one cleaned input atomically and record it in the manifest."""
        path, rel, key, n = item.path, item.rel, item.key, len(item.data)
        size = unpacked_size(item.data)  # the summary counts text, not its compression
        if result is None:
            self.manifest.forget(key)
            return Outcome(path, rel, SKIPPED if skipped else FAILED, error, bytes_in=size)
        out = render(result, self.output, source=display(rel.as_posix())).encode("utf-8")
        if item.fresh:  # up to date, cleaned again only for its result
            return Outcome(path, rel, UNCHANGED, "output up to date", result=result, bytes_in=size, bytes_out=len(out))
        try:
            atomic_write(item.out_path, out)
        except OSError as exc:
            self.manifest.forget(key)
            return Outcome(path, rel, FAILED, f"cannot write {display(item.rel_out)}: {exc.strerror or exc}",
                           bytes_in=size)
        hits = hit_record(display(rel), display(rel), result) if self.keep_hits else ""
        self.manifest.record(key, item.sha, n, item.rel_out.as_posix(), len(out), **({"hits": hits} if hits else {}))
        return Outcome(path, rel, CLEANED, result=result, bytes_in=size, bytes_out=len(out), hits=hits)


@dataclass
class _Pending:
    """An input read and waiting to be cleaned."""

    path: Path
    rel: Path
    key: str
    rel_out: Path
    out_path: Path
    data: bytes
    sha: str
    html: bool
    fresh: bool = False  # its output is up to date (cleaned for its result only)

"""What every ``clean-articles`` command shares: its exit codes, its checks of what it
may write, and how it says that a destination failed."""
from __future__ import annotations

import os
import sys

import click

from cleaner.run.io import WriteError
from cleaner.run.paths import write_problem
from cleaner.terminal import display, printable

# The exit codes of every clean-articles command (README: "Exit codes").
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def pipe_closed() -> int:
    """The next step of the pipe stopped reading: not our failure.  stdout goes to
    /dev/null so the interpreter's exit flush raises no second error."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def write_failed(exc: WriteError) -> int:
    """A destination could not be written (a full disk): named, exit 1.  A file OUT is
    never left partial (it is renamed into place only when complete)."""
    click.echo(f"clean-articles: failed: {display(exc.target)}: cannot write: {printable(exc.strerror or '')}", err=True)
    return EXIT_FAILED


def check_destinations(dests, inputs=(), in_dir=None, out_dir=None) -> None:
    """A usage error (exit 2, nothing written) for the first path the command must not
    write (see :func:`cleaner.run.paths.write_problem`).  Only OUT takes ``-`` for stdout:
    callers pass it as None; any other ``-`` is a file of that name, checked like any."""
    why = write_problem(dests, inputs, in_dir, out_dir)
    if why:
        raise click.UsageError(display(why))


def file_or_stdout(dest: str):
    """OUT as a write path: None for ``-`` (stdout is not a file)."""
    return None if dest == "-" else dest


def is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False

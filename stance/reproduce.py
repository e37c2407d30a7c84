"""The command that reproduces a run: written into every run folder as ``reproduce.sh``.

A run folder already holds the resolved config (``.hydra/config.yaml``); this adds the
one line a person types to get the same numbers again, from the folder it was launched
in, with the code version it ran on.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .files import write_text_atomic
from .settings import PROJECT_ROOT

SCRIPT_NAME = "reproduce.sh"


def printable(text: str) -> str:
    """``text`` with every character that is not printable (newline, carriage return, other
    controls, Unicode line separators) shown as an escape: safe inside a shell comment, which
    a newline would end, letting the rest run as a command."""
    return "".join(ch if ch.isprintable() else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
                   for ch in text)


def stance_command(command: str, overrides: Sequence[str]) -> str:
    """``stance <command> <overrides>`` with each override quoted for a POSIX shell."""
    return " ".join(["stance", command, *(shlex.quote(str(o)) for o in overrides)])


def code_version(root: Path = PROJECT_ROOT) -> str:
    """``stance <version>`` plus the git commit of the checkout (and whether it had
    uncommitted changes), when the code runs from a git checkout."""
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return f"stance {__version__}"
    if commit.returncode != 0:
        return f"stance {__version__}"
    changes = " with uncommitted changes" if dirty.returncode == 0 and dirty.stdout.strip() else ""
    return f"stance {__version__}, git {commit.stdout.strip()}{changes}"


def reproduce_script(command: str, overrides: Sequence[str], launch_dir: str | Path,
                     python: str = sys.executable, version: str | None = None) -> str:
    """A POSIX shell script that reruns ``stance <command> <overrides>`` from ``launch_dir``
    (relative paths in the overrides resolve against it). Extra arguments given to the
    script (``hydra.run.dir=...``) are passed on. Every argument is single-quoted and the
    comment lines escape what could end them, so no override can break out into a command."""
    arguments = " ".join(shlex.quote(str(o)) for o in overrides)
    return (
        "#!/bin/sh\n"
        f"# Reproduces this run ({printable(version or code_version())}); the command was:\n"
        f"#   {printable(stance_command(command, overrides))}\n"
        f"cd {shlex.quote(str(launch_dir))} || exit 1\n"
        f"exec {shlex.quote(python)} -m stance.cli {shlex.quote(command)}"
        + (f" {arguments}" if arguments else "") + ' "$@"\n'
    )


def write_reproduce_script(out_dir: Path, command: str, overrides: Sequence[str], launch_dir: str | Path) -> Path:
    """Write ``reproduce.sh`` (executable) into a run folder."""
    path = write_text_atomic(out_dir / SCRIPT_NAME, reproduce_script(command, overrides, launch_dir))
    path.chmod(0o755)
    return path

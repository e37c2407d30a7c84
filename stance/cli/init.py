"""`stance init DIR`: make a project folder that every command works from.

    stance init ~/my_project                      # templates for your corpus and actors
    stance init ~/seed_copy --with-seed-corpus    # a copy of the shipped seed project
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import StanceError
from ..project import PROJECT_FILE, init_project

USAGE = "usage: stance init DIR [--with-seed-corpus]"


def init(args: list[str]) -> int:
    """Make the project; prints what it holds and what to do next."""
    if any(a in ("-h", "--help") for a in args):
        print(f"{USAGE}\n\n{__doc__.strip()}")
        return 0
    with_seed = "--with-seed-corpus" in args
    folders = [a for a in args if a != "--with-seed-corpus"]
    unknown = [a for a in folders if a.startswith("-")]
    if unknown or len(folders) != 1:
        problem = f"unknown option {unknown[0]}" if unknown else "give one folder"
        print(f"stance init: error: {problem}\n{USAGE}", file=sys.stderr)
        return 2
    target = Path(folders[0])
    try:
        init_project(target, corpus=with_seed)
    except StanceError as err:
        print(f"stance init: error: {err.one_line()}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"stance init: error: {target}: {err.strerror or err}", file=sys.stderr)
        return 2
    root = target.expanduser().resolve()
    print(f"Made the stance project {root}:\n"
          f"  {PROJECT_FILE:<28} the project's settings (on top of the shipped configuration)\n"
          f"  {'corpus/':<28} " + ("the seed corpus" if with_seed else
                                     "put your articles here, listed in manifest.csv") + "\n"
          f"  {'actors.yaml':<28} " + ("the seed actors" if with_seed else "your actors (replace the example)") + "\n"
          f"  {'clean/project.yaml':<28} your outlets' own boilerplate lines\n"
          f"  {'annotations/annotations.jsonl':<28} the annotation store (a copy of the shipped annotations)\n"
          f"  {'models/':<28} the model store, starting with the shipped model\n"
          f"  {'outputs/':<28} one folder per run\n"
          f"Next: cd {root} && stance predict   (every command works from inside the folder, "
          f"or with --project {root})")
    return 0

"""Projects: a researcher's own folder that every command works from.

A project is a folder holding ``stance.yaml`` (its settings on top of the shipped
configuration), its corpus, actor file, cleaning rules, annotation store, model store and
run outputs. Commands find it by walking up from the folder they start in (as git finds a
repository), or are told with ``--project DIR``; nothing outside it is written.

The shipped seed project (configuration, seed corpus and annotations, the trained model)
is package data, read through :mod:`importlib.resources`: in a source checkout it is the
checkout itself (``stance/resources/`` links to ``conf/``, ``data/`` and ``models/``), in an
installed wheel a folder inside the package. Installed, it is read-only: a command that
would write into it is refused with the hint to make a project with ``stance init``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ConfigError, StanceError

PROJECT_FILE = "stance.yaml"
PROJECT_ENV = "STANCE_PROJECT"   # a project folder to use wherever the command starts


def shipped_root() -> Path:
    """The shipped seed project's folder (the package's ``resources``), resolved: the
    checkout's root in a source checkout, ``.../site-packages/stance/resources`` installed."""
    conf = Path(str(resources.files("stance") / "resources" / "conf"))
    if not conf.is_dir():
        raise StanceError(f"the package's configuration is missing ({conf}); reinstall stance")
    return conf.resolve().parent


def config_dir() -> Path:
    """The shipped configuration (``conf/``)."""
    return shipped_root() / "conf"


def is_checkout(root: Path) -> bool:
    """Whether the shipped project is a source checkout (writable, a developer's) rather
    than an installed package."""
    return (root / "pyproject.toml").is_file() and (root / "stance").is_dir()


@dataclass(frozen=True)
class Project:
    """The folder a command works in: ``root`` holds ``stance.yaml`` (None for the shipped
    seed project, whose settings are the shipped configuration itself)."""

    root: Path
    settings_file: Path | None

    @property
    def shipped(self) -> bool:
        return self.settings_file is None

    def describe(self) -> str:
        return f"the shipped seed project ({self.root})" if self.shipped else f"project {self.root}"


def find_project(start: Path, explicit: str | None = None) -> Project:
    """The project a command runs in: ``explicit`` (``--project DIR``), else ``$STANCE_PROJECT``,
    else the nearest folder from ``start`` upwards holding ``stance.yaml``, else the shipped
    seed project."""
    chosen = explicit or os.environ.get(PROJECT_ENV) or None
    if chosen:
        root = Path(chosen).expanduser()
        root = (root if root.is_absolute() else start / root).resolve()
        if not (root / PROJECT_FILE).is_file():
            source = "--project" if explicit else f"${PROJECT_ENV}"
            raise ConfigError(f"{source}: {root} is not a stance project (no {PROJECT_FILE}); "
                              f"make one with `stance init {chosen}`")
        return Project(root, root / PROJECT_FILE)
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / PROJECT_FILE).is_file():
            return Project(candidate, candidate / PROJECT_FILE)
    return Project(shipped_root(), None)


def check_writable(path: Path | None, what: str) -> None:
    """Refuse to write ``path`` when it lies inside the installed package (the shipped seed
    project is read-only there: a new model or annotation belongs in a project)."""
    if path is None:
        return
    root = shipped_root()
    if is_checkout(root):
        return
    try:
        Path(path).resolve().relative_to(root)
    except ValueError:
        return
    raise ConfigError(f"{what} {path} is the shipped seed project, read-only in an installed package; "
                      "make your own project with `stance init DIR` and run the command inside it")


# --- stance init -----------------------------------------------------------------------------

SETTINGS_TEMPLATE = """\
# The settings of this stance project: everything here overrides the shipped configuration
# (print it whole with `stance run --cfg job`; every key also takes `key=value` on the command
# line). ${{project:PATH}} is PATH inside this folder, ${{seed:PATH}} inside the shipped seed project.
defaults:
  - config              # the shipped configuration
  - override clean: project   # clean/project.yaml: the generic rules plus this corpus's own
  - _self_

corpus:
  path: ${{project:corpus}}         # corpus/manifest.csv + one text file per article (or a JSONL file)
actors:
  path: ${{project:actors.yaml}}    # who may hold a stance in your corpus (SPEC section 3)
annotations:
  path: ${{project:annotations/annotations.jsonl}}   # the annotation store `stance import` merges into
  # holders in annotations may be named in your actor file or in the gazetteers of the shipped store
  actor_files: ["${{project:actors.yaml}}", "${{seed:conf/actors/seed.yaml}}", "${{seed:data/annotations/pool_actors.yaml}}"]
store:
  dir: ${{project:models}}          # model versions; models/CURRENT names the one in use
agreement:
  first: null                     # `stance agreement`: two annotation files or tool exports
  second: null

hydra:
  run:
    dir: ${{project:outputs}}/${{command}}/${{now:%Y-%m-%d}}/${{now:%H-%M-%S-%f}}
  sweep:
    dir: ${{project:outputs}}/multirun/${{command}}/${{now:%Y-%m-%d}}/${{now:%H-%M-%S-%f}}
"""

CLEAN_TEMPLATE = """\
# Cleaning for this project's corpus. The shipped generic rules (bylines, photo credits and
# captions, share and "read more" lines, "contributed to this report", author bios,
# advertisement markers: see `stance run --cfg job --package clean`) stay on; add the lines
# your outlets repeat below, as Python regular expressions matched against a whole stripped
# line (`(?i)` at the start ignores case). Check with `stance predict` and candidates.csv.
defaults:
  - default
  - _self_

extra_drop_line_patterns: []
  # - 'Subscribe to our daily briefing'
  # - '(?i)this article was amended on .{0,80}'
"""

ACTORS_TEMPLATE = """\
# The actors of your corpus (SPEC section 3). One entry per actor:
#   name: the canonical name the tables use; kind: person | organization
#   aliases: how the texts name it (whole words, case-sensitive)
#   titles: lower-case references ("the minister") that point back to it later in an article
#   affiliation: the organisation it speaks for (networks can be drawn at this level)
# Speakers your list lacks are counted in each run's candidates.csv: add them here.
- name: Jane Example
  kind: person
  aliases: [Jane Example, Ms. Example]
  titles: [minister]
  affiliation: Example government
"""

MANIFEST_HEADER = "doc_id,path,outlet,title,date,author,url\n"

README_TEMPLATE = """\
# A stance project

- `stance.yaml`: this project's settings (on top of the shipped configuration)
- `corpus/`: your articles: `manifest.csv` (comma-separated: doc_id,path,outlet,title,date,author,url;
  date as YYYY-MM-DD) and one UTF-8 text file per article, named in `path`
- `actors.yaml`: your actors (replace the example entry)
- `clean/project.yaml`: your outlets' own boilerplate lines, on top of the generic rules
- `annotations/annotations.jsonl`: the annotation store, started as a copy of the shipped annotations
- `models/`: this project's model store, started with the shipped model (`stance models`)
- `outputs/`: one folder per run

Run any command from inside this folder (or pass `--project DIR`): `stance predict`,
`stance sample`, `stance evaluate`, `stance train`, `stance queue`, `stance import FILE` ...
"""


def _copy_current_model(source: Path, target: Path) -> str | None:
    """Copy the shipped store's current version into the new project's store, so the project
    labels text from the start; returns the version."""
    from . import store

    version = store.current_version(source)
    if version is None:
        return None
    store.load_version(source, version)  # its hash matches its card: never copy a damaged model
    shutil.copytree(source / version, target / version)
    store.promote(target, version, reason="stance init: the shipped model")
    return version


def init_project(target: Path, corpus: bool = False) -> list[Path]:
    """Make a project folder at ``target`` (a new or empty folder); ``corpus`` also copies the
    shipped seed corpus and actor file, giving a copy of the seed project. Returns what it made."""
    target = target.expanduser().resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target} exists and is not an empty folder; `stance init` makes a new project "
                          "and never writes into one that holds files")
    seed = shipped_root()

    staging = target.with_name(f".{target.name}.init-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        (staging / "clean").mkdir(parents=True)
        for folder in ("corpus", "annotations", "models", "outputs"):
            (staging / folder).mkdir()
        (staging / PROJECT_FILE).write_text(SETTINGS_TEMPLATE.format(), encoding="utf-8")
        (staging / "clean" / "project.yaml").write_text(CLEAN_TEMPLATE, encoding="utf-8")
        (staging / "README.md").write_text(README_TEMPLATE, encoding="utf-8")
        if corpus:
            shutil.copytree(seed / "data" / "corpus", staging / "corpus", dirs_exist_ok=True)
            shutil.copyfile(seed / "conf" / "actors" / "seed.yaml", staging / "actors.yaml")
        else:
            (staging / "corpus" / "manifest.csv").write_text(MANIFEST_HEADER, encoding="utf-8")
            (staging / "actors.yaml").write_text(ACTORS_TEMPLATE, encoding="utf-8")
        shutil.copyfile(seed / "data" / "annotations" / "crises.jsonl", staging / "annotations" / "annotations.jsonl")
        _copy_current_model(seed / "models", staging / "models")
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return sorted(target.rglob("*"))

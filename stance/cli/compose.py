"""Composing the configuration in a project: the resolvers ``${project:PATH}`` (inside the
active project) and ``${seed:PATH}`` (inside the shipped seed project), where Hydra looks for
config files, and the compose API for the tests, help and completion."""

from __future__ import annotations

import os
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf

from ..project import PROJECT_ENV, PROJECT_FILE, Project, config_dir, find_project, shipped_root

_ACTIVE: dict[str, Project] = {}


def active_project() -> Project:
    """The project of the command being run (the shipped seed project before one is chosen).
    A sweep's job processes start without one: they take ``$STANCE_PROJECT``, which the
    command line sets for a sweep in a project."""
    if "project" not in _ACTIVE:
        _ACTIVE["project"] = find_project(Path.cwd()) if os.environ.get(PROJECT_ENV) else Project(shipped_root(), None)
    return _ACTIVE["project"]


def set_project(project: Project) -> None:
    _ACTIVE["project"] = project


if not OmegaConf.has_resolver("project"):
    # ${project:corpus} -> a path inside the active project's folder
    OmegaConf.register_new_resolver("project", lambda relative="": str(active_project().root / relative))
if not OmegaConf.has_resolver("seed"):
    # ${seed:data/corpus} -> a path inside the shipped seed project
    OmegaConf.register_new_resolver("seed", lambda relative="": str(shipped_root() / relative))


def _quoted(value: str) -> str:
    """A value quoted for Hydra's override grammar."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def config_source(project: Project) -> tuple[str, str, list[str]]:
    """Where Hydra composes from: (config folder, primary config, overrides that add the
    shipped configuration to the search path when the primary one is a project's)."""
    if project.shipped:
        return str(config_dir()), "config", []
    return str(project.root), PROJECT_FILE.removesuffix(".yaml"), [
        f"hydra.searchpath=[{_quoted('file://' + str(config_dir()))}]"]


def compose_config(overrides: list[str] | tuple[str, ...] = (), project: Project | None = None,
                   return_hydra_config: bool = False) -> DictConfig:
    """The configuration a command would get, composed through Hydra's compose API (the
    tests, `stance <command> --help` and completion use it)."""
    project = project or active_project()
    set_project(project)
    folder, name, extra = config_source(project)
    with initialize_config_dir(folder, version_base="1.3"):
        return compose(name, overrides=[*extra, *overrides], return_hydra_config=return_hydra_config)



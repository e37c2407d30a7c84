"""The edge between the command line, Hydra and the commands: the only module that imports
Hydra or OmegaConf. It turns ``stance <command> [overrides] [flags]`` into a Hydra run (or
sweep) in the project the command starts in (:mod:`stance.project`), resolves the composed
config once into :class:`~stance.settings.Settings`, calls the command's plain function and
turns a :class:`~stance.errors.StanceError` into one line on stderr and exit status 2.

Hydra's own flags work after any command: ``--cfg job|hydra|all`` (with ``--package``),
``--info``, ``--resolve``, ``-m`` / ``--multirun``, ``--hydra-help``; ``stance --completion
bash`` prints a completion script for ``stance`` itself.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from .. import __version__
from ..errors import ConfigError, StanceError
from ..project import PROJECT_ENV, Project, check_writable, find_project
from ..reproduce import write_reproduce_script
from ..settings import Settings, from_config
from . import COMMANDS, PLAIN_COMMANDS, usage
from .guard import guarded, hydra_run
from .compose import compose_config, config_source, set_project  # noqa: F401  (compose_config: tests use it)

_EXPLICIT: dict[str, str] = {}   # the folder of `--project DIR`, for reproduce.sh
_SWEPT = "STANCE_SWEPT_KEYS"     # the keys a sweep varies, passed to its jobs (their output's label)

def settings_of(cfg: DictConfig, launch_dir: str | Path) -> Settings:
    """The composed config as plain, checked settings (every bad value is one line)."""
    try:
        raw = OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException as err:
        raise ConfigError(f"config: {' '.join(str(err).split())[:300]}") from None
    raw.pop("hydra", None)
    return from_config(raw, Path(launch_dir))


# Commands that write into the model store or the annotation store.
_WRITES = {"train": ("store.dir", "the model store"), "retrain": ("store.dir", "the model store"),
           "promote": ("store.dir", "the model store"), "import": ("annotations.path", "the annotation store")}


def check_target(name: str, settings: Settings) -> None:
    """Refuse to write into the installed package's seed project."""
    if name in _WRITES:
        key, what = _WRITES[name]
        group, field = key.split(".")
        check_writable(getattr(getattr(settings, group), field), what)


def run_command(name: str, settings: Settings, out_dir: Path):
    """Import the command's module and call its function."""
    command = COMMANDS[name]
    check_target(name, settings)
    module = importlib.import_module(f"{__package__}.{command.module}")
    return getattr(module, command.function)(settings, out_dir)


class _Labelled:
    """A stream that starts every line with a sweep job's label, so parallel jobs' tables
    can be told apart."""

    def __init__(self, stream, label: str):
        self.stream, self.label, self.fresh = stream, label, True

    def write(self, text: str) -> int:
        out = []
        for piece in text.splitlines(keepends=True):
            out.append((self.label if self.fresh else "") + piece)
            self.fresh = piece.endswith("\n")
        self.stream.write("".join(out))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _task(cfg: DictConfig) -> None:
    """One Hydra job: settings, the command, reproduce.sh; errors as one line."""
    runtime = HydraConfig.get()
    overrides = [o for o in runtime.overrides.task if not o.startswith("command=")]
    sweep = runtime.mode == RunMode.MULTIRUN
    name = str(cfg.command)
    out_dir = Path(runtime.runtime.output_dir)
    stdout = sys.stdout
    if sweep:
        swept = set(os.environ.get(_SWEPT, "").split(","))
        shown = [o for o in overrides if o.split("=", 1)[0].lstrip("+~") in swept] or overrides
        sys.stdout = _Labelled(stdout, f"[job {runtime.job.num}: {' '.join(shown) or 'defaults'}] ")
        print(f"output in {out_dir}", flush=True)
    try:
        OmegaConf.update(cfg, "overrides", overrides, force_add=True)
        OmegaConf.update(cfg, "sweep", sweep, force_add=True)
        settings = settings_of(cfg, runtime.runtime.cwd)
        run_command(name, settings, out_dir)
        chosen = _EXPLICIT.get("root")
        write_reproduce_script(out_dir, name, [*(["--project", chosen] if chosen else []), *overrides],
                               runtime.runtime.cwd)
    except StanceError as err:
        # in a sweep, say which job failed; the sweep stops there (joblib cancels the others)
        job = f" in sweep job {runtime.job.num} ({' '.join(overrides)})" if sweep else ""
        print(f"stance {name}: error{job}: {err.one_line()}", file=sys.stderr, flush=True)
        sys.exit(2)
    finally:
        sys.stdout = stdout


def _override_value(value: str) -> str:
    """A bare argument as a Hydra override value: quoted unless plainly safe, so a file
    name with spaces, brackets or commas ("export (1).json") is taken as it is."""
    if all(ch.isalnum() or ch in "/._-+@:" for ch in value):
        return value
    # Hydra reads a backslash literally unless it precedes a quote or ends the string.
    escaped = re.sub(r"(\\+)(?='|$)", lambda run: run.group(1) * 2, value)
    return "'" + escaped.replace("'", "\\'") + "'"


_FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                     "--config-dir", "-cd", "--experimental-rerun", "--shell-completion", "-sc"}
_INFO_TOPICS = {"all", "config", "defaults", "defaults-tree", "plugins", "searchpath"}


def split_flags(args: list[str]) -> tuple[list[str], list[str]]:
    """Hydra's own flags (``-m``, ``--cfg job`` ...) apart from the overrides: Hydra's
    parser takes no override after a flag, and users put flags anywhere."""
    flags: list[str] = []
    overrides: list[str] = []
    i = 0
    while i < len(args):
        if args[i].startswith("-") and "=" not in args[i]:
            flags.append(args[i])
            takes = args[i] in _FLAGS_WITH_VALUE or (args[i] in ("--info", "-i") and i + 1 < len(args)
                                                     and args[i + 1] in _INFO_TOPICS)
            if takes and i + 1 < len(args):
                flags.append(args[i + 1])
                i += 1
        else:
            overrides.append(args[i])
        i += 1
    return flags, overrides


def take_project(args: list[str]) -> tuple[str | None, list[str]]:
    """``--project DIR`` (or ``--project=DIR``), anywhere on the line, apart from the rest."""
    chosen, rest, i = None, [], 0
    while i < len(args):
        if args[i] == "--project":
            if i + 1 >= len(args):
                raise ConfigError("--project needs a folder: --project DIR")
            chosen, i = args[i + 1], i + 2
            continue
        if args[i].startswith("--project="):
            chosen = args[i].split("=", 1)[1]
        else:
            rest.append(args[i])
        i += 1
    return chosen, rest


def version_text() -> str:
    import platform

    from importlib.metadata import PackageNotFoundError, version

    try:
        hydra_version = version("hydra-core")
    except PackageNotFoundError:  # pragma: no cover - hydra is a dependency
        hydra_version = "?"
    return f"stance {__version__} (Python {platform.python_version()}, hydra-core {hydra_version})"


def swept_keys(overrides: list[str]) -> list[str]:
    """The keys of the overrides a sweep varies (``model.C=0.3,1,3``)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception:  # Hydra reports a malformed override itself, in its own words
        return []
    return [o.get_key_element().lstrip("+~") for o in parsed if o.is_sweep_override()]


def _run_hydra(name: str, project: Project, flags: list[str], overrides: list[str]) -> int:
    folder, config_name, extra = config_source(project)
    if "-m" in flags or "--multirun" in flags:
        os.environ[_SWEPT] = ",".join(swept_keys(overrides))
        if not project.shipped:  # the sweep's job processes find the project through it (compose.active_project)
            os.environ[PROJECT_ENV] = str(project.root)
    # overrides first, then the flags: `--info` takes an optional topic and must not eat an override
    command = [] if "--hydra-help" in flags else [f"command={name}"]
    sys.argv = [f"stance {name}", *extra, *overrides, *command, *flags]
    # guarded: OSError, MemoryError and Ctrl-C inside a job are one line on stderr and a non-zero exit
    main = hydra.main(version_base="1.3", config_path=folder, config_name=config_name)(guarded(_task))
    try:
        with hydra_run(name):  # Hydra's own errors (an unparsable override, a missing config): one line
            main()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    return 0


def dispatch(args: list[str]) -> int:
    """Run ``stance <args>``; returns the exit status."""
    try:
        explicit, args = take_project(list(args))
        if not args:
            print(usage(), file=sys.stderr)
            return 2
        if args[0] in ("-h", "--help", "help"):
            print(usage())
            return 0
        if args[0] in ("-V", "--version"):
            print(version_text())
            return 0
        if args[0] == "--completion":
            from .completion import script

            print(script(args[1] if len(args) > 1 else "bash"))
            return 0
        if args[0] == "--complete":
            from .completion import complete

            return complete(os.environ.get("COMP_LINE", ""), int(os.environ.get("COMP_POINT", "-1")))
        name, rest = args[0], args[1:]
        if name in PLAIN_COMMANDS:
            module = importlib.import_module(f"{__package__}.{PLAIN_COMMANDS[name].module}")
            return getattr(module, PLAIN_COMMANDS[name].function)(rest)
        if name not in COMMANDS:
            print(f"stance: error: unknown command {name!r}; commands: {', '.join([*COMMANDS, *PLAIN_COMMANDS])}"
                  f" (`stance --help` lists them)", file=sys.stderr)
            return 2
        project = find_project(Path.cwd(), explicit)
        set_project(project)
        _EXPLICIT.pop("root", None)
        if explicit:
            _EXPLICIT["root"] = str(project.root)
        if "-h" in rest or "--help" in rest:
            from .help import command_help

            print(command_help(name, project))
            return 0
        command = COMMANDS[name]
        if command.positional and rest and "=" not in rest[0] and not rest[0].startswith("-"):
            rest = [f"{command.positional}={_override_value(rest[0])}", *rest[1:]]
        flags, overrides = split_flags(rest)
        if command.preset and not any(o.startswith("+experiment=") for o in overrides):
            overrides = [*command.preset, *overrides]
        return _run_hydra(name, project, flags, overrides)
    except StanceError as err:
        print(f"stance: error: {err.one_line()}", file=sys.stderr)
        return 2

"""The edge between the command line, Hydra and the commands: the only module that imports
Hydra or OmegaConf. It turns ``stance <command> [overrides]`` into a Hydra run (or sweep),
resolves the composed config once into :class:`~stance.settings.Settings`, calls the
command's plain function and turns a :class:`~stance.errors.StanceError` into one line on
stderr and exit status 2.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from ..errors import ConfigError, StanceError
from ..reproduce import write_reproduce_script
from ..settings import CONFIG_DIR, PROJECT_ROOT, Settings, from_config
from . import COMMANDS
from .guard import guarded, hydra_run

if not OmegaConf.has_resolver("project"):
    # ${project:data/corpus} -> an absolute path inside the project checkout
    OmegaConf.register_new_resolver("project", lambda relative="": str(PROJECT_ROOT / relative))

USAGE = """usage: stance <command> [key=value ...] [-m]

stance reads a crisis's news coverage sentence by sentence and labels each sentence's
stance toward military escalation (advocate / caution / neutral), finds who holds it,
and tabulates stance by outlet, by actor and actor x outlet.

commands:
{commands}

Every command takes Hydra overrides (key=value) and `-m` to sweep comma-separated values.
`stance <command> --help` shows an example; `stance <command> --cfg job` prints the config.
Each run writes its config, metrics, predictions and tables to its own folder under outputs/.
"""


def usage() -> str:
    lines = [f"  {name:<9} {command.summary}" for name, command in COMMANDS.items()]
    return USAGE.format(commands="\n".join(lines))


def command_help(name: str) -> str:
    command = COMMANDS[name]
    argument = f" [{command.positional.split('.')[-1].upper()}]" if command.positional else ""
    return (f"usage: stance {name}{argument} [key=value ...] [-m]\n\n{command.summary}\n\nexample:\n  {command.example}\n\n"
            f"Config groups: corpus, clean, segment, actors, annotations, features, model, eval, report, store, "
            f"compare, importing, queue, agreement, experiment.\nShow the composed config with `stance {name} --cfg job`.")


def settings_of(cfg: DictConfig, launch_dir: str | Path) -> Settings:
    """The composed config as plain, checked settings (every bad value is one line)."""
    try:
        raw = OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException as err:
        raise ConfigError(f"config: {' '.join(str(err).split())[:300]}") from None
    return from_config(raw, Path(launch_dir))


def run_command(name: str, settings: Settings, out_dir: Path):
    """Import the command's module and call its function."""
    command = COMMANDS[name]
    module = importlib.import_module(f"{__package__}.{command.module}")
    return getattr(module, command.function)(settings, out_dir)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
@guarded  # OSError, MemoryError and Ctrl-C: one line on stderr and a non-zero exit
def _hydra_entry(cfg: DictConfig) -> None:
    runtime = HydraConfig.get()
    overrides = [o for o in runtime.overrides.task if not o.startswith("command=")]
    sweep = runtime.mode == RunMode.MULTIRUN
    name = str(cfg.command)
    out_dir = Path(runtime.runtime.output_dir)
    try:
        OmegaConf.update(cfg, "overrides", overrides, force_add=True)
        OmegaConf.update(cfg, "sweep", sweep, force_add=True)
        settings = settings_of(cfg, runtime.runtime.cwd)
        run_command(name, settings, out_dir)
        write_reproduce_script(out_dir, name, overrides, runtime.runtime.cwd)
    except StanceError as err:
        # in a sweep, say which job failed; the sweep stops there (joblib cancels the others)
        job = f" in sweep job {runtime.job.num} ({' '.join(overrides)})" if sweep else ""
        print(f"stance {name}: error{job}: {err.one_line()}", file=sys.stderr, flush=True)
        sys.exit(2)


def _override_value(value: str) -> str:
    """A bare argument as a Hydra override value: quoted unless plainly safe, so a file
    name with spaces, brackets or commas ("export (1).json") is taken as it is."""
    if all(ch.isalnum() or ch in "/._-+@:" for ch in value):
        return value
    # Hydra reads a backslash literally unless it precedes a quote or ends the string.
    escaped = re.sub(r"(\\+)(?='|$)", lambda run: run.group(1) * 2, value)
    return "'" + escaped.replace("'", "\\'") + "'"


_FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                     "--config-dir", "-cd", "--experimental-rerun"}


def split_flags(args: list[str]) -> tuple[list[str], list[str]]:
    """Hydra's own flags (``-m``, ``--cfg job`` ...) first, then the overrides: Hydra's
    parser takes no override after a flag, and users put flags anywhere."""
    flags: list[str] = []
    overrides: list[str] = []
    i = 0
    while i < len(args):
        if args[i].startswith("-") and "=" not in args[i]:
            flags.append(args[i])
            if args[i] in _FLAGS_WITH_VALUE and i + 1 < len(args):
                flags.append(args[i + 1])
                i += 1
        else:
            overrides.append(args[i])
        i += 1
    return flags, overrides


def dispatch(args: list[str]) -> int:
    """Run ``stance <args>``; returns the exit status."""
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"stance: error: unknown command {name!r}; commands: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    if "-h" in rest or "--help" in rest:
        print(command_help(name))
        return 0
    command = COMMANDS[name]
    if command.positional and rest and "=" not in rest[0] and not rest[0].startswith("-"):
        rest = [f"{command.positional}={_override_value(rest[0])}", *rest[1:]]
    flags, overrides = split_flags(rest)
    if command.preset and not any(o.startswith("+experiment=") for o in overrides):
        overrides = [*command.preset, *overrides]
    sys.argv = [f"stance-{name}", *flags, *overrides, f"command={name}"]
    try:
        with hydra_run(name):  # Hydra's own errors, OSError and Ctrl-C: one line, non-zero exit
            _hydra_entry()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    return 0

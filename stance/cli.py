"""The `stance` command: subcommands that take Hydra overrides (and `-m` for sweeps).

    stance <command> [key=value ...] [-m]

The CLI is the only place that touches Hydra's runtime: it turns the subcommand into
``command=<name>``, lets Hydra compose the config and make the run folder, and calls the
plain function in :mod:`stance.commands`. A :class:`StanceError` becomes one line on
stderr and exit status 2.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf, open_dict

from . import commands
from .errors import StanceError
from .settings import CONFIG_DIR


@dataclass(frozen=True)
class Command:
    run: Callable[[DictConfig, Path], object]
    summary: str
    example: str
    positional: str | None = None  # config key a bare first argument fills, e.g. store.version


COMMANDS: dict[str, Command] = {
    "run": Command(commands.run, "The main job: train if needed, label the corpus, print and write the stance tables.",
                   "stance run\n  stance run corpus.path=~/my_corpus actors.path=~/my_actors.yaml report.outlet_column=original_outlet"),
    "train": Command(commands.train, "Cross-validate (leave-one-article-out by default), fit on all annotations, store a model version.",
                     "stance train\n  stance train eval=leave_one_outlet_out model.C=1\n  stance train -m model.C=0.3,1,3 features=word,word_char"),
    "evaluate": Command(commands.evaluate, "Score a stored model on an annotation file.",
                        "stance evaluate eval.holdout_path=new_annotations.jsonl store.version=VERSION"),
    "predict": Command(commands.predict, "Label any corpus (folder with manifest.csv, or JSONL) and write predictions and tables.",
                       "stance predict corpus.path=DIR actors.path=FILE"),
    "report": Command(commands.report, "Print and write the stance tables (from an earlier run's predictions, or by labelling the corpus).",
                      "stance report report.predictions=outputs/run/.../predictions.jsonl report.outlet_column=original_outlet"),
    "models": Command(commands.models, "List stored model versions with their metrics and data hashes.", "stance models"),
    "agreement": Command(commands.agreement_command, "Inter-annotator agreement (Cohen's kappa, holder match) of two annotation files.",
                         "stance agreement agreement.second=my_second_pass.jsonl"),
    "promote": Command(commands.promote, "Make a stored model version the current one (promote the old one back to undo).",
                       "stance promote 20261122-101500-1a2b3c4d", positional="store.version"),
}

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


def _usage() -> str:
    lines = [f"  {name:<9} {command.summary}" for name, command in COMMANDS.items()]
    return USAGE.format(commands="\n".join(lines))


def _command_help(name: str) -> str:
    command = COMMANDS[name]
    return f"usage: stance {name} [key=value ...] [-m]\n\n{command.summary}\n\nexample:\n  {command.example}\n\n" \
           f"Config groups: corpus, clean, segment, actors, annotations, features, model, eval, report, store, experiment.\n" \
           f"Show the composed config with `stance {name} --cfg job`."


_ACTIVE: dict[str, Command] = {}


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def _hydra_entry(cfg: DictConfig) -> None:
    runtime = HydraConfig.get()
    with open_dict(cfg):
        cfg.overrides = [o for o in runtime.overrides.task if not o.startswith("command=")]
    command = COMMANDS[str(cfg.command)]
    try:
        command.run(cfg, Path(runtime.runtime.output_dir))
    except StanceError as err:
        print(f"stance {cfg.command}: error: {err.one_line()}", file=sys.stderr, flush=True)
        sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `stance` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"stance: error: unknown command {name!r}; commands: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    if "-h" in rest or "--help" in rest:
        print(_command_help(name))
        return 0
    command = COMMANDS[name]
    if command.positional and rest and "=" not in rest[0] and not rest[0].startswith("-"):
        rest = [f"{command.positional}={rest[0]}", *rest[1:]]
    sys.argv = [f"stance-{name}", *rest, f"command={name}"]
    try:
        _hydra_entry()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

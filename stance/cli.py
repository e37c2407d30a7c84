"""The `stance` command: subcommands that take Hydra overrides (and `-m` for sweeps).

    stance <command> [key=value ...] [-m]

The CLI is the only place that touches Hydra's runtime: it turns the subcommand into
``command=<name>``, lets Hydra compose the config and make the run folder, and calls the
plain function in :mod:`stance.commands`. A :class:`StanceError` becomes one line on
stderr and exit status 2.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, open_dict

from . import commands, experiments, loop
from .errors import StanceError
from .reproduce import write_reproduce_script
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
    "report": Command(commands.report, "Stance tables with intervals, charts, an HTML report and network exports "
                      "(from an earlier run's predictions, or by labelling the corpus).",
                      "stance report report.predictions=outputs/run/.../predictions.jsonl report.outlet_column=original_outlet\n"
                      "  stance report report.predictions=outputs/run/.../predictions.jsonl report.method=cc"),
    "models": Command(commands.models, "List stored model versions with their metrics and data hashes.", "stance models"),
    "agreement": Command(commands.agreement_command, "Inter-annotator agreement (Cohen's kappa, holder match) of two annotation files.",
                         "stance agreement agreement.second=my_second_pass.jsonl"),
    "promote": Command(commands.promote, "Make a stored model version the current one (promote the old one back to undo).",
                       "stance promote 20261122-101500-1a2b3c4d", positional="store.version"),
    "compare": Command(experiments.compare, "Rank the runs of a sweep (or any folder of runs) by a metric, with their overrides.",
                       "stance compare multirun/train/DATE/TIME\n  stance compare multirun/train/DATE/TIME compare.metric=f_avg",
                       positional="compare.dir"),
    "queue": Command(loop.queue_command, "Write the unannotated sentences whose labels would teach the model most (CSV, doccano, Label Studio).",
                     "stance queue queue.size=30\n  stance queue corpus.path=~/my_corpus annotations.path=~/my_annotations.jsonl"),
    "import": Command(loop.import_command, "Import labelled sentences (SPEC JSONL/CSV, doccano or Label Studio export) into the annotation store.",
                      "stance import admin.jsonl 'importing.label_map={Hawkish: advocate, Dovish: caution}'\n"
                      "  stance import project-1-at-2026-11-22.json importing.on_conflict=replace", positional="importing.file"),
    "retrain": Command(loop.retrain_command, "Train a candidate on the merged annotations and compare it with the current model on the same folds.",
                       "stance retrain\n  stance retrain store.promote=if_better"),
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
    argument = f" [{command.positional.split('.')[-1].upper()}]" if command.positional else ""
    return f"usage: stance {name}{argument} [key=value ...] [-m]\n\n{command.summary}\n\nexample:\n  {command.example}\n\n" \
           f"Config groups: corpus, clean, segment, actors, annotations, features, model, eval, report, store, " \
           f"compare, importing, queue, agreement, experiment.\n" \
           f"Show the composed config with `stance {name} --cfg job`."


_ACTIVE: dict[str, Command] = {}


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def _hydra_entry(cfg: DictConfig) -> None:
    runtime = HydraConfig.get()
    with open_dict(cfg):
        cfg.overrides = [o for o in runtime.overrides.task if not o.startswith("command=")]
        cfg.sweep = runtime.mode == RunMode.MULTIRUN
    command = COMMANDS[str(cfg.command)]
    try:
        command.run(cfg, Path(runtime.runtime.output_dir))
        write_reproduce_script(Path(runtime.runtime.output_dir), str(cfg.command), list(cfg.overrides),
                               runtime.runtime.cwd)
    except StanceError as err:
        # in a sweep, say which job failed; the sweep stops there (joblib cancels the others)
        job = f" in sweep job {runtime.job.num} ({' '.join(cfg.overrides)})" if cfg.sweep else ""
        print(f"stance {cfg.command}: error{job}: {err.one_line()}", file=sys.stderr, flush=True)
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


def _split_flags(args: list[str]) -> tuple[list[str], list[str]]:
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
        rest = [f"{command.positional}={_override_value(rest[0])}", *rest[1:]]
    flags, overrides = _split_flags(rest)
    sys.argv = [f"stance-{name}", *flags, *overrides, f"command={name}"]
    try:
        _hydra_entry()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    return 0


def console() -> None:
    """The console script: exit with main's status; a closed pipe (``stance --help | head``) is not an error."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    console()

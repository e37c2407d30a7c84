"""The `stance` command line: one file per command, each a plain function of the settings.

    stance <command> [key=value ...] [-m] [--cfg job] [--info] [--project DIR]

``COMMANDS`` is the table of commands: the module and function that implement each, its
summary, an example, the config groups its ``--help`` lists and the config key a bare first
argument fills. ``PLAIN_COMMANDS`` need no configuration (``stance init DIR``). Modules are
imported only when their command runs, so `stance --help` answers at once, without Hydra.
Hydra composes the configuration in the command's project and makes the run folder
(:mod:`stance.cli.entry` and its helpers are the only code that touches Hydra); the function
receives plain, checked :class:`~stance.settings.Settings`.
To add a command: write ``cli/<name>.py`` with a function ``(settings, out_dir)``, add an
entry here, and a test in ``tests/test_cli_<name>.py``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    module: str
    function: str
    summary: str
    example: str
    positional: str | None = None  # config key a bare first argument fills, e.g. store.version
    preset: tuple[str, ...] = ()   # overrides the command always starts from
    groups: tuple[str, ...] = ()   # the config groups whose options `stance <command> --help` lists


@dataclass(frozen=True)
class PlainCommand:
    """A command that needs no configuration: ``function(args) -> exit status``."""

    module: str
    function: str
    summary: str
    example: str


_LABEL = ("corpus", "clean", "segment", "actors", "report", "store")
_TRAIN = ("annotations", "features", "model", "eval", "store")


COMMANDS: dict[str, Command] = {
    "run": Command("run", "run", "The main job: label the corpus with the current model (training one if the store "
                   "is empty), print and write the stance tables.",
                   "stance run\n  stance run corpus.path=~/my_corpus actors.path=~/my_actors.yaml",
                   groups=(*_LABEL, "annotations")),
    "train": Command("train", "train", "Cross-validate (leave-one-crisis-out by default), fit on all annotations, "
                     "store a model version.",
                     "stance train\n  stance train eval=leave_one_crisis_out model.C=1\n"
                     "  stance train -m model.C=0.3,1,3 features=word,word_char", groups=(*_TRAIN, "corpus", "actors")),
    "evaluate": Command("evaluate", "evaluate", "Score a stored model on an annotation file.",
                        "stance evaluate eval.holdout_path=new_annotations.jsonl store.version=VERSION",
                        groups=("eval", "annotations", "store")),
    "predict": Command("predict", "predict", "Label any corpus (folder with manifest.csv, or JSONL) and write "
                       "predictions and tables.", "stance predict corpus.path=DIR actors.path=FILE", groups=_LABEL),
    "report": Command("report", "report", "Stance tables with intervals, charts, an HTML report and network exports "
                      "(from an earlier run's predictions, or by labelling the corpus).",
                      "stance report report.predictions=outputs/run/.../predictions.jsonl report.method=cc",
                      groups=("report", "store")),
    "models": Command("models", "models", "List stored model versions with their setup, data and figures.",
                      "stance models", groups=("store",)),
    "promote": Command("promote", "promote", "Make a stored model version the current one (promote the old one "
                       "back to undo).", "stance promote 20261122-101500-1a2b3c4d", positional="store.version",
                       groups=("store",)),
    "compare": Command("compare", "compare", "Rank the runs of a sweep (or any folder of runs) by a metric, with "
                       "their overrides.", "stance compare multirun/train/DATE/TIME compare.metric=macro_f1",
                       positional="compare.dir", groups=("compare",)),
    "agreement": Command("agreement", "agreement", "Inter-annotator agreement (Krippendorff's alpha, Cohen's kappa per "
                         "pair) of annotation files or tool exports.",
                         "stance agreement agreement.second=my_second_pass.jsonl\n"
                         "  stance agreement 'agreement.files=[admin.jsonl,maria.jsonl,project-3.json]'",
                         groups=("agreement", "annotations")),
    "queue": Command("queue", "queue", "Write the unannotated sentences whose labels would teach the model most "
                     "(CSV, doccano, Label Studio).", "stance queue queue.size=30",
                     groups=("queue", "corpus", "annotations", "store")),
    "sample": Command("sample", "sample", "Draw a random, outlet-stratified validation sample of the corpus for "
                      "annotators (CSV, doccano, Label Studio).", "stance sample sample.size=100 corpus.path=DIR",
                      groups=("sample", "corpus", "store")),
    "import": Command("import_", "import_annotations", "Import labelled sentences (SPEC JSONL/CSV, doccano or Label "
                      "Studio export) into the annotation store.",
                      "stance import admin.jsonl 'importing.label_map={Hawkish: advocate, Dovish: caution}'",
                      positional="importing.file", groups=("importing", "annotations", "corpus")),
    "retrain": Command("retrain", "retrain", "Train a candidate on the merged annotations and compare it with the "
                       "current model on the same folds.", "stance retrain store.promote=if_better", groups=_TRAIN),
    "benchmark": Command("benchmark", "benchmark", "The public benchmark: SemEval-2016 Task 6A (stance in tweets), "
                         "beside the published figures.", "stance benchmark benchmark.evaluate_test=false",
                         preset=("+experiment=semeval2016",), groups=("benchmark", "features", "model", "eval")),
}


PLAIN_COMMANDS: dict[str, PlainCommand] = {
    "init": PlainCommand("init", "init", "Make a project folder (settings, corpus, actors, cleaning rules, annotation "
                         "and model stores, outputs) that every command works from.",
                         "stance init ~/my_project\n  stance init ~/seed_copy --with-seed-corpus"),
}

USAGE = """usage: stance <command> [key=value ...] [-m] [--cfg job] [--info] [--project DIR]
       stance --version | --help | --completion bash

stance reads a crisis's news coverage sentence by sentence and labels each sentence's
stance toward military escalation (advocate / caution / neutral), finds who holds it,
and tabulates stance by outlet, by actor, actor x outlet and over time.

commands:
{commands}

Commands run in the project folder they start in (one holding stance.yaml, made by
`stance init DIR`; or --project DIR), else in the shipped seed project.
Every command takes Hydra overrides (key=value), `-m` to sweep comma-separated values,
`--cfg job` to print its configuration and `--info` for where it comes from.
`stance <command> --help` lists the command's options with their defaults.
Each run writes its config, metrics, predictions and tables to its own folder under outputs/.
Shell completion: eval "$(stance --completion bash)"
"""


def usage() -> str:
    """The top-level help: every command with its summary."""
    table = {**COMMANDS, **PLAIN_COMMANDS}
    return USAGE.format(commands="\n".join(f"  {name:<9} {command.summary}" for name, command in table.items()))


# One BLAS thread unless the user sets otherwise: the models are small, and OpenBLAS's spinning
# threads cost several times the CPU (training on the seed set: 21 s of CPU with the default
# threads, 4.4 s with one) and fight sweep jobs and other programs for the cores.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# Arrow (imported with pandas) allocates with the system's malloc unless the user sets otherwise:
# its default, mimalloc, keeps the pages of every Parquet row group it encodes, which raised the
# peak memory of `stance predict` by about 20 MiB (stance.parquet.use_system_allocator explains).
ARROW_POOL = ("ARROW_DEFAULT_MEMORY_POOL", "system")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `stance` console script. Help and the version answer without
    importing Hydra or any command."""
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")
    os.environ.setdefault(*ARROW_POOL)
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if not args:
        print(usage(), file=sys.stderr)
        return 2
    from .entry import dispatch

    return dispatch(args)


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

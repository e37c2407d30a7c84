"""The `stance` command line: one file per command, each a plain function of the settings.

    stance <command> [key=value ...] [-m]

``COMMANDS`` is the table of commands: the module and function that implement each, its
summary, an example and the config key a bare first argument fills. Modules are imported
only when their command runs, so `stance --help` answers at once. Hydra composes the
configuration and makes the run folder (:mod:`stance.cli.entry`, the only code that touches
Hydra); the function receives plain, checked :class:`~stance.settings.Settings`.
To add a command: write ``cli/<name>.py`` with a function ``(settings, out_dir)``, add an
entry here, and a test in ``tests/test_cli_<name>.py``.
"""

from __future__ import annotations

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


COMMANDS: dict[str, Command] = {
    "run": Command("run", "run", "The main job: label the corpus with the current model (training one if the store "
                   "is empty), print and write the stance tables.",
                   "stance run\n  stance run corpus.path=~/my_corpus actors.path=~/my_actors.yaml"),
    "train": Command("train", "train", "Cross-validate (leave-one-article-out by default), fit on all annotations, "
                     "store a model version.",
                     "stance train\n  stance train eval=leave_one_crisis_out model.C=1\n"
                     "  stance train -m model.C=0.3,1,3 features=word,word_char"),
    "evaluate": Command("evaluate", "evaluate", "Score a stored model on an annotation file.",
                        "stance evaluate eval.holdout_path=new_annotations.jsonl store.version=VERSION"),
    "predict": Command("predict", "predict", "Label any corpus (folder with manifest.csv, or JSONL) and write "
                       "predictions and tables.", "stance predict corpus.path=DIR actors.path=FILE"),
    "report": Command("report", "report", "Stance tables with intervals, charts, an HTML report and network exports "
                      "(from an earlier run's predictions, or by labelling the corpus).",
                      "stance report report.predictions=outputs/run/.../predictions.jsonl report.method=cc"),
    "models": Command("models", "models", "List stored model versions with their setup, data and figures.",
                      "stance models"),
    "promote": Command("promote", "promote", "Make a stored model version the current one (promote the old one "
                       "back to undo).", "stance promote 20261122-101500-1a2b3c4d", positional="store.version"),
    "compare": Command("compare", "compare", "Rank the runs of a sweep (or any folder of runs) by a metric, with "
                       "their overrides.", "stance compare multirun/train/DATE/TIME compare.metric=macro_f1",
                       positional="compare.dir"),
    "agreement": Command("agreement", "agreement", "Inter-annotator agreement (Cohen's kappa, holder match) of two "
                         "annotation files.", "stance agreement agreement.second=my_second_pass.jsonl"),
    "queue": Command("queue", "queue", "Write the unannotated sentences whose labels would teach the model most "
                     "(CSV, doccano, Label Studio).", "stance queue queue.size=30"),
    "sample": Command("sample", "sample", "Draw a random, outlet-stratified validation sample of the corpus for "
                      "annotators (CSV, doccano, Label Studio).", "stance sample sample.size=100 corpus.path=DIR"),
    "import": Command("import_", "import_annotations", "Import labelled sentences (SPEC JSONL/CSV, doccano or Label "
                      "Studio export) into the annotation store.",
                      "stance import admin.jsonl 'importing.label_map={Hawkish: advocate, Dovish: caution}'",
                      positional="importing.file"),
    "retrain": Command("retrain", "retrain", "Train a candidate on the merged annotations and compare it with the "
                       "current model on the same folds.", "stance retrain store.promote=if_better"),
    "benchmark": Command("benchmark", "benchmark", "The public benchmark: SemEval-2016 Task 6A (stance in tweets), "
                         "beside the published figures.", "stance benchmark benchmark.evaluate_test=false",
                         preset=("+experiment=semeval2016",)),
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `stance` console script."""
    from .entry import dispatch

    return dispatch(list(sys.argv[1:] if argv is None else argv))


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

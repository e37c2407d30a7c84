"""Helpers the commands share: printing, the labelled data, the pipeline factory, the
model-card and metrics plumbing. Plain functions of :class:`~stance.settings.Settings`:
nothing here reads Hydra's config (that is :mod:`stance.cli.entry`'s job, once).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .. import store
from ..analysis import Analyzer, build_analyzer
from ..annotations import Annotation, load_annotations
from ..card import DataSummary
from ..corpus import read_metadata, validate_corpus
from ..errors import AnnotationError, ConfigError, StanceError
from ..evaluate import LabelledSet, linked_groups
from ..files import remove_stale, sha256, write_jsonl
from ..gazetteer import load_gazetteer
from ..merge import SNAPSHOT_DIR
from ..settings import Settings, shown_path


def say(text: str = "") -> None:
    """Print a line of a command's report (flushed: sweeps interleave jobs' output)."""
    print(text, flush=True)


def progress(description: str, total: int, enabled: bool = True):
    """A progress bar on stderr (hidden when stderr is not a terminal), or None."""
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="fold", file=sys.stderr, disable=None, leave=False)


def corpus_path(settings: Settings) -> Path:
    """The configured corpus, checked whole (a bad manifest or file stops here, before any output)."""
    path = settings.corpus.path
    if path is None:
        raise ConfigError("config: corpus.path is empty; pass corpus.path=DIR_OR_JSONL")
    validate_corpus(path)
    return path


def article_context(settings: Settings, urls: bool = True):
    """Each holder's affiliation (the configured gazetteer) and each article's url (the
    configured corpus, when it is there and ``urls``) for the report's writers."""
    from ..publish import ArticleContext

    affiliations = {actor.name: actor.affiliation for actor in load_gazetteer(settings.actors.path)
                    if actor.affiliation} if settings.actors.path is not None and settings.actors.path.is_file() else {}
    path = settings.corpus.path
    urls = {doc_id: article.url for doc_id, article in read_metadata(path).items() if article.url} \
        if urls and path is not None and path.exists() else {}
    return ArticleContext(affiliations, urls)


def corpus_name(settings: Settings) -> str | None:
    """The configured corpus as a model card records it (`stance models` shows it)."""
    return shown_path(settings.corpus.path) if settings.corpus.path is not None else None


def annotations_path(settings: Settings) -> Path:
    if settings.annotations.path is None:
        raise ConfigError("config: annotations.path is empty; pass annotations.path=FILE")
    return settings.annotations.path


def analyzer(settings: Settings, with_holders: bool = True) -> Analyzer:
    """The one builder of clean -> segment -> holders for every command."""
    return build_analyzer(settings.clean, settings.segment, settings.actors if with_holders else None)


def known_actors(settings: Settings) -> set[str] | None:
    """Canonical names annotations may use as holders: those of ``annotations.actor_files``
    (the gazetteers the store was annotated with) and of the configured ``actors.path``
    (None: not checked)."""
    if not settings.annotations.check_actors:
        return None
    files = [*settings.annotations.actor_files, *([settings.actors.path] if settings.actors.path else [])]
    return {actor.name for path in files for actor in load_gazetteer(path)}


def group_of(settings: Settings) -> Callable[[Annotation], str]:
    """Each annotated sentence's value of ``eval.group_column``: from the annotation row when
    it carries the column (``crisis``, ``outlet`` of pool rows), else from the corpus's
    metadata; republications that share a source fall in one group."""
    column = settings.eval.group_column
    metadata: dict[str, str] = {}
    path = settings.corpus.path
    if path is not None and path.exists():
        metadata = linked_groups({doc_id: article.field(column) or article.outlet or doc_id
                                  for doc_id, article in read_metadata(path).items()})
    return lambda row: row.field(column) or metadata.get(row.doc_id) or row.doc_id


def load_labelled(settings: Settings, path: Path) -> tuple[list[Annotation], LabelledSet]:
    """Annotations from ``path``, validated, with each sentence's group."""
    rows = load_annotations(path, settings.labels, known_actors(settings))
    group = group_of(settings)
    data = LabelledSet(texts=[r.text for r in rows], labels=[r.label for r in rows],
                       doc_ids=[r.doc_id for r in rows], groups=[group(r) for r in rows])
    return rows, data


def pipeline_factory(settings: Settings) -> Callable:
    """A function that builds a fresh, unfitted pipeline from the settings."""
    from ..model import build_pipeline

    features, model, seed = settings.features, settings.model, settings.seed
    return lambda: build_pipeline(features, model, seed)


def data_summary(path: Path, rows: list[Annotation], named: Path | None = None) -> DataSummary:
    """What the model card and metrics record about an annotation file (``path``, the
    snapshot read, shown by the name of the file it copies, ``named``)."""
    return DataSummary(shown_path(named or path), sha256(path), len(rows), len({r.doc_id for r in rows}),
                       dict(Counter(r.label for r in rows)))


def clear_leftovers(settings: Settings) -> None:
    """Remove what killed commands left behind in the model store and beside the annotation
    file (staging folders, temporary files); those of commands still running are kept."""
    store.remove_leftovers(settings.store.dir)
    if settings.annotations.path is not None:
        for folder in (settings.annotations.path.parent, settings.annotations.path.parent / SNAPSHOT_DIR):
            remove_stale(folder)


@contextmanager
def annotations_snapshot(path: Path, out_dir: Path) -> Iterator[Path]:
    """A private copy of the annotation file, taken once before training reads it: an import
    during a long training run cannot change what the model is fitted on, what its card's
    hash says or what its version keeps. (Writers replace the file by renaming, so one read
    sees one whole version of it.) The copy is removed when the block ends."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise AnnotationError(f"cannot read file ({err.strerror or err})", path) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshot = out_dir / f".annotations-{os.getpid()}{path.suffix}"
    snapshot.write_bytes(data)
    try:
        yield snapshot
    except StanceError as err:
        if err.path != str(snapshot):
            raise
        raise type(err)(err.problem, path, err.line) from None  # name the user's file, not the copy
    finally:
        snapshot.unlink(missing_ok=True)


def write_cv_predictions(out_dir: Path, rows: list[Annotation], predicted: list[str], extra: list[dict] | None = None
                         ) -> Path:
    """Every annotated sentence with its gold and out-of-fold label (and probabilities)."""
    def records() -> Iterator[dict]:
        for i, (row, label) in enumerate(zip(rows, predicted)):
            record = {"id": row.id, "doc_id": row.doc_id, "text": row.text, "gold": row.label, "predicted": label}
            if extra:
                record.update(extra[i])
            yield record
    return write_jsonl(out_dir / "cv_predictions.jsonl", records())


def print_metrics(metrics: dict, labels: tuple[str, ...]) -> None:
    say(f"Evaluation ({metrics['protocol']}, {metrics['n']} sentences): "
        f"macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}"
        + (f", F_avg {metrics['f_avg']:.4f}" if "f_avg" in metrics else ""))
    say(f"  {'label':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    for label in labels:
        row = metrics["per_label"][label]
        say(f"  {label:<10} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8d}")
    if "fold_macro_f1" in metrics:
        spread = metrics["fold_macro_f1"]
        say(f"  per fold macro-F1: mean {spread['mean']:.3f} +/- {spread['std']:.3f} "
            f"(min {spread['min']:.3f}, max {spread['max']:.3f})")
        for fold in metrics["folds"][:40]:
            f1 = " ".join(f"{label[:3]} {fold['f1'][label]:.2f}" for label in labels) if "f1" in fold else ""
            say(f"    {fold['fold'][:28]:<28} n={fold['n_test']:<5} macro-F1 {fold['macro_f1']:.3f}  {f1}")
        if len(metrics["folds"]) > 40:
            say(f"    ... {len(metrics['folds']) - 40} more folds in metrics.json")
    errors = ", ".join(f"{e['gold']}->{e['predicted']} {e['count']}" for e in metrics["dominant_errors"])
    say(f"  dominant errors (gold->predicted): {errors or 'none'}")


def dump(record: object) -> str:
    return json.dumps(record, ensure_ascii=False)

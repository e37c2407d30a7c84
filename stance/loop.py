"""The retraining loop's commands: ``stance queue``, ``stance import``, ``stance retrain``.

Like :mod:`stance.commands`, each is a plain function of a composed config and a run
folder; this is the only module of the loop that reads the config. Each validates all of
its input before it writes anything.
"""

from __future__ import annotations

import getpass
import json
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from omegaconf import DictConfig

from . import store
from .annotations import file_sha256, load_annotations, write_annotations
from .atomic import write_text_atomic
from .clean import clean
from .commands import (_known_actors, _labels, _library_versions, _metrics_summary, _models_dir, _say, _shown_path,
                       load_labelled, pipeline_factory)
from .corpus import iter_corpus, validate_corpus
from .errors import AnnotationConflictError, AnnotationError, ConfigError, ModelIntegrityError
from .evaluate import folds
from .importing import CorpusIndex, ToolRow, describe_place, index_sentences, location_error, read_export, resolve
from .merge import LOG_FILE, POLICIES, append_log, describe_conflict, find_snapshot, keep_snapshot, log_entry, merge
from .model import build_pipeline, fit
from .predict import analyse
from .queue import METHODS, Candidate, candidates, most_uncertain, select, write_queue
from .report import write_json
from .retrain import Setup, compare, promotion, side_by_side
from .segment import segment
from .settings import PROJECT_ROOT, cleaning, holder_finder, plain, tokenizer, user_path


def _corpus_path(cfg: DictConfig) -> Path:
    path = user_path(cfg.corpus.get("path"))
    if path is None:
        raise ConfigError("corpus.path is empty; pass corpus.path=DIR_OR_JSONL")
    validate_corpus(path)  # a bad manifest or file stops the command before any output
    return path


def corpus_index(cfg: DictConfig) -> CorpusIndex:
    """Every sentence of the configured corpus, segmented as `stance predict` does, so an
    imported sentence gets the id its predictions carry."""
    path = _corpus_path(cfg)
    options, punkt = cleaning(cfg), tokenizer(cfg)
    sentences = ((s.id, s.doc_id, s.text) for article in iter_corpus(path)
                 for s in segment(article.doc_id, clean(article.text, options), punkt))
    return index_sentences(sentences, where=f"the corpus {path}")


def _import_options(cfg: DictConfig) -> dict:
    options = plain(cfg.importing)
    if options["on_conflict"] not in POLICIES:
        raise ConfigError(f"importing.on_conflict={options['on_conflict']!r}; expected one of {', '.join(POLICIES)}")
    if options["unlabelled"] not in ("skip", "error"):
        raise ConfigError(f"importing.unlabelled={options['unlabelled']!r}; expected skip or error")
    return options


def _read_rows(options: dict, source: Path) -> tuple[str, list[ToolRow]]:
    """The file's rows, each with an annotator: the file's, else importing.annotator,
    else (doccano, whose per-user export files are named after the user) the file name."""
    fmt, rows = read_export(source, options["format"], options.get("label_studio_control"))
    fallback = options.get("annotator") or (source.stem if fmt == "doccano" else "")
    return fmt, [row if row.annotator or not fallback else replace(row, annotator=fallback) for row in rows]


def import_command(cfg: DictConfig, out_dir: Path) -> dict:
    """Read an annotation tool's export, validate it whole, merge it into the annotation
    store by the conflict policy, and log the import next to the store."""
    options = _import_options(cfg)
    source = user_path(options.get("file"))
    if source is None:
        raise ConfigError("name the file to import: `stance import FILE` (SPEC JSONL or CSV, doccano JSONL "
                          "export or Label Studio JSON export)")
    labels = _labels(cfg)
    store_path = user_path(cfg.annotations.path)
    if store_path.suffix.lower() != ".jsonl":
        raise ConfigError(f"annotations.path={store_path} is not a .jsonl file; imports merge into a JSONL store")
    fmt, rows = _read_rows(options, source)
    index = corpus_index(cfg) if options["match_corpus"] else None
    known = _known_actors(cfg)
    imported, unlabelled = resolve(rows, source, labels, options["label_map"] or {}, index, known)
    if unlabelled and options["unlabelled"] == "error":
        raise location_error("no label (importing.unlabelled=error)", source, unlabelled[0].where)
    if not imported:
        raise AnnotationError(f"no labelled rows ({len(unlabelled)} rows without a label)", source)
    where = {row.id: describe_place(tool.where) for row, tool in zip(imported, [r for r in rows if r.label])}
    # only the imported rows are held to the gazetteer: the store may predate this actor file
    stored = load_annotations(store_path, labels) if store_path.is_file() else []
    result = merge(stored, imported, options["on_conflict"], where)

    _say(f"Read {len(rows)} row{'s' if len(rows) != 1 else ''} ({fmt}) from {source}: {len(imported)} labelled"
         + (f", {len(unlabelled)} without a label (skipped)" if unlabelled else ""))
    for conflict in result.conflicts:
        _say(describe_conflict(conflict))
    if result.conflicts and result.policy == "stop":
        raise AnnotationConflictError(
            f"{len(result.conflicts)} sentence(s) already labelled otherwise in {store_path} (listed above); nothing "
            "was changed. Settle them with importing.on_conflict=keep (keep the store's labels) or "
            "importing.on_conflict=replace (take the imported ones; the old ones stay in the import log)", source)

    before = file_sha256(store_path) if store_path.is_file() else None
    snapshot = keep_snapshot(store_path) if result.changes_store else None
    if result.changes_store:
        write_annotations(store_path, result.rows)
    entry = log_entry(result, when=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      by=options.get("by") or _login(), source=source, source_sha256=file_sha256(source), fmt=fmt,
                      store=store_path, store_before=before,
                      store_after=file_sha256(store_path) if store_path.is_file() else None,
                      snapshot=snapshot, rows_in_file=len(rows), unlabelled=len(unlabelled))
    log = append_log(store_path.parent / LOG_FILE, entry)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "import.json", entry)
    resolution = {"keep": "kept the store's label", "replace": "took the imported label"}.get(result.policy, "")
    _say(f"Added {entry['added']}, unchanged {entry['unchanged']}, changed {entry['changed']}, "
         f"conflicting {entry['conflicting']}" + (f" ({resolution})" if result.conflicts else "")
         + f"; {store_path} now holds {len(result.rows)} sentences. Logged in {log}")
    return entry


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _counted(items: Iterable[Candidate], counter: Counter) -> Iterator[Candidate]:
    for item in items:
        counter["candidates"] += 1
        yield item


def queue_command(cfg: DictConfig, out_dir: Path) -> dict:
    """Write the sentences whose labels would teach the current model most: the most
    uncertain unannotated sentences of the corpus, chosen to differ from each other."""
    options = plain(cfg.queue)
    if options["uncertainty"] not in METHODS:
        raise ConfigError(f"queue.uncertainty={options['uncertainty']!r}; expected one of {', '.join(METHODS)}")
    if int(options["size"]) < 1:
        raise ConfigError(f"queue.size={options['size']}; expected a positive number of sentences")
    labels = _labels(cfg)
    pipeline, card = store.load_version(_models_dir(cfg), cfg.store.get("version"))
    corpus_path = _corpus_path(cfg)
    store_path = user_path(cfg.annotations.path)
    annotated = {row.id for row in load_annotations(store_path, labels)} if store_path.is_file() else set()
    options_clean, punkt, finder = cleaning(cfg), tokenizer(cfg), holder_finder(cfg)
    articles = (analyse(article, options_clean, punkt, finder) for article in iter_corpus(corpus_path))
    counter: Counter = Counter()
    pool = most_uncertain(_counted(candidates(articles, annotated, int(options["min_words"])), counter), pipeline,
                          options["uncertainty"], max(int(options["pool"]), int(options["size"])))
    items = select(pool, pipeline.named_steps["features"], int(options["size"]), float(options["diversity"]),
                   float(options["max_similarity"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = write_queue(out_dir, items, labels)
    summary = {"model_version": card["version"], "corpus": _shown_path(corpus_path), "annotated": len(annotated),
               "candidates": counter["candidates"], "queued": len(items), "options": options,
               "files": {name: path.name for name, path in paths.items()}}
    write_json(out_dir / "queue_summary.json", summary)
    _say(f"Queued {len(items)} of {counter['candidates']} unannotated sentences ({len(annotated)} already annotated) "
         f"by {options['uncertainty']} uncertainty of model {card['version']}, diversity {options['diversity']}:")
    for item in items:
        text = item.sentence.text if len(item.sentence.text) <= 90 else item.sentence.text[:87] + "..."
        _say(f"  {item.rank:>3}  {item.uncertainty:.3f}  {item.sentence.outlet[:18]:<18}  {text}")
    _say(f"For annotators: {paths['csv']} (fill in `label`), {paths['doccano'].name} (doccano), "
         f"{paths['label_studio'].name} with {paths['label_studio_config'].name} (Label Studio). "
         "Bring the labels back with `stance import FILE`.")
    return summary


def training_annotations(models_dir: Path, version: str, card: dict, store_path: Path) -> Path:
    """The annotation file ``version`` was trained on: the copy kept with the version, a
    snapshot kept by an import, or the file named on its card while it is unchanged."""
    sha = card.get("annotations", {}).get("annotations_sha256", "")
    kept = store.training_data(models_dir, version) or find_snapshot(store_path.parent, sha)
    if kept is not None:
        return kept
    named = card.get("annotations", {}).get("annotations")
    for path in ([PROJECT_ROOT / named] if named else []) + [store_path]:
        if path.is_file() and file_sha256(path) == sha:
            return path
    raise ModelIntegrityError(
        f"cannot find the annotations version {version} was trained on (SHA-256 {sha[:12]}...): no copy in its "
        f"folder, no snapshot in {store_path.parent / 'snapshots'}, and {named or store_path} has changed since",
        models_dir / version)


def _write_comparison_predictions(out_dir: Path, rows, predictions: list[dict]) -> None:
    by_id = {row.id: row for row in rows}
    lines = "".join(json.dumps({**p, "doc_id": by_id[p["id"]].doc_id, "text": by_id[p["id"]].text},
                               ensure_ascii=False) + "\n" for p in predictions)
    write_text_atomic(out_dir / "cv_predictions.jsonl", lines)


def retrain_command(cfg: DictConfig, out_dir: Path) -> dict:
    """Train a candidate on the merged annotations, compare it with the current model on
    the same folds, save it as a version, and promote it only as ``store.promote`` says."""
    protocol = str(cfg.eval.protocol)
    if protocol == "holdout":
        raise ConfigError("stance retrain compares on cross-validation folds; use eval=leave_one_article_out, "
                          "leave_one_outlet_out or stratified_kfold")
    labels = _labels(cfg)
    store_path = user_path(cfg.annotations.path)
    rows, data = load_labelled(cfg, store_path)
    models_dir = _models_dir(cfg)
    current = cfg.store.get("version") or store.current_version(models_dir)
    if current is None:
        raise ConfigError(f"no current model in {models_dir} to compare with; train one with `stance train`")
    _, card = store.load_version(models_dir, current)
    seen_path = training_annotations(models_dir, current, card, store_path)
    seen = load_annotations(seen_path, labels)
    missing = {row.id for row in seen} - {row.id for row in rows}
    if missing:
        raise AnnotationError(
            f"lacks {len(missing)} of the {len(seen)} sentences the current model {current} was trained on, so a "
            f"candidate trained on it would not build on that model; start the store from a copy of {seen_path} "
            "(or train a first model on this store with `stance train`)", store_path)
    config = card.get("config", {})
    current_setup = Setup(lambda: build_pipeline(config["features"], config["model"], int(config["seed"])),
                          {row.id: row.label for row in seen})
    candidate_setup = Setup(pipeline_factory(cfg), {row.id: row.label for row in rows})
    fold_list = folds(data, protocol, int(cfg.eval.k), int(cfg.seed))
    _say(f"Candidate: {len(rows)} annotated sentences from {store_path}. Current model {current}: trained on "
         f"{len(seen)} ({_shown_path(seen_path)}). Both scored on the same {len(fold_list)} folds ({protocol}) "
         f"of the {len(rows)} sentences:")
    comparison = compare(data, [row.id for row in rows], fold_list, current_setup, candidate_setup, labels, protocol)
    predictions = comparison.pop("predictions")
    _say(side_by_side(comparison, labels))

    data_summary = {"annotations": _shown_path(store_path), "annotations_sha256": file_sha256(store_path),
                    "n_sentences": len(rows), "n_articles": len(set(data.doc_ids)),
                    "label_counts": dict(Counter(data.labels))}
    run_config = {"features": plain(cfg.features), "model": plain(cfg.model), "seed": int(cfg.seed),
                  "eval": plain(cfg.eval)}
    comparison.update({"current_version": current, "current_annotations_sha256": file_sha256(seen_path),
                       "current_config": config, "data": data_summary, "config": run_config})
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "comparison.json", comparison)
    write_json(out_dir / "metrics.json", {**comparison["candidate"], "data": data_summary, "config": run_config})
    _write_comparison_predictions(out_dir, rows, predictions)

    pipeline = fit(pipeline_factory(cfg)(), data.texts, data.labels)
    new_card = {
        "task": card.get("task", "stance toward military escalation, per sentence"),
        "labels": labels,
        "config": run_config,
        "annotations": data_summary,
        "metrics": _metrics_summary(comparison["candidate"]),
        "comparison": {"against": current, "protocol": protocol, "n_folds": comparison["n_folds"],
                       "current_macro_f1": comparison["current"]["macro_f1"],
                       "candidate_macro_f1": comparison["candidate"]["macro_f1"],
                       "difference": comparison["difference"],
                       "added_or_relabelled": comparison["added_or_relabelled"]["n"]},
        "libraries": _library_versions(),
        "command": "stance retrain " + " ".join(plain(cfg.get("overrides")) or []),
    }
    version = store.save_version(models_dir, pipeline, new_card, training_data=store_path)
    write_json(out_dir / "model_card.json", store.read_card(models_dir, version))
    _say(f"Saved the candidate as version {version} in {models_dir}")
    promoted = _promote_candidate(cfg, models_dir, version, current, comparison)
    return {"version": version, "current": current, "promoted": promoted, "comparison": comparison}


def _promote_candidate(cfg: DictConfig, models_dir: Path, version: str, compared_with: str, comparison: dict) -> bool:
    # In a sweep's jobs store.sweep_promote replaces store.promote (as for `stance train`).
    policy = str(cfg.store.get("sweep_promote", "never") if cfg.get("sweep") else cfg.store.promote)
    try:
        wanted, reason = promotion(policy, comparison, has_current=True)
    except ValueError as err:
        raise ConfigError(str(err)) from None
    with store.locked(models_dir):
        current = store.current_version(models_dir)
        if wanted and current != compared_with:
            _say(f"Not promoted: the current model is {current}, not {compared_with} that the candidate was compared with")
            return False
        if wanted:
            store.promote(models_dir, version, reason=f"retrain: {reason}")
            _say(f"Promoted {version} to current ({reason}); `stance promote {current}` undoes this")
            return True
    _say(f"Current model stays {current} ({reason}); `stance promote {version}` makes the candidate current")
    return False

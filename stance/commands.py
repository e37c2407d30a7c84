"""The user's commands as plain functions of a composed config and an output folder.

``stance.cli`` wraps each in Hydra; tests call them directly with ``compose()`` configs
and ``tmp_path``. Each validates all of its input before it writes anything.
"""

from __future__ import annotations

import json
import platform
import sys
from collections import Counter
from pathlib import Path
from typing import Callable

from omegaconf import DictConfig, OmegaConf

from . import __version__, store
from .aggregate import StanceCounts
from .annotations import Annotation, file_sha256, load_annotations
from .atomic import write_atomic
from .corpus import iter_corpus, read_metadata, validate_corpus
from .errors import AnnotationError, ConfigError, CorpusError
from .evaluate import LabelledSet, cross_validate, holdout, linked_groups, score
from .model import build_pipeline, fit
from .metrics import set_scores
from .predict import analyse, predict_articles
from .publish import confusion_for_predictions, confusion_of_card, prepare_report, publish, record_problem
from .report import write_json
from .settings import PROJECT_ROOT, cleaning, holder_finder, plain, tokenizer, user_path


def _shown_path(path: Path) -> str:
    """A path as recorded in metrics and cards: relative to the project when inside it,
    so a shipped card names no one's home folder."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _say(text: str = "") -> None:
    print(text, flush=True)


def _labels(cfg: DictConfig) -> list[str]:
    return [str(label) for label in cfg.annotations.labels]


def _models_dir(cfg: DictConfig) -> Path:
    return user_path(cfg.store.dir)


def _known_actors(cfg: DictConfig) -> set[str] | None:
    if not cfg.annotations.get("check_actors", True):
        return None
    return {actor.name for actor in holder_finder(cfg).actors}


def load_labelled(cfg: DictConfig, path: str | Path) -> tuple[list[Annotation], LabelledSet]:
    """Annotations from ``path``, validated, with each sentence's outlet from the corpus."""
    rows = load_annotations(path, _labels(cfg), _known_actors(cfg))
    outlets: dict[str, str] = {}
    corpus_path = user_path(cfg.corpus.get("path"))
    if corpus_path is not None and corpus_path.exists():
        # eval.outlet_column=original_outlet groups a republication with its sources (texts that
        # share one fall in one group), so no outlet fold trains on another copy of its text
        column = str(cfg.eval.get("outlet_column") or "outlet")
        outlets = linked_groups({doc_id: getattr(a, column, None) or a.extra.get(column) or a.outlet or doc_id
                                 for doc_id, a in read_metadata(corpus_path).items()})
    data = LabelledSet(
        texts=[r.text for r in rows], labels=[r.label for r in rows],
        doc_ids=[r.doc_id for r in rows], outlets=[outlets.get(r.doc_id, r.doc_id) for r in rows],
    )
    return rows, data


def pipeline_factory(cfg: DictConfig) -> Callable:
    """A function that builds a fresh, unfitted pipeline from the config."""
    features, model, seed = plain(cfg.features), plain(cfg.model), int(cfg.seed)
    return lambda: build_pipeline(features, model, seed)


def _library_versions() -> dict:
    import hydra
    import joblib
    import nltk
    import numpy
    import sklearn

    return {"python": platform.python_version(), "stance": __version__, "scikit-learn": sklearn.__version__,
            "nltk": nltk.__version__, "joblib": joblib.__version__, "numpy": numpy.__version__,
            "hydra-core": hydra.__version__}


def _metrics_summary(metrics: dict) -> dict:
    keep = ("protocol", "n", "accuracy", "macro_f1", "f_avg", "per_label", "fold_macro_f1", "dominant_errors",
            "confusion_matrix", "holders")
    return {k: metrics[k] for k in keep if k in metrics}


def _print_metrics(metrics: dict, labels: list[str]) -> None:
    _say(f"Evaluation ({metrics['protocol']}, {metrics['n']} sentences): "
         f"macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}"
         + (f", F_avg {metrics['f_avg']:.4f}" if "f_avg" in metrics else ""))
    _say(f"  {'label':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    for label in labels:
        row = metrics["per_label"][label]
        _say(f"  {label:<10} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8d}")
    if "fold_macro_f1" in metrics:
        spread = metrics["fold_macro_f1"]
        _say(f"  per fold macro-F1: mean {spread['mean']:.3f} +/- {spread['std']:.3f} "
             f"(min {spread['min']:.3f}, max {spread['max']:.3f})")
        for fold in metrics["folds"]:
            _say(f"    {fold['fold']:<28} n={fold['n_test']:<4} macro-F1 {fold['macro_f1']:.3f}")
    errors = ", ".join(f"{e['gold']}->{e['predicted']} {e['count']}" for e in metrics["dominant_errors"])
    _say(f"  dominant errors (gold->predicted): {errors or 'none'}")


def _write_cv_predictions(out_dir: Path, rows: list[Annotation], predicted: list[str]) -> None:
    lines = "".join(json.dumps({"id": r.id, "doc_id": r.doc_id, "text": r.text, "gold": r.label, "predicted": p},
                               ensure_ascii=False) + "\n" for r, p in zip(rows, predicted))
    write_atomic(out_dir / "cv_predictions.jsonl", lambda tmp: tmp.write_text(lines, encoding="utf-8"))


def holder_metrics(cfg: DictConfig, rows: list[Annotation]) -> dict | None:
    """How well holder attribution matches the annotated holders, on the annotated
    sentences found in the configured corpus (None when the corpus lacks them)."""
    corpus_path = user_path(cfg.corpus.get("path"))
    gold = {row.id: row.actors for row in rows}
    if corpus_path is None or not corpus_path.exists():
        return None
    options, punkt, finder = cleaning(cfg), tokenizer(cfg), holder_finder(cfg)
    docs = {row.doc_id for row in rows}
    pairs = [(gold[s.id], s.holders) for article in iter_corpus(corpus_path) if article.doc_id in docs
             for s in analyse(article, options, punkt, finder) if s.id in gold]
    if not pairs:
        return None
    scores = set_scores([g for g, _ in pairs], [p for _, p in pairs])
    _say(f"Holders vs annotation ({scores['n']} sentences): precision {scores['precision']:.3f}, "
         f"recall {scores['recall']:.3f}, exact set {scores['exact_match']:.1%}")
    return scores


def evaluate_protocol(cfg: DictConfig, data: LabelledSet) -> dict:
    """Run the configured evaluation protocol on labelled data."""
    labels = _labels(cfg)
    make = pipeline_factory(cfg)
    f_avg_labels = plain(cfg.eval.get("f_avg_labels")) or None
    if cfg.eval.protocol == "holdout":
        test_path = user_path(cfg.eval.get("holdout_path"))
        if test_path is None:
            raise ConfigError("eval.protocol=holdout needs eval.holdout_path=FILE")
        _, test = load_labelled(cfg, test_path)
        return holdout(data, test, make, labels, f_avg_labels)
    return cross_validate(data, make, labels, str(cfg.eval.protocol), int(cfg.eval.k), int(cfg.seed), f_avg_labels)


def train(cfg: DictConfig, out_dir: Path) -> dict:
    """Evaluate by the configured protocol, fit on all annotations, store a new version."""
    if cfg.get("benchmark") is not None:  # +experiment=semeval2016: the public benchmark, its own data
        from .experiments import train_benchmark

        return train_benchmark(cfg, out_dir)
    annotations_path = user_path(cfg.annotations.path)
    rows, data = load_labelled(cfg, annotations_path)
    labels = _labels(cfg)
    if len(set(data.labels)) < 2:
        raise AnnotationError(f"training needs at least two different labels; every row is {data.labels[0]!r}",
                              annotations_path)
    _say(f"Training on {len(rows)} annotated sentences from {annotations_path} "
         f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(data.labels).items()))})")
    metrics = evaluate_protocol(cfg, data)
    predicted = metrics.pop("predictions")
    metrics["data"] = {"annotations": _shown_path(annotations_path), "annotations_sha256": file_sha256(annotations_path),
                       "n_sentences": len(rows), "n_articles": len(set(data.doc_ids)),
                       "label_counts": dict(Counter(data.labels))}
    metrics["config"] = {"features": plain(cfg.features), "model": plain(cfg.model), "seed": int(cfg.seed),
                         "eval": plain(cfg.eval)}
    holders = holder_metrics(cfg, rows)
    if holders:
        metrics["holders"] = holders
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "metrics.json", metrics)
    if cfg.eval.protocol != "holdout":
        _write_cv_predictions(out_dir, rows, predicted)
    _print_metrics(metrics, labels)

    pipeline = fit(pipeline_factory(cfg)(), data.texts, data.labels)
    card = {
        "task": "stance toward military escalation, per sentence",
        "labels": labels,
        "config": metrics["config"],
        "annotations": metrics["data"],
        "metrics": _metrics_summary(metrics),
        "libraries": _library_versions(),
        "command": "stance train " + " ".join(plain(cfg.get("overrides")) or []),
    }
    models_dir = _models_dir(cfg)
    version = store.save_version(models_dir, pipeline, card, training_data=annotations_path)
    write_json(out_dir / "model_card.json", store.read_card(models_dir, version))
    _say(f"Saved model version {version} in {models_dir}")
    _maybe_promote(cfg, models_dir, version, metrics)
    return {"version": version, "metrics": metrics}


def _maybe_promote(cfg: DictConfig, models_dir: Path, version: str, metrics: dict) -> None:
    # A sweep's jobs follow store.sweep_promote (default never); the lock makes the
    # read-compare-promote of if_better one step, so parallel jobs cannot interleave.
    policy = str(cfg.store.get("sweep_promote", "never") if cfg.get("sweep") else cfg.store.promote)
    if cfg.get("sweep") and policy == "never":
        _say(f"Not promoted (a sweep job, store.sweep_promote=never): rank the sweep with `stance compare DIR`, "
             f"then `stance promote {version}` if it wins")
        return
    with store.locked(models_dir):
        _promote_by_policy(policy, models_dir, version, metrics)


def _promote_by_policy(policy: str, models_dir: Path, version: str, metrics: dict) -> None:
    current = store.current_version(models_dir)
    if policy == "always" or (policy == "if_none" and current is None):
        store.promote(models_dir, version, reason=f"train (store.promote={policy})")
        _say(f"Promoted {version} to current" + (f" (was {current})" if current else ""))
    elif policy == "if_better" and current is not None:
        old_card = store.read_card(models_dir, current)
        old = old_card.get("metrics", {}).get("macro_f1", -1.0)
        same_data = old_card.get("annotations", {}).get("annotations_sha256") == metrics["data"]["annotations_sha256"]
        same_protocol = old_card.get("metrics", {}).get("protocol") == metrics["protocol"]
        if not (same_data and same_protocol):
            # figures on other data or another protocol do not rank two models
            _say(f"Kept {current}: it was scored on other annotations or by another protocol, so its macro-F1 is not "
                 f"comparable; `stance retrain` compares both on the same folds")
        elif metrics["macro_f1"] > old:
            store.promote(models_dir, version, reason=f"train: macro-F1 {metrics['macro_f1']:.3f} > {old:.3f}")
            _say(f"Promoted {version}: macro-F1 {metrics['macro_f1']:.3f} > {old:.3f} of {current}")
        else:
            _say(f"Kept {current}: its macro-F1 {old:.3f} >= {metrics['macro_f1']:.3f}")
    elif policy not in ("never", "if_none", "if_better", "always"):
        raise ConfigError(f"store.promote={policy!r}; expected never, if_none, if_better or always")
    elif current is not None and policy != "always":
        _say(f"Current model stays {current}; `stance promote {version}` makes the new one current")


def evaluate(cfg: DictConfig, out_dir: Path) -> dict:
    """Score a stored model (current or ``store.version``) on an annotation file."""
    path = user_path(cfg.eval.get("holdout_path")) or user_path(cfg.annotations.path)
    _, data = load_labelled(cfg, path)
    pipeline, card = store.load_version(_models_dir(cfg), cfg.store.get("version"))
    metrics = score(pipeline, data, _labels(cfg), plain(cfg.eval.get("f_avg_labels")) or None)
    metrics.pop("predictions")
    metrics["data"] = {"annotations": _shown_path(path), "annotations_sha256": file_sha256(path), "n_sentences": len(data.texts)}
    metrics["model_version"] = card["version"]
    if card.get("annotations", {}).get("annotations_sha256") == metrics["data"]["annotations_sha256"]:
        _say("Note: this model was trained on this very file; these figures are training-set figures.")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "metrics.json", metrics)
    _print_metrics(metrics, _labels(cfg))
    return metrics


def _training_labels(cfg: DictConfig, card: dict) -> dict[str, str]:
    """The annotated label of each sentence the model was trained on (from the copy kept
    with its version, else the configured file when it is the one on its card): those
    sentences are reported with their annotation, not an in-sample prediction."""
    kept = store.training_data(_models_dir(cfg), card["version"])
    path = kept or user_path(cfg.annotations.path)
    if path is None or not path.is_file() or file_sha256(path) != card.get("annotations", {}).get("annotations_sha256"):
        return {}
    return {row.id: row.label for row in load_annotations(path, _labels(cfg))}


def _stream_predictions(cfg: DictConfig, pipeline, card: dict, out_dir: Path) -> tuple[StanceCounts, Counter, int]:
    corpus_path = user_path(cfg.corpus.path)
    if corpus_path is None:
        raise ConfigError("corpus.path is empty; pass corpus.path=DIR_OR_JSONL")
    n_articles = validate_corpus(corpus_path)  # fails on bad input before any output
    options, punkt, finder = cleaning(cfg), tokenizer(cfg), holder_finder(cfg)
    counts, candidates = StanceCounts(), Counter()
    trained_on = _training_labels(cfg, card)
    from tqdm import tqdm

    articles = tqdm(iter_corpus(corpus_path), total=n_articles, unit="article", desc="labelling",
                    disable=None if n_articles >= int(cfg.corpus.progress_min_articles) else True, file=sys.stderr)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as handle:
            records = predict_articles(articles, pipeline, options, punkt, finder, int(cfg.corpus.batch_size))
            for record in records:
                record["in_training"] = record["id"] in trained_on
                if record["in_training"]:
                    record["predicted_label"] = record["label"]
                    record["label"] = trained_on[record["id"]]
                counts.add(record)
                candidates.update(record["candidates"])
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / "predictions.jsonl", write)
    return counts, candidates, n_articles


def _write_candidates(out_dir: Path, candidates: Counter) -> None:
    lines = "name,count\n" + "".join(f"\"{name}\",{n}\n" for name, n in candidates.most_common())
    write_atomic(out_dir / "candidates.csv", lambda tmp: tmp.write_text(lines, encoding="utf-8"))
    if candidates:
        _say("Speakers not in the gazetteer (add them to your actor file): "
             + ", ".join(f"{name} ({n})" for name, n in candidates.most_common(8)))


def predict(cfg: DictConfig, out_dir: Path) -> dict:
    """Label every sentence of a corpus and write predictions and stance tables."""
    pipeline, card = store.load_version(_models_dir(cfg), cfg.store.get("version"))
    confusion = confusion_of_card(_models_dir(cfg), card)
    options, quantifier = prepare_report(cfg, confusion)  # a bad report setting stops here, before any output
    counts, candidates, n_articles = _stream_predictions(cfg, pipeline, card, out_dir)
    n_sentences = sum(counts.sentences.values())
    _say(f"Labelled {n_sentences} sentences of {n_articles} articles with model {card['version']}")
    if counts.in_training:
        _say(f"Note: {counts.in_training} of these sentences are in the model's training annotations: they carry "
             "their annotated label (the model's own is `predicted_label`); out-of-fold figures are on the model card.")
    tables = publish(options, quantifier, confusion, counts, out_dir / "predictions.jsonl", out_dir,
                     [("model", card["version"]), ("corpus", str(user_path(cfg.corpus.path)))], _say)
    _write_candidates(out_dir, candidates)
    _say(f"Predictions and tables are in {out_dir}")
    return {"version": card["version"], "n_sentences": n_sentences, "tables": tables}


def report(cfg: DictConfig, out_dir: Path) -> dict:
    """Stance tables from an earlier run's predictions.jsonl (``report.predictions``),
    or from labelling the configured corpus when none is given."""
    source = user_path(cfg.report.get("predictions"))
    if source is None:
        return predict(cfg, out_dir)
    if not source.is_file():
        raise CorpusError("predictions file does not exist", source)
    confusion = confusion_for_predictions(source, _models_dir(cfg), cfg.store.get("version"))
    options, quantifier = prepare_report(cfg, confusion)
    counts = StanceCounts()
    labels = _labels(cfg)
    with source.open(encoding="utf-8") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as err:
                raise CorpusError(f"not valid JSON ({err.msg})", source, line) from None
            problem = record_problem(record, labels)
            if problem:
                raise CorpusError(problem, source, line)
            counts.add(record)
    return {"tables": publish(options, quantifier, confusion, counts, source, out_dir,
                              [("model", confusion.model_version or "unknown")], _say)}


def _model_is_current_for(cfg: DictConfig, card: dict) -> bool:
    annotations = user_path(cfg.annotations.path)
    same_data = card.get("annotations", {}).get("annotations_sha256") == file_sha256(annotations)
    same_setup = card.get("config", {}).get("features") == plain(cfg.features) and \
        card.get("config", {}).get("model") == plain(cfg.model)
    return same_data and same_setup


def run(cfg: DictConfig, out_dir: Path) -> dict:
    """The main job: label the corpus with ``store.version`` or the current model, and
    print and write the tables. Only an empty store trains (and promotes) a model first:
    a stale model is reported, never silently replaced, since promotion is explicit."""
    models_dir = _models_dir(cfg)
    version = cfg.store.get("version") or store.current_version(models_dir)
    if version is None:
        _say(f"No model in {models_dir} yet: training one first.")
        version = train(cfg, out_dir / "train")["version"]
    elif not cfg.store.get("version"):
        _, card = store.load_version(models_dir, version)
        if not _model_is_current_for(cfg, card):
            _say(f"Note: the current model {version} was trained on other annotations or settings than this "
                 "run names; it is used as it is. `stance retrain` trains and compares a new one, "
                 "`stance promote VERSION` switches.")
    run_cfg = OmegaConf.merge(cfg, {"store": {"version": version}})
    return predict(run_cfg, out_dir)


def models(cfg: DictConfig, out_dir: Path) -> list[dict]:
    """List stored model versions with their metrics and data hashes."""
    cards = store.list_versions(_models_dir(cfg))
    if not cards:
        _say(f"No models in {_models_dir(cfg)}")
    for card in cards:
        metrics = card.get("metrics", {})
        data = card.get("annotations", {})
        _say(f"{'*' if card['current'] else ' '} {card['version']}  {metrics.get('protocol', '?'):<22} "
             f"macro-F1 {metrics.get('macro_f1', float('nan')):.3f}  n={data.get('n_sentences', '?')}  "
             f"data {str(data.get('annotations_sha256', ''))[:12]}")
        if "comparison" in card:  # `stance retrain`: the same folds for both, unlike two cards' own figures
            versus = card["comparison"]
            _say(f"    retrained: same-fold macro-F1 {versus['candidate_macro_f1']:.3f} vs {versus['current_macro_f1']:.3f} "
                 f"of {versus['against']} ({versus['difference']['macro_f1']:+.3f})")
    return cards


def promote(cfg: DictConfig, out_dir: Path) -> str | None:
    """Make ``store.version`` the current model (reversible: promote the old one back)."""
    version = cfg.store.get("version")
    if not version:
        raise ConfigError("name the version to promote: `stance promote VERSION` (see `stance models`)")
    previous = store.promote(_models_dir(cfg), str(version), reason="stance promote")
    _say(f"Current model is now {version}" + (f" (was {previous}; `stance promote {previous}` undoes this)" if previous else ""))
    return previous


def agreement_command(cfg: DictConfig, out_dir: Path) -> dict:
    """Cohen's kappa and holder agreement between ``agreement.first`` and ``agreement.second``."""
    from .agreement import agreement

    first_path, second_path = user_path(cfg.agreement.first), user_path(cfg.agreement.second)
    first = load_annotations(first_path, _labels(cfg))
    second = load_annotations(second_path, _labels(cfg))
    try:
        result = agreement(first, second)
    except ValueError as err:
        raise ConfigError(f"{second_path}: {err} with {first_path}") from None
    _say(f"{result.n} sentences in both files: Cohen's kappa {result.kappa:.3f}, label agreement "
         f"{result.label_agreement:.1%}, holder sets identical {result.holder_agreement:.1%}")
    for a, b in result.label_disagreements:
        _say(f"  label  {a.id}: {a.label} vs {b.label} | {a.text[:90]}")
    for a, b in result.holder_disagreements:
        _say(f"  actors {a.id}: {list(a.actors)} vs {list(b.actors)}")
    summary = {"n": result.n, "kappa": result.kappa, "label_agreement": result.label_agreement,
               "holder_agreement": result.holder_agreement,
               "first": _shown_path(first_path), "second": _shown_path(second_path)}
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "agreement.json", summary)
    return summary

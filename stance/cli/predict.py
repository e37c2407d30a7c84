"""`stance predict`: label every sentence of a corpus, write predictions and stance tables."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from .. import store
from ..aggregate import StanceCounts
from ..annotations import load_annotations
from ..card import ModelCard
from ..corpus import iter_corpus, validate_corpus
from ..errors import ConfigError
from ..drift import DriftMeter, warnings as drift_warnings
from ..files import sha256, write_atomic, write_json
from ..predict import Prediction, predict_articles
from ..publish import confusion_of_card, publish, quantifier_for
from ..settings import Settings
from .common import analyzer, article_context, say


def training_labels(settings: Settings, card: ModelCard) -> dict[str, str]:
    """The annotated label of each sentence the model was trained on (from the copy kept
    with its version, else the configured file when it is the one on its card): those
    sentences are reported with their annotation, not an in-sample prediction."""
    kept = store.training_data(settings.store.dir, card.version)
    path = kept or settings.annotations.path
    if path is None or not path.is_file() or sha256(path) != card.annotations_sha256:
        return {}
    return {row.id: row.label for row in load_annotations(path, settings.labels)}


def stream_predictions(settings: Settings, pipeline, card: ModelCard, out_dir: Path, meter: DriftMeter | None = None
                       ) -> tuple[StanceCounts, Counter, int]:
    """Label the corpus into ``predictions.jsonl`` (atomically), tallying as it goes."""
    path = settings.corpus.path
    if path is None:
        raise ConfigError("config: corpus.path is empty; pass corpus.path=DIR_OR_JSONL")
    n_articles = validate_corpus(path)  # fails on bad input before any output
    analysis = analyzer(settings)
    counts, candidates = StanceCounts(), Counter()
    trained_on = training_labels(settings, card)
    from tqdm import tqdm

    articles = tqdm(iter_corpus(path), total=n_articles, unit="article", desc="labelling", file=sys.stderr,
                    disable=None if n_articles >= settings.corpus.progress_min_articles else True)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as handle:
            for record in predict_articles(articles, pipeline, analysis, settings.corpus.batch_size):
                if meter is not None:
                    meter.add(record.text, record.proba, record.label)
                if record.id in trained_on:
                    record = record.with_annotation(trained_on[record.id])
                counts.add(record)
                candidates.update(record.candidates)
                handle.write(record.to_json() + "\n")

    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / "predictions.jsonl", write)
    return counts, candidates, n_articles


def write_candidates(out_dir: Path, candidates: Counter) -> None:
    """Speakers the gazetteer lacks, most frequent first."""
    from ..exports import write_candidates as write

    write(out_dir / "candidates.csv", candidates)
    if candidates:
        say("Speakers not in the gazetteer (add them to your actor file): "
            + ", ".join(f"{name} ({n})" for name, n in candidates.most_common(8)))


def predict(settings: Settings, out_dir: Path, version: str | None = None) -> dict:
    """Label every sentence of a corpus and write predictions and stance tables."""
    pipeline, card = store.load_version(settings.store.dir, version or settings.store.version)
    confusion = confusion_of_card(settings.store.dir, card)
    quantifier = quantifier_for(settings.report, confusion)  # a bad report setting stops here, before any output
    meter = DriftMeter(pipeline)
    counts, candidates, n_articles = stream_predictions(settings, pipeline, card, out_dir, meter)
    n_sentences = sum(counts.sentences.values())
    say(f"Labelled {n_sentences} sentences of {n_articles} articles with model {card.version}")
    drift = meter.figures()
    limits = (card.metrics.get("drift") or {}).get("thresholds") or {}
    cautions = drift_warnings(drift, limits)
    write_json(out_dir / "drift.json", {"figures": drift.to_dict(), "thresholds": limits, "warnings": cautions})
    say(f"Distance from the training data: {drift.unseen_ngram_share or 0:.0%} of word n-grams unknown to the model, "
        f"mean confidence {drift.mean_top_probability:.2f}, {drift.neutral_rate:.0%} labelled neutral")
    for line in cautions:
        say(f"Warning: {line}. Check the labels on a sample of this corpus (`stance sample`, then `stance evaluate`).")
    if counts.in_training:
        say(f"Note: {counts.in_training} of these sentences are in the model's training annotations: they carry "
            "their annotated label (the model's own is `predicted_label`); out-of-fold figures are on the model card.")
    tables = publish(settings.report, quantifier, confusion, counts, out_dir / "predictions.jsonl", out_dir,
                     [("model", card.version), ("corpus", str(settings.corpus.path))], say,
                     [f"Warning: {line}; check the labels on a sample of this corpus (stance sample, then stance "
                      "evaluate)." for line in cautions], context=article_context(settings))
    write_candidates(out_dir, candidates)
    say(f"Predictions and tables are in {out_dir}")
    return {"version": card.version, "n_sentences": n_sentences, "tables": tables}


__all__ = ["predict", "stream_predictions", "training_labels", "Prediction"]

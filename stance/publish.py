"""Writing a run's report: tables, charts, the HTML page and the network exports.

The edge between the ``report`` config group and the stages: :func:`report_options` turns
the config into plain options, :func:`quantifier_for` checks the chosen method against the
model card before anything is written, and :func:`publish` computes the tables from
per-article tallies and writes every output atomically, streaming the predictions file
again for the HTML page's sentences and the event list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from . import charts, exports, html_report, store
from .aggregate import StanceCounts, group_columns, stance_tables
from .atomic import write_atomic, write_text_atomic
from .errors import ConfigError, CorpusError
from .intervals import Bootstrap
from .quantify import METHODS, Quantifier, rates_from_confusion
from .report import TITLES, describe_method, format_tables, write_json, write_tables
from .settings import plain

OUTPUTS = ("charts", "html", "events", "network")
QUANTIFICATION_FILE = "quantification.json"


@dataclass(frozen=True)
class ReportOptions:
    """The ``report`` config group as plain values."""

    labels: tuple[str, ...]
    outlet_column: str = "outlet"
    plus: str = "advocate"
    minus: str = "caution"
    method: str = "acc"
    correct_in_sample: bool = False
    bootstrap: Bootstrap = Bootstrap()
    min_n: int = 5
    min_articles: int = 3
    print_tables: bool = True
    max_rows: int | None = None
    outputs: frozenset[str] = frozenset(OUTPUTS)
    chart_rows: int | None = 30
    html_rows: int | None = 500
    sentences_per_cell: int = 25


def report_options(cfg: DictConfig) -> ReportOptions:
    """Plain report options from ``cfg.report`` (and the labels from ``cfg.annotations``)."""
    report = plain(cfg.report)
    if report.get("method") not in METHODS:
        raise ConfigError(f"report.method={report.get('method')!r}; expected one of {', '.join(METHODS)}")
    outputs = report.get("outputs") or {}
    unknown = sorted(set(outputs) - set(OUTPUTS))
    if unknown:
        raise ConfigError(f"report.outputs has unknown entries {', '.join(unknown)}; expected {', '.join(OUTPUTS)}")
    bootstrap = report.get("bootstrap") or {}
    return ReportOptions(
        labels=tuple(str(label) for label in cfg.annotations.labels),
        outlet_column=str(report["outlet_column"]), plus=report["net"]["plus"], minus=report["net"]["minus"],
        method=report["method"], correct_in_sample=bool(report.get("correct_in_sample", False)),
        bootstrap=Bootstrap(int(bootstrap.get("n", 1000)), int(bootstrap.get("seed", cfg.seed)),
                            float(report.get("confidence", 0.95))),
        min_n=int(report.get("min_n", 0)), min_articles=int(report.get("min_articles", 0)),
        print_tables=bool(report.get("print", True)), max_rows=report.get("max_rows"),
        outputs=frozenset(name for name in OUTPUTS if outputs.get(name, True)),
        chart_rows=(report.get("charts") or {}).get("max_rows", 30),
        html_rows=(report.get("html") or {}).get("max_rows", 500),
        sentences_per_cell=int((report.get("html") or {}).get("max_sentences_per_cell", 25)),
    )


@dataclass(frozen=True)
class ConfusionRecord:
    """The cross-validated confusion matrix of the model that labelled the predictions
    (ACC corrects with it), the file it came from and the model's version."""

    confusion: Mapping | None
    source: str
    model_version: str | None


def confusion_of_card(models_dir: Path, card: Mapping) -> ConfusionRecord:
    """The confusion matrix on a loaded model card."""
    source = str(Path(models_dir) / str(card.get("version")) / store.CARD_FILE)
    return ConfusionRecord(card.get("metrics", {}).get("confusion_matrix"), source, card.get("version"))


def confusion_for_predictions(predictions: Path, models_dir: Path, version: str | None) -> ConfusionRecord:
    """The confusion matrix for an earlier run's predictions: the named model version's, else
    the one recorded beside the predictions (the model that labelled them), else the current model's."""
    record_path = predictions.parent / QUANTIFICATION_FILE
    if version is None and record_path.is_file():
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise CorpusError(f"not valid JSON ({err})", record_path) from None
        if record.get("confusion_matrix"):
            return ConfusionRecord(record["confusion_matrix"], str(record_path), record.get("model_version"))
    version = version or store.current_version(models_dir)
    if version is None:
        return ConfusionRecord(None, str(Path(models_dir) / store.CURRENT_FILE), None)
    return confusion_of_card(models_dir, store.read_card(models_dir, version))


def quantifier_for(options: ReportOptions, confusion: ConfusionRecord) -> Quantifier:
    """The configured quantifier; ACC fails here, before any output, when the model's
    cross-validated confusion matrix is missing or lacks a label."""
    rates = None
    if options.method == "acc":
        if confusion.confusion is None:
            raise ConfigError("no cross-validated confusion matrix for report.method=acc (a model card from "
                              "`stance train` has one); use report.method=cc or pcc", confusion.source)
        rates = rates_from_confusion(confusion.confusion, options.labels, confusion.source)
        rates = tuple(map(tuple, rates.tolist()))
    return Quantifier(options.method, rates, options.correct_in_sample)


def record_problem(record: Mapping, labels: Sequence[str]) -> str | None:
    """What makes a predictions record unusable for the report, or None."""
    if record.get("label") not in labels:
        return f"unknown label {record.get('label')!r}"
    for field in ("doc_id", "text"):
        if not isinstance(record.get(field), str):
            return f"missing field {field!r}"
    if not isinstance(record.get("actors", []), list):
        return "'actors' is not a list"
    proba = record.get("proba")
    if proba is not None and not (isinstance(proba, dict) and all(isinstance(p, (int, float)) for p in proba.values())):
        return "'proba' is not a mapping of label to probability"
    return None


def read_predictions(path: Path) -> Iterator[dict]:
    """The records of a predictions.jsonl file, one at a time (checked by the caller)."""
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            if raw.strip():
                yield json.loads(raw)


def in_sample_note(options: ReportOptions, quantifier: Quantifier, counts: StanceCounts) -> str | None:
    """Why in-sample sentences are not corrected, when that applies."""
    if not counts.in_training or quantifier.method == "cc" or options.correct_in_sample:
        return None
    return (f"{counts.in_training} sentences are in the model's training annotations: their annotated labels "
            "count as they are, uncorrected (report.correct_in_sample=true corrects them too).")


def interval_note(options: ReportOptions) -> str:
    """How to read the intervals and flags."""
    return ("Intervals resample whole articles. A row drawn from one article has no interval: one article cannot "
            "show how the rest of an outlet's or actor's coverage reads. Flagged rows rest on few sentences "
            f"(< {options.min_n}) or few articles (< {options.min_articles}).")


def _quantification_record(options: ReportOptions, quantifier: Quantifier, confusion: ConfusionRecord,
                           counts: StanceCounts) -> dict:
    """How this run's shares and intervals were computed, for ``quantification.json``."""
    rates = None if quantifier.rates is None else np.round(quantifier.rates, 6).tolist()
    return {"method": quantifier.method, "method_name": quantifier.name, "correct_in_sample": quantifier.correct_in_sample,
            "confidence": options.bootstrap.confidence, "bootstrap_resamples": options.bootstrap.n,
            "bootstrap_seed": options.bootstrap.seed, "resampling_unit": "article", "labels": list(options.labels),
            "min_n": options.min_n, "min_articles": options.min_articles, "outlet_column": options.outlet_column,
            "model_version": confusion.model_version, "confusion_matrix": confusion.confusion,
            "confusion_source": confusion.source, "misclassification_rates_predicted_given_true": rates,
            "n_sentences": int(sum(counts.sentences.values())), "n_in_training": counts.in_training}


def _charts(options: ReportOptions, quantifier: Quantifier, tables: Mapping[str, pd.DataFrame]) -> dict[str, bytes]:
    """Both charts as PNG bytes, keyed like the tables they draw."""
    caption = f"{quantifier.method.upper()}, {options.bootstrap.confidence:.0%} article-bootstrap intervals"
    group = options.outlet_column
    return {
        "by_outlet": charts.share_chart(tables["by_outlet"], group, list(options.labels), options.plus, options.minus,
                                        f"Stance shares by {group.replace('_', ' ')} - {caption}", options.chart_rows),
        "by_actor": charts.net_stance_chart(tables["by_actor"], "actor", f"Net stance by actor - {caption}",
                                            options.plus, options.minus, options.chart_rows),
    }


def publish(options: ReportOptions, quantifier: Quantifier, confusion: ConfusionRecord, counts: StanceCounts,
            predictions: Path, out_dir: Path, facts: Sequence[tuple[str, str]] = (),
            say: Callable[[str], None] = print) -> dict[str, pd.DataFrame]:
    """Compute the tables from ``counts`` and write them with every configured output into
    ``out_dir``; the HTML page and the event list stream ``predictions`` again."""
    labels = list(options.labels)
    tables = stance_tables(counts, labels, options.outlet_column, options.plus, options.minus,
                           quantifier=quantifier, bootstrap=options.bootstrap, min_n=options.min_n,
                           min_articles=options.min_articles)
    method = describe_method(quantifier, options.bootstrap)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_tables(out_dir, tables)
    record = _quantification_record(options, quantifier, confusion, counts)
    written.append(write_json(out_dir / QUANTIFICATION_FILE, record))
    if options.print_tables:
        say(format_tables(tables, method, options.max_rows))
    pngs = _charts(options, quantifier, tables) if {"charts", "html"} & options.outputs else {}
    if "charts" in options.outputs:
        written += [write_atomic(out_dir / f"{name}.png", lambda tmp, png=png: tmp.write_bytes(png))
                    for name, png in pngs.items()]
    in_sample = in_sample_note(options, quantifier, counts)
    if "html" in options.outputs:
        shown = {name: set(table[group_columns(table)].head(options.html_rows).itertuples(index=False, name=None))
                 for name, table in tables.items()}  # sentences only for the rows the page shows
        evidence = html_report.collect_evidence(read_predictions(predictions), options.outlet_column,
                                                options.sentences_per_cell, shown)
        run = [*facts, ("shares", method), ("sentences", str(record["n_sentences"])), ("predictions", str(predictions))]
        notes = [note for note in (in_sample, interval_note(options)) if note]
        page = html_report.render_report("Stance report", run, notes, tables, TITLES, pngs, evidence, labels,
                                         options.outlet_column, options.html_rows)
        written.append(write_text_atomic(out_dir / "report.html", page))
    if "events" in options.outputs:
        exports.write_event_list(out_dir / "events.csv", read_predictions(predictions))
        written.append(out_dir / "events.csv")
    if "network" in options.outputs:
        graph = exports.actor_stance_graphml(tables["by_actor"], labels, quantifier.method)
        written.append(write_text_atomic(out_dir / "actor_stance.graphml", graph))
    if in_sample:
        say(f"Note: {in_sample}")
    say("Wrote " + ", ".join(path.name for path in written))
    return tables


def prepare_report(cfg: DictConfig, confusion: ConfusionRecord) -> tuple[ReportOptions, Quantifier]:
    """Report options and quantifier from the config, checked before a command writes anything."""
    options = report_options(cfg)
    return options, quantifier_for(options, confusion)

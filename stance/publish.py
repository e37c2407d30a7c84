"""Writing a run's report: tables, charts, the HTML page, the timeline, the networks and the
per-sentence exports.

:func:`publish` computes the tables from per-article tallies and writes every configured
output atomically. Optional outputs are :data:`WRITERS`, a table from the name used in
``report.outputs`` to a function of the report's :class:`Publication`; to add an output,
write a function and add an entry (and a key in ``conf/report``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from . import charts, exports, html_report, networks, timeline
from .aggregate import StanceCounts, group_columns, stance_tables
from .card import ModelCard
from .errors import ConfigError, CorpusError
from .evidence import EvidenceSample
from .files import read_json, write_atomic, write_json, write_text_atomic
from .intervals import Bootstrap
from .predict import Prediction, read_predictions
from .quantify import METHODS, Quantifier, rates_from_confusion
from .report import TITLES, describe_method, format_tables, write_tables

QUANTIFICATION_FILE = "quantification.json"
TABLE_CHARTS = ("by_outlet", "by_actor")
TIMELINE_CHARTS = ("over_time", "over_time_by_outlet", "over_time_by_actor")


@dataclass(frozen=True)
class ReportOptions:
    """The ``report`` config group as plain values."""

    labels: tuple[str, ...]
    outlet_column: str
    plus: str
    minus: str
    method: str
    correct_in_sample: bool
    bootstrap: Bootstrap
    min_n: int
    min_articles: int
    print_tables: bool
    max_rows: int | None
    outputs: frozenset[str]
    chart_rows: int | None
    html_rows: int | None
    sentences_per_cell: int
    predictions: Path | None = None
    timeline_unit: str = "month"
    timeline_groups: int = 6
    network_window: str | None = "month"


@dataclass(frozen=True)
class ArticleContext:
    """What the writers add from outside the predictions: each holder's affiliation (from
    the gazetteer) and each article's url (from the corpus), when known."""

    affiliations: Mapping[str, str] = field(default_factory=dict)
    urls: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConfusionRecord:
    """The cross-validated confusion matrix of the model that labelled the predictions
    (ACC corrects with it), the file it came from and the model's version."""

    confusion: Mapping | None
    source: str
    model_version: str | None


def confusion_of_card(models_dir: Path, card: ModelCard) -> ConfusionRecord:
    """The confusion matrix on a loaded model card."""
    from .store import CARD_FILE

    return ConfusionRecord(card.confusion_matrix, str(Path(models_dir) / card.version / CARD_FILE), card.version)


def confusion_for_predictions(predictions: Path, models_dir: Path, version: str | None) -> ConfusionRecord:
    """The confusion matrix for an earlier run's predictions: the named model version's, else
    the one recorded beside the predictions (the model that labelled them), else the current model's."""
    from . import store

    record_path = predictions.parent / QUANTIFICATION_FILE
    if version is None and record_path.is_file():
        record = read_json(record_path, CorpusError)
        if isinstance(record, dict) and record.get("confusion_matrix"):
            return ConfusionRecord(record["confusion_matrix"], str(record_path), record.get("model_version"))
    version = version or store.current_version(models_dir)
    if version is None:
        return ConfusionRecord(None, str(Path(models_dir) / store.CURRENT_FILE), None)
    return confusion_of_card(models_dir, store.read_card(models_dir, version))


def quantifier_for(options: ReportOptions, confusion: ConfusionRecord) -> Quantifier:
    """The configured quantifier with what its method needs (:data:`stance.quantify.METHODS`);
    a method needing error rates fails here, before any output, when the model's
    cross-validated confusion matrix is missing or lacks a label."""
    rates = None
    if METHODS[options.method].needs_rates:
        if confusion.confusion is None:
            raise ConfigError(f"no cross-validated confusion matrix for report.method={options.method} (a model card "
                              "from `stance train` has one); use report.method=cc or pcc", confusion.source)
        rates = rates_from_confusion(confusion.confusion, options.labels, confusion.source, options.method)
        rates = tuple(map(tuple, rates.tolist()))
    return Quantifier(options.method, rates, options.correct_in_sample)


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


@dataclass(frozen=True)
class Publication:
    """Everything a writer may use: the options, the computed tables, how shares were
    estimated, the predictions file (streamed again by writers that list sentences, unless
    labelling already did their part: the ``evidence`` sample, ``events_written``), the
    run's facts and notes, and the output folder."""

    options: ReportOptions
    quantifier: Quantifier
    tables: Mapping[str, pd.DataFrame]
    method: str
    predictions: Path
    facts: Sequence[tuple[str, str]]
    notes: Sequence[str]
    n_sentences: int
    out_dir: Path
    evidence: EvidenceSample | None = None
    events_written: bool = False
    context: ArticleContext = ArticleContext()
    counts: StanceCounts | None = None                  # per-article tallies, with each article's date
    statements: networks.StatementCounts | None = None  # counted while labelling, by report.network_window
    table_written: bool = False                         # predictions.csv written while labelling

    processes: int = 1                                  # processes that may draw charts at once

    def records(self) -> Iterator[Prediction]:
        return read_predictions(self.predictions, self.options.labels)

    @cached_property
    def charts(self) -> dict[str, bytes]:
        """Both charts as PNG bytes (drawn once: the PNG files and the HTML page share them)."""
        return {name: image for (name, fmt), image in self.images.items() if fmt == "png" and name in self.tables}

    @cached_property
    def timeline(self) -> timeline.Timeline:
        """The tables by period (``report.timeline.unit``), from the tallies or the predictions."""
        options = self.options
        tabulate = (timeline.timeline_tables if self.counts is None else timeline.timeline_of_counts)
        return tabulate(self.records() if self.counts is None else self.counts, list(options.labels),
                        options.timeline_unit, options.outlet_column, options.plus, options.minus, self.quantifier,
                        options.bootstrap, options.min_n, options.min_articles)

    @cached_property
    def images(self) -> dict[tuple[str, str], bytes]:
        """Every chart the configured outputs show, ``(name, format) -> bytes``, drawn at once:
        in ``processes`` forked processes when more than one (each chart is independent, and
        drawing them is most of the report's time), else one after the other here."""
        return draw(_chart_jobs(self), self.processes)


def _caption(pub: Publication) -> str:
    return f"{pub.quantifier.method.upper()}, {pub.options.bootstrap.confidence:.0%} article-bootstrap intervals"


def _chart_jobs(pub: Publication) -> dict[tuple[str, str], tuple[Callable[..., bytes], tuple]]:
    """The charts to draw, ``(name, format) -> (function, arguments)``: the two table charts
    (for the chart files and the HTML page) and the three timeline charts."""
    options = pub.options
    caption = _caption(pub)
    group = options.outlet_column
    outputs = options.outputs
    jobs: dict[tuple[str, str], tuple[Callable[..., bytes], tuple]] = {}
    formats = charts.FORMATS if "charts" in outputs else ("png",) if "html" in outputs else ()
    for fmt in formats:
        jobs["by_outlet", fmt] = (charts.share_chart, (
            pub.tables["by_outlet"], group, list(options.labels), options.plus, options.minus,
            f"Stance shares by {group.replace('_', ' ')} - {caption}", options.chart_rows, fmt))
        jobs["by_actor", fmt] = (charts.net_stance_chart, (
            pub.tables["by_actor"], "actor", f"Net stance by actor - {caption}", options.plus, options.minus,
            options.chart_rows, fmt))
    if "timeline" in outputs:
        unit, found = options.timeline_unit, pub.timeline
        titles = {"over_time": (None, f"Net stance by {unit} - {caption}"),
                  "over_time_by_outlet": (group, f"Net stance by {unit} and {group} - {caption}"),
                  "over_time_by_actor": ("actor", f"Net stance by {unit} and actor - {caption}")}
        for fmt in charts.FORMATS:
            for name, (column, title) in titles.items():
                jobs[name, fmt] = (charts.timeline_chart, (found.tables[name], column, title, options.plus,
                                                           options.minus, options.timeline_groups, fmt))
    return jobs


def draw(jobs: Mapping[tuple, tuple[Callable[..., bytes], tuple]], processes: int = 1) -> dict[tuple, bytes]:
    """Each job's ``function(*arguments)``, in forked processes when ``processes`` > 1 (Linux)."""
    if processes <= 1 or len(jobs) < 2 or not sys.platform.startswith("linux"):
        return {key: function(*arguments) for key, (function, arguments) in jobs.items()}
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(min(processes, len(jobs))) as pool:
        pending = {key: pool.apply_async(function, arguments) for key, (function, arguments) in jobs.items()}
        return {key: result.get() for key, result in pending.items()}


def _write_images(out_dir: Path, images: Mapping[str, bytes], fmt: str) -> list[Path]:
    return [write_atomic(out_dir / f"{name}.{fmt}", lambda tmp, data=data: tmp.write_bytes(data))
            for name, data in images.items()]


def _images(pub: Publication, names: Sequence[str], fmt: str) -> dict[str, bytes]:
    return {name: pub.images[name, fmt] for name in names}


def write_charts(pub: Publication) -> list[Path]:
    """Each chart as PNG (for screens and the page; drawn once, shared with report.html) and
    SVG (vector, for print and editing)."""
    return [path for fmt in charts.FORMATS for path in _write_images(pub.out_dir, _images(pub, TABLE_CHARTS, fmt), fmt)]


def write_timeline(pub: Publication) -> list[Path]:
    """Stance over time (``report.timeline.unit``): overall, by outlet and by actor, as CSV
    tables and net-stance charts (PNG and SVG)."""
    found = pub.timeline
    written = write_tables(pub.out_dir, found.tables)
    for fmt in charts.FORMATS:
        written += _write_images(pub.out_dir, _images(pub, TIMELINE_CHARTS, fmt), fmt)
    if found.undated_sentences:
        written.append(write_text_atomic(pub.out_dir / "over_time_undated.txt",
                                         f"{found.undated_sentences} sentences of articles without a date are not "
                                         "in the timeline tables.\n"))
    return written


def write_predictions_csv(pub: Publication) -> list[Path]:
    """``predictions.csv``: one row per sentence, for R and pandas."""
    if not pub.table_written:  # else written while labelling
        exports.write_prediction_table(pub.out_dir / "predictions.csv", pub.records(), pub.options.labels,
                                       pub.context.urls)
    return [pub.out_dir / "predictions.csv"]


def write_networks(pub: Publication) -> list[Path]:
    """Actor and affiliation networks (two-mode, congruence, conflict; per time window), GraphML and GEXF."""
    options = pub.options
    source = pub.records() if pub.statements is None else pub.statements  # counted while labelling, if so
    return networks.write_networks(source, pub.out_dir, list(options.labels), options.plus, options.minus,
                                   pub.context.affiliations, options.network_window)


def write_html(pub: Publication) -> list[Path]:
    options = pub.options
    shown = {name: set(table[group_columns(table)].head(options.html_rows).itertuples(index=False, name=None))
             for name, table in pub.tables.items()}  # sentences only for the rows the page shows
    if pub.evidence is not None:  # sampled while labelling; each cell's sentences read as the page reaches it
        evidence = pub.evidence.cells_of(shown, lambda item: html_report.Evidence(*item))
    else:
        evidence = html_report.collect_evidence(pub.records(), options.outlet_column, options.sentences_per_cell, shown)
    run = [*pub.facts, ("shares", pub.method), ("sentences", str(pub.n_sentences)), ("predictions", str(pub.predictions))]
    parts = html_report.render_parts("Stance report", run, pub.notes, pub.tables, TITLES, pub.charts, evidence,
                                     list(options.labels), options.outlet_column, options.html_rows)

    def write(tmp: Path) -> None:  # streamed: the page of a large corpus is tens of MB
        with tmp.open("w", encoding="utf-8") as handle:
            for part in parts:
                handle.write(part)

    return [write_atomic(pub.out_dir / "report.html", write)]


def write_events(pub: Publication) -> list[Path]:
    if not pub.events_written:  # else written while labelling
        exports.write_event_list(pub.out_dir / "events.csv", pub.records(), pub.context.affiliations, pub.context.urls)
    return [pub.out_dir / "events.csv"]


def write_network(pub: Publication) -> list[Path]:
    graph = exports.actor_stance_graphml(pub.tables["by_actor"], list(pub.options.labels), pub.quantifier.method)
    return [write_text_atomic(pub.out_dir / "actor_stance.graphml", graph)]


# The optional outputs, by the name ``report.outputs`` switches them with. To add one, add an entry.
WRITERS: dict[str, Callable[[Publication], list[Path]]] = {
    "charts": write_charts,
    "html": write_html,
    "events": write_events,
    "network": write_network,
    "networks": write_networks,
    "timeline": write_timeline,
    "predictions_csv": write_predictions_csv,
}
OUTPUTS = tuple(WRITERS)


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
            "n_sentences": counts.n_sentences, "n_in_training": counts.in_training}


def publish(options: ReportOptions, quantifier: Quantifier, confusion: ConfusionRecord, counts: StanceCounts,
            predictions: Path, out_dir: Path, facts: Sequence[tuple[str, str]] = (),
            say: Callable[[str], None] = print, warnings: Sequence[str] = (), evidence: EvidenceSample | None = None,
            events_written: bool = False, context: ArticleContext = ArticleContext(),
            statements: networks.StatementCounts | None = None, table_written: bool = False,
            processes: int = 1) -> dict[str, pd.DataFrame]:
    """Compute the tables from ``counts`` and write them with every configured output into
    ``out_dir``; writers that list sentences use what labelling collected (``evidence``,
    ``events_written``) or stream ``predictions`` again."""
    tables = stance_tables(counts, list(options.labels), options.outlet_column, options.plus, options.minus,
                           quantifier=quantifier, bootstrap=options.bootstrap, min_n=options.min_n,
                           min_articles=options.min_articles)
    method = describe_method(quantifier, options.bootstrap)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_tables(out_dir, tables)
    record = _quantification_record(options, quantifier, confusion, counts)
    written.append(write_json(out_dir / QUANTIFICATION_FILE, record))
    if options.print_tables:
        say(format_tables(tables, method, options.max_rows))
    in_sample = in_sample_note(options, quantifier, counts)
    notes = [*warnings, *(note for note in (in_sample, interval_note(options)) if note)]
    publication = Publication(options, quantifier, tables, method, predictions, facts, notes, record["n_sentences"],
                              out_dir, evidence, events_written, context, counts, statements, table_written, processes)
    for name, writer in WRITERS.items():
        if name in options.outputs:
            written += writer(publication)
    if in_sample:
        say(f"Note: {in_sample}")
    shown = [path.name for path in written if path.parent == out_dir]
    beneath = len(written) - len(shown)
    say("Wrote " + ", ".join(shown) + (f" and {beneath} files under networks/" if beneath else ""))
    return tables

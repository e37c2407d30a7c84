"""`stance queue`: the unannotated sentences whose labels would teach the model most,
written for annotators (CSV, doccano, Label Studio)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from .. import store
from ..annotations import load_annotations
from ..corpus import iter_corpus
from ..files import write_json
from ..queue import Candidate, candidates, most_uncertain, select, write_queue
from ..settings import Settings, shown_path
from .common import analyzer, corpus_path, say


def _counted(items: Iterable[Candidate], counter: Counter) -> Iterator[Candidate]:
    for item in items:
        counter["candidates"] += 1
        yield item


def annotated_ids(settings: Settings) -> set[str]:
    path = settings.annotations.path
    return {row.id for row in load_annotations(path, settings.labels)} if path and path.is_file() else set()


def queue(settings: Settings, out_dir: Path) -> dict:
    """The most uncertain unannotated sentences of the corpus, chosen to differ from each other."""
    options = settings.queue
    pipeline, card = store.load_version(settings.store.dir, settings.store.version)
    path = corpus_path(settings)
    annotated = annotated_ids(settings)
    analysis = analyzer(settings)
    articles = (analysis.analyse(article) for article in iter_corpus(path))
    counter: Counter = Counter()
    pool = most_uncertain(_counted(candidates(articles, annotated, options.min_words), counter), pipeline,
                          options.uncertainty, max(options.pool, options.size))
    items = select(pool, pipeline.named_steps["features"], options.size, options.diversity, options.max_similarity)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = write_queue(out_dir, items, settings.labels)
    summary = {"model_version": card.version, "corpus": shown_path(path), "annotated": len(annotated),
               "candidates": counter["candidates"], "queued": len(items), "options": options.__dict__,
               "files": {name: p.name for name, p in paths.items()}}
    write_json(out_dir / "queue_summary.json", summary)
    say(f"Queued {len(items)} of {counter['candidates']} unannotated sentences ({len(annotated)} already annotated) "
        f"by {options.uncertainty} uncertainty of model {card.version}, diversity {options.diversity}:")
    for item in items[:50]:
        text = item.sentence.text if len(item.sentence.text) <= 90 else item.sentence.text[:87] + "..."
        say(f"  {item.rank:>3}  {item.uncertainty:.3f}  {item.sentence.outlet[:18]:<18}  {text}")
    if len(items) > 50:
        say(f"  ... and {len(items) - 50} more in {paths['csv'].name}")
    say(f"For annotators: {paths['csv']} (fill in `label`), {paths['doccano'].name} (doccano), "
        f"{paths['label_studio'].name} with {paths['label_studio_config'].name} (Label Studio). "
        "Bring the labels back with `stance import FILE`.")
    return summary

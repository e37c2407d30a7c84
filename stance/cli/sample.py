"""`stance sample`: a random, outlet-stratified validation sample of a corpus, written in the
queue's formats (CSV, doccano, Label Studio) for annotators. Label it, bring it back with
`stance import FILE annotations.path=my_validation.jsonl`, then
`stance evaluate eval.holdout_path=my_validation.jsonl` measures the model on your coverage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .. import store
from ..annotations import load_annotations
from ..corpus import iter_corpus
from ..files import write_json
from ..queue import QueueItem, candidates, write_queue
from ..sampling import allocate, chosen_positions, draw
from ..settings import Settings, shown_path
from .common import analyzer, corpus_path, say


def _excluded(settings: Settings) -> set[str]:
    """Sentences the current model was trained on, and those already annotated: a validation
    sample must be new to the model."""
    ids: set[str] = set()
    version = settings.store.version or store.current_version(settings.store.dir)
    if version is not None:
        kept = store.training_data(settings.store.dir, version)
        if kept is not None:
            ids |= {row.id for row in load_annotations(kept, settings.labels)}
    path = settings.annotations.path
    if path is not None and path.is_file():
        ids |= {row.id for row in load_annotations(path, settings.labels)}
    return ids


def sample(settings: Settings, out_dir: Path) -> dict:
    options = settings.sample
    path = corpus_path(settings)
    excluded = _excluded(settings)
    segmenter = analyzer(settings, with_holders=False)
    counts: Counter = Counter()
    for article in iter_corpus(path):
        for sentence in segmenter.sentences(article):
            if sentence.id not in excluded and len(sentence.text.split()) >= options.min_words:
                counts[article.outlet] += 1
    take = allocate(counts, options.size, options.min_per_outlet)
    positions = chosen_positions(counts, take, settings.seed)
    full = analyzer(settings)
    pool = candidates((full.analyse(article) for article in iter_corpus(path)), excluded, options.min_words)
    items = [QueueItem(rank, candidate, 0.0) for rank, candidate in
             enumerate(draw(pool, lambda c: c.outlet, positions), start=1)]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = write_queue(out_dir, items, settings.labels, stem="sample")
    summary = {"corpus": shown_path(path), "sentences": sum(counts.values()), "sampled": len(items),
               "per_outlet": {outlet: {"sentences": counts[outlet], "sampled": take.get(outlet, 0)}
                              for outlet in sorted(counts)}, "seed": settings.seed, "excluded": len(excluded),
               "files": {name: p.name for name, p in paths.items()}}
    write_json(out_dir / "sample_summary.json", summary)
    say(f"Sampled {len(items)} of {sum(counts.values())} sentences ({len(counts)} outlets, seed {settings.seed}; "
        f"{len(excluded)} annotated or training sentences left out):")
    for outlet in sorted(counts, key=lambda o: -counts[o])[:20]:
        say(f"  {outlet[:40]:<40} {take.get(outlet, 0):>4} of {counts[outlet]}")
    say(f"For annotators: {paths['csv']} (fill in `label`), {paths['doccano'].name}, {paths['label_studio'].name}. "
        "Then `stance import FILE annotations.path=my_validation.jsonl` and "
        "`stance evaluate eval.holdout_path=my_validation.jsonl`.")
    return summary

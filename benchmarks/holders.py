"""Benchmark: holder attribution on real news, scored and timed.

For the seed set (data/annotations/seed.jsonl, conf/actors/seed.yaml, data/corpus) and the
annotated whole articles of the news pool (crises.jsonl rows of the pool, with
data/annotations/pool_actors.yaml), prints holder precision, recall, F1 (micro over holder
names), the share of sentences whose holder set is exact, and the errors by cause. Then
times holder finding alone (sentences already cut) over every article of the pool.

The pool rows split by crisis tag so rules can be written on one half and checked on the
other: DEV is the tags at even positions (0, 2, ...) of the sorted list of the pool's tags,
CHECK the odd ones; ``--split all`` scores every pool row (and prints DEV and CHECK beside).

With ``--model PATH`` the learned holder decision (``actors.holder_model``) decides over the
rules' candidates; its weights were trained on every pool crisis, so its pool figures are in
sample (benchmarks/train_holder_model.py prints the cross-crisis ones).

    python benchmarks/holders.py [--pool PATH] [--errors N] [--split dev|check|all] [--model PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL = ROOT.parent / "shared" / "datasets" / "news-pool" / "pool.jsonl"


def settings(*overrides: str):
    """The project's settings with ``overrides``, composed as the CLI composes them."""
    from hydra import compose, initialize_config_dir

    from stance.cli.entry import settings_of
    from stance.settings import CONFIG_DIR

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        return settings_of(compose("config", overrides=list(overrides)), ROOT)


def report(name: str, settings, annotations: Path, show_errors: int, split: str = "all",
           only_pool: bool = False) -> None:
    from stance.annotations import load_annotations
    from stance.cli.common import analyzer
    from stance.corpus import iter_corpus
    from stance.holder_eval import evaluate_holders, pool_rows, split_by_crisis

    rows = load_annotations(annotations, list(settings.labels))
    if only_pool:
        rows = pool_rows(rows)
    rows = split_by_crisis(rows, split) if only_pool else rows
    docs = {r.doc_id for r in rows}
    result = evaluate_holders((a for a in iter_corpus(settings.corpus.path) if a.doc_id in docs),
                              analyzer(settings), {r.id: r.actors for r in rows})
    if result is None:
        print(f"{name}: no annotated sentence found in {settings.corpus.path}")
        return
    if only_pool and split == "all":
        for half in ("dev", "check"):
            ids = {r.id for r in split_by_crisis(rows, half)}
            print(f"  {half}: {_scores_line(result, ids)}")
    s = result.scores
    print(f"{name}: {s['n']} sentences, precision {s['precision']:.3f}, recall {s['recall']:.3f}, "
          f"F1 {s['f1']:.3f}, exact set {s['exact_match']:.1%}")
    print(f"  {'cause':<20} {'missed':>7} {'extra':>7}")
    for cause, counts in result.by_cause().items():
        print(f"  {cause:<20} {counts['missed']:>7} {counts['extra']:>7}")
    for error in result.errors[:show_errors]:
        print(f"    {error.kind:<6} {error.cause:<18} {error.actor:<28} {error.text[:90]}")


def _scores_line(result, ids: set) -> str:
    """Micro P/R/F1 over the sentences ``ids`` of a scored report (for the DEV/CHECK lines)."""
    s = result.subset_scores(ids)
    return f"{s['n']} sentences, precision {s['precision']:.3f}, recall {s['recall']:.3f}, F1 {s['f1']:.3f}"


def speed(settings, pool: Path) -> None:
    """Holder finding alone over every pool article (segmentation done first, not timed)."""
    from stance.analysis import paragraph_starts
    from stance.cli.common import analyzer
    from stance.corpus import iter_corpus
    from stance.holders import attribute_article

    analysis = analyzer(settings)
    articles = [(article, analysis.sentences(article)) for article in iter_corpus(pool)]
    n = sum(len(sentences) for _, sentences in articles)
    start = time.perf_counter()
    for article, sentences in articles:
        attribute_article([s.text for s in sentences], analysis.finder, paragraph_starts(article.text, sentences))
    elapsed = time.perf_counter() - start
    print(f"speed: {n} sentences of {len(articles)} pool articles in {elapsed:.2f} s "
          f"({n / elapsed:,.0f} sentences/s, holder finding alone)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=POOL, help="the news pool (pool.jsonl)")
    parser.add_argument("--errors", type=int, default=0, help="print the first N errors of each set")
    parser.add_argument("--split", choices=("dev", "check", "all"), default="all",
                        help="pool rows of the DEV crisis tags, the CHECK ones, or all")
    parser.add_argument("--model", type=Path, default=None,
                        help="weights of the learned holder decision (default: the rules alone)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    model = f"actors.holder_model={args.model.resolve()}" if args.model else "actors.holder_model=null"
    seed = settings("annotations=seed", model)
    report("seed set", seed, seed.annotations.path, args.errors)
    if not args.pool.is_file():
        print(f"pool: {args.pool} not found (team data beside the checkout); skipped")
        return
    pool_settings = settings(f"corpus.path={args.pool}", f"actors.path={ROOT / 'data/annotations/pool_actors.yaml'}",
                             model)
    report(f"pool articles ({args.split})", pool_settings, pool_settings.annotations.path, args.errors,
           args.split, only_pool=True)
    speed(pool_settings, args.pool)


if __name__ == "__main__":
    main()

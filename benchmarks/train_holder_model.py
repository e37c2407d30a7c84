"""Train the learned holder decision on the annotated pool articles, and measure it honestly.

Runs the holder rules over every annotated article of the news pool (crises.jsonl rows of the
pool, data/annotations/pool_actors.yaml) and of the seed set, turning every (sentence,
candidate holder) pair into a row (stance/holder_training.py). Prints:

- the candidate generator's recall (the share of gold holders some candidate proposes: the
  ceiling of the learned decision's recall) on DEV, CHECK and the seed set;
- the rules alone on DEV, CHECK, the pool and the seed set;
- the cross-crisis figures: trained on DEV crises and scored on CHECK, trained on CHECK and
  scored on DEV, and the two out-of-sample halves pooled (the headline figure);
- the shipped weights (trained on every pool crisis) on the seed set (out of sample: the
  seed is not in the training rows) and on the whole pool (in sample: not an estimate).

Then writes the weights (JSON, plain data) to ``--out``.

    python benchmarks/train_holder_model.py [--pool PATH] [--out conf/actors/holder_model.json] [--C 0.1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL = ROOT.parent / "shared" / "datasets" / "news-pool" / "pool.jsonl"
OUT = ROOT / "conf" / "actors" / "holder_model.json"


def _line(name: str, scores: dict) -> str:
    return (f"  {name:<34} {scores['n']:>5} sentences  P {scores['precision']:.3f}  R {scores['recall']:.3f}  "
            f"F1 {scores['f1']:.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=POOL, help="the news pool (pool.jsonl)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the weights (JSON)")
    parser.add_argument("--C", type=float, default=0.1, help="inverse L2 strength of the logistic regression")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from benchmarks.holders import settings
    from stance.annotations import load_annotations
    from stance.cli.common import analyzer
    from stance.corpus import iter_corpus
    from stance.holder_eval import pool_rows, split_by_crisis
    from stance.files import sha256
    from stance.holder_model import save_model
    from stance.holder_training import (candidate_recall, collect, cross_crisis, fit, probabilities, rules_scores,
                                        scores_at)

    if not args.pool.is_file():
        sys.exit(f"pool: {args.pool} not found (team data beside the checkout)")
    start = time.perf_counter()
    seed_settings = settings("annotations=seed", "actors.holder_model=null")
    seed_rows = load_annotations(seed_settings.annotations.path, list(seed_settings.labels))
    docs = {r.doc_id for r in seed_rows}
    seed = collect((a for a in iter_corpus(seed_settings.corpus.path) if a.doc_id in docs), analyzer(seed_settings),
                   {r.id: r.actors for r in seed_rows}, {r.id: "seed" for r in seed_rows})
    pool_settings = settings(f"corpus.path={args.pool}", f"actors.path={ROOT / 'data/annotations/pool_actors.yaml'}",
                             "actors.holder_model=null")
    rows = load_annotations(pool_settings.annotations.path, list(pool_settings.labels))
    rows = pool_rows(rows)
    dev_ids = {r.id for r in split_by_crisis(rows, "dev")}
    docs = {r.doc_id for r in rows}
    pool = collect((a for a in iter_corpus(pool_settings.corpus.path) if a.doc_id in docs), analyzer(pool_settings),
                   {r.id: r.actors for r in rows}, {r.id: r.field("crisis") for r in rows})
    dev = [r for r in pool if r.sentence_id in dev_ids]
    check = [r for r in pool if r.sentence_id not in dev_ids]
    print(f"rows: {sum(len(r.candidates) for r in pool)} candidates of {len(pool)} pool sentences, "
          f"{sum(len(r.candidates) for r in seed)} of {len(seed)} seed sentences "
          f"({time.perf_counter() - start:.0f} s)")
    print("candidate recall (the learned decision's ceiling): "
          f"DEV {candidate_recall(dev):.3f}, CHECK {candidate_recall(check):.3f}, "
          f"pool {candidate_recall(pool):.3f}, seed {candidate_recall(seed):.3f}")
    print("rules alone:")
    for name, part in (("DEV", dev), ("CHECK", check), ("pool", pool), ("seed", seed)):
        print(_line(name, rules_scores(part)))
    print(f"learned decision, cross-crisis (C={args.C}):")
    halves = cross_crisis(dev, check, args.C, args.seed)
    print(_line("trained on DEV, scored on CHECK", halves["trained on first"])
          + f"  threshold {halves['trained on first']['threshold']:.3f}")
    print(_line("trained on CHECK, scored on DEV", halves["trained on second"])
          + f"  threshold {halves['trained on second']['threshold']:.3f}")
    print(_line("pooled (both out of sample)", halves["pooled"]))
    model = fit(pool, args.C, seed=args.seed,
                provenance={"annotations": "data/annotations/crises.jsonl (pool rows)",
                            "annotations_sha256": sha256(ROOT / "data/annotations/crises.jsonl"),
                            "gazetteer": "data/annotations/pool_actors.yaml", "corpus": "news-pool/pool.jsonl",
                            "cross_crisis_pooled_f1": round(halves["pooled"]["f1"], 4)})
    print(f"shipped weights: {len(model.weights)} features, threshold {model.threshold:.3f}")
    print(_line("seed (out of sample)", scores_at(seed, probabilities(model, seed), model.threshold)))
    print(_line("pool (in sample: not an estimate)", scores_at(pool, probabilities(model, pool), model.threshold)))
    save_model(model, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

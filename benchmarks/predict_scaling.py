"""Benchmark: throughput and peak memory of `stance predict` as the corpus grows.

Builds JSONL corpora of N articles by repeating the seed articles under new ids, labels
each in a fresh process with the current model, and prints sentences per second and the
peak resident memory. Memory should stay flat as N grows (articles are streamed in
batches and tables are built from per-article counts).

    python benchmarks/predict_scaling.py [N ...]      # default: 50 500 2000
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(path: Path, n_articles: int) -> None:
    sys.path.insert(0, str(ROOT))
    from stance.corpus import load_corpus

    seeds = load_corpus(ROOT / "data" / "corpus")
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n_articles):
            seed = seeds[i % len(seeds)]
            handle.write(json.dumps({"doc_id": f"{seed.doc_id}-{i}", "outlet": seed.outlet, "title": seed.title,
                                     "date": seed.date, "text": seed.text}) + "\n")


def run_one(corpus: Path, out: Path) -> None:
    """Child process: label the corpus, then print wall time and peak RSS as JSON."""
    sys.path.insert(0, str(ROOT))
    from hydra import compose, initialize_config_dir

    from stance import commands
    from stance.settings import CONFIG_DIR

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"corpus.path={corpus}", "report.print=false"])
    start = time.perf_counter()
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        result = commands.predict(cfg, out)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"sentences": result["n_sentences"], "seconds": seconds, "peak_mb": peak_mb}))


def main(sizes: list[int]) -> None:
    print(f"{'articles':>9} {'sentences':>10} {'seconds':>8} {'sent/s':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            corpus = Path(tmp) / f"corpus_{n}.jsonl"
            make_corpus(corpus, n)
            child = subprocess.run([sys.executable, __file__, "--child", str(corpus), str(Path(tmp) / f"out_{n}")],
                                   capture_output=True, text=True, check=True)
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"{n:>9} {figures['sentences']:>10} {figures['seconds']:>8.1f} "
                  f"{figures['sentences'] / figures['seconds']:>8.0f} {figures['peak_mb']:>8.0f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        run_one(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main([int(a) for a in sys.argv[1:]] or [50, 500, 2000])

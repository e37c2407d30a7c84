"""Benchmark: `stance predict` throughput and memory against a spaCy peer, side by side.

Builds synthetic corpora of 10 and 100 MB (and 1 GB with ``--large``) at run time from the
real sentences of the news pool: each article is two runs of consecutive paragraphs from
two pool articles (so quotations keep their speakers), under the first one's outlet. Then,
for each size and each repeat, it runs in fresh processes, one after the other:

- ``stance predict`` with one process (``corpus.n_jobs=1``) and with two (``corpus.n_jobs=2``),
  the default configuration and the current model, every output written;
- the spaCy peer (``benchmarks/spacy_peer.py``: rule sentencizer + bag-of-words text
  classifier trained on the same seed sentences, predictions written as JSON lines).

It prints, per size and run: wall seconds, MB/s, MB/s per process, sentences/s, CPU
seconds of the whole process tree, MB per CPU-second, the peak RSS of the largest process
and the peak memory of all processes together (proportional set size, so pages forked
workers share with their parent count once). The machine is shared and noisy: figures are medians of the
repeats, and the load average is printed with them.

    python benchmarks/throughput.py                        # 10 and 100 MB, 3 repeats
    python benchmarks/throughput.py --sizes 10 --repeats 5
    python benchmarks/throughput.py --large                # adds 1 GB
    python benchmarks/throughput.py --pool PATH/pool.jsonl # the news pool (default: ../shared/datasets/news-pool)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


def default_pool() -> Path:
    """The news pool beside the project (a worktree's shared folder is beside the main checkout)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / "datasets" / "news-pool" / "pool.jsonl"
        if candidate.is_file():
            return candidate
    return ROOT.parent / "shared" / "datasets" / "news-pool" / "pool.jsonl"


def make_corpus(pool: Path, path: Path, megabytes: float, seed: int = 13) -> int:
    """A JSONL corpus of about ``megabytes`` stitched from pool paragraphs; returns its article count."""
    articles = [json.loads(line) for line in pool.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs = [[p for p in a["text"].split("\n") if p.strip()] for a in articles]
    sources = [i for i, p in enumerate(paragraphs) if len(p) >= 3]
    rng = random.Random(seed)
    target, written, n = int(megabytes * MB), 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while written < target:
            first, second = rng.choice(sources), rng.choice(sources)
            parts = []
            for source in (first, second):
                run = paragraphs[source]
                start = rng.randrange(len(run))
                parts += run[start:start + rng.randint(3, 10)]
            head = articles[first]
            line = json.dumps({"doc_id": f"synthetic-{n:07d}", "outlet": head["outlet"], "title": head.get("title", ""),
                               "date": head.get("date", ""), "text": "\n\n".join(parts)}, ensure_ascii=False) + "\n"
            handle.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def _tree(pid: int) -> list[int]:
    found, frontier = [pid], [pid]
    while frontier:
        children = []
        for parent in frontier:
            try:
                with open(f"/proc/{parent}/task/{parent}/children") as handle:
                    children += [int(c) for c in handle.read().split()]
            except OSError:
                pass
        found += children
        frontier = children
    return found


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _memory(pid: int) -> tuple[int, int] | None:
    """(PSS, VmHWM) of a process in KiB: its proportional share of resident memory (pages
    shared with forked workers counted once over all of them) and its peak RSS."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            peak = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM"))
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            share = next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
        return share, peak
    except (OSError, StopIteration, ValueError, IndexError):
        return None


def measure(command: list[str]) -> dict:
    """Run a command; wall and CPU seconds of its process tree, the peak RSS of its largest
    process and the peak proportional set size of the whole tree (MiB), from /proc every 50 ms."""
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    largest, total, cpu_seen = 0, 0, {}
    while process.poll() is None:
        now = 0
        for pid in _tree(process.pid):
            memory = _memory(pid)
            if memory:
                now += memory[0]
                largest = max(largest, memory[1])
            cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), _cpu(pid))  # a pool may end workers unreaped
        total = max(total, now)
        time.sleep(0.05)
    out, err = process.communicate()
    wall = time.perf_counter() - start
    after = os.times()
    if process.returncode:
        raise RuntimeError(f"{' '.join(command[:4])} ... failed:\n{err[-2000:]}")
    reaped = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    cpu = max(reaped, sum(cpu_seen.values()))  # reaped workers count in both: take the larger, not the sum
    return {"wall": wall, "cpu": cpu, "largest_mib": largest / 1024, "total_mib": total / 1024, "stdout": out}


def run_stance(corpus: Path, out: Path, n_jobs: int) -> dict:
    figures = measure([sys.executable, "-m", "stance.cli", "predict", f"corpus.path={corpus}", f"hydra.run.dir={out}",
                       "report.print=false", f"corpus.n_jobs={n_jobs}"])
    figures["sentences"] = json.loads((out / "quantification.json").read_text())["n_sentences"]
    return figures


def run_peer(corpus: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    figures = measure([sys.executable, str(ROOT / "benchmarks" / "spacy_peer.py"), str(corpus),
                       str(out / "predictions.jsonl")])
    figures["sentences"] = json.loads(figures["stdout"].strip().splitlines()[-1])["sentences"]
    return figures


RUNS = {"stance, 1 process": lambda c, o: run_stance(c, o, 1),
        "stance, 2 processes": lambda c, o: run_stance(c, o, 2),
        "spaCy peer, 1 process": run_peer}
PROCESSES = {"stance, 1 process": 1, "stance, 2 processes": 2, "spaCy peer, 1 process": 1}


def report(size: float, results: dict[str, list[dict]]) -> dict[str, dict]:
    """Print the medians of one size; returns them."""
    megabytes = size
    print(f"\n{size:g} MB corpus (medians of {len(next(iter(results.values())))} runs; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  {'run':<24} {'wall s':>7} {'MB/s':>6} {'MB/s/proc':>9} {'sent/s':>7} {'CPU s':>7} {'MB/CPU-s':>8} "
          f"{'peak MiB':>8} {'all MiB':>8}")
    medians = {}
    for name, runs in results.items():
        m = {key: statistics.median(r[key] for r in runs) for key in ("wall", "cpu", "largest_mib", "total_mib", "sentences")}
        m["mb_s"] = megabytes / m["wall"]
        medians[name] = m
        print(f"  {name:<24} {m['wall']:>7.1f} {m['mb_s']:>6.2f} {m['mb_s'] / PROCESSES[name]:>9.2f} "
              f"{m['sentences'] / m['wall']:>7.0f} {m['cpu']:>7.1f} {megabytes / m['cpu']:>8.2f} "
              f"{m['largest_mib']:>8.0f} {m['total_mib']:>8.0f}")
    one, two, peer = (medians[n]["mb_s"] for n in RUNS)
    print(f"  2 processes / 1 process: {two / one:.2f}x;  stance (2 processes) / spaCy peer: {two / peer:.2f}x")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[10, 100], help="corpus sizes in MB")
    parser.add_argument("--large", action="store_true", help="also 1 GB (1000 MB)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pool", type=Path, default=default_pool())
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args()
    if not args.pool.is_file():
        sys.exit(f"no news pool at {args.pool}; pass --pool PATH/pool.jsonl")
    sizes = [*args.sizes, *([1000.0] if args.large else [])]
    everything = {}
    with tempfile.TemporaryDirectory(prefix="stance-throughput-") as tmp:
        for size in sizes:
            corpus = Path(tmp) / f"corpus_{size:g}MB.jsonl"
            n_articles = make_corpus(args.pool, corpus, size)
            print(f"built {corpus.name}: {n_articles} articles, {corpus.stat().st_size / MB:.1f} MB", flush=True)
            results: dict[str, list[dict]] = {name: [] for name in RUNS}
            for repeat in range(args.repeats):
                for name, run in RUNS.items():  # interleaved, so each repeat sees the same machine
                    out = Path(tmp) / f"out_{size:g}_{repeat}_{name.split(',')[0].split()[0]}_{PROCESSES[name]}"
                    figures = run(corpus, out)
                    figures.pop("stdout", None)
                    results[name].append(figures)
                    print(f"  run {repeat + 1} {name}: {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU, "
                          f"peak {figures['largest_mib']:.0f} MiB", flush=True)
                    if out.exists():
                        import shutil

                        shutil.rmtree(out)
            everything[f"{size:g}"] = {"runs": results, "medians": report(size, results)}
            corpus.unlink()
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))


if __name__ == "__main__":
    main()

"""Render the hardening battery's log as the case list in docs/hardening.md.

    STANCE_HARDENING_LOG=/tmp/log.jsonl python -m pytest tests/test_hardening.py
    python benchmarks/hardening_cases.py /tmp/log.jsonl > docs/hardening.md
"""

from __future__ import annotations

import json
import sys
from collections import Counter

CLASSES = {
    1: "Code execution from a model file",
    2: "Reads outside the corpus",
    3: "Lost or inconsistent data",
    4: "Crashes on valid input",
    5: "Denial of service",
    6: "Injection",
    7: "Tracebacks instead of the one-line error",
    8: "Leftovers and silent coercion",
}


def render(rows: list[dict]) -> str:
    counts = Counter(row["class"] for row in rows)
    out = ["# The hardening battery (issue 14)", "",
           f"{len(rows)} cases of `tests/test_hardening.py`, each run through the command line in its own sandbox "
           "(a trained store, an annotation store, the seed corpus, an earlier run's outputs). Every case checks the "
           "exit status, exactly one stderr line for a refusal (none for a success), and that the model store, "
           "CURRENT, HISTORY, the annotation folder, the corpus and the earlier outputs are byte-identical "
           "afterwards (except where the case's own command is meant to change them: an import, a promotion). "
           "Beside the table: Ctrl-C during training, a full disk, a SIGKILLed save, two imports at once and two "
           "runs aimed at one folder, in real processes.", "",
           "Outcome: the exit status and the stderr line the command gave (`SANDBOX` stands for the sandbox folder).",
           ""]
    for klass, title in CLASSES.items():
        out += [f"## {klass}. {title} ({counts[klass]} cases)", "", "| case | command | exit | stderr |",
                "|---|---|---|---|"]
        for row in rows:
            if row["class"] != klass:
                continue
            line = " ".join(row["stderr"]) or "(none)"
            line = line if len(line) <= 220 else line[:217] + "..."
            cell = line.replace("|", "\\|").replace("\n", " ")
            out.append(f"| {row['case']} | {row['command']} | {row['exit']} | {cell} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(render([json.loads(line) for line in handle if line.strip()]))

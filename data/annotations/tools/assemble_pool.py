"""Assemble the whole-article pool annotations from the annotators' batch files.

Reads the batches an annotation round produced (``batch_NN.sentences.jsonl`` from
``make_batches.py``, ``batch_NN.labels.jsonl`` and ``batch_NN.actors.jsonl`` from the
annotators: the last line for an id or a name wins) and writes

- ``pool_whole_articles.jsonl``: one row per sentence with its label, holders, annotator,
  note and the article's trace fields (doc_id, outlet, source_dataset, url, crisis);
- ``pool_actors.yaml``: the gazetteer of every holder named, merged across batches.

    python data/annotations/tools/assemble_pool.py BATCH_DIR POOL_JSONL OUT_DIR
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import yaml

# Canonical names two annotators spelled differently -> the one kept.
SAME_ACTOR = {"Al-Qaida in the Arabian Peninsula": "al-Qaeda in the Arabian Peninsula", "Al Shabab": "al-Shabaab",
              "Jim Mattis": "James Mattis", "Javad Zarif": "Mohammad Javad Zarif",
              "Pro-Russian separatists": "pro-Russian separatists"}
# Aliases two entries claimed: the entry that keeps it (None: dropped from both, too ambiguous).
ALIAS_OWNER = {"Kim": None, "Police": None, "The military": None, "Republicans": "Republican Party",
               "State Department officials": "State Department", "White House": "White House",
               "a defense official": "US officials (unnamed)", "Mattis": "James Mattis", "Zarif": "Mohammad Javad Zarif",
               "AQAP": "al-Qaeda in the Arabian Peninsula", "Al-Shabaab": "al-Shabaab"}
# Aliases an annotator gave an entry by mistake (noted in their report).
WRONG_ALIASES = {"US officials (unnamed)": {"Pentagon officials", "defense officials"}}


def last_by(path: Path, key: str) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row[key]] = row
    return rows


def merged_actors(batches: list[Path]) -> dict[str, dict]:
    actors: dict[str, dict] = {}
    for batch in batches:
        for entry in last_by(batch.with_name(batch.name.replace(".sentences.", ".actors.")), "name").values():
            name = SAME_ACTOR.get(entry["name"], entry["name"])
            into = actors.setdefault(name, {"name": name, "kind": entry.get("kind") or "organization", "aliases": [],
                                            "titles": [], "affiliation": "", "gender": None})
            into["kind"] = entry.get("kind") or into["kind"]
            for alias in [entry["name"], *(entry.get("aliases") or [])]:
                if alias in WRONG_ALIASES.get(name, ()):
                    continue
                owner = ALIAS_OWNER.get(alias, name)
                if owner == name and alias not in into["aliases"]:
                    into["aliases"].append(alias)
            into["titles"] += [t.lower() for t in entry.get("titles") or [] if t.lower() not in into["titles"]]
            into["affiliation"] = entry.get("affiliation") or into["affiliation"]
            if entry.get("gender") in ("male", "female"):
                into["gender"] = entry["gender"]
    for name, entry in actors.items():
        if name not in entry["aliases"]:
            entry["aliases"].insert(0, name)
    return dict(sorted(actors.items()))


def main(batch_dir: str, pool: str, out_dir: str) -> None:
    articles = {}
    for line in Path(pool).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        articles[record["doc_id"]] = record
    batches = sorted(Path(batch_dir).glob("batch_*.sentences.jsonl"))
    out = Path(out_dir)
    rows, counts = [], collections.Counter()
    for batch in batches:
        number = batch.name[len("batch_"):len("batch_") + 2]
        labels = last_by(batch.with_name(f"batch_{number}.labels.jsonl"), "id")
        for line in batch.read_text(encoding="utf-8").splitlines():
            sentence = json.loads(line)
            label = labels[sentence["id"]]
            article = articles[sentence["doc_id"]]
            rows.append({"id": sentence["id"], "doc_id": sentence["doc_id"], "text": sentence["text"],
                         "label": label["label"], "actors": [SAME_ACTOR.get(a, a) for a in label.get("actors") or []],
                         "annotator": f"pool-A{number}", "note": label.get("note") or "",
                         "outlet": article["outlet"], "source_dataset": article["source_dataset"],
                         "url": article["url"], "crisis": article["crisis"]})
            counts[label["label"]] += 1
    (out / "pool_whole_articles.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                                  encoding="utf-8")
    actors = merged_actors(batches)
    header = ("# Gazetteer of the holders named in the cross-crisis pool annotations (SPEC section 3),\n"
              "# merged from the annotators' entries by data/annotations/tools/assemble_pool.py.\n")
    (out / "pool_actors.yaml").write_text(header + yaml.safe_dump(list(actors.values()), allow_unicode=True,
                                                                   sort_keys=False, width=120), encoding="utf-8")
    print(f"{len(rows)} sentences of {len({r['doc_id'] for r in rows})} articles: {dict(counts)}; "
          f"{len(actors)} actors")


if __name__ == "__main__":
    main(*sys.argv[1:4])

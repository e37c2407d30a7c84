"""One queued (active-learning) annotation round, the way a lab would run it with helpers.

    python data/annotations/tools/queue_round.py split QUEUE_DIR OUT_DIR ROUND N POOL_JSONL KNOWN_ACTORS_YAML
        the queue's doccano file cut into N annotator batches (each sentence with its neighbours)
    python data/annotations/tools/queue_round.py export QUEUE_DIR OUT_DIR ROUND ACTORS_YAML
        the annotators' labels as a doccano export (ROUND_doccano_export.jsonl, for `stance import`),
        and their new holder names merged into the gazetteer ACTORS_YAML

An annotator writes NAME.labels.jsonl ({"id", "label", "actors", "note"}; the last line for an
id wins) and NAME.actors.jsonl (gazetteer entries for holder names the gazetteer lacks).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from assemble_pool import last_by  # the same reader: the last row per key of a JSONL file

from stance.gazetteer import fold_accents


def split(queue_dir: str, out_dir: str, round_name: str, n: str, pool: str, known: str) -> None:
    rows = [json.loads(line) for line in (Path(queue_dir) / "queue_doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = {json.loads(line)["doc_id"]: json.loads(line) for line in Path(pool).read_text(encoding="utf-8").splitlines()}
    out = Path(out_dir)
    names = sorted(entry["name"] for entry in yaml.safe_load(Path(known).read_text(encoding="utf-8")))
    (out / "known_holders.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    for k in range(int(n)):
        part = rows[k::int(n)]
        with (out / f"{round_name}_{k + 1}.txt").open("w", encoding="utf-8") as handle:
            for row in part:
                article = articles[row["doc_id"]]
                handle.write(f"=== [{row['sentence_id']}]  outlet: {row['outlet']} | date: {article['date'] or '(unknown)'} "
                             f"| crisis tag: {article['crisis']}\ntitle: {row['title'] or '(none)'}\n"
                             f"   before: {row['previous']}\n>> SENTENCE: {row['text']}\n   after:  {row['next']}\n\n")
        (out / f"{round_name}_{k + 1}.ids.json").write_text(json.dumps([row["sentence_id"] for row in part]),
                                                            encoding="utf-8")


def _key(name: str) -> str:
    """How two spellings of one holder compare: accents folded, case ignored."""
    return fold_accents(name).casefold()


def export(queue_dir: str, out_dir: str, round_name: str, actors_yaml: str) -> None:
    out = Path(out_dir)
    queued = [json.loads(line) for line in (Path(queue_dir) / "queue_doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    labels: dict[str, dict] = {}
    annotator: dict[str, str] = {}
    for path in sorted(out.glob(f"{round_name}_*.labels.jsonl")):
        name = path.name.split(".")[0]
        for sid, row in last_by(path, "id").items():
            labels[sid], annotator[sid] = row, f"queue-{name}"
    path = Path(actors_yaml)
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    entries = {entry["name"]: entry for entry in yaml.safe_load(text)}
    owner = {_key(alias): name for name, entry in entries.items() for alias in [name, *entry["aliases"]]}
    # A "new" holder whose full name is already some actor's name or alias is that actor under
    # another spelling ("Khaled Meshal" for "Khaled Meshaal"): its rows take the known name and
    # no second entry is made (the gazetteer refuses an alias naming two actors). A shorter
    # alias that collides ("Cheney" of Liz and of Dick Cheney) is only left off the new entry.
    renamed: dict[str, str] = {}
    for actors_file in sorted(out.glob(f"{round_name}_*.actors.jsonl")):
        for name, entry in last_by(actors_file, "name").items():
            known = owner.get(_key(name))
            if known and known != name:
                renamed[name] = known
                continue
            into = entries.setdefault(name, {"name": name, "kind": entry.get("kind") or "organization", "aliases": [name],
                                             "titles": [], "affiliation": entry.get("affiliation") or "",
                                             "gender": entry.get("gender") if entry.get("gender") in ("male", "female") else None})
            owner.setdefault(_key(name), name)
            for alias in entry.get("aliases") or []:
                if owner.setdefault(_key(alias), name) == name and alias not in into["aliases"]:
                    into["aliases"].append(alias)
            into["titles"] += [t.lower() for t in entry.get("titles") or [] if t.lower() not in into["titles"]]
    with (out / f"{round_name}_doccano_export.jsonl").open("w", encoding="utf-8") as handle:
        for number, row in enumerate(queued, start=1):
            given = labels.get(row["sentence_id"])
            actors = list(dict.fromkeys(renamed.get(a, a) for a in (given.get("actors") or [] if given else [])))
            handle.write(json.dumps({"id": number, **row, "label": [given["label"]] if given else [],
                                     "actors": actors, "annotator": annotator.get(row["sentence_id"], ""),
                                     "note": (given or {}).get("note", "")}, ensure_ascii=False) + "\n")
    path.write_text(header + yaml.safe_dump(sorted(entries.values(), key=lambda e: e["name"]), allow_unicode=True,
                                            sort_keys=False, width=120), encoding="utf-8")
    for name, known in sorted(renamed.items()):
        print(f"  {name!r} is {known!r} (already in the gazetteer): rows renamed")
    print(f"{sum(1 for r in queued if r['sentence_id'] in labels)} of {len(queued)} queued sentences labelled; "
          f"{len(entries)} actors in {path}")


if __name__ == "__main__":
    {"split": split, "export": export}[sys.argv[1]](*sys.argv[2:])

"""`stance agreement`: Krippendorff's alpha over any number of annotators (and Cohen's kappa
per pair), read straight from annotation files or tool exports (doccano, Label Studio)."""

from __future__ import annotations

from pathlib import Path

from ..agreement import Coding, coder_name, reliability, sentence_key
from ..errors import AnnotationError, ConfigError
from ..files import write_json
from ..importing import coded_rows, location_error, map_label, normalise
from ..settings import Settings, shown_path
from .common import say


def read_codings(settings: Settings, paths: list[Path]) -> list[Coding]:
    """Every labelled row of every file as a coding; an unknown label stops with its place."""
    files = []
    for path in paths:
        fmt, rows = coded_rows(path, settings.importing.format, settings.importing.label_studio_control)
        files.append((path, fmt, [row for row in rows if row.label]))
    # match sentences by the strongest key every file has: ids, else article and text, else text
    use_ids = all(row.sentence_id for _, _, rows in files for row in rows)
    use_docs = all(row.doc_id for _, _, rows in files for row in rows)
    codings = []
    for path, fmt, rows in files:
        several = fmt == "label_studio" and len({row.annotator for row in rows}) > 1
        for row in rows:
            label = map_label(row.label, settings.importing.label_map, settings.labels)
            if label is None:
                raise location_error(f"unknown label {row.label!r}; expected one of {', '.join(settings.labels)} "
                                     "or a name mapped in importing.label_map", path, row.where)
            key = sentence_key(row.sentence_id if use_ids else "", row.doc_id if use_docs else "", normalise(row.text))
            codings.append(Coding(key, coder_name(path.stem, row.annotator, several), label, row.actors, row.text))
    return codings


def agreement(settings: Settings, out_dir: Path) -> dict:
    paths = list(settings.agreement.files) or [p for p in (settings.agreement.first, settings.agreement.second) if p]
    if len(paths) < 1 or (len(paths) == 1 and not settings.agreement.files):
        raise ConfigError("config: name the annotation files or tool exports to compare: agreement.first and "
                          "agreement.second, or agreement.files=[a.jsonl,b.jsonl,export.json]")
    codings = read_codings(settings, paths)
    try:
        result = reliability(codings, settings.labels)
    except ValueError as err:
        raise AnnotationError(f"{err}; check that the files label the same sentences", paths[-1]) from None
    say(f"{result.n_sentences} sentences labelled by two or more of {len(result.coders)} annotators "
        f"({', '.join(result.coders)}): Krippendorff's alpha {result.alpha:.3f} (nominal, {result.n_codings} labels)")
    for pair in result.pairs:
        say(f"  {pair['coders'][0]} vs {pair['coders'][1]}: {pair['n']} sentences, label agreement "
            f"{pair['agreement']:.1%}, Cohen's kappa {pair['kappa']:.3f}")
    summary = {"n": result.n_sentences, "alpha": result.alpha, "n_codings": result.n_codings,
               "annotators": list(result.coders), "pairs": list(result.pairs),
               "files": [shown_path(p) for p in paths],
               "disagreements": [{"sentence": s, "text": text, "labels": labels}
                                 for s, text, labels in result.disagreements]}
    if len(result.coders) == 2:  # the classic two-annotator figures, holders included
        pair = result.pairs[0]
        holders = _holder_agreement(codings, result.coders)
        summary.update({"kappa": pair["kappa"], "label_agreement": pair["agreement"], "holder_agreement": holders})
        say(f"  holder sets identical: {holders:.1%}")
    for sentence, text, labels in result.disagreements[:50]:
        say(f"  label  {sentence[:40]}: {' vs '.join(f'{c} {l}' for c, l in sorted(labels.items()))} | {text[:80]}")
    if len(result.disagreements) > 50:
        say(f"  ... {len(result.disagreements) - 50} more in agreement.json")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "agreement.json", summary)
    return summary


def _holder_agreement(codings: list[Coding], coders: tuple[str, ...]) -> float:
    """Share of the sentences both annotators labelled where their holder sets are identical."""
    holders: dict[str, dict[str, frozenset]] = {}
    for coding in codings:
        holders.setdefault(coding.sentence, {})[coding.coder] = frozenset(coding.actors)
    both = [by for by in holders.values() if all(c in by for c in coders)]
    return sum(by[coders[0]] == by[coders[1]] for by in both) / len(both) if both else 0.0

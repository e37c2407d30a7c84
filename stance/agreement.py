"""Inter-annotator agreement over any number of annotators, straight from annotation files
and tool exports (SPEC JSONL/CSV, doccano, Label Studio).

Krippendorff's alpha (nominal; from the maintained ``krippendorff`` package) for the label,
over every sentence at least two annotators labelled, with any number of annotators and
missing labels; for each pair of annotators Cohen's kappa and their raw agreement; and, for
two annotators, exact-match agreement of the holder sets and the sentences they disagree on.
Sentences are matched by their id when the files carry one, else by article and text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from .annotations import Annotation


@dataclass(frozen=True)
class Coding:
    """One annotator's label (and holders) for one sentence."""

    sentence: str
    coder: str
    label: str
    actors: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Agreement:
    """Agreement figures and the sentences the two annotators disagree on."""

    n: int
    kappa: float
    label_agreement: float
    holder_agreement: float
    label_disagreements: tuple[tuple[Annotation, Annotation], ...]
    holder_disagreements: tuple[tuple[Annotation, Annotation], ...]


def _kappa(a: Sequence[str], b: Sequence[str]) -> float:
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b)) if len(set(a) | set(b)) > 1 else 1.0


def agreement(first: Sequence[Annotation], second: Sequence[Annotation]) -> Agreement:
    """Compare two annotations of the same sentences, matched by id."""
    by_id = {row.id: row for row in first}
    pairs = [(by_id[row.id], row) for row in second if row.id in by_id]
    if not pairs:
        raise ValueError("the two files share no sentence id")
    labels_a = [a.label for a, _ in pairs]
    labels_b = [b.label for _, b in pairs]
    same_label = [a.label == b.label for a, b in pairs]
    same_holders = [set(a.actors) == set(b.actors) for a, b in pairs]
    return Agreement(
        n=len(pairs),
        kappa=_kappa(labels_a, labels_b),
        label_agreement=sum(same_label) / len(pairs),
        holder_agreement=sum(same_holders) / len(pairs),
        label_disagreements=tuple(p for p, same in zip(pairs, same_label) if not same),
        holder_disagreements=tuple(p for p, same in zip(pairs, same_holders) if not same),
    )


def sentence_key(sentence_id: str, doc_id: str, text: str) -> str:
    """How codings of one sentence are matched across files: its id, else article and text."""
    return sentence_id or f"{doc_id}\x1f{' '.join(text.split())}"


@dataclass(frozen=True)
class Reliability:
    """Krippendorff's alpha over all annotators, pairwise figures, and who coded what."""

    alpha: float | None
    n_sentences: int            # sentences labelled by two or more annotators
    n_codings: int              # labels given to those sentences
    coders: tuple[str, ...]
    pairs: tuple[dict, ...]     # per pair: coders, n, agreement, kappa
    disagreements: tuple[tuple[str, str, Mapping[str, str]], ...]  # (sentence, text, coder -> label)


def reliability(codings: Sequence[Coding], labels: Sequence[str]) -> Reliability:
    """Krippendorff's alpha (nominal) and pairwise kappa over every sentence that two or more
    annotators labelled; an annotator's repeated label of a sentence counts once."""
    import krippendorff

    table: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    for coding in codings:
        table.setdefault(coding.sentence, {})[coding.coder] = coding.label
        texts.setdefault(coding.sentence, coding.text)
    shared = {sentence: by for sentence, by in table.items() if len(by) >= 2}
    coders = tuple(sorted({coder for by in shared.values() for coder in by}))
    if len(coders) < 2:
        raise ValueError("no sentence was labelled by two or more annotators")
    code = {label: float(i) for i, label in enumerate(labels)}
    sentences = sorted(shared)
    data = np.full((len(coders), len(sentences)), np.nan)
    for j, sentence in enumerate(sentences):
        for i, coder in enumerate(coders):
            if coder in shared[sentence]:
                data[i, j] = code[shared[sentence][coder]]
    values = set(np.unique(data[~np.isnan(data)]).tolist())
    alpha = 1.0 if len(values) == 1 else float(krippendorff.alpha(
        reliability_data=data, level_of_measurement="nominal", value_domain=[code[label] for label in labels]))
    pairs = []
    for a, b in combinations(coders, 2):
        both = [s for s in sentences if a in shared[s] and b in shared[s]]
        if not both:
            continue
        first, second = [shared[s][a] for s in both], [shared[s][b] for s in both]
        pairs.append({"coders": [a, b], "n": len(both), "agreement": sum(x == y for x, y in zip(first, second)) / len(both),
                      "kappa": _kappa(first, second)})
    disagreements = tuple((s, texts.get(s, ""), dict(shared[s])) for s in sentences if len(set(shared[s].values())) > 1)
    return Reliability(alpha, len(sentences), int(np.sum(~np.isnan(data))), coders, tuple(pairs), disagreements)


def coder_name(file_stem: str, annotator: str, several_in_file: bool) -> str:
    """Who labelled a row: the file (one annotator per file, as doccano exports per user),
    or the file and the tool's annotator when one file holds several (Label Studio)."""
    if several_in_file and annotator:
        return f"{file_stem}:{re.sub(r'^label-studio:', '', annotator)}"
    return file_stem

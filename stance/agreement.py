"""Inter-annotator agreement between two annotation files of the same sentences.

Cohen's kappa for the label (chance-corrected) and exact-match agreement of the holder
sets, over the sentences both files contain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sklearn.metrics import cohen_kappa_score

from .annotations import Annotation


@dataclass(frozen=True)
class Agreement:
    """Agreement figures and the sentences the two annotators disagree on."""

    n: int
    kappa: float
    label_agreement: float
    holder_agreement: float
    label_disagreements: tuple[tuple[Annotation, Annotation], ...]
    holder_disagreements: tuple[tuple[Annotation, Annotation], ...]


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
        kappa=float(cohen_kappa_score(labels_a, labels_b)) if len(set(labels_a + labels_b)) > 1 else 1.0,
        label_agreement=sum(same_label) / len(pairs),
        holder_agreement=sum(same_holders) / len(pairs),
        label_disagreements=tuple(p for p, same in zip(pairs, same_label) if not same),
        holder_disagreements=tuple(p for p, same in zip(pairs, same_holders) if not same),
    )

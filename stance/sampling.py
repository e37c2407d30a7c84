"""A random validation sample of a corpus, stratified by outlet.

The cross-validated figures say how the model does on the crises it was scored on; a user's
own coverage can differ. Labelling a random sample of it (`stance sample`, then `stance import`
and `stance evaluate`) measures the model there. Sampling is by outlet, each outlet's share of
the sample following its share of the corpus's sentences (at least ``min_per_outlet``), so a
small outlet is not missed; within an outlet, sentences are drawn uniformly at random.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Iterator, Mapping

import numpy as np


def allocate(counts: Mapping[str, int], size: int, min_per_outlet: int) -> dict[str, int]:
    """Sentences to draw per outlet: proportional to its sentences (largest remainders), at
    least ``min_per_outlet`` (never more than it has), ``size`` in all when possible."""
    total = sum(counts.values())
    if total <= size:
        return dict(counts)
    base = {outlet: min(n, min_per_outlet) for outlet, n in counts.items()}
    if sum(base.values()) > size:  # more outlets than the sample has room for: proportional only
        base = {outlet: 0 for outlet in counts}
    left = max(size - sum(base.values()), 0)
    spare = {outlet: n - base[outlet] for outlet, n in counts.items()}
    spare_total = sum(spare.values())
    quotas = {outlet: left * n / spare_total if spare_total else 0 for outlet, n in spare.items()}
    take = {outlet: base[outlet] + min(int(q), spare[outlet]) for outlet, q in quotas.items()}
    order = sorted(quotas, key=lambda o: (-(quotas[o] - int(quotas[o])), o))
    short = size - sum(take.values())
    for outlet in order * 2:
        if short <= 0:
            break
        if take[outlet] < counts[outlet]:
            take[outlet] += 1
            short -= 1
    return take


def chosen_positions(counts: Mapping[str, int], take: Mapping[str, int], seed: int) -> dict[str, set[int]]:
    """For each outlet, which of its sentences (by position in corpus order) are drawn."""
    rng = np.random.default_rng(seed)
    return {outlet: set(rng.choice(counts[outlet], size=take[outlet], replace=False).tolist())
            for outlet in sorted(counts) if take.get(outlet)}


def draw(items: Iterable, outlet_of, positions: Mapping[str, set[int]]) -> Iterator:
    """The items at the chosen positions, streamed in corpus order."""
    seen: Counter = Counter()
    for item in items:
        outlet = outlet_of(item)
        if seen[outlet] in positions.get(outlet, ()):
            yield item
        seen[outlet] += 1

"""Bootstrap intervals that resample whole articles.

Sentences of one article share an author, a topic and a slant, so they are not independent
draws: resampling sentences would make intervals look far narrower than the evidence allows.
Each resample draws a group's articles with replacement and re-estimates from their summed
tallies (per-article counts and probability sums), so no sentence needs to be kept in memory.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .errors import ConfigError

_CHUNK_CELLS = 1 << 20  # resampled article slots held at once: bounds memory for huge groups
_BATCH_RESAMPLES = 1 << 14  # resamples (of all groups) estimated in one call: 1.5 MiB of tallies at 3 labels


@dataclass(frozen=True)
class Bootstrap:
    """``n`` resamples, a ``seed``, and the two-sided ``confidence`` of percentile intervals."""

    n: int = 1000
    seed: int = 13
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.n < 1 or not 0 < self.confidence < 1:
            raise ConfigError(f"bootstrap needs n >= 1 and 0 < confidence < 1 (got n={self.n}, "
                              f"confidence={self.confidence})")


def group_rng(seed: int, key: str) -> np.random.Generator:
    """A generator for one group, fixed by the seed and the group's name: a group's interval
    does not change when other groups are added to or removed from the corpus."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def resampled_tallies(tallies: np.ndarray, n: int, rng: np.random.Generator):
    """Yield chunks of ``[b, ...]`` summed tallies, each the sum over a resample (with
    replacement) of the ``m`` articles in ``tallies`` ``[m, ...]``; ``n`` resamples in all."""
    articles = len(tallies)
    chunk = max(1, _CHUNK_CELLS // max(articles, 1))
    done = 0
    while done < n:
        size = min(chunk, n - done)
        drawn = rng.integers(0, articles, size=(size, articles))
        # how often each article is drawn in each resample, then one matrix product sums them
        times = np.bincount((np.arange(size)[:, None] * articles + drawn).ravel(), minlength=size * articles)
        yield (times.reshape(size, articles) @ tallies.reshape(articles, -1)).reshape(size, *tallies.shape[1:])
        done += size


def replicates(tallies: np.ndarray, estimate: Callable[[np.ndarray], np.ndarray], bootstrap: Bootstrap,
               key: str) -> np.ndarray:
    """``estimate`` (tallies ``[b, ...]`` -> values ``[b, d]``) on each article resample: ``[n, d]``."""
    rng = group_rng(bootstrap.seed, key)
    return np.concatenate([estimate(chunk) for chunk in resampled_tallies(np.asarray(tallies, float), bootstrap.n, rng)])


def article_interval(tallies: np.ndarray, estimate: Callable[[np.ndarray], np.ndarray], bootstrap: Bootstrap,
                     key: str) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval (low, high), each ``[d]``, of ``estimate`` over article resamples
    of one group; see :func:`article_intervals`."""
    low, high = article_intervals([tallies], estimate, bootstrap, [key])
    return low[0], high[0]


def article_intervals(groups: Sequence[np.ndarray], estimate: Callable[[np.ndarray], np.ndarray],
                      bootstrap: Bootstrap, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals (low, high), each ``[groups, d]``, of ``estimate`` over article
    resamples of each group (``[m, ...]`` tallies of its ``m`` articles, named by ``keys``).

    A group of a single article gets no interval (NaN): resampling it only ever returns
    itself, which says nothing about how the group's other articles might read. Resamples
    of many groups go through ``estimate`` together, in batches, so a corpus with thousands
    of actor x outlet rows costs a few large array operations rather than thousands of small ones.
    """
    tail = (1 - bootstrap.confidence) / 2
    width = estimate(np.asarray(groups[0], dtype=float)[:1].sum(axis=0, keepdims=True)).shape[-1] if len(groups) else 0
    low, high = np.full((len(groups), width), np.nan), np.full((len(groups), width), np.nan)
    batch: list[int] = []
    sums: list[np.ndarray] = []

    def flush() -> None:
        values = estimate(np.concatenate(sums)).reshape(len(batch), bootstrap.n, width)
        low[batch], high[batch] = np.quantile(values, [tail, 1 - tail], axis=1)
        batch.clear()
        sums.clear()

    for index, (tallies, key) in enumerate(zip(groups, keys)):
        if len(tallies) < 2:
            continue
        rng = group_rng(bootstrap.seed, key)
        sums.extend(resampled_tallies(np.asarray(tallies, dtype=float), bootstrap.n, rng))
        batch.append(index)
        if len(batch) * bootstrap.n >= _BATCH_RESAMPLES:
            flush()
    if batch:
        flush()
    return low, high

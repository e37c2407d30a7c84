"""What to annotate next: the unannotated sentences whose labels would teach the model most.

Uncertainty sampling (the model's margin, entropy or least confidence) picks the pool of
sentences the model is least sure about; a greedy diversity step then takes one at a time,
penalising cosine similarity, in the model's own feature space, to those already queued,
so the queue is not N near-copies (republished articles repeat whole paragraphs).
The queue is written as CSV and as files doccano and Label Studio import, each row
carrying the sentence id and doc_id that ``stance import`` needs to bring labels back.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence
from xml.sax.saxutils import quoteattr

import numpy as np
from scipy.sparse import issparse
from sklearn.preprocessing import normalize

from .files import spreadsheet_safe, write_text_atomic
from .importing import HOLDER_FIELD, NO_HOLDER
from .model import predict_proba
from .analysis import AnalysedSentence

METHODS = ("margin", "entropy", "least_confident")
CSV_COLUMNS = ("rank", "id", "doc_id", "outlet", "title", "previous", "text", "next", "label", "actors",
               "annotator", "note", "holders_found", "uncertainty")


@dataclass(frozen=True)
class Candidate:
    """An unannotated sentence with its article and neighbours, as an annotator sees it."""

    id: str
    doc_id: str
    outlet: str
    title: str
    sent_idx: int
    previous: str
    text: str
    next: str
    holders: tuple[str, ...]


@dataclass(frozen=True)
class QueueItem:
    """A queued sentence: its place in the queue and how unsure the model is about it."""

    rank: int
    sentence: Candidate
    uncertainty: float


def candidates(article_sentences: Iterable[list[AnalysedSentence]], annotated: set[str],
               min_words: int = 1) -> Iterator[Candidate]:
    """The sentences of each article that nobody annotated yet, with the sentence
    before and after as context (context may be annotated; it is only shown)."""
    for sentences in article_sentences:
        for i, s in enumerate(sentences):
            if s.id in annotated or len(s.text.split()) < min_words:
                continue
            yield Candidate(s.id, s.article.doc_id, s.article.outlet, s.article.title, s.sent_idx,
                            sentences[i - 1].text if i > 0 else "", s.text,
                            sentences[i + 1].text if i + 1 < len(sentences) else "", s.holders)


def uncertainty(proba: np.ndarray, method: str = "margin") -> np.ndarray:
    """How unsure the model is about each row of class probabilities, in [0, 1]:
    1 - (top minus runner-up), normalised entropy, or 1 - the top probability."""
    proba = np.asarray(proba, dtype=float)
    top = np.sort(proba, axis=1)[:, ::-1]
    if method == "margin":
        return 1.0 - (top[:, 0] - (top[:, 1] if proba.shape[1] > 1 else 0.0))
    if method == "least_confident":
        return 1.0 - top[:, 0]
    if method == "entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(proba > 0, proba * np.log(proba), 0.0)
        return -terms.sum(axis=1) / np.log(proba.shape[1]) if proba.shape[1] > 1 else np.zeros(len(proba))
    raise ValueError(f"unknown uncertainty method {method!r}; expected one of {', '.join(METHODS)}")


def most_uncertain(pool_from: Iterable[Candidate], pipeline, method: str, pool: int,
                   batch_size: int = 512) -> list[tuple[float, Candidate]]:
    """The ``pool`` most uncertain candidates, most uncertain first (ties in corpus
    order), keeping only that many in memory however large the corpus."""
    heap: list[tuple[float, int, Candidate]] = []  # min-heap on (uncertainty, -position)
    batch: list[Candidate] = []
    seen = 0

    def score(batch: list[Candidate]) -> None:
        nonlocal seen
        _, proba = predict_proba(pipeline, [c.text for c in batch])
        for value, candidate in zip(uncertainty(proba, method), batch):
            key = (round(float(value), 12), -seen, candidate)
            seen += 1
            if len(heap) < pool:
                heapq.heappush(heap, key)
            elif key[:2] > heap[0][:2]:
                heapq.heapreplace(heap, key)

    for candidate in pool_from:
        batch.append(candidate)
        if len(batch) >= batch_size:
            score(batch)
            batch = []
    if batch:
        score(batch)
    ranked = sorted(heap, key=lambda k: (-k[0], -k[1]))
    return [(value, candidate) for value, _, candidate in ranked]


def diverse_order(scores: Sequence[float], vectors, size: int, diversity: float = 0.5,
                  max_similarity: float = 0.9) -> list[int]:
    """Greedy selection: each step takes the candidate with the highest
    ``uncertainty - diversity * (largest cosine similarity to one already taken)``,
    never one at least ``max_similarity`` similar to a taken one. ``vectors`` are rows
    in any feature space (sparse or dense); they are L2-normalised here."""
    scores = np.asarray(scores, dtype=float)
    if len(scores) == 0 or size <= 0:
        return []
    unit = normalize(vectors)
    closest = np.zeros(len(scores))
    available = np.ones(len(scores), dtype=bool)
    taken: list[int] = []
    while len(taken) < size:
        gain = np.where(available, scores - diversity * closest, -np.inf)
        best = int(np.argmax(gain))  # first of equals: the input order breaks ties
        if not np.isfinite(gain[best]):
            break
        taken.append(best)
        similarity = unit @ unit[best].T
        closest = np.maximum(closest, similarity.toarray().ravel() if issparse(similarity) else similarity.ravel())
        available &= closest < max_similarity
        available[best] = False
    return taken


def select(ranked: Sequence[tuple[float, Candidate]], features, size: int, diversity: float,
           max_similarity: float) -> list[QueueItem]:
    """The queue: ``size`` of the ranked candidates, diverse in the model's own feature
    space (``features`` is its fitted transformer, e.g. the pipeline's TF-IDF union)."""
    if not ranked:
        return []
    vectors = features.transform([c.text for _, c in ranked])
    order = diverse_order([u for u, _ in ranked], vectors, size, diversity, max_similarity)
    return [QueueItem(rank, ranked[i][1], round(ranked[i][0], 4)) for rank, i in enumerate(order, start=1)]


def _metadata(item: QueueItem) -> dict:
    """What an annotation tool carries with the text, and hands back in its export: the
    predicted holders twice, as the editable ``actors`` and as the record ``holders_found``."""
    s = item.sentence
    return {"sentence_id": s.id, "doc_id": s.doc_id, "outlet": s.outlet, "title": s.title, "previous": s.previous,
            "next": s.next, HOLDER_FIELD: "; ".join(s.holders), "holders_found": "; ".join(s.holders),
            "queue_rank": item.rank}


def queue_csv(items: Sequence[QueueItem]) -> str:
    """The queue as a SPEC annotation CSV with context columns: fill in ``label``, correct
    ``actors`` (prefilled with the predicted holders, ";" between names), add ``annotator``
    and ``note``, and ``stance import`` reads it back. Cells a spreadsheet would run as
    formulas get a leading apostrophe, which the import drops."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        s = item.sentence
        row = {"rank": item.rank, "id": s.id, "doc_id": s.doc_id, "outlet": s.outlet, "title": s.title,
               "previous": s.previous, "text": s.text, "next": s.next, "label": "",
               HOLDER_FIELD: "; ".join(s.holders),
               "annotator": "", "note": "", "holders_found": "; ".join(s.holders),
               "uncertainty": f"{item.uncertainty:.4f}"}
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    return buffer.getvalue()


def queue_doccano(items: Sequence[QueueItem]) -> str:
    """doccano's text-classification import (JSONL): ``text`` plus metadata fields, which
    doccano shows beside the text and writes back into its export."""
    return "".join(json.dumps({"text": item.sentence.text, **_metadata(item)}, ensure_ascii=False) + "\n"
                   for item in items)


def queue_label_studio(items: Sequence[QueueItem]) -> str:
    """Label Studio's task import (a JSON array of tasks with ``data``)."""
    tasks = [{"data": {"text": item.sentence.text, **_metadata(item)}} for item in items]
    return json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"


def label_studio_config(labels: Sequence[str], control: str = "stance") -> str:
    """A labeling interface for the queued tasks: the sentence between its neighbours,
    one stance choice, the holders (prefilled with the predicted ones, editable: canonical
    names separated by ";", or "none") and a note."""
    choices = "\n".join(f"    <Choice value={quoteattr(label)}/>" for label in labels)
    return f"""<View>
  <Header value="$outlet: $title" size="5"/>
  <Text name="previous" value="$previous"/>
  <Header value="Sentence to label:" size="6"/>
  <Text name="text" value="$text"/>
  <Text name="next" value="$next"/>
  <Choices name={quoteattr(control)} toName="text" choice="single" showInline="true" required="true">
{choices}
  </Choices>
  <Header value="Holders (canonical names from the actor file, ; between them, {NO_HOLDER} for no holder):" size="6"/>
  <TextArea name="{HOLDER_FIELD}" toName="text" value="${HOLDER_FIELD}" editable="true" rows="1" maxSubmissions="1"/>
  <TextArea name="note" toName="text" placeholder="note (optional)" maxSubmissions="1"/>
</View>
"""


# The files a queue is written as, for each annotation tool: name -> (file, writer of
# (items, labels)). `stance import` reads each tool's export back (stance.importing.FORMATS).
EXPORTS: dict[str, tuple[str, Callable[[Sequence[QueueItem], Sequence[str]], str]]] = {
    "csv": ("queue.csv", lambda items, labels: queue_csv(items)),
    "doccano": ("queue_doccano.jsonl", lambda items, labels: queue_doccano(items)),
    "label_studio": ("queue_label_studio.json", lambda items, labels: queue_label_studio(items)),
    "label_studio_config": ("label_studio_config.xml", lambda items, labels: label_studio_config(labels)),
}


def write_queue(out_dir: str | Path, items: Sequence[QueueItem], labels: Sequence[str], stem: str = "queue"
                ) -> dict[str, Path]:
    """Write the queue in every format of :data:`EXPORTS`; returns the paths by format."""
    out = Path(out_dir)
    return {name: write_text_atomic(out / file_name.replace("queue", stem, 1), writer(items, labels))
            for name, (file_name, writer) in EXPORTS.items()}

"""Labelling a corpus: article -> clean -> sentences -> holders -> label, streamed.

Articles are processed in batches so a corpus of any size runs in flat memory; each
prediction is a plain dict in the SPEC section 4 format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from nltk.tokenize.punkt import PunktSentenceTokenizer

from .actors import HolderFinder, attribute_article
from .clean import CleanOptions, clean
from .corpus import Article
from .model import predict_proba
from .segment import segment


@dataclass(frozen=True)
class AnalysedSentence:
    """A sentence of an article with its holders, before classification."""

    article: Article
    sent_idx: int
    id: str
    start: int
    end: int
    text: str
    holders: tuple[str, ...]
    candidates: tuple[str, ...]


def analyse(article: Article, options: CleanOptions, tokenizer: PunktSentenceTokenizer,
            finder: HolderFinder) -> list[AnalysedSentence]:
    """Clean, segment and attribute one article."""
    sentences = segment(article.doc_id, clean(article.text, options), tokenizer)
    attributions = attribute_article([s.text for s in sentences], finder)
    return [
        AnalysedSentence(article, s.sent_idx, s.id, s.start, s.end, s.text, a.holders, a.candidates)
        for s, a in zip(sentences, attributions)
    ]


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def predict_articles(articles: Iterable[Article], pipeline, options: CleanOptions,
                     tokenizer: PunktSentenceTokenizer, finder: HolderFinder,
                     batch_size: int = 64) -> Iterator[dict]:
    """Yield one prediction record per sentence, in corpus order."""
    for batch in _batches(articles, batch_size):
        analysed = [s for article in batch for s in analyse(article, options, tokenizer, finder)]
        if not analysed:
            continue
        labels, proba = predict_proba(pipeline, [s.text for s in analysed])
        classes = list(pipeline.classes_)
        for sentence, label, row in zip(analysed, labels, proba):
            article = sentence.article
            yield {
                "id": sentence.id,
                "doc_id": article.doc_id,
                "outlet": article.outlet,
                "original_outlet": article.original_outlet,
                "date": article.date,
                "title": article.title,
                "sent_idx": sentence.sent_idx,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "label": label,
                "proba": {c: round(float(p), 6) for c, p in zip(classes, row)},
                "actors": list(sentence.holders),
                "candidates": list(sentence.candidates),
            }

"""Sentence splitting with NLTK Punkt, offline: its abbreviations come from config.

Paragraph breaks always end a sentence (headlines carry no final period); inside a
paragraph Punkt decides, and a piece that starts in lower case or holds no word (the
debris of a broken translation: "mission. there: training ...", a lone closing quote)
is joined to the sentence before it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .clean import CleanText
from .verbs import forms_pattern

_PARAGRAPH = re.compile(r"[^\n]+")
_STARTS_AS_CONTINUATION = re.compile(r"^(?:[a-z]|[,;:)\]])")
_HAS_WORD = re.compile(r"\w")
# A quotation that ends in "?" or "!" before its attribution ('"Why now?" Obama said.'):
# Punkt ends the sentence at the mark, leaving the attribution on its own.
_ENDS_IN_QUOTED_MARK = re.compile(r"[?!]['\"]\s*$")
_ATTRIBUTION_WORDS = 12


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``start``/``end`` are offsets into the article's raw text."""

    id: str
    doc_id: str
    sent_idx: int
    start: int
    end: int
    text: str


def make_tokenizer(abbreviations: Iterable[str]) -> PunktSentenceTokenizer:
    """A Punkt tokenizer that knows ``abbreviations`` ("Lt.", "U.S.", ...) without training."""
    params = PunktParameters()
    params.abbrev_types = {a.strip().lower().rstrip(".") for a in abbreviations if a.strip()}
    return PunktSentenceTokenizer(params)


def sentence_id(doc_id: str, text: str, occurrence: int = 0) -> str:
    """A stable id: the document and a hash of the sentence's whitespace-normalised text."""
    digest = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]
    return f"{doc_id}-{digest}" + (f"-{occurrence}" if occurrence else "")


def _close_open_quotes(paragraph: str, spans: list[tuple[int, int]], lookahead: int = 3) -> list[tuple[int, int]]:
    """Join a quotation Punkt cut at its inner periods: a piece with an odd number of
    double quotes runs on to the next piece (within ``lookahead``) that closes it."""
    joined: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        if paragraph[start:end].count('"') % 2:
            for j in range(i + 1, min(i + 1 + lookahead, len(spans))):
                if paragraph[spans[j][0] : spans[j][1]].count('"') % 2:
                    end = spans[j][1]
                    i = j
                    break
        joined.append((start, end))
        i += 1
    return joined


def _is_attribution(piece: str, previous: str, attribution: re.Pattern[str] | None) -> bool:
    """Is ``piece`` the attribution of the quotation ``previous`` closes with "?" or "!"?"""
    if attribution is None or not _ENDS_IN_QUOTED_MARK.search(previous) or piece.startswith(('"', "'")):
        return False
    words = piece.split()
    return len(words) <= _ATTRIBUTION_WORDS and bool(attribution.search(" ".join(words[:8])))


def _paragraph_spans(paragraph: str, tokenizer: PunktSentenceTokenizer, merge_fragments: bool,
                     attribution: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for start, end in tokenizer.span_tokenize(paragraph):
        piece = paragraph[start:end]
        if spans and merge_fragments and (_STARTS_AS_CONTINUATION.match(piece) or not _HAS_WORD.search(piece)
                                          or _is_attribution(piece, paragraph[spans[-1][0]:spans[-1][1]], attribution)):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return _close_open_quotes(paragraph, spans) if merge_fragments else spans


def attribution_pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """The reporting-verb forms an attribution after '?"' must contain (see :mod:`stance.verbs`)."""
    forms = [f for f in forms if f.strip()]
    return re.compile(forms_pattern(forms), re.I) if forms else None


@dataclass(frozen=True)
class Segmenter:
    """Everything that decides where sentences end: Punkt with the configured abbreviations,
    whether fragments are joined, and the attribution forms kept with a '?"' quotation."""

    tokenizer: PunktSentenceTokenizer
    merge_fragments: bool = True
    attribution: re.Pattern[str] | None = None


def make_segmenter(abbreviations: Iterable[str], merge_fragments: bool = True,
                   attribution_verbs: Iterable[str] = ()) -> Segmenter:
    """A :class:`Segmenter` from plain config values (``attribution_verbs`` are lemmas)."""
    from .verbs import all_forms

    return Segmenter(make_tokenizer(abbreviations), merge_fragments, attribution_pattern(all_forms(attribution_verbs)))


# A "sentence" longer than this (a page without full stops, a list run together) is cut at
# the last space before the limit: holder detection looks at every word of a sentence for
# every cue, so unbounded sentences would make a one-line article cost quadratic time.
MAX_SENTENCE_CHARS = 2000


def _bounded(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(start, end)`` cut into pieces of at most :data:`MAX_SENTENCE_CHARS`, at spaces where possible."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = paragraph.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def segment(doc_id: str, cleaned: CleanText, segmenter: Segmenter | PunktSentenceTokenizer) -> list[Sentence]:
    """Split a cleaned article into sentences with raw offsets and stable ids."""
    if not isinstance(segmenter, Segmenter):
        segmenter = Segmenter(segmenter)
    tokenizer, merge_fragments, attribution = segmenter.tokenizer, segmenter.merge_fragments, segmenter.attribution
    sentences: list[Sentence] = []
    seen: dict[str, int] = {}
    for paragraph in _PARAGRAPH.finditer(cleaned.text):
        base = paragraph.start()
        spans = _paragraph_spans(paragraph.group(), tokenizer, merge_fragments, attribution)
        for start, end in (piece for span in spans for piece in _bounded(paragraph.group(), *span)):
            text = paragraph.group()[start:end].strip()
            if not _HAS_WORD.search(text):
                continue
            raw_start, raw_end = cleaned.raw_span(base + start, base + end)
            occurrence = seen.get(text, 0)
            seen[text] = occurrence + 1
            sentences.append(
                Sentence(sentence_id(doc_id, text, occurrence), doc_id, len(sentences), raw_start, raw_end, text)
            )
    return sentences

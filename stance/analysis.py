"""The analysis stages before classification, built once: clean -> segment -> holders.

Every command that needs a corpus's sentences (predict, queue, sample, import, holder
scoring) builds one :class:`Analyzer` from the settings, so a sentence's id and text are the
same wherever they are computed: an imported label finds the sentence `stance predict` wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clean import CleanOptions, clean
from .corpus import Article
from .holders import HolderFinder, attribute_article, make_finder
from .segment import Segmenter, Sentence, make_segmenter, segment

if TYPE_CHECKING:  # settings are handed in; this stage never reads the config itself
    from .settings import ActorSettings, SegmentSettings


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


@dataclass
class Analyzer:
    """Cleaning options, the segmenter and the holder finder, applied article by article."""

    options: CleanOptions
    segmenter: Segmenter
    finder: HolderFinder | None = None

    def sentences(self, article: Article) -> list[Sentence]:
        """The article's sentences (ids, raw offsets, text), without holders."""
        return segment(article.doc_id, clean(article.text, self.options), self.segmenter)

    def analyse(self, article: Article) -> list[AnalysedSentence]:
        """The article's sentences with their holders and candidate speakers."""
        sentences = self.sentences(article)
        if self.finder is None:
            raise ValueError("this analyzer was built without a gazetteer")
        attributions = attribute_article([s.text for s in sentences], self.finder,
                                         paragraph_starts(article.text, sentences))
        return [AnalysedSentence(article, s.sent_idx, s.id, s.start, s.end, s.text, a.holders, a.candidates)
                for s, a in zip(sentences, attributions)]


def paragraph_starts(raw: str, sentences: list[Sentence]) -> list[bool]:
    """Whether each sentence opens a paragraph (a line break in the raw text before it):
    running quotations follow news style across paragraphs."""
    ends = [0] + [s.end for s in sentences[:-1]]
    return [i == 0 or "\n" in raw[end : s.start] for i, (end, s) in enumerate(zip(ends, sentences))]


def build_analyzer(options: CleanOptions, segment_settings: "SegmentSettings",
                   actors: "ActorSettings | None" = None) -> Analyzer:
    """The analyzer for these settings; without ``actors`` (or its path) it only segments."""
    segmenter = make_segmenter(segment_settings.abbreviations, segment_settings.merge_fragments,
                               segment_settings.attribution_verbs)
    finder = None
    if actors is not None and actors.path is not None:
        finder = make_finder(actors)
    return Analyzer(options, segmenter, finder)

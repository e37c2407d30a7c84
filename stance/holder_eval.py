"""Holder attribution scored against annotated holders, with every error put down to a cause.

The gold holders are the ``actors`` of annotated rows; the predicted ones come from the
same analyzer every command uses, run over the whole article (back-references and running
quotations need the sentences before). Scores are micro precision / recall / F1 over holder
names plus the share of sentences whose holder set is exactly right; each missed or extra
holder gets one cause from :data:`CAUSES`, so a user sees what to fix first.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .holder_patterns import make_view
from .holder_position import OBJECT_PREPOSITIONS
from .holders import Attribution, HolderFinder, attribute_article
from .metrics import set_scores

if TYPE_CHECKING:
    from .analysis import Analyzer
    from .corpus import Article

CAUSES = ("pronoun", "running quotation", "title", "conduit", "missing verb", "gazetteer form",
          "subordinate clause", "other")
_PRONOUN = re.compile(r"\b(?:he|she|they|it)\b")
_SUBORDINATE = frozenset({"after", "when", "as", "while", "since", "before", "because", "if", "until", "once",
                          "though", "although", "whereas", "where", "whom", "whose", "unless"})


@dataclass(frozen=True)
class HolderError:
    """One missed (gold, not found) or extra (found, not gold) holder of a sentence."""

    sentence_id: str
    text: str
    actor: str
    kind: str   # "missed" or "extra"
    cause: str  # one of CAUSES

    def to_dict(self) -> dict:
        return {"id": self.sentence_id, "actor": self.actor, "kind": self.kind, "cause": self.cause,
                "text": self.text}


@dataclass(frozen=True)
class HolderReport:
    """Scores and the errors by cause, for metrics.json, the model card and the benchmark."""

    scores: dict
    errors: tuple[HolderError, ...]
    # sentence id -> (gold holders, predicted holders): to score a subset (a crisis split) again
    pairs: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict, compare=False)

    def subset_scores(self, ids: Iterable[str]) -> dict:
        """Precision / recall / F1 over the scored sentences among ``ids``."""
        kept = [i for i in ids if i in self.pairs]
        return set_scores([self.pairs[i][0] for i in kept], [self.pairs[i][1] for i in kept])

    def by_cause(self) -> dict[str, dict[str, int]]:
        """{cause: {"missed": n, "extra": n}} for every cause, in :data:`CAUSES` order."""
        counts = Counter((e.cause, e.kind) for e in self.errors)
        return {cause: {"missed": counts[(cause, "missed")], "extra": counts[(cause, "extra")]} for cause in CAUSES}

    def to_dict(self) -> dict:
        return {**self.scores, "errors_by_cause": self.by_cause()}


SPLITS = ("dev", "check", "all")


SEED_CRISIS = "seed_iraq_2020"  # the seed articles' crisis tag in the cross-crisis store


def pool_rows(rows: Sequence) -> list:
    """The rows of a cross-crisis store that come from the news pool: a crisis tag, not the seed's."""
    return [r for r in rows if r.field("crisis") and r.field("crisis") != SEED_CRISIS]


def split_by_crisis(rows: Sequence, split: str) -> list:
    """The annotated rows of one half of a multi-crisis set, so holder rules can be written on
    one half and checked on the other: "dev" holds the crisis tags at even positions (0, 2, ...)
    of the sorted list of tags, "check" the odd ones, "all" every row. Rows without a crisis
    tag belong to neither half."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r}: expected one of {', '.join(SPLITS)}")
    if split == "all":
        return list(rows)
    tags = sorted({r.field("crisis") for r in rows if r.field("crisis")})
    keep = {tag for i, tag in enumerate(tags) if i % 2 == (0 if split == "dev" else 1)}
    return [r for r in rows if r.field("crisis") in keep]


def _mentions_of(finder: HolderFinder, text: str, name: str) -> tuple[list, bool]:
    """The direct mentions of actor ``name`` in ``text`` and whether any stand outside quotations."""
    view = make_view(text)
    mentions = [m for m in finder.patterns.mentions(view) if m.actor is not None and m.actor.name == name]
    return mentions, any(not view.in_quote(m.start) for m in mentions)


def missed_cause(finder: HolderFinder, text: str, name: str) -> str:
    """Why a gold holder was not found (see :data:`CAUSES`)."""
    view = make_view(text)
    mentions, outside = _mentions_of(finder, text, name)
    actor = next((a for a in finder.actors if a.name == name), None)
    outside_low = view.outside_quotes()
    if outside:
        mention = next(m for m in mentions if not view.in_quote(m.start))
        before = re.findall(r"[\w']+", view.low[: mention.start])[-3:]
        if any(w in _SUBORDINATE for w in before) or (before and before[-1] in OBJECT_PREPOSITIONS):
            return "subordinate clause"
        if not finder.patterns.cues(view, finder.patterns.mentions(view)):
            return "missing verb"
        return "other"
    if actor is not None and finder.patterns.title_re is not None and any(
            m.group("name") in actor.titles for m in finder.patterns.title_re.finditer(outside_low)):
        return "title"
    if _PRONOUN.search(outside_low):
        return "pronoun"
    stripped = text.strip()
    if view.quoted or stripped.startswith(('"', "'", "``")) or stripped.endswith('"'):
        return "running quotation"
    if actor is not None and _loosely_named(actor.aliases, view.low):
        return "gazetteer form"
    return "other"


def _loosely_named(aliases: Iterable[str], low: str) -> bool:
    """Does the text name the actor in a form the gazetteer lacks (other case, a part of a
    longer alias, a different spelling of its last word)?"""
    for alias in aliases:
        words = [w for w in re.findall(r"[\w'-]+", alias.lower()) if len(w) >= 4]
        if words and re.search(r"\b" + re.escape(words[-1]) + r"\b", low):
            return True
    return False


def _name_words(name: str) -> set[str]:
    """The head word of a canonical name ("ministry" of "Iranian Foreign Ministry", "esper" of
    "Mark Esper"), which two names of one real actor tend to share."""
    words = re.findall(r"[\w'-]+", re.sub(r"\(.*?\)", "", name).lower())
    words = [w for w in words if w not in ("officials", "unnamed")]
    return {words[-1]} if words and len(words[-1]) >= 4 else set()


def extra_cause(name: str, reason: str, gold: Sequence[str]) -> str:
    """Why a holder was found that the annotation lacks, from how it was found: a gold
    holder sharing a name word with it means the gazetteer named the wrong actor."""
    how = reason.split()
    if any(_name_words(name) & _name_words(other) for other in gold):
        return "gazetteer form"
    if reason == "quotation":
        return "running quotation"
    if how[0] == "pronoun":
        return "pronoun"
    if how[0] == "title":
        return "title"
    if len(how) > 1 and how[1] in ("relayed",):
        return "conduit"
    if len(how) > 2 and how[2] in _SPEECH_LEMMAS:
        return "conduit"  # a source of speech the annotators did not count: it relayed
    return "other"


_SPEECH_LEMMAS = frozenset({"say", "tell", "report", "add", "according to", "state", "note", "confirm", "announce",
                            "claim", "tell reporters", "write", "explain", "describe", "post", "tweet"})


def score_attributions(gold: Mapping[str, Sequence[str]], predicted: Mapping[str, Attribution],
                       texts: Mapping[str, str], finder: HolderFinder) -> HolderReport:
    """Scores over the sentences in ``gold`` that were predicted, and their errors by cause."""
    ids = [i for i in gold if i in predicted]
    scores = set_scores([gold[i] for i in ids], [predicted[i].holders for i in ids])
    errors: list[HolderError] = []
    for i in ids:
        attribution, expected = predicted[i], set(gold[i])
        for name in gold[i]:
            if name not in attribution.holders:
                errors.append(HolderError(i, texts[i], name, "missed", missed_cause(finder, texts[i], name)))
        for name, reason in zip(attribution.holders, attribution.reasons):
            if name not in expected:
                errors.append(HolderError(i, texts[i], name, "extra", extra_cause(name, reason, gold[i])))
    pairs = {i: (tuple(gold[i]), tuple(predicted[i].holders)) for i in ids}
    return HolderReport(scores, tuple(errors), pairs)


def evaluate_holders(articles: Iterable["Article"], analyzer: "Analyzer",
                     gold: Mapping[str, Sequence[str]]) -> HolderReport | None:
    """Holder scores on the annotated sentences of ``articles`` (None when none is found)."""
    from .analysis import paragraph_starts

    if analyzer.finder is None:
        raise ValueError("holder scoring needs an analyzer with a gazetteer")
    predicted: dict[str, Attribution] = {}
    texts: dict[str, str] = {}
    for article in articles:
        sentences = analyzer.sentences(article)
        if not any(s.id in gold for s in sentences):
            continue
        attributions = attribute_article([s.text for s in sentences], analyzer.finder,
                                         paragraph_starts(article.text, sentences))
        for sentence, attribution in zip(sentences, attributions):
            if sentence.id in gold:
                predicted[sentence.id], texts[sentence.id] = attribution, sentence.text
    if not predicted:
        return None
    return score_attributions(gold, predicted, texts, analyzer.finder)

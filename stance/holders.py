"""Stance holders: who, in a sentence, is reported as taking a position (SPEC section 3).

A mention of an actor counts as a holder only in a holder's position: the subject of a
speech or stance cue ("Pompeo and O'Brien have been pushing for ..."), the agent after
"by" / "according to", or the speaker after an inverted "said". Title references ("the
commander") and sentence-initial pronouns resolve to the nearest fitting actor earlier in
the same article. Capitalised speakers the gazetteer lacks come back as candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .gazetteer import Actor

# A preposition right before a mention makes it an object ("against Iran"), not a holder.
_OBJECT_PREPOSITIONS = {
    "against", "on", "toward", "towards", "with", "of", "to", "from", "at", "for", "in", "into",
    "over", "about", "between", "like", "than", "upon", "via", "after", "before", "behind",
    "through", "across", "within", "inside", "near", "under", "amid", "despite", "beyond",
}
_DETERMINERS = {"a", "an", "the", "its", "their", "his", "her", "our"}
_PASSIVE = {"been", "was", "were", "is", "are", "be", "being"}
# "A spokesman for the NSC declined", "Some in the Pentagon ... are wary": the
# organisation after these words speaks, although a preposition precedes it.
_MEMBER_OF = re.compile(r"(?:spokes(?:man|woman|person)|representative|official|officials) for(?: the)?$"
                        r"|(?:some|those|many|others|officials) in(?: the)?$")
_GROUP_WITH_MEMBERS = re.compile(r",?\s+including\b")
_COORDINATION = re.compile(r"\s*,?\s*(?:and|&)\s+(?:the\s+)?", re.I)
_INVERTED = {"said", "added", "noted", "wrote", "says"}
_SPEECH = {"said", "says", "say", "told", "tells", "wrote", "noted", "notes", "added", "informed",
           "warned", "threatened", "stressed", "tweeted", "said in a statement"}
_PRONOUNS = {"He": "person", "She": "person", "They": "organization"}
_TOKEN = re.compile(r"\S+")
_NAME = r"[A-Z][a-z]+(?:[-'][A-Za-z]+)?(?:\s(?:al-|bin\s|de\s|van\s)?[A-Z][a-z]+(?:[-'][A-Za-z]+)?){1,3}"


def _quoted_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans between pairs of straight double quotes (cleaning normalised curly ones)."""
    marks = [i for i, ch in enumerate(sentence) if ch == '"']
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


@dataclass(frozen=True)
class Attribution:
    """The holders a sentence attributes a position to, plus unknown speakers."""

    holders: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cues:
    """Words that mark a position being reported, and how far they reach."""

    verbs: tuple[str, ...]
    window: int = 20
    resolve_pronouns: bool = True
    resolve_titles: bool = True
    report_candidates: bool = True


@dataclass(frozen=True)
class _Mention:
    actor: Actor
    start: int
    end: int
    direct: bool = True  # False for a title or pronoun back-reference


@dataclass
class HolderFinder:
    """Finds holders sentence by sentence through one article (it keeps the article's
    recent mentions for back-references; call :meth:`new_article` between articles)."""

    actors: Sequence[Actor]
    cues: Cues
    _last_seen: dict[str, int] = field(default_factory=dict, init=False)
    _position: int = field(default=0, init=False)
    _last_holders: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        by_alias = {alias: actor for actor in self.actors for alias in actor.aliases}
        ordered = sorted(by_alias, key=len, reverse=True)
        self._by_alias = by_alias
        self._alias_re = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w-])(?!'?\s[A-Z][a-z])"
        ) if ordered else None
        titles = {t: None for actor in self.actors for t in actor.titles}
        self._title_re = re.compile(
            r"\b[Tt]he (" + "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)) + r")\b", re.I
        ) if titles else None
        verbs = sorted(self.cues.verbs, key=len, reverse=True)
        self._cue_re = re.compile(r"\b(" + "|".join(re.escape(v) for v in verbs) + r")\b", re.I)
        speech = r"(?:said|says|told|wrote|noted|notes|stressed|warned|argued|tweeted|added)"
        self._candidate_res = [
            re.compile(rf"\b{speech},?\s+(?P<name>{_NAME})"),
            re.compile(rf"(?P<name>{_NAME}),?\s+(?:[^,.;]{{0,80}},\s+)?{speech}\b"),
            re.compile(rf"\baccording to (?P<name>{_NAME})"),
        ]

    def new_article(self) -> None:
        """Forget back-reference history: titles and pronouns never cross articles."""
        self._last_seen.clear()
        self._position = 0
        self._last_holders = ()

    @staticmethod
    def _continues_quote(sentence: str, cue_spans: list[tuple[int, int]]) -> bool:
        """A sentence that is all quotation with no cue outside it (the speaker's next
        sentence: '"We will hold them accountable."') keeps the previous speaker."""
        stripped = sentence.strip()
        if not stripped.startswith('"'):
            return False
        quoted = _quoted_spans(stripped)
        outside = stripped
        for start, end in reversed(quoted):
            outside = outside[:start] + outside[end + 1:]
        return not re.search(r"\w", outside) or (not quoted and not cue_spans)

    def _nearest(self, test) -> Actor | None:
        best = None
        for actor in self.actors:
            seen = self._last_seen.get(actor.name)
            if seen is not None and test(actor) and (best is None or seen > self._last_seen[best.name]):
                best = actor
        return best

    def _mentions(self, sentence: str) -> list[_Mention]:
        mentions: list[_Mention] = []
        if self._alias_re:
            for m in self._alias_re.finditer(sentence):
                mentions.append(_Mention(self._by_alias[m.group(1)], m.start(), m.end()))
        taken = [(m.start, m.end) for m in mentions]
        if self.cues.resolve_titles and self._title_re:
            for m in self._title_re.finditer(sentence):
                if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
                    continue
                title = m.group(1).lower()
                actor = self._nearest(lambda a: title in a.titles)
                if actor:
                    mentions.append(_Mention(actor, m.start(), m.end(), direct=False))
        if self.cues.resolve_pronouns:
            first = sentence.split(maxsplit=1)[0] if sentence.strip() else ""
            kind = _PRONOUNS.get(first)
            if kind:
                actor = self._nearest(lambda a: a.kind == kind)
                if actor:
                    start = sentence.index(first)
                    mentions.append(_Mention(actor, start, start + len(first), direct=False))
        return sorted(mentions, key=lambda m: m.start)

    def _is_holder(self, sentence: str, mention: _Mention, cue_spans: list[tuple[int, int]],
                   holder_ends: list[int]) -> bool:
        """Is this mention in a holder's position relative to some cue? (see module doc)"""
        if any(qs < mention.start < qe for qs, qe in _quoted_spans(sentence)):
            return False  # a name inside a quotation is what a speaker talks about
        if sentence[mention.end : mention.end + 2] in ("'s", "' "):
            return False  # possessive: "General White's memo" -- the memo is the subject
        if _GROUP_WITH_MEMBERS.match(sentence, mention.end):
            return False  # "senior officials, including Pompeo and O'Brien": the members hold it
        prefix = sentence[: mention.start].lower().rstrip()
        words = [w.strip(",;:") for w in prefix.split()]
        if prefix.endswith("according to"):
            return True
        if _MEMBER_OF.search(prefix):
            return any(cs >= mention.end and len(_TOKEN.findall(sentence[mention.end:cs])) <= self.cues.window
                       for cs, _ in cue_spans)
        if words and words[-1] == "by":  # agent of a cue: "were pushed by Pompeo", "ordered, by Pompeo"
            return len(words) > 1 and any(prefix[: -2].rstrip(" ,").endswith(sentence[cs:ce].lower()) for cs, ce in cue_spans)
        if any(_COORDINATION.fullmatch(sentence[end : mention.start]) for end in holder_ends if end <= mention.start):
            return True  # coordinated with a holder: "by Pompeo and the National Security Council"
        previous = words[-1] if words else ""
        if previous in _DETERMINERS and len(words) > 1:
            previous = words[-2]
        if previous in _OBJECT_PREPOSITIONS:
            return False
        after_earlier_cue = any(ce <= mention.start for _, ce in cue_spans)
        for cs, ce in cue_spans:
            cue = sentence[cs:ce].lower()
            if ce <= mention.start:
                # inverted speech order: "... ," said Michael Knights
                if cue in _INVERTED and not sentence[ce : mention.start].strip(" ,") \
                        and sentence[:cs].rstrip().endswith((",", '"')):
                    return True
                continue
            gap = _TOKEN.findall(sentence[mention.end : cs])
            if gap and gap[-1].lower() in _PASSIVE and cue.endswith("ed"):
                continue  # "the Pentagon had been ordered" -- ordered, not ordering
            if after_earlier_cue:
                # inside a reported clause only the cue's own subject counts:
                # "US officials said Esper authorized", "as Trump said"
                if len(gap) <= (2 if cue in _SPEECH else 1):
                    return True
                continue
            if len(gap) <= self.cues.window:
                return True
        return False

    def attribute(self, sentence: str) -> Attribution:
        """Holders (canonical names, in order of appearance) and candidate speakers."""
        cue_spans = [m.span() for m in self._cue_re.finditer(sentence)]
        mentions = self._mentions(sentence)
        holders: list[str] = []
        holder_ends: list[int] = []
        if cue_spans:
            for mention in mentions:
                if self._is_holder(sentence, mention, cue_spans, holder_ends):
                    holder_ends.append(mention.end)
                    if mention.actor.name not in holders:
                        holders.append(mention.actor.name)
        candidates: list[str] = []
        if self.cues.report_candidates and cue_spans:
            covered = [(m.start, m.end) for m in mentions]
            for pattern in self._candidate_res:
                for m in pattern.finditer(sentence):
                    s, e = m.span("name")
                    name = m.group("name")
                    if any(cs < e and s < ce for cs, ce in covered) or name in candidates \
                            or sentence[:s].endswith(("the ", "The ")):
                        continue
                    candidates.append(name)
        if not holders and self._continues_quote(sentence, cue_spans):
            holders = list(self._last_holders)
        self._last_holders = tuple(holders) if cue_spans or holders else ()
        self._position += 1
        for mention in mentions:
            self._last_seen[mention.actor.name] = self._position * 10_000 + mention.start
        return Attribution(tuple(holders), tuple(candidates))


def attribute_article(sentences: Iterable[str], finder: HolderFinder) -> list[Attribution]:
    """Holders for each sentence of one article, in order."""
    finder.new_article()
    return [finder.attribute(sentence) for sentence in sentences]

"""What holder attribution looks for in a sentence, compiled once per gazetteer and cue list.

:class:`Patterns` finds the pieces :mod:`stance.holder_position` reasons about: actor
mentions (aliases, accent-folded; case-blind in all-capitals wire copy), title references
("the general", "the four-term congressman", "the Russian foreign ministry" with the side its
adjective names), unnamed sources named by their side ("Israeli government sources" -> the
gazetteer's "Israeli officials (unnamed)"), subject pronouns, and cues (every inflection
of the configured reporting verbs plus non-verb cues such as "according to"), each with one
compiled pattern over the accent-folded, lower-cased sentence: no loop over actors or cues
per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .gazetteer import Actor, fold_accents
from .verbs import inflect, trie_pattern

_DETERMINERS = frozenset({"a", "an", "the", "its", "his", "her", "their", "our", "my", "your", "this", "that",
                          "these", "those", "any", "no", "such", "every", "each", "another", "whose"})
_PRONOUNS = {"he": "male", "she": "female", "they": "plural", "it": "organization"}
_PRONOUN_RE = re.compile(r"\b(?:he|she|they|it)\b")
_MODIFIERS = r"(?:[a-z0-9][\w'.-]*\s){0,2}?"


@dataclass(frozen=True)
class Mention:
    """A reference to an actor in a sentence: an alias (``how="alias"``), a title or a pronoun
    (resolved later from the article's memory, so ``actor`` may be None until then)."""

    start: int
    end: int
    how: str
    actor: Actor | None = None
    title: str = ""
    pronoun: str = ""
    owner: str = ""  # "iran" in "Iran's foreign minister"
    modifier: str = ""  # "russian" in "the Russian foreign ministry"
    named_modifier: bool = False  # the modifier holds an actor's name ("the U.S. government")

    def resolved(self, actor: Actor | None) -> "Mention":
        return Mention(self.start, self.end, self.how, actor, self.title, self.pronoun, self.owner, self.modifier,
                       self.named_modifier)


@dataclass(frozen=True)
class Cue:
    """A cue word or phrase in a sentence and the lemma it is a form of."""

    start: int
    end: int
    lemma: str
    form: str
    speech: bool = False   # a verb of saying (``actors.speech_verbs``): its source relays a clause
    inverts: bool = False  # may stand before its subject (``actors.inverted_verbs``): '"...," said X'

    @property
    def participle(self) -> bool:
        return self.form.endswith("ing")


@dataclass(frozen=True)
class View:
    """A sentence as the rules see it: the text, its accent-folded lower-case twin (same
    offsets), whether it is all capitals, and the spans inside quotation marks."""

    text: str
    low: str
    shouting: bool
    quoted: tuple[tuple[int, int], ...]
    opens_inside: bool  # the sentence starts inside a quotation opened before it
    open_at_end: bool   # a quotation is still open where the sentence ends
    title_case: bool = False  # a headline in Title Case: capitals do not mark names

    def in_quote(self, position: int) -> bool:
        """Is ``position`` inside a quotation? (A mention that starts at the opening mark is
        an alias written with its quotes, such as '"axis of resistance"'.)"""
        return any(start < position < end for start, end in self.quoted)

    def in_speech(self, position: int) -> bool:
        """Inside a quotation that is speech, not a name or phrase in scare quotes (up to
        four words: 'the "axis of resistance,"', 'an "act of war"')."""
        return any(start < position < end and len(self.low[start:end].split()) > 4 for start, end in self.quoted)

    def outside_quotes(self) -> str:
        """The text with quoted stretches blanked (offsets kept)."""
        chars = list(self.low)
        for start, end in self.quoted:
            chars[start:end] = " " * (end - start)
        return "".join(chars)


def lower_same_length(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower()[0] for c in text)


_CLOSING_MARK = re.compile(r"[\w,.!?]\"(?=\s|$|[,;:)])")


def quotation_spans(text: str, open_at_start: bool = False) -> tuple[list[tuple[int, int]], bool]:
    """Spans of ``text`` inside double quotation marks (straight quotes, or ``...'' in old wire
    copy), marks included; a quotation still open at the start or end runs to that edge.
    Returns the spans and whether a quotation is open at the end. A lone mark that can only
    close ('... bloodshed," Peskov said.') means the sentence starts inside a quotation."""
    marks = [(m.start(), m.end(), m.group()) for m in re.finditer(r"``|''|\"", text)]
    spans: list[tuple[int, int]] = []
    straight = [m for m in marks if m[2] == '"']
    if not open_at_start and len(straight) % 2 and _CLOSING_MARK.match(text, straight[0][0] - 1):
        open_at_start = True
    inside, start = open_at_start, -1
    for mark_start, mark_end, mark in marks:
        opening = mark == "``" or (mark == '"' and not inside)
        if mark == "''" and not inside:
            continue  # an apostrophe pair outside a quotation: not a closing mark
        if opening and not inside:
            inside, start = True, mark_start
        elif not opening and inside:
            spans.append((start, mark_end))
            inside = False
    if inside:
        spans.append((start, len(text)))
    return spans, inside


_NOUN_SUBJECT = re.compile(r"\s+(?:is|are|was|were|do|does|did|have|has|had|could|can|will|would|may|might|must|"
                           r"should|remain|remains|appear|appears|seem|seems)\b")
# verbs whose forms are also nouns ("the ISIS claims do not ..."; but "X says is" stays a verb)
_ALSO_NOUNS = frozenset({"claim", "report", "charge", "plan", "order", "demand", "call", "comment", "question",
                         "protest", "appeal", "offer", "request", "post", "issue", "support", "pledge", "promise",
                         "vow", "signal", "counter", "lobby", "release", "statement", "tweet"})
_NOUN_OBJECT = re.compile(r"\s+(?:to|for|on|of|from|against)\b")
_NAME_GOES_ON = re.compile(r"'?\s[A-Z][a-z]")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_LONG_WORD = re.compile(r"(?<!\S)[A-Za-z][\w'-]{3,}")


def make_view(text: str, open_at_start: bool = False) -> View:
    """The :class:`View` of ``text``; ``open_at_start`` when a quotation runs into it."""
    folded = fold_accents(text)
    low = lower_same_length(folded)
    upper, lower = len(_UPPER.findall(folded)), len(_LOWER.findall(folded))
    shouting = upper + lower >= 12 and upper >= 0.9 * (upper + lower)
    spans, open_at_end = quotation_spans(text, open_at_start)
    words = _LONG_WORD.findall(folded)
    title_case = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
    return View(text, low, shouting, tuple(spans), open_at_start, open_at_end, title_case)




class Patterns:
    """Mention and cue finders for one gazetteer and one cue list."""

    def __init__(self, actors: Sequence[Actor], reporting_verbs: Iterable[str], phrases: Iterable[str],
                 speech_verbs: Iterable[str] = (), inverted_verbs: Iterable[str] = ()):
        self.actors = list(actors)
        self.speech = frozenset(" ".join(v.lower().split()) for v in speech_verbs)
        self.inverting = frozenset(" ".join(v.lower().split()) for v in inverted_verbs)
        self.by_alias: dict[str, Actor] = {}
        self.by_alias_caseless: dict[str, Actor] = {}
        ambiguous: set[str] = set()
        for actor in self.actors:
            for alias in actor.aliases:
                folded = fold_accents(alias)
                self.by_alias.setdefault(folded, actor)
                caseless = folded.lower()
                if self.by_alias_caseless.setdefault(caseless, actor) is not actor:
                    ambiguous.add(caseless)
        for caseless in ambiguous:  # "ARMY" in capitals could be either army: name neither
            del self.by_alias_caseless[caseless]
        edge = r"(?<![\w-])({})(?![\w-])"
        self.alias_re = re.compile(edge.format(trie_pattern(self.by_alias))) if self.by_alias else None
        self.alias_caseless_re = (re.compile(edge.format(trie_pattern(self.by_alias_caseless)), re.I)
                                  if self.by_alias_caseless else None)
        self.by_title: dict[str, list[Actor]] = {}
        for actor in self.actors:
            for title in actor.titles:
                self.by_title.setdefault(fold_accents(title), []).append(actor)
        self.title_re = re.compile(
            rf"\b(?:the|its|his|her|their|(?P<owner>[a-z.]+)'s)\s(?P<title>{_MODIFIERS}(?P<name>"
            rf"{trie_pattern(self.by_title)}))\b"
        ) if self.by_title else None
        self.lemma_of: dict[str, str] = {}
        for lemma in reporting_verbs:
            for form in inflect(lemma):
                self.lemma_of.setdefault(form, lemma.strip().lower())
        for phrase in phrases:
            key = " ".join(phrase.lower().split())
            if key:
                self.lemma_of.setdefault(key, key)
        self.cue_re = re.compile(r"\b(" + trie_pattern(self.lemma_of) + r")\b") if self.lemma_of else None
        self.by_side, self.unnamed_re = _unnamed_sources(self.actors)

    def mentions(self, view: View) -> list[Mention]:
        """Alias mentions, longest first at each place; a name that runs on into another
        capitalised word ("White House") is not the shorter alias."""
        pattern, table = (self.alias_caseless_re, self.by_alias_caseless) if view.shouting else \
            (self.alias_re, self.by_alias)
        if pattern is None:
            return []
        found = []
        folded = fold_accents(view.text)
        for match in pattern.finditer(folded):
            key = match.group(1).lower() if view.shouting else match.group(1)
            actor = table.get(key) or table.get(" ".join(key.split()))
            if actor is None:
                continue
            if not view.shouting and self.runs_on(view, match.end()):
                continue
            found.append(Mention(match.start(), match.end(), "alias", actor))
        if self.unnamed_re is not None and not view.shouting and \
                ("official" in view.low or "source" in view.low or "negotiators" in view.low):  # cheap test first
            found = self._unnamed(folded, found)
        return found

    def _unnamed(self, folded: str, found: list[Mention]) -> list[Mention]:
        """Unnamed sources named by their side ("Israeli government sources", "a senior
        Palestinian official"): the side's "<adjective> officials (unnamed)" actor, in place
        of whatever shorter alias ("officials", "Israeli") the phrase holds."""
        for match in self.unnamed_re.finditer(folded):
            actor = self.by_side[match.group("side")]
            start, end = match.span()
            found = [m for m in found if m.end <= start or m.start >= end]
            found.append(Mention(start, end, "alias", actor))
        return sorted(found, key=lambda m: m.start)

    def runs_on(self, view: View, end: int) -> bool:
        # mid-sentence, a capitalised word right after a name continues it ("White House",
        # "Washington Post"); verbs are capitalised only in Title Case headlines
        return bool(_NAME_GOES_ON.match(view.text, end)) and not view.title_case

    def titles(self, view: View, taken: Sequence[Mention]) -> list[Mention]:
        """Title references not inside an alias mention: "the general", "the four-term congressman"."""
        if self.title_re is None:
            return []
        found = []
        for match in self.title_re.finditer(view.low):
            start, end = match.span("title")
            if any(m.start < end and match.start("name") < m.end for m in taken):
                continue
            name = match.group("name")
            # a name among the modifiers ("the Russian foreign ministry", "the U.S. government"):
            # the title counts only where that name's side has such a title (holders.py)
            named = any(m.start < match.start("name") and start < m.end for m in taken)
            found.append(Mention(match.start(), end, "title", title=name, owner=match.group("owner") or "",
                                 modifier=match.group("title")[: -len(name)].strip(), named_modifier=named))
        return found

    def pronouns(self, view: View) -> list[Mention]:
        return [Mention(m.start(), m.end(), "pronoun", pronoun=m.group()) for m in _PRONOUN_RE.finditer(view.low)]

    def cues(self, view: View, mentions: Sequence[Mention]) -> list[Cue]:
        """Cues outside quotations and outside mentions ("Islamic State" holds no "state"),
        and verbs, not nouns: a form after a determiner ("the order", "his claims") is skipped."""
        if self.cue_re is None:
            return []
        found = []
        for match in self.cue_re.finditer(view.low):
            start, end = match.span()
            if view.in_quote(start) or any(m.start < end and start < m.end for m in mentions):
                continue
            previous = view.low[max(0, start - 40) : start].split()[-1:]
            form = " ".join(match.group().split())
            lemma = self.lemma_of[form]
            if previous and " " not in lemma and (previous[0] in _DETERMINERS or previous[0].endswith("'s")):
                continue
            if view.text[start].isupper() and previous and not view.shouting and not view.title_case \
                    and previous[0][-1:].isalnum():
                continue  # part of a name: "United States", "Secretary of State"
            if lemma in _ALSO_NOUNS and _NOUN_SUBJECT.match(view.low, end):
                continue  # a noun that is itself the subject: "the ISIS claims do not make clear"
            if view.title_case and form == lemma and lemma in _ALSO_NOUNS and _NOUN_OBJECT.match(view.low, end):
                continue  # a headline's noun: "DoD Order to Plan for Escalation" (its verb would be "Orders")
            found.append(Cue(start, end, lemma, form, lemma in self.speech, lemma in self.inverting))
        return found


_UNNAMED_NAME = re.compile(r"^(?P<side>.+?) officials \(unnamed\)$")
_UNNAMED_ALIAS = re.compile(r"^(?:(?:an?|one|two|three|several|some|other|senior|top)\s+)*(?P<side>[A-Z][\w.'-]*)"
                            r"\s+officials?$")
# words that may stand between a side and "official(s)"/"source(s)": "Israeli government sources"
_SOURCE_WORDS = (r"(?:(?:senior|top|government|military|security|defen[cs]e|intelligence|administration|army|"
                 r"foreign|ministry|state|police|border|diplomatic|regional|local|provincial|former)\s+){0,3}")


def _unnamed_sources(actors: Sequence[Actor]) -> tuple[dict[str, Actor], re.Pattern | None]:
    """The sides of the gazetteer's "<adjective> officials (unnamed)" actors, by each adjective
    their names and aliases use ("Israeli"; "US", "U.S.", "American"), and one pattern for a
    phrase naming such a source: side, role words, "official(s)" or "source(s)"."""
    by_side: dict[str, Actor] = {}
    for actor in actors:
        name = _UNNAMED_NAME.match(actor.name)
        if not name or not name.group("side")[:1].isupper():
            continue
        lower = {alias.split()[0] for alias in actor.aliases if alias[:1].islower()}
        sides = [name.group("side")] + [m.group("side") for m in map(_UNNAMED_ALIAS.match, actor.aliases)
                                        if m and m.group("side").lower() not in lower]  # not "Senior officials"
        for side in sides:
            by_side.setdefault(fold_accents(side), actor)
    if not by_side:
        return by_side, None
    pattern = re.compile(rf"(?<![\w.-])(?P<side>{trie_pattern(by_side)})\s+{_SOURCE_WORDS}"
                         rf"(?:officials?|sources?|negotiators)(?![\w-])(?!,?\s+[A-Z])")  # not "official Saeb Erekat"
    return by_side, pattern


def pronoun_fits(pronoun: str, actor: Actor) -> bool:
    """Can ``pronoun`` mean ``actor``? he/she: a person of that gender (or of none recorded);
    it: an organisation; they: anyone (a group, or several speakers)."""
    want = _PRONOUNS[pronoun]
    if want in GENDERED:
        return actor.kind == "person" and actor.gender in ("", want)
    return actor.kind == "organization"  # "it" says, "they" (a group) say


GENDERED = ("male", "female")

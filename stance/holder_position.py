"""The position rule: which mentions of a sentence hold the position it reports (SPEC 3).

A pure function of one sentence's :class:`~stance.holder_patterns.View`, its resolved
mentions and its cues; the article's memory (pronouns, running quotations) lives in
:mod:`stance.holders`. A mention holds when it stands where a holder stands:

- the subject of a cue: before it, separated only by an apposition or relative clause
  between commas, auxiliaries, adverbs and time phrases ("Iran has repeatedly warned",
  "Esper, who took office in July, said", '"...," he said');
- after an inverted speech verb ('"...," said Navy Capt. H.B. Le'), after "according to",
  after "by" following a cue ("were pushed by Pompeo"), or as the organisation of "a
  spokesman for" / "some in";
- coordinated with a holder ("Pompeo and O'Brien have been pushing").

Not where an object, a possessive or a modifier stands ("against Iran", "Trump's plan",
"the Trump administration's"), nor inside a quotation. A source whose speech verb only
relays another holder's position ("the Pentagon ordered X, officials said"; "the White
House said Obama reiterated ...") is a conduit and is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .holder_patterns import INVERTING, Cue, Mention, View

# A preposition right before a mention makes it an object ("against Iran"), not a holder.
OBJECT_PREPOSITIONS = frozenset({
    "against", "on", "toward", "towards", "with", "of", "to", "from", "at", "for", "in", "into", "over", "about",
    "between", "like", "than", "upon", "via", "after", "before", "behind", "through", "across", "within", "inside",
    "near", "under", "amid", "despite", "beyond", "among", "including", "without", "told", "urged", "asked",
    "by", "per",
})
# "no evidence that Iran ordered the attack": a clause that completes a noun reports no one's position.
_NOUN_THAT = re.compile(r"\b(?:evidence|reports?|claims?|signs?|indications?|fears?|concerns?|suspicions?|"
                        r"possibility|news|rumou?rs?|fact|idea|beliefs?|assessments?|allegations?|doubts?|"
                        r"suggestions?|speculation|hopes?|worries|warnings?|threats?|accusations?)\s+that\s*$")
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our"})
# Words that may stand between a subject and its verb without starting a clause of their own.
_BETWEEN = frozenset({
    "has", "have", "had", "is", "are", "was", "were", "be", "been", "being", "will", "would", "shall", "should",
    "can", "could", "may", "might", "must", "do", "does", "did", "not", "n't", "never", "also", "again", "too",
    "then", "now", "still", "already", "even", "only", "just", "long", "later", "earlier", "first", "once", "and",
    "or", "both", "all", "soon", "so", "yet", "today", "yesterday", "tonight", "on", "last", "this", "that", "next",
    "week", "month", "year", "weekend", "morning", "afternoon", "evening", "night", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "in", "a", "an", "the", "statement", "interview",
    "tweet", "post", "speech", "letter", "message", "report", "press", "conference", "briefing", "television",
    "televised", "address", "written", "joint", "separate", "radio", "video", "at", "during", "its", "his", "her",
    "their", "own", "meanwhile", "however", "instead", "however,", "officials", "<m>", "have", "who", "which",
    "reportedly", "repeatedly", "publicly", "privately", "previously", "recently", "strongly", "to", "yet",
    "recent", "days", "weeks", "months", "years", "past", "early", "late", "ago", "two", "three", "several",
})
_AUXILIARIES = frozenset({"has", "have", "had", "is", "are", "was", "were", "will", "would", "should", "can",
                          "could", "may", "might", "must", "do", "does", "did"})
_PASSIVE = frozenset({"been", "was", "were", "is", "are", "be", "being", "get", "got"})
_MEMBER_OF = re.compile(r"(?:spokes(?:man|woman|person)|representative|official|officials|statement|envoy|"
                        r"ambassador|minister|leader|leaders|commander|member|members|source|sources) "
                        r"(?:for|from|of)(?: the)?$|(?:some|those|many|others|officials) in(?: the)?$")
_GROUP_WITH_MEMBERS = re.compile(r",?\s+including\b")
_COORDINATION = re.compile(r"\s*,?\s*(?:and|&)\s+(?:the\s+)?", re.I)
_CLAUSE_START = re.compile(r"(?:^|[,\"':;(]|''|--|—)\s*$")
_WORD = re.compile(r"[\w'.-]+|<m>")
_SUBJECT_GAP = 6  # words of a subject's gap outside commas: "and O'Brien have been" -> 4


@dataclass(frozen=True)
class Hold:
    """A holder mention, the cue it holds through (None when coordinated) and how."""

    mention: Mention
    cue: Cue | None
    how: str  # "subject", "inverted", "according", "agent", "member", "participle", "coordinated"


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _blank_mentions(view: View, mentions: Sequence[Mention], start: int, end: int) -> str:
    """The low text of [start, end) with each mention replaced by a placeholder word."""
    out, at = [], start
    for m in mentions:
        if m.start >= start and m.end <= end:
            out.append(view.low[at:m.start])
            out.append(" <m> ")
            at = m.end
    out.append(view.low[at:end])
    return "".join(out)


def is_object(view: View, mention: Mention) -> bool:
    """A mention right after a preposition (skipping a determiner) is an object: "against
    Iran". Punctuation between breaks the link: '... dealt with," he said'."""
    prefix = view.low[: mention.start]
    match = re.search(r"([\w'.-]+)\s+(?:(?:the|a|an|its|their|his|her|our)\s+)?$", prefix)
    return bool(match) and match.group(1) in OBJECT_PREPOSITIONS


def is_modifier(view: View, mention: Mention) -> bool:
    """A possessive ("Trump's plan") or a noun modifier ("the Trump administration", "US
    officials", "Iranian state media") names whose something is, not who holds a position."""
    after = view.text[mention.end : mention.end + 3]
    if after.startswith(("'s", "’s")) or after.startswith("' "):
        return True
    if mention.how == "pronoun":
        return False
    following = re.match(r"\s+([a-z][a-z-]+)", view.low[mention.end :])
    if not following or view.text[mention.end + 1 : mention.end + 2].isupper() and not view.shouting:
        return False
    word = following.group(1)
    if word in _ROLE_NOUNS:
        return True
    before = view.low[: mention.start].rstrip()
    return (before.endswith((" the", " a", " an")) or before in ("the", "a", "an")) and word in _MODIFIED


_ROLE_NOUNS = frozenset({
    "ambassador", "envoy", "official", "officials", "officer", "officers", "minister", "ministry", "spokesman",
    "spokeswoman", "spokesperson", "spokesmen", "leader", "leaders", "commander", "commanders", "forces", "troops",
    "soldiers", "government", "administration", "embassy", "diplomat", "diplomats", "sources", "source",
    "authorities", "lawmakers", "senator", "negotiator", "negotiators", "delegation", "media", "television",
    "agency", "intelligence", "police", "counterpart", "counterparts", "allies", "fighters", "militants",
    "rebels", "supporters", "chief", "secretary", "adviser", "advisers", "aide", "aides", "president",
    "regime", "army", "navy", "military", "warplanes", "jets", "drones", "strikes", "airstrikes", "missiles",
    "officials'", "analysts", "experts", "members", "member", "representatives", "representative", "statement",
    "campaign", "plan", "policy", "team", "era", "doctrine", "strategy", "decision", "deal", "visit", "trip",
    "residents", "citizens", "nationals", "personnel", "staff", "units", "unit", "vessels", "ships", "ship",
    "authority", "state", "news", "press", "radio", "newspaper",
})
_MODIFIED = frozenset({"order", "call", "approach", "supporters"})


def _subject_gap_ok(view: View, mentions: Sequence[Mention], mention: Mention, cue: Cue, window: int) -> bool:
    """Is the text between ``mention`` and ``cue`` what may stand between a subject and its verb?"""
    gap = view.low[mention.end : cue.start]
    if len(_words(gap)) > window:
        return False
    gap = re.sub(r"\([^)]*\)|\s(?:--|—|–)\s.*?\s(?:--|—|–)\s", " ", gap)
    if gap.lstrip().startswith(","):
        last = gap.rfind(",")
        rest = gap[last + 1 :]
        if '"' in gap[:last] or ";" in gap[:last]:
            return False
        gap = rest
    words = _words(_blank_mentions(view, mentions, cue.start - len(gap), cue.start))
    if words[:1] == ["and"] and len(words) > 1 and words[1] != "<m>":
        # a coordinated group: "Pompeo and other top officials in recent weeks have called for"
        rest = next((i for i, w in enumerate(words[1:], 1) if w in _AUXILIARIES), None)
        if rest is None or rest > 6:
            return False
        words = words[rest:]
    if len(words) > _SUBJECT_GAP or any(ch in gap for ch in ';:"'):
        return False
    if words and words[-1] in _PASSIVE and cue.form.endswith(("ed", "en", "wn", "ld", "id")):
        return False  # "the Pentagon had been ordered": ordered, not ordering
    return all(w in _BETWEEN or w.endswith("ly") for w in words)


def _inverted(view: View, mention: Mention, cue: Cue, mentions: Sequence[Mention]) -> bool:
    """'"...," said Michael Knights': a speech verb at a clause's start, then its speaker
    (titles and honorifics may stand between: "said Navy Capt. H.B. Le", "said the spokesman, X")."""
    if cue.lemma not in INVERTING or cue.participle or not _CLAUSE_START.search(view.low[: cue.start]):
        return False
    if any(cue.end <= m.start < mention.start for m in mentions):
        return False
    words = _words(view.low[cue.end : mention.start])
    return len(words) <= 6 and not any(w in OBJECT_PREPOSITIONS or w in _NOT_BETWEEN for w in words) \
        and not re.search(r"[;:\"]", view.text[cue.end : mention.start])


_NOT_BETWEEN = frozenset({"that", "he", "she", "they", "it", "we", "i", "you", "there", "this", "these", "those"})


def _according(view: View, mention: Mention, cue: Cue, mentions: Sequence[Mention]) -> bool:
    """ "according to X", "according to a statement from X"."""
    if cue.lemma != "according to" or cue.end > mention.start:
        return False
    if any(cue.end <= m.start < mention.start for m in mentions):
        return False
    words = _words(view.low[cue.end : mention.start])
    return not words or words in (["the"], ["a"]) or (len(words) <= 6 and words[-1] in ("from", "by", "of", "for"))


def position_holders(view: View, mentions: Sequence[Mention], cues: Sequence[Cue], window: int) -> list[Hold]:
    """The holder mentions of one sentence (mentions resolved; see the module doc)."""
    if not cues:
        return []
    eligible = [m for m in mentions if m.actor is not None and not view.in_speech(m.start)
                and not is_modifier(view, m) and not _GROUP_WITH_MEMBERS.match(view.text, m.end)
                and not _NOUN_THAT.search(view.low[: m.start])]
    first_subject = next((m for m in eligible if not is_object(view, m)), None)
    holds = [h for h in (_hold(view, mentions, m, cues, window, first_subject) for m in eligible) if h]
    # a speech verb standing before its speaker, when no subject before it holds it
    taken = {id(h.cue) for h in holds}
    for mention in eligible:
        if any(h.mention is mention for h in holds):
            continue
        cue = next((c for c in cues if c.end <= mention.start and id(c) not in taken
                    and _inverted(view, mention, c, mentions)), None)
        if cue is not None:
            holds.append(Hold(mention, cue, "inverted"))
            taken.add(id(cue))
    # coordination both ways: "by Pompeo and the National Security Council", "X and Y said"
    changed = True
    while changed:
        changed = False
        for mention in eligible:
            if any(h.mention is mention for h in holds):
                continue
            for hold in list(holds):
                left, right = (hold.mention, mention) if hold.mention.end <= mention.start else (mention, hold.mention)
                if _COORDINATION.fullmatch(view.text[left.end : right.start]):
                    holds.append(Hold(mention, hold.cue, "coordinated"))
                    changed = True
                    break
    holds.sort(key=lambda h: h.mention.start)
    return _attributions(view, holds, eligible)


def _hold(view: View, mentions: Sequence[Mention], mention: Mention, cues: Sequence[Cue], window: int,
          first_subject: Mention | None) -> Hold | None:
    prefix = view.low[: mention.start].rstrip()
    words = _words(prefix)
    for cue in cues:
        if _according(view, mention, cue, mentions):
            return Hold(mention, cue, "according")
    if words and words[-1] == "by":
        before_by = prefix[:-2].rstrip(" ,")
        for cue in cues:
            if cue.end <= mention.start and before_by.endswith(view.low[cue.start : cue.end]):
                return Hold(mention, cue, "agent")
        return None
    if _MEMBER_OF.search(prefix):
        for cue in cues:
            if cue.start >= mention.end and len(_words(view.low[mention.end : cue.start])) <= window:
                return Hold(mention, cue, "member")
        return None
    if is_object(view, mention):
        return None
    for cue in cues:
        if cue.start < mention.end or cue.lemma == "according to":
            continue
        if _subject_gap_ok(view, mentions, mention, cue, window):
            return Hold(mention, cue, "subject")
        if cue.participle and mention is first_subject and _PARTICIPLE_AFTER.search(view.low[: cue.start]):
            return Hold(mention, cue, "participle")  # "Russia reacted angrily ..., calling for ..."
    return None


# "..., calling for", "put out statements urging", "released a video saying"
_PARTICIPLE_AFTER = re.compile(r"(?:,|\b(?:statements?|videos?|messages?|letters?|tweets?|posts?|communiques?))\s*$")
_CLAUSE_END = re.compile(r";|,\s+(?:and|but|while|whereas|although|though)\s|\.\s")


def _attributions(view: View, holds: list[Hold], eligible: Sequence[Mention]) -> list[Hold]:
    """Sources and conduits. A closing attribution (", officials said", "according to X",
    '," said X') relays its main clause: when another actor holds there ("The Pentagon
    ordered X, officials said"), the source is a conduit and is dropped. A source of speech
    whose clause only tells an event ("30 people were killed, the army said") relays a fact,
    no one's position: dropped too."""
    result = list(holds)
    for hold in holds:
        cue = hold.cue
        if cue is None or not cue.speech or hold.how == "coordinated" or hold not in result:
            continue
        actor = hold.mention.actor
        unquoted = view.outside_quotes()
        if not _closing(view, hold):
            end = _CLAUSE_END.search(view.low, cue.end)
            clause = unquoted[cue.end : end.start() if end else len(view.low)]
            inner = []
        else:
            start = min(hold.mention.start, cue.start)
            clause = unquoted[:start]
            inner = [h for h in result if h.mention.end <= start and h.mention.actor is not actor
                     and h.cue is not cue]
        if inner or (hold.how != "agent" and relays_fact(clause)):
            result = [h for h in result if h is not hold and not (h.how == "coordinated" and h.cue is cue)]
    result.sort(key=lambda h: h.mention.start)
    return result


_EVENT = re.compile(r"\b(?:killed|killing|wounded|wounding|injured|injuring|died|dead|fired|launched|landed|flew|"
                    r"hit|struck|attacked|exploded|detonated|shot|captured|seized|arrested|destroyed|crashed|"
                    r"downed|shelled|bombed|clashed|clashes|casualties|bodies|toll|evacuated|tracked|test-fired|"
                    r"kidnapped|abducted|missing|raided|ambushed|blew|blown|burned|collapsed|sank|intercepted|"
                    r"deployed|arrived|took place|took control|retook|recaptured|withdrew|fled)\b")
_POSITION = re.compile(r"\b(?:would|will|could|should|must|may|might|can|cannot|can't|won't|need|needs|want|wants|"
                       r"plan|plans|intend|threat|threats|threaten|warn|warned|warning|urge|urged|call|called|"
                       r"demand|ready|prepared|determined|vow|vowed|promise|refuse|reject|oppose|support|condemn|"
                       r"believe|believes|think|hope|fear|concern|concerned|right|wrong|unacceptable|necessary|"
                       r"responsib\w*|retaliat\w*|revenge|vengeance|justif\w*|legitimate|aggression|provocation|"
                       r"because|if|unless|it|its|we|our|us|they|their|he|his|she|her|i|my|not|no|n't|never|"
                       r"proof|appears?|appeared|confirm\w*|investigat\w*|response|responded|after)\b")


def relays_fact(clause: str) -> bool:
    """Does a reported clause (lower-case) tell an event and nothing anyone thinks, wants or
    threatens: "30 people were killed in the strikes"?"""
    return bool(_EVENT.search(clause)) and not _POSITION.search(clause)


def _closing(view: View, hold: Hold) -> bool:
    """Is the hold's attribution a closing one: ', officials said Monday.', '," said X.',
    ', according to X.'? (Else it opens the sentence: "Officials said that ...".)"""
    cue = hold.cue
    if hold.how in ("according", "inverted"):
        return True
    start = min(hold.mention.start, cue.start)
    if not re.search(r"(?:[,\"']|''|--|—)\s*$", view.text[:start]):
        return False
    after = view.low[cue.end :]
    return len(_words(after)) <= 8 and not re.search(r"\bthat\b", after)


def _coordinated_with(view: View, hold: Hold, other: Hold) -> bool:
    left, right = sorted((hold.mention, other.mention), key=lambda m: m.start)
    return bool(_COORDINATION.fullmatch(view.text[left.end : right.start]))


def _main_subject(view: View, eligible: Sequence[Mention], before: int) -> Mention | None:
    """The actor that opens the main clause of ``[0, before)``: the first mention, after at most
    a short lead-in ("On Monday, ", "But "), that is not an object."""
    for mention in eligible:
        if mention.start >= before:
            return None
        lead = view.low[: mention.start]
        if is_object(view, mention) or view.in_speech(mention.start):
            return None
        lead_words = _words(re.sub(r"^.*,", "", lead))
        if len(lead_words) <= 2 and all(w in _LEAD or w in _BETWEEN for w in lead_words):
            return mention
        return None
    return None


import os
FRONT = bool(os.environ.get('FRONT'))
FACT = bool(os.environ.get('FACT'))
_LEAD = frozenset({"but", "and", "so", "meanwhile", "however", "still", "earlier", "later", "then", "now", "the"})

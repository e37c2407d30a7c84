"""The position rule: which mentions of a sentence hold the position it reports (SPEC 3).

A pure function of one sentence's :class:`~stance.holder_patterns.View`, its resolved
mentions and its cues; the article's memory (pronouns, titles, running quotations) lives in
:mod:`stance.holders`. A mention holds when it stands where a holder stands:

- the subject of a cue: before it, with only an apposition or relative clause between
  commas, auxiliaries, adverbs and time phrases between ("Iran has repeatedly warned",
  "Esper, who took office in July, said", '"...," he said', "three officials familiar with
  the talks said"), also in a subordinate clause ("after X told reporters", "with X
  warning", "a challenge to X, who has vowed");
- after an inverted speech verb ('"...," said Navy Capt. H.B. Le'), after "according to",
  after "by" following a cue ("were pushed by Pompeo"), as the source of a statement ("a
  statement by X", "drew an angry response from X"), as the organisation of "a spokesman
  for" / "some in" / "X spokesman", at the head of a headline quotation ("McCain: ...");
- coordinated with a holder ("Pompeo and O'Brien have been pushing").

Not where an object, a possessive or a modifier stands ("against Iran", "Trump's plan",
"US officials"), nor inside a quotation, nor in speculation ("Iran likely must weigh").
Sources: a closing attribution whose main clause holds another actor's position is a
conduit ("The Pentagon ordered X, officials said" -> the Pentagon), so is a source whose
clause only tells an event ("30 people were killed, the army said" -> no holder); a person
reporting what their side will do holds it themselves ("Haley said the United States would
propose sanctions" -> Haley).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .holder_patterns import Cue, Mention, View

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
    "delivered", "released", "published", "issued", "aired", "broadcast", "elsewhere", "nevertheless", "though",
    "nonetheless", "separately", "together", "themselves", "himself", "herself", "itself", "jointly",
})
_AUXILIARIES = frozenset({"has", "have", "had", "is", "are", "was", "were", "will", "would", "should", "can",
                          "could", "may", "might", "must", "do", "does", "did"})
# an actor inside the subject's own phrase: "Pompeo and O'Brien", "a spokesman at the Pentagon"
_BEFORE_OTHER = frozenset({"and", "or", "&", "at", "of", "in", "from", "for", "with", "on"})
# what may follow an unnamed source before its verb: "officials familiar with the talks said"
_APPOSITION = re.compile(r"(?:who|which|whose|whom|a|an|the|one|its|his|her|their|\w+ed|\w+en|sent|known|held)\b")
_OF_PLACE = re.compile(r"\s+of\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s?){1,3}")
_POSTMODIFIER = re.compile(r"^\s*(?:familiar with|close to|briefed on|involved in|with (?:direct )?knowledge of|"
                           r"knowledgeable (?:of|about)|speaking on (?:the )?condition of anonymity)"
                           r"(?:\s+(?!(?:has|have|had|is|are|was|were|will|would)\b)[\w'-]+){1,4}")
_SPECULATION = frozenset({"likely", "probably", "possibly", "might", "may", "could"})
_NP_MODIFIERS = frozenset({"the", "a", "an", "other", "top", "senior", "some", "several", "many", "two", "three",
                           "fellow", "both", "all"})
_PASSIVE = frozenset({"been", "was", "were", "is", "are", "be", "being", "get", "got"})
_MEMBER_OF = re.compile(r"(?:spokes(?:man|woman|person)|representative|official|officials|envoy|wing|branch|arm|"
                        r"faction|office|"
                        r"ambassador|minister|leader|leaders|commander|member|members|source|sources|militants|"
                        r"fighters|soldiers|troops|officers|personnel) (?:for|from|of|with)(?: the)?$|"
                        r"(?:some|those|many|others|officials) in"
                        r"(?: the)?$")
_GROUP_WITH_MEMBERS = re.compile(r",?\s+including\b")
_COORDINATION = re.compile(r"\s*,?\s*(?:and|&)\s+(?:the\s+)?", re.I)
_CLAUSE_START = re.compile(r"(?:^|[,\"':;(]|''|--|—)\s*$")
_WORD = re.compile(r"[\w'.-]+|<m>")
_UNCLOSED_APPOSITION = re.compile(r"\s*,\s*(?:a|an|the)\s+(?:[a-z][\w.'&-]*\s+){1,10}?(?:at|of|for|with|in|from)"
                                  r"\s+[^,;:\"]{1,60}?\s*$")
_SUBJECT_GAP = 6  # words of a subject's gap outside commas: "and O'Brien have been" -> 4


@dataclass(frozen=True)
class Hold:
    """A holder mention, the cue it holds through (None when coordinated) and how."""

    mention: Mention
    cue: Cue | None
    how: str  # subject, inverted, according, agent, source, member, participle, quoted, colon, signature, coordinated


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


_LAST_WORD = re.compile(r"([\w'.-]+)\s+(?:(?:the|a|an|its|their|his|her|our)\s+)?$")


def is_object(view: View, mention: Mention, subordinate: bool = False) -> bool:
    """A mention right after a preposition (skipping a determiner) is an object: "against
    Iran". Punctuation between breaks the link: '... dealt with," he said'. With
    ``subordinate``, "after"/"since"/"as" ... open a clause: "since Maduro took office"."""
    prefix = view.low[max(0, mention.start - 40) : mention.start]
    match = _LAST_WORD.search(prefix)
    if not match or (subordinate and match.group(1) in _SUBORDINATING):
        return False
    return match.group(1) in OBJECT_PREPOSITIONS


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


def _subject_gap_ok(view: View, mentions: Sequence[Mention], mention: Mention, cue: Cue, window: int,
                    cues: Sequence[Cue] = ()) -> bool:
    """Is the text between ``mention`` and ``cue`` what may stand between a subject and its verb?"""
    if len(_words(view.low[mention.end : cue.start])) > window:
        return False
    place = _OF_PLACE.match(view.text, mention.end)  # "Senator Amy Klobuchar of Minnesota called on"
    start = place.end() if place and place.end() <= cue.start else mention.end
    gap = _blank_mentions(view, mentions, start, cue.start)
    gap = re.sub(r"\([^)]*\)|\s(?:--|—|–)\s.*?\s(?:--|—|–)\s", " ", gap)
    gap = _POSTMODIFIER.sub(" ", gap)  # "three officials familiar with the discussions said"
    if cue.speech and _UNCLOSED_APPOSITION.match(gap) and not any(mention.end < c.start < cue.start for c in cues):
        return True  # "..., Timothy Ash, a researcher at a bank in London told the Post": the comma left out
    if gap.lstrip().startswith(","):
        last = gap.rfind(",")
        rest = gap[last + 1 :]
        if '"' in gap[:last] or ";" in gap[:last]:
            return False
        inserted = gap[: last].lstrip(" ,")
        if any(mention.end < c.start < cue.start for c in cues) and not _APPOSITION.match(inserted):
            return False  # '..., X said Monday, underscoring': a clause of its own, not an apposition
        gap = rest
    gap = re.sub(r"\b(?:was|were|is|are|has been|have been)\s+quoted\s+as\s*$", " ", gap)  # "he was quoted as saying"
    words = _words(gap)
    bare = [w for w in words if w not in _NP_MODIFIERS]
    if any(w == "<m>" and (i == 0 or bare[i - 1] not in _BEFORE_OTHER) for i, w in enumerate(bare)):
        return False  # another actor stands between: it is the verb's subject, not this one
    if words[:1] == ["and"] and len(words) > 1 and words[1] != "<m>":
        # a coordinated group: "Pompeo and other top officials in recent weeks have called for"
        rest = next((i for i, w in enumerate(words[1:], 1) if w in _AUXILIARIES), None)
        if rest is None and len(words) <= 4:
            rest = len(words)  # "Mr. Graham and others say"
        if rest is None or rest > 6:
            return False
        words = words[rest:]
    if len(words) > _SUBJECT_GAP or any(ch in gap for ch in ';:"'):
        return False
    if cue.form.endswith(("ed", "en", "wn", "ld", "id", "ght")) and any(w in _PASSIVE for w in words) and \
            all(w in _BETWEEN or w.endswith("ly") for w in words[max(i for i, w in enumerate(words) if w in _PASSIVE):]):
        return False  # "the Pentagon had been ordered", "he is also wanted by": passive, not acting
    if any(w in _SPECULATION for w in words):
        return False  # "Iran likely must weigh escalation": speculation about a position, no one's (rule 22)
    return all(w in _BETWEEN or w.endswith("ly") for w in words)


def _inverted(view: View, mention: Mention, cue: Cue, mentions: Sequence[Mention]) -> bool:
    """'"...," said Michael Knights': a speech verb at a clause's start, then its speaker
    (titles and honorifics may stand between: "said Navy Capt. H.B. Le", "said the spokesman, X")."""
    if not cue.inverts or cue.participle or not _CLAUSE_START.search(view.low[: cue.start]):
        return False
    if not re.search(r"\w", view.low[: cue.start]):
        return False  # "Asked when Bush would decide, Hadley said": nothing said before it, so no inversion
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


def position_holders(view: View, mentions: Sequence[Mention], cues: Sequence[Cue], window: int,
                     conduits: list[Mention] | None = None) -> list[Hold]:
    """The holder mentions of one sentence (mentions resolved; see the module doc). Sources
    dropped as conduits are appended to ``conduits`` when given: they still spoke, so the
    next '"...," he said' may mean them."""
    # "a Taliban spokesman told", "Nigeria's government has agreed": the organisation speaks
    given = list(mentions)
    through = {id(m): _speaks_through(view, m) for m in mentions}
    stand_in = {id(m): Mention(m.start, through[id(m)], m.how, m.actor, m.title, m.pronoun)
                for m in mentions if through[id(m)]}
    original = {id(v): m for m in mentions for v in [stand_in.get(id(m))] if v is not None}
    mentions = [stand_in.get(id(m), m) for m in mentions]
    eligible = [m for m in mentions if m.actor is not None and not view.in_speech(m.start)
                and (id(m) in original or not is_modifier(view, m))
                and not _GROUP_WITH_MEMBERS.match(view.text, m.end)
                and not _NOUN_THAT.search(view.low[max(0, m.start - 40) : m.start])
                and not _owned(view, original.get(id(m), m), given)]
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
    kept = _attributions(view, holds, eligible)
    if conduits is not None:
        conduits.extend(original.get(id(h.mention), h.mention) for h in holds if h not in kept)
    return [Hold(original.get(id(h.mention), h.mention), h.cue, h.how) for h in kept]


_OWNED = re.compile(r"(?:'s|’s)\s+(?:[a-z][\w.-]*\s+){0,2}$")


def _owned(view: View, mention: Mention, mentions: Sequence[Mention]) -> bool:
    """An organisation named as the modifier inside another actor's possessive phrase: "U.N."
    in "Russia's deputy U.N. envoy" (Russia speaks, through its envoy)."""
    if mention.actor is None or mention.actor.kind != "organization":
        return False
    role = re.match(r"\s+([a-z]+)", view.low[mention.end : mention.end + 20])
    if not role or role.group(1) not in _ROLE_NOUNS:
        return False
    owner = _OWNED.search(view.low, max(0, mention.start - 30), mention.start)
    return bool(owner) and any(m.end == owner.start() for m in mentions)


_SPEAKING_NOUN = re.compile(r"(?:(?:'s|’s)\s+(?:[a-z][\w.-]*\s+){0,2}?|\s+)(?:spokes(?:man|woman|person|men)|campaign|"
                            r"envoy|ambassador|representative|delegate|negotiator|"
                            r"statement|office|leadership|government|administration|delegation|cabinet|presidency|"
                            r"command|headquarters|communique|newspaper|agency)\b")


def _speaks_through(view: View, mention: Mention) -> int | None:
    """Where "X spokesman" / "X's government" ends, when the mention speaks through it."""
    if mention.how == "pronoun" or mention.actor is None or mention.actor.kind != "organization":
        return None
    match = _SPEAKING_NOUN.match(view.low, mention.end)
    if not match or re.search(r",\s*(?:the|a|an)?\s*$", view.low[: mention.start]):
        return None  # "Cmdr. Sean Robertson, a Pentagon spokesman, said": the person speaks
    if re.match(r",?\s+(?:[A-Z][\w.'-]*\s*){1,4}", view.text[match.end() :]) and not view.shouting:
        return None  # "a foreign ministry spokesman, Lu Kang" / "spokesman Abbas Mousavi"
    return match.end()


def _hold(view: View, mentions: Sequence[Mention], mention: Mention, cues: Sequence[Cue], window: int,
          first_subject: Mention | None) -> Hold | None:
    prefix = view.low[max(0, mention.start - 80) : mention.start].rstrip()  # enough for every rule below
    words = _words(prefix)
    for cue in cues:
        if _according(view, mention, cue, mentions):
            return Hold(mention, cue, "according")
    agent = _AGENT.search(prefix)
    if agent:  # "were pushed by Pompeo", "requested by national security adviser John Bolton"
        before_by = prefix[: agent.start()].rstrip(" ,")
        for cue in cues:
            if cue.end <= mention.start and before_by.endswith(view.low[cue.start : cue.end]) and not cue.speech:
                return Hold(mention, cue, "agent")
    source = _SOURCE_NOUN.search(prefix)
    if source:  # "a statement by X", "drew an angry response from X", "calls from X"
        said = next((c for c in cues if c.start >= mention.end and c.speech
                     and len(_words(view.low[mention.end : c.start])) <= 3), None)
        if said is not None:  # "a statement from the ministry said ...": the statement speaks
            return Hold(mention, said, "member")
        return Hold(mention, Cue(source.start(1), source.end(1), source.group(1), source.group(1)), "source")
    member = _MEMBER_OF.search(prefix)
    if member:  # "a spokesman for the NSC declined", "soldiers with the 101st Airborne said"
        before = view.text[max(0, mention.start - 80) : mention.start].rstrip()
        if re.search(r"[A-Z][\w.'-]*,\s*(?:the|a|an)?\s*(?:[\w-]+\s+){0,3}\S+\s+\S+(?:\s+the)?$", before):
            return None  # "Ali Khamenei, the supreme leader of Iran, called": the person speaks
        for cue in cues:
            if cue.start >= mention.end and _subject_gap_ok(view, mentions, mention, cue, window, cues):
                return Hold(mention, cue, "member")
        return None
    after = view.low[mention.end :]
    if words and words[-1] in ("quoted", "quoting") and \
            re.match(r"(?:\s*,[^,]{1,80},)?\s+as\s+(?:saying|telling|writing)\b", after):
        return Hold(mention, next((c for c in cues if c.start > mention.end), None), "quoted")
    if re.match(r"\s*\(@\w+\)", after):  # a tweet's signature: "— Geoffrey Pyatt (@GeoffPyatt) July 27"
        return Hold(mention, None, "signature")
    if mention is first_subject and _HEADLINE_COLON.match(after) and len(_words(view.low[: mention.start])) <= 2:
        return Hold(mention, None, "colon")  # "McCain on ISIS' growth: ...", "Spicer: ..."
    if words and words[-1] in _HYPOTHETICAL:
        return None  # "if Trump says Crimea is Russian": a condition, not what anyone said
    subordinate = words[-1] if words and words[-1] in _SUBORDINATING else ""
    if subordinate:
        pass  # "after X announced", "with X warning": the subject of a subordinate clause
    elif is_object(view, mention):
        if not re.match(r"\s*,\s*(?:who|which)\b", after):
            return None  # but "a challenge to Trump, who has vowed ..." holds
    for cue in cues:
        if cue.start < mention.end or cue.lemma == "according to":
            continue
        if _subject_gap_ok(view, mentions, mention, cue, window, cues) and \
                not (subordinate == "with" and "," in view.low[mention.end : cue.start]):
            return Hold(mention, cue, "subject")
        if cue.participle and mention is first_subject and _PARTICIPLE_AFTER.search(view.low[: cue.start]):
            return Hold(mention, cue, "participle")  # "Russia reacted angrily ..., calling for ..."
    return None


_AGENT = re.compile(r"\bby(?:\s+the)?(?:\s+[a-z][\w.'-]*){0,4}$")
_HYPOTHETICAL = frozenset({"if", "unless", "whether", "should"})
_SUBORDINATING = frozenset({"after", "before", "since", "until", "with", "as", "while", "when", "because", "once",
                            "though", "although", "if", "unless", "whereas"})
_SOURCE_NOUN = re.compile(
    r"\b(statements?|speech|address|message|remarks|letter|announcement|interview|comments?|tweets?|warnings?|"
    r"response|reaction|criticism|praise|applause|condemnation|rebuke|protests?|objections?|calls?|demands?|"
    r"appeal|plea|proposal|ultimatum|decision|directive|assessment)\s+(?:from|by)(?:\s+(?:the|a|an))?$")
_HEADLINE_COLON = re.compile(r"(?:\s+(?:on|about|to)\s[^.:;\"]{1,40})?\s*:(?!\d)")
# "..., calling for", "put out statements urging", "released a video saying"
_PARTICIPLE_AFTER = re.compile(r"(?:,|\b(?:statements?|videos?|messages?|letters?|tweets?|posts?|communiques?))\s*$")
_CLAUSE_END = re.compile(r";|,\s+(?:and|but|while|whereas|although|though)\s|\.\s")


def _attributions(view: View, holds: list[Hold], eligible: Sequence[Mention]) -> list[Hold]:
    """Sources and conduits. A closing attribution (", officials said", "according to X",
    '," said X') relays its main clause: when another actor holds there ("The Pentagon
    ordered X, officials said"), the source is a conduit and is dropped. A source of speech
    whose clause holds no one and only tells an event ("30 people were killed, the army
    said") relays a fact, no one's position: dropped too."""
    result = list(holds)
    unquoted = view.outside_quotes()
    for hold in holds:
        cue = hold.cue
        if cue is None or not cue.speech or hold.how in ("coordinated", "agent") or hold not in result:
            continue
        actor = hold.mention.actor
        if hold.how == "according" and re.match(r"[^,;]{0,40},", view.low[hold.mention.end :]) \
                and cue.start < 20:  # "According to the ministry, the rebels threatened ..."
            span = (hold.mention.end, len(view.low))
            inner = [h for h in result if h.mention.start >= span[0] and h.mention.actor is not actor]
        elif _closing(view, hold):
            start = min(hold.mention.start, cue.start)
            span = (0, start)
            inner = [h for h in result if h.mention.end <= start and h.mention.actor is not actor and h.cue is not cue]
        else:
            end = _CLAUSE_END.search(view.low, cue.end)
            span = (cue.end, end.start() if end else len(view.low))
            inner = []
            reported = [h for h in result if span[0] <= h.mention.start < span[1] and h.mention.actor is not actor
                        and h.how == "subject" and h.mention.how == "alias"]
            if reported and actor.kind == "person":
                # a person's report of what their side will do is their own position:
                # "Haley said the United States would propose new sanctions" -> Haley
                result = [h for h in result if h not in reported]
        holding_there = any(span[0] <= h.mention.start < span[1] and h is not hold for h in result)
        if inner or (not holding_there and relays_fact(unquoted[span[0] : span[1]])):
            result = [h for h in result if h is not hold and not (h.how == "coordinated" and h.cue is cue)]
    result.sort(key=lambda h: h.mention.start)
    return result


_EVENT = re.compile(r"\b(?:killed|killing|wounded|wounding|injured|injuring|died|dead|fired|launched|landed|flew|"
                    r"hit|struck|attacked|exploded|detonated|shot|captured|seized|arrested|destroyed|crashed|"
                    r"downed|shelled|bombed|clashed|clashes|casualties|bodies|toll|evacuated|tracked|test-fired|"
                    r"kidnapped|abducted|raided|ambushed|blew|blown|burned|collapsed|sank|intercepted|"
                    r"deployed|arrived|took place|took control|retook|recaptured|withdrew|fled|rush\w*|moving|moved|"
                    r"stationed|positioned|reinforc\w+|fell|dropped|rescued|abandoned|retaken|stepped down|"
                    r"resigned|numbered|wounds|raids|airstrikes|air strikes|barrel bombs|taken to|was taken|"
                    r"were taken|worked|captured|scheduled|was born|visited)\b")
_POSITION = re.compile(r"\b(?:would|will|could|should|must|may|might|can|cannot|can't|won't|need\w*|want\w*|"
                       r"plan\w*|intend\w*|threat\w*|warn\w*|urg\w+|call\w*|demand\w*|ready|prepared|"
                       r"determined|vow\w*|promis\w+|refus\w+|reject\w*|oppos\w+|support\w*|condemn\w*|"
                       r"believ\w+|think\w*|thought|hope\w*|fear\w*|concern\w*|right|wrong|unacceptable|necessary|"
                       r"likely|probably|possibl\w+|assess\w*|suspect\w*|"
                       r"responsib\w*|retaliat\w*|revenge|vengeance|justif\w*|legitimate|aggression|provocation|"
                       r"because|if|unless|not|no|n't|never|proof|appears?|appeared|confirm\w*|investigat\w*|"
                       r"response|responded|after)\b|^\W*(?:that\s+)?(?:it|its|we|our|they|their|he|his|she|her|i)\b")


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
    # ', police commander X said.': a title may stand between the comma and the source
    if not re.search(r"(?:[,\"']|''|--|—)\s*(?:(?:a|an|the)\s+)?(?:[A-Za-z][\w.'-]*\s+){0,4}$", view.text[:start]) or \
            re.search(r"(?:[,\"']|''|--|—)\s*(?:[\w.'-]+\s+){0,4}$", view.low[:start]) and \
            re.search(r"\b(?:that|and|but|who|which|when|after|as|while)\s+(?:[\w.'-]+\s+){0,3}$", view.low[:start]):
        return False
    after = view.low[cue.end :]
    return len(_words(after)) <= 8 and not re.search(r"\bthat\b", after)

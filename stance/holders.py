"""Stance holders: who, in a sentence, is reported as taking a position (SPEC section 3).

Three parts: :mod:`stance.holder_patterns` finds mentions and cues, :mod:`stance.holder_position`
decides from one sentence which mentions stand where a holder stands, and this module keeps
the article's memory across sentences:

- back-references: a title ("the general") or a subject pronoun ('"...," he said', "In a
  statement, she warned") resolves to the nearest fitting actor met earlier in the article,
  not counting names inside quotations or used as modifiers; a pronoun that speaks prefers
  the one who spoke last ("..., Caputo said." then '"...," he said' -> Caputo, not the
  subject of what he relayed), and "he"/"she" may mean an organisation that spoke through
  one person ("Russia's envoy said ... He also said"); "the statement said", "said the
  official" mean the organisation that spoke last or the unnamed officials quoted last;
  "they" takes the previous sentence's several holders; a sentence opening with "He"/"She"
  right after a sentence whose one holder is that person keeps following them;
- names: a part of a name the article gave in full ("Kim" after "Kim Jong Un", "Mr. Maxwell"
  after "David Maxwell") means that person, whoever else the gazetteer calls so;
- voices: a communique's header ("[COMMUNIQUE FROM THE FARC ...]") gives the whole text its
  author, a transcript label ("POMPEO:", "[MONTANO]") gives its paragraph to the speaker;
- running quotations: a quotation that runs over several sentences (within a paragraph, or
  into a paragraph that opens with a quotation mark) keeps its speaker in each of them, up
  to ``Cues.quote_limit`` sentences, and a speaker named only where it closes is given to
  its earlier sentences; names inside it are not holders.

Capitalised speakers the gazetteer lacks come back as candidates, so a user can add them.
With a learned model (``actors.holder_model``, :mod:`stance.holder_model`) the rules' findings
become candidate holders and the model decides which hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from .gazetteer import Actor, load_gazetteer
from .holder_model import HolderModel, SentenceTrace, candidate_features, decide, load_model
from .holder_patterns import Cue, Mention, Patterns, View, make_view, pronoun_fits, quotation_spans
from .holder_position import is_modifier, is_object, position_holders
from .verbs import finite_forms, trie_pattern

if TYPE_CHECKING:  # settings are handed in; this stage never reads the config itself
    from .settings import ActorSettings

_NAME = r"[A-Z][a-z]+(?:[-'][A-Za-z]+)?(?:\s(?:al-|bin\s|de\s|van\s)?[A-Z][a-z]+(?:[-'][A-Za-z]+)?){1,3}"


def _candidate_patterns(speech: str) -> tuple[re.Pattern, ...]:
    """Where an unknown capitalised name speaks: after or before a form of a verb of saying
    (``speech``, one alternation), or after "according to"."""
    return (re.compile(rf"\b{speech},?\s+(?P<name>{_NAME})"),
            re.compile(rf"(?P<name>{_NAME}),?\s+(?:[^,.;]{{0,80}},\s+)?{speech}\b"),
            re.compile(rf"\baccording to (?P<name>{_NAME})"))


_GENERIC_OWNERS = frozenset({"", "country", "nation", "group", "government", "city", "state", "party", "army",
                             "military", "organization", "organisation", "movement", "militia"})


def _side_words(actor: Actor) -> set[str]:
    """The stems (first four letters) of the words naming an actor's side: its name and affiliation."""
    words = re.findall(r"[a-z]{4,}", f"{actor.name} {actor.affiliation}".lower())
    return {w[:4] for w in words if w not in _GENERIC_OWNERS}


def _sides_with(actor: Actor, owners: set[str]) -> bool:
    return bool(_side_words(actor) & {o[:4] for o in owners})


_PLURAL = re.compile(r"[^s]s\b|\)$")  # "officials", "the Houthis": what "they" may stand for in its own sentence
_INITIAL_PRONOUN = re.compile(r"(?:(?:But|And|Still|Yet|Even so|However|Later|Instead),?\s+)?(He|She)\b")
_NAME_PART = re.compile(r"\b[A-Z][a-z][\w'-]*[a-z]\b")
_NOT_NAME_PARTS = frozenset({"President", "Prime", "Minister", "Secretary", "General", "Gen", "Sen", "Senator",
                             "Rep", "Representative", "Governor", "Gov", "King", "Queen", "Prince", "Crown",
                             "Sheikh", "Ayatollah", "Chancellor", "Admiral", "Adm", "Colonel", "Col", "Captain",
                             "Capt", "Major", "Lieutenant", "Sergeant", "Commander", "Foreign", "Defense",
                             "Defence", "State", "Supreme", "Leader", "Chairman", "Director", "Ambassador",
                             "Judge", "Justice", "Pope", "Mrs", "Miss", "Sir", "Lord", "Dame", "Dr", "Abu", "Al",
                             "The", "Former", "Vice", "Deputy", "Chief", "Mr", "Ms", "North", "South", "New"})
_PART_MENTION = re.compile(r"(?<![\w-])[A-Z][a-z][\w'-]*[a-z](?![\w-])")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Adm|Col|Capt|Lt|Maj|Sgt|Prof)\.?\s+$")
_GIVEN_NAME = re.compile(r"\b([A-Z][a-z]+)\s+[A-Z]\.\s+$")
# "Russia's deputy U.N. envoy said", "a spokesman for the ministry said": a person speaks for it
_PERSON_AFTER = re.compile(r"(?:'s|’s)?\s+(?:[\w.-]+\s+){0,2}?(?:spokes(?:man|woman|person)|envoy|ambassador|"
                           r"representative|official|minister|commander|chief|leader|negotiator|delegate)\b")
_PERSON_BEFORE = re.compile(r"\b(?:spokes(?:man|woman|person)|envoy|ambassador|representative|official|minister|"
                            r"commander|chief|leader|negotiator|delegate)\s+(?:for|of|from|with|at)\s+(?:the\s+)?$")


def _through_person(view: View, mention: Mention) -> bool:
    """Does an organisation speak here through one person ("a Taliban spokesman", "Russia's
    envoy", "a spokeswoman for the ministry"), whom "he"/"she" may then mean?"""
    return bool(_PERSON_AFTER.match(view.low, mention.end)
                or _PERSON_BEFORE.search(view.low, max(0, mention.start - 40), mention.start))


_GENERIC_REFERENCE = re.compile(r"\b(?:(?:the|that|this)\s+(?:(?:senior|same|joint)\s+)?|one\s+of\s+the\s+)"
                                r"(?P<noun>officials?|statement|communique)\b")
_RECENT_SENTENCES = 8  # how far back a pronoun or title looks for its antecedent
GROUP = "they (the previous sentence's holders)"  # a plural pronoun standing for several holders
_GROUP_ACTOR = Actor(GROUP, "organization", ())


@dataclass(frozen=True)
class Attribution:
    """The holders a sentence attributes a position to, plus unknown speakers. ``reasons``
    says, for each holder, how it was found ("alias subject say", "pronoun inverted say",
    "quotation" ...): holder scoring sorts errors by cause with it."""

    holders: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cues:
    """What marks a position being reported, and how the finder uses the article's memory.

    ``reporting_verbs`` are lemmas (every inflection is generated, :mod:`stance.verbs`);
    ``phrases`` are cues that are not verbs ("according to", "wary"); ``window`` is how many
    words may stand between a subject and its cue; ``quote_limit`` caps how many sentences a
    running quotation carries its speaker."""

    reporting_verbs: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    window: int = 20
    resolve_pronouns: bool = True
    resolve_titles: bool = True
    report_candidates: bool = True
    quote_limit: int = 6
    speech_verbs: tuple[str, ...] = ()    # the verbs of saying among them (conduits, "the statement said")
    inverted_verbs: tuple[str, ...] = ()  # those that may stand before their subject ('"...," said X')
    statement_verbs: tuple[str, ...] = ()  # "the statement read", "said the official"; candidate speakers


@dataclass
class ArticleMemory:
    """What one article has said so far: antecedents for back-references, the previous
    sentence's holders, and the quotation that may be running on."""

    # (sentence, start, actor, holder, modifier, speaker, voiced): names met outside quotations;
    # a speaker is the source of a speech cue ("..., Caputo said"), kept even when a conduit;
    # voiced, an organisation that spoke through a person ("Russia's envoy said": "he" next)
    antecedents: list[tuple[int, int, Actor, bool, bool, bool, bool]] = field(default_factory=list)
    sentence: int = 0
    previous_holders: tuple[str, ...] = ()
    quote_open: bool = False           # a quotation is open where the previous sentence ended
    quote_speaker: tuple[str, ...] = ()
    quote_run: int = 0                 # sentences the running quotation has carried its speaker
    voice: str = ""                    # whose words a communique is, from its header (whole article)
    turn: str = ""                     # whose turn a transcript paragraph is, from its label
    names: dict[str, Actor] = field(default_factory=dict)  # "Kim" -> the Kim this article named in full

    def learn_names(self, view: View, mentions: Sequence[Mention]) -> None:
        """A person named in full ("Kim Jong Un", "George H. W. Bush") is then called by a
        part of that name ("Kim", "Bush"): remember which actor each part means here."""
        for mention in mentions:
            actor = mention.actor
            if mention.how != "alias" or actor is None or actor.kind != "person" or view.shouting:
                continue
            words = _NAME_PART.findall(view.text[mention.start : mention.end])
            if len(words) < 2:
                continue
            for word in {words[0], words[-1]} - _NOT_NAME_PARTS:
                self.names[word] = actor

    def remember(self, mentions: Sequence[Mention], holders: set[int], view: View,
                 speakers: set[int] = frozenset()) -> None:
        for i, mention in enumerate(mentions):
            if mention.actor is None or view.in_speech(mention.start):
                continue
            voiced = i in speakers and mention.actor.kind == "organization" and _through_person(view, mention)
            self.antecedents.append((self.sentence, mention.start, mention.actor, i in holders,
                                     is_modifier(view, mention), i in speakers, voiced))

    def last_speaker(self, reach: int = 3) -> str:
        """The actor who last spoke (the source of a speech cue, conduits too), at most
        ``reach`` sentences back; "" when none did."""
        for sentence, _, actor, _, _, speaker, _ in reversed(self.antecedents):
            if sentence < self.sentence - reach:
                break
            if speaker:
                return actor.name
        return ""

    def nearest(self, fits, reach: int = _RECENT_SENTENCES, modifiers: bool = False,
                speakers: bool = False, voiced: bool = False) -> Actor | None:
        """The antecedent a back-reference means: in the most recent sentence (at most
        ``reach`` back) that has a fitting actor, a holder before a mere mention, the earlier
        before the later; with ``speakers`` (a pronoun that speaks: '"...," he said') the one
        who spoke there comes first. A name used as a modifier ("White's memo") counts only
        with ``modifiers`` (for titles: "the memo"), never for a pronoun."""
        best, best_key = None, None
        for sentence, start, actor, holder, modifier, speaker, spoke_through in reversed(self.antecedents):
            if sentence < self.sentence - reach:
                break
            if best_key is not None and sentence < best_key[0]:
                break
            through = voiced and spoke_through  # "Russia's envoy said. He also said": a possessive, yet the speaker
            if (modifier and not modifiers and not through) or not (fits(actor) or through):
                continue
            key = (sentence, speaker and speakers, holder, -start)
            if best_key is None or key > best_key:
                best, best_key = actor, key
        return best


class HolderFinder:
    """Finds holders sentence by sentence through one article (call :meth:`new_article`
    between articles, or use :func:`attribute_article`)."""

    def __init__(self, actors: Sequence[Actor], cues: Cues, model: HolderModel | None = None):
        self.actors = list(actors)
        self.model = model  # the learned decision over the rules' candidates (None: the rules decide)
        self.kinds = {actor.name: actor.kind for actor in self.actors}
        self.traces: list[SentenceTrace] | None = None  # filled sentence by sentence while tracing
        self.by_name = {actor.name: actor for actor in self.actors}
        self.cues = cues
        self.patterns = Patterns(self.actors, cues.reporting_verbs, cues.phrases, cues.speech_verbs,
                                 cues.inverted_verbs)
        # the configured verbs of a statement, in the forms a speaking source takes ("said", "reads")
        said = trie_pattern(f for lemma in cues.statement_verbs for f in finite_forms(lemma))
        self.speaks_next = re.compile(rf"(?:\s+(?:also|further|later|then))?\s+(?:{said})\b")
        self.said_before = re.compile(rf"\b(?:{said})\s+$")
        self.candidate_patterns = _candidate_patterns(f"(?:{said})")
        self.memory = ArticleMemory()

    def new_article(self) -> None:
        """Forget the article: back-references and quotations never cross articles."""
        self.memory = ArticleMemory()

    def _resolve(self, view: View, mentions: list[Mention], cues: Sequence[Cue]) -> list[Mention]:
        """Titles and subject pronouns resolved: a pronoun to an earlier name in its own
        sentence first ("Trump has yet to decide if he will approve"), else from memory;
        "they" to the previous sentence's several holders. Unresolved ones are dropped."""
        memory = self.memory
        resolved = list(mentions)
        if self.cues.resolve_titles:
            for mention in self.patterns.titles(view, mentions):
                actor = self._title_actor(mention)
                if actor is not None:
                    resolved.append(mention.resolved(actor))
            resolved.extend(self._generic_references(view, resolved))
        if not self.cues.resolve_pronouns:
            return sorted(resolved, key=lambda m: m.start)
        for mention in self.patterns.pronouns(view):
            if view.in_quote(mention.start) or is_object(view, mention):
                continue
            near = [c for c in cues if 0 <= c.start - mention.end <= 40]
            if not near:
                continue  # a pronoun counts only near a cue it may be the subject of
            pronoun = mention.pronoun
            if pronoun == "they" and len(memory.previous_holders) > 1:
                resolved.append(Mention(mention.start, mention.end, "pronoun", _GROUP_ACTOR, "", GROUP))
                continue
            closing = bool(re.search(r"[,\"']\s*$", view.text[: mention.start]))
            earlier = [m for m in mentions if m.end <= mention.start and m.actor is not None
                       and not view.in_speech(m.start) and not is_modifier(view, m)
                       and not is_object(view, m, subordinate=True) and pronoun_fits(pronoun, m.actor)
                       and (not closing or len(view.low[: m.start].split()) <= 3)
                       and (pronoun != "they" or _PLURAL.search(view.text[m.start : m.end]))]
            if earlier:  # "Trump has yet to decide if he will approve"; "X called it ..., he said"
                actor = earlier[0].actor
            else:  # '..., he said': the speaker the article is following
                reach = {"it": 2, "they": 1}.get(pronoun, _RECENT_SENTENCES)
                actor = memory.nearest(lambda a, p=pronoun: pronoun_fits(p, a), reach, speakers=near[0].speech,
                                       voiced=pronoun in ("he", "she"))
            if actor is not None:
                resolved.append(mention.resolved(actor))
        return sorted(resolved, key=lambda m: m.start)

    def _generic_references(self, view: View, taken: Sequence[Mention]) -> list[Mention]:
        """"the official", "one of the officials" (the unnamed officials the article quoted last),
        "the statement", "the communique" (the organisation that spoke last): back-references
        no gazetteer lists, since every article's officials and statements are their own."""
        found = []
        for match in _GENERIC_REFERENCE.finditer(view.low):
            start, end = match.span("noun")
            if view.in_quote(start) or any(m.start < end and start < m.end for m in taken):
                continue
            if not (self.speaks_next.match(view.low, end) or self.said_before.search(view.low, 0, match.start())):
                continue  # only as the one who speaks: "the statement said", "said the official"
            if match.group("noun").startswith("official"):
                actor = self.memory.nearest(lambda a: a.name.endswith("officials (unnamed)"))
            else:
                actor = self.memory.nearest(lambda a: a.kind == "organization", reach=3, speakers=True)
            if actor is not None:
                found.append(Mention(match.start(), end, "title", actor, title=match.group("noun")))
        return found

    def _article_names(self, view: View, mentions: list[Mention]) -> list[Mention]:
        """A part of a name the article gave in full means that person: "Kim said" after "Kim
        Jong Un" is Kim Jong Un, whoever else the gazetteer calls Kim, and "Sedney said" after
        "David Sedney" counts even when the gazetteer lists only the full name."""
        if view.shouting:
            return mentions
        names = self.memory.names
        out = []
        for mention in mentions:
            surface = view.text[mention.start : mention.end]
            given = _GIVEN_NAME.search(view.text, max(0, mention.start - 30), mention.start) if " " not in surface else None
            full = self.patterns.by_alias.get(f"{given.group(1)} {surface}") if given else None
            if full is not None:  # "Lindsey O. Graham": the middle initial hid the full name
                out.append(Mention(given.start(), mention.end, "alias", full))
                continue
            actor = names.get(surface) if mention.how == "alias" else None
            out.append(mention.resolved(actor) if actor is not None and actor is not mention.actor else mention)
        if not names:
            return out
        for match in _PART_MENTION.finditer(view.text):
            actor = names.get(match.group())
            if actor is None or any(m.start < match.end() and match.start() < m.end for m in out):
                continue
            before = view.text[max(0, match.start() - 30) : match.start()]
            if self.patterns.runs_on(view, match.end()) or \
                    (re.search(r"[A-Z][\w.'-]*\s+$", before) and not _HONORIFIC.search(before)):
                continue  # part of a longer name: "Kim Yo Jong", "Jong Un"
            out.append(Mention(match.start(), match.end(), "alias", actor))
        return sorted(out, key=lambda m: m.start)

    def _title_actor(self, mention: Mention) -> Actor | None:
        """The actor a title means: the nearest earlier one with that title, of the owner's side
        when one is named; with none earlier, the only actor with that title on the named
        owner's side ("Iran's foreign minister" -> the Iranian foreign minister)."""
        owner = mention.owner if mention.owner not in _GENERIC_OWNERS else ""
        fits = [a for a in self.patterns.by_title.get(mention.title, ()) if not owner or _sides_with(a, {owner})]
        sided = [a for a in fits if _sides_with(a, set(mention.modifier.split()))] if mention.modifier else []
        if sided:  # "the Russian foreign ministry": the side its adjective names
            fits, owner = sided, owner or mention.modifier
        elif mention.named_modifier:
            return None  # "the U.S. government" where no US actor has that title: not another side's
        actor = self.memory.nearest(lambda a: a in fits, modifiers=True)
        if actor is None and owner and len(fits) == 1:
            actor = fits[0]
        return actor

    def _holders(self, view: View) -> tuple[list[tuple[str, str]], list[Mention], "Met", list[Cue]]:
        """The sentence's own holders with how each was found, its alias mentions, the actors it
        refers to (names, titles and pronouns resolved) with which of them hold, and whether it
        has a cue."""
        mentions = self._article_names(view, self.patterns.mentions(view))
        cues = self.patterns.cues(view, mentions)
        resolved = self._resolve(view, mentions, cues)
        conduits: list[Mention] = []
        holds = position_holders(view, resolved, cues, self.cues.window, conduits) if resolved else []
        found: list[tuple[str, str]] = []
        holding: set[int] = set()
        for hold in holds:
            mention = hold.mention
            reason = f"{mention.how} {hold.how} {hold.cue.lemma if hold.cue else ''}".strip()
            names = self.memory.previous_holders if mention.pronoun == GROUP else (mention.actor.name,)
            found.extend((name, reason) for name in names if name not in [n for n, _ in found])
            if mention in resolved:
                holding.add(resolved.index(mention))
        # titles and pronouns resolved here are met again: the next "he" may mean them
        met = [m for m in resolved if m.actor is not None and m.actor is not _GROUP_ACTOR]
        speaking = [h.mention for h in holds if h.cue is not None and h.cue.speech] + conduits
        return found, mentions, Met(met, {met.index(resolved[i]) for i in holding if resolved[i] in met},
                                    {i for i, m in enumerate(met) if m in speaking}), cues

    def attribute(self, sentence: str, paragraph_start: bool = False) -> Attribution:
        """Holders (canonical names, in order) and candidate speakers of the next sentence
        (a quotation left open runs on into it; :meth:`attribute_article` checks first that
        the quotation really closes later)."""
        running = self.memory.quote_open and (not paragraph_start or sentence.lstrip().startswith(('"', "``")))
        return self._attribute(sentence, running, running and not paragraph_start, paragraph_start).attribution

    def _attribute(self, sentence: str, running: bool, open_at_start: bool, new_paragraph: bool = False) -> "_Step":
        """One sentence: ``running`` when it continues a quotation (its speaker carries on),
        ``open_at_start`` when it starts inside that quotation's marks (same paragraph)."""
        memory = self.memory
        stripped = sentence.strip()
        view = make_view(stripped, open_at_start=open_at_start)
        own, mentions, met, cues = self._holders(view)
        has_cue = bool(cues)
        before = None
        if self.traces is not None:  # the article's state where the sentence begins, for the learned decision
            before = (memory.previous_holders, memory.quote_speaker, memory.last_speaker())
        if not own and self.cues.resolve_pronouns:
            own = self._speaker_goes_on(view)
        found = list(own)
        wholly_quoted = bool(view.quoted) and not re.search(r"\w", view.outside_quotes())
        opens_with_mark = stripped.startswith(('"', "``"))
        waits = False
        if not own and (running or wholly_quoted or (opens_with_mark and not has_cue)):
            if running and memory.quote_speaker and memory.quote_run < self.cues.quote_limit:
                found = [(name, "quotation") for name in memory.quote_speaker]
            elif not running and memory.previous_holders and opens_with_mark:
                found = [(name, "quotation") for name in memory.previous_holders]  # the speaker's next quotation
            else:
                waits = bool(view.quoted) or running
            memory.quote_run += 1
        if new_paragraph:
            memory.turn = ""
        header, turn = _voice(view, mentions, self.patterns.by_alias_caseless)
        memory.voice = header if header is not None else memory.voice
        memory.turn = turn if turn is not None else memory.turn
        if not found and (memory.turn or memory.voice):
            found = [(memory.turn or memory.voice, "voice")]
        if own and (view.quoted or running):
            memory.quote_speaker, memory.quote_run = tuple(n for n, _ in own), 0
        elif not running and view.quoted:
            memory.quote_speaker, memory.quote_run = tuple(n for n, _ in found), 0
        memory.quote_open = view.open_at_end
        candidates = self._candidates(view, mentions) if self.cues.report_candidates and has_cue else []
        memory.remember(met.mentions, met.holding, view, met.speaking)
        memory.learn_names(view, mentions)
        memory.previous_holders = tuple(n for n, _ in found)
        memory.sentence += 1
        attribution = Attribution(tuple(n for n, _ in found), tuple(candidates), tuple(r for _, r in found))
        if before is not None:
            self.traces.append(SentenceTrace(view, tuple(met.mentions), tuple(cues), tuple(found), bool(own), running,
                                             new_paragraph, *before))
        return _Step(attribution, bool(own), running, waits)

    def _speaker_goes_on(self, view: View) -> list[tuple[str, str]]:
        """'He also saw ...' right after a sentence whose one holder is that person: the article
        keeps following its speaker, whatever the verb."""
        if len(self.memory.previous_holders) != 1:
            return []
        first = _INITIAL_PRONOUN.match(view.text)
        previous = self.by_name.get(self.memory.previous_holders[0]) if first else None  # no loop over actors
        if previous is not None and pronoun_fits(first.group(1).lower(), previous):
            return [(previous.name, "pronoun initial")]
        return []

    def _candidates(self, view: View, mentions: Sequence[Mention]) -> list[str]:
        covered = [(m.start, m.end) for m in mentions]
        candidates: list[str] = []
        text = view.text
        for pattern in self.candidate_patterns:
            for match in pattern.finditer(text):
                start, end = match.span("name")
                name = match.group("name")
                if any(s < end and start < e for s, e in covered) or name in candidates \
                        or text[:start].endswith(("the ", "The ")) or view.in_quote(start):
                    continue
                candidates.append(name)
        return candidates

    def attribute_article(self, sentences: Iterable[str],
                          paragraph_starts: Iterable[bool] | None = None) -> list[Attribution]:
        """Holders for each sentence of one article, in order; a quotation whose speaker is
        named only where it closes gives that speaker to its earlier sentences. With a learned
        model, the rules' findings become candidates and the model decides."""
        if self.model is None:
            return self._rules_article(sentences, paragraph_starts)
        results, candidates = self.candidates_article(sentences, paragraph_starts)
        decided = []
        for result, rows in zip(results, candidates):
            keep = decide(self.model, rows)
            reasons = dict(zip(result.holders, result.reasons))
            decided.append(replace(result, holders=tuple(keep),
                                   reasons=tuple(reasons.get(name, "learned") for name in keep)))
        return decided

    def candidates_article(self, sentences: Iterable[str], paragraph_starts: Iterable[bool] | None = None
                           ) -> tuple[list[Attribution], list[list[tuple[str, dict[str, float]]]]]:
        """The rules' attributions of one article and, for each sentence, every candidate holder
        with its features (what the learned decision scores, and what it is trained on)."""
        self.traces = []
        try:
            results = self._rules_article(sentences, paragraph_starts)
            traces = self.traces
        finally:
            self.traces = None
        return results, candidate_features(traces, [r.holders for r in results], self.kinds)

    def _rules_article(self, sentences: Iterable[str], paragraph_starts: Iterable[bool] | None) -> list[Attribution]:
        self.new_article()
        texts = [text.strip() for text in sentences]
        starts = list(paragraph_starts) if paragraph_starts is not None else [False] * len(texts)
        carried = quotation_runs(texts, starts, self.cues.quote_limit)
        results: list[Attribution] = []
        waiting: list[int] = []
        for i, text in enumerate(texts):
            running = carried[i]
            step = self._attribute(text, running, running and not starts[i], starts[i])
            if running and step.own and waiting:  # the quotation closes on its speaker
                for j in waiting:
                    results[j] = replace(results[j], holders=step.attribution.holders,
                                         reasons=("quotation",) * len(step.attribution.holders))
            if step.waits:
                waiting = (waiting if running else []) + [i]
            elif not (i + 1 < len(texts) and carried[i + 1]) or step.own:
                waiting = []
            results.append(step.attribution)
        return results


# "[COMMUNIQUE FROM THE FARC TO ...]", "[MONTANO]", "SEAN SPICER: ...": who is speaking from here on
_HEADER = re.compile(r"\[(?:(?:text of (?:a |the )?)?(?:communique|statement|message|speech|letter|address|"
                     r"declaration|proclamation|bulletin|report|editorial|interview)s?\s+(?:issued\s+)?(?:from|by|of)\s+)"
                     r"(?P<who>[^\]]*)\]", re.I)
_LABEL = re.compile(r"\s*\[(?P<bracket>[A-Z][A-Z .'-]{1,40})\]|\s*(?P<colon>[A-Z][A-Z .'-]{2,40}):\s")
_STAGE = frozenset({"BEGIN RECORDING", "END RECORDING", "TEXT", "CONTINUES", "PASSAGE OMITTED", "APPLAUSE"})


def _voice(view: View, mentions: Sequence[Mention], caseless: dict[str, Actor]) -> tuple[str | None, str | None]:
    """Who speaks from this sentence on: the author a statement's header names (for the whole
    article) and the speaker a transcript label names (for its paragraph); "" for a label
    naming someone the gazetteer lacks, None where the sentence sets nothing."""
    header = _HEADER.search(view.text)
    if header:
        start, end = header.span("who")
        inside = [m for m in mentions if start <= m.start < end and m.actor is not None]
        return (inside[0].actor.name if inside else None), None
    text, at = view.text, 0
    while True:
        label = _LABEL.match(text, at)
        if label is None:
            return None, None
        group = "bracket" if label.group("bracket") else "colon"
        if group == "bracket" and label.group("bracket").strip() in _STAGE:
            at = label.end()  # "[BEGIN RECORDING] [MONTANO] ...": the speaker's label follows
            continue
        start, end = label.span(group)
        actor = caseless.get(" ".join(view.low[start:end].split()))  # "BAKER:" in a mixed-case transcript
        return None, (actor.name if actor is not None else "")


def quotation_runs(texts: Sequence[str], paragraph_starts: Sequence[bool], limit: int) -> list[bool]:
    """For each sentence, whether it continues a quotation left open by the sentence before:
    in the same paragraph, or in a new paragraph that opens with a quotation mark (news style).
    A mark that nothing closes within ``limit`` sentences is a stray, not a running quotation."""
    open_after = []  # is a quotation open where each sentence ends?
    state = False
    for text, new_paragraph in zip(texts, paragraph_starts):
        _, state = quotation_spans(text, state and not new_paragraph)  # a new paragraph reopens with its own mark
        open_after.append(state)
    carried = [False] * len(texts)
    for i in range(1, len(texts)):
        if not open_after[i - 1]:
            continue
        if paragraph_starts[i] and not texts[i].startswith(('"', "``")):
            continue
        # does the quotation close (or reopen in a new paragraph) within reach?
        for j in range(i, min(len(texts), i + max(limit, 1))):
            if paragraph_starts[j] and j > i and not texts[j].startswith(('"', "``")):
                break
            if paragraph_starts[j] or not open_after[j]:
                carried[i] = True
                break
    return carried


@dataclass(frozen=True)
class Met:
    """The actors one sentence refers to (names, titles, pronouns resolved) and which of them
    (indices) hold: the antecedents later back-references rank."""

    mentions: list[Mention]
    holding: set[int]
    speaking: set[int] = field(default_factory=set)  # the sources of speech among them, conduits too


@dataclass(frozen=True)
class _Step:
    """One sentence's attribution and the quotation facts the article loop needs."""

    attribution: Attribution
    own: bool          # holders found in the sentence itself
    running: bool      # it continues a quotation opened before it
    waits: bool        # it is quotation whose speaker is not yet named


def attribute_article(sentences: Iterable[str], finder: HolderFinder,
                      paragraph_starts: Iterable[bool] | None = None) -> list[Attribution]:
    """Holders for each sentence of one article, in order (see :meth:`HolderFinder.attribute_article`)."""
    return finder.attribute_article(sentences, paragraph_starts)


def make_finder(actors: "ActorSettings") -> HolderFinder:
    """The holder finder the ``actors`` settings describe (its gazetteer loaded and checked)."""
    if actors.path is None:
        raise ValueError("holder finding needs a gazetteer: actors.path is empty")
    cues = Cues(actors.reporting_verbs, actors.phrases, actors.window, actors.resolve_pronouns,
                actors.resolve_titles, actors.report_candidates, actors.quote_limit, actors.speech_verbs,
                actors.inverted_verbs, actors.statement_verbs)
    model = load_model(actors.holder_model) if actors.holder_model is not None else None
    return HolderFinder(load_gazetteer(actors.path), cues, model)

"""A learned holder decision: the rules propose candidates, a linear model decides.

The rules of :mod:`stance.holders` know many ways a sentence can name who holds its
position, but each is a yes/no; on real news the same cue means a holder in one context and
a conduit in another, and a running quotation or an op-ed speaks for someone the sentence
never names. Here every actor the sentence *could* have is a candidate -- the rules' own
holders, every actor it refers to (names, titles, resolved pronouns), the previous
sentence's holders, the running quotation's speaker, the next sentence's holders, the one
who spoke last -- and a logistic model scores each (sentence, candidate) pair from plain
features: which source proposed it, where its mention stands relative to the cues, inside
or outside quotation marks, subject or object, the sentence's own cues and quote state, the
candidate's kind, how long since it last held. Holders are the candidates scoring above
the model's threshold.

The model is plain data (JSON: feature names, coefficients, intercept, threshold and where
its training rows came from); loading it reads numbers and never runs code. Training lives
in :mod:`stance.holder_training` (scikit-learn), so holder finding itself needs none.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .errors import ActorError
from .files import read_json, write_json
from .holder_patterns import Cue, Mention, View
from .holder_position import is_modifier, is_object

FORMAT = "stance-holder-model/1"


@dataclass(frozen=True)
class SentenceTrace:
    """What the rules saw in one sentence, kept for the learned decision: the view, the actors
    it refers to (resolved mentions), its cues, the rules' holders with how each was found,
    and the article's state where the sentence began."""

    view: View
    mentions: tuple[Mention, ...]
    cues: tuple[Cue, ...]
    rule: tuple[tuple[str, str], ...]      # (holder, reason) as the rules found them in the sentence
    own: bool                              # the rules found holders in the sentence itself
    running: bool                          # it continues a quotation opened before it
    paragraph_start: bool
    previous: tuple[str, ...]              # the previous sentence's holders (the rules')
    quote_speaker: tuple[str, ...]         # the running quotation's speaker where it began
    last_speaker: str = ""                 # the actor who spoke last (a few sentences back)


@dataclass(frozen=True)
class HolderModel:
    """Weights of the learned decision: ``score = intercept + sum(weight * feature)``; a
    candidate holds when its probability reaches ``threshold``."""

    weights: Mapping[str, float]
    intercept: float
    threshold: float
    provenance: Mapping[str, object] = field(default_factory=dict)

    @property
    def cut(self) -> float:
        """The threshold as a raw score (log-odds), so scoring needs no exponential."""
        t = min(max(self.threshold, 1e-9), 1 - 1e-9)
        return math.log(t / (1 - t))

    def score(self, features: Mapping[str, float]) -> float:
        weights = self.weights
        return self.intercept + sum(weights.get(name, 0.0) * value for name, value in features.items())

    def probability(self, features: Mapping[str, float]) -> float:
        score = self.score(features)  # the logistic function, without overflow at either end
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        odds = math.exp(score)
        return odds / (1.0 + odds)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "intercept": self.intercept, "threshold": self.threshold,
                "weights": dict(sorted(self.weights.items())), "provenance": dict(self.provenance)}


def save_model(model: HolderModel, path: str | Path) -> Path:
    """Write the weights as JSON, atomically."""
    return write_json(path, model.to_dict())


def load_model(path: str | Path) -> HolderModel:
    """Read weights written by :func:`save_model`; anything else stops with one line naming
    the file and the problem. Only numbers are read: nothing in the file runs."""
    source = Path(path)
    raw = read_json(source, ActorError)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ActorError(f"holder model: expected a JSON object with \"format\": \"{FORMAT}\"", source)
    weights = raw.get("weights")
    if not isinstance(weights, dict) or not all(_number(v) for v in weights.values()):
        raise ActorError("holder model: \"weights\" must map feature names to numbers", source)
    if not _number(raw.get("intercept")) or not _number(raw.get("threshold")) or not 0 < raw["threshold"] < 1:
        raise ActorError("holder model: \"intercept\" must be a number and \"threshold\" one between 0 and 1", source)
    provenance = raw.get("provenance", {})
    return HolderModel({str(k): float(v) for k, v in weights.items()}, float(raw["intercept"]),
                       float(raw["threshold"]), provenance if isinstance(provenance, dict) else {})


def _number(value: object) -> bool:
    """A JSON number that is a finite float (an integer of 400 digits is not)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


# --- candidates and their features ---

_FIRST_PERSON = re.compile(r"\b(?:i|we|my|our|us|me)\b")
_PRONOUN_SAYS = re.compile(r"\b(?:he|she|they|it)\s+(?:\w+\s+)?(?:said|says|added|told|wrote|noted)\b")
_WORD = re.compile(r"[\w'.-]+")
_AUXILIARIES = frozenset({"has", "have", "had", "is", "are", "was", "were", "will", "would", "should", "can", "could",
                          "may", "might", "must", "does", "did", "do"})
_SKIP_TO_VERB = frozenset({"also", "then", "now", "still", "already", "never", "not", "again", "too", "first"})


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _kind(name: str, kinds: Mapping[str, str]) -> str:
    if name.endswith("(unnamed)"):
        return "unnamed"
    return kinds.get(name, "group")


def _mention_features(view: View, mention: Mention, cues: Sequence[Cue]) -> dict[str, float]:
    """Where one mention of the candidate stands: kind of reference, quotation, subject or
    object, the nearest cue before and after it and how far."""
    f: dict[str, float] = {f"m:{mention.how}": 1.0}
    if view.in_speech(mention.start):
        f["m:in_speech"] = 1.0
    elif view.in_quote(mention.start):
        f["m:in_scare_quote"] = 1.0
    if is_modifier(view, mention):
        f["m:modifier"] = 1.0
    if is_object(view, mention):
        f["m:object"] = 1.0
    before = view.low[: mention.start]
    previous_words = _WORD.findall(before)
    words_before = len(previous_words)
    if previous_words:
        f[f"w:before={previous_words[-1]}"] = 1.0
    following = _WORD.findall(view.low[mention.end : mention.end + 60])
    if following:
        f[f"w:after={following[0]}"] = 1.0
    verb = next((w for w in following if not w.endswith("ly") and w not in _SKIP_TO_VERB), "")
    if verb in _AUXILIARIES or (verb.endswith(("ed", "s")) and not verb.endswith(("'s", "ss"))):
        f["m:verb_after"] = 1.0  # a clause's subject: "X has ...", "X included ...", "X says ..."
        if words_before == 0 or before.rstrip().endswith((",", " and", " but")):
            f["m:clause_subject"] = 1.0
    f[f"m:words_before_{_bucket(words_before, (0, 2, 6))}"] = 1.0
    stripped = before.rstrip()
    if stripped.endswith(","):
        f["m:after_comma"] = 1.0
    if stripped.endswith(('"', "''")):
        f["m:after_quote_mark"] = 1.0
    after = [c for c in cues if c.start >= mention.end]
    ahead = [c for c in cues if c.end <= mention.start]
    if after:
        cue = after[0]
        gap = len(_WORD.findall(view.low[mention.end : cue.start]))
        f[f"m:cue_after_{_bucket(gap, (0, 2, 6))}"] = 1.0
        f["m:speech_after" if cue.speech else "m:stance_after"] = 1.0
        if gap <= 6:
            f[f"w:cue_after={cue.lemma}"] = 1.0
        if "," in view.low[mention.end : cue.start]:
            f["m:comma_to_cue"] = 1.0
    if ahead:
        cue = ahead[-1]
        gap = len(_WORD.findall(view.low[cue.end : mention.start]))
        f[f"m:cue_before_{_bucket(gap, (0, 2, 6))}"] = 1.0
        if cue.lemma == "according to" and gap <= 2:
            f["m:according"] = 1.0
    if not cues:
        f["m:no_cue"] = 1.0
    return f


def _context(trace: SentenceTrace) -> dict[str, float]:
    """Features of the sentence itself, shared by its candidates."""
    view = trace.view
    outside = view.outside_quotes()
    c: dict[str, float] = {}
    if trace.cues:
        c["c:cue"] = 1.0
    if any(cue.speech for cue in trace.cues):
        c["c:speech_cue"] = 1.0
    if view.quoted:
        c["c:quoted"] = 1.0
        if not re.search(r"\w", outside):
            c["c:wholly_quoted"] = 1.0
    if view.text.lstrip().startswith(('"', "``", "“")):
        c["c:opens_with_mark"] = 1.0
    if view.open_at_end:
        c["c:open_at_end"] = 1.0
    if trace.running:
        c["c:running"] = 1.0
    if trace.paragraph_start:
        c["c:paragraph_start"] = 1.0
    if _FIRST_PERSON.search(outside):
        c["c:first_person"] = 1.0
    if _PRONOUN_SAYS.search(outside):
        c["c:pronoun_says"] = 1.0
    if view.text.rstrip().endswith(":"):
        c["c:ends_colon"] = 1.0
    c[f"c:rule_holders_{_bucket(len(trace.rule), (0, 1))}"] = 1.0
    c[f"c:length_{_bucket(len(_WORD.findall(view.low)), (8, 20, 40))}"] = 1.0
    return c


_RECENT = 5  # sentences back an article's holder stays a candidate

def candidate_features(traces: Sequence[SentenceTrace], holders: Sequence[Sequence[str]],
                       kinds: Mapping[str, str]) -> list[list[tuple[str, dict[str, float]]]]:
    """For each sentence of one article, its candidates and their features. ``holders`` are
    the rules' final holders of each sentence (a quotation's speaker named where it closes
    given back to its earlier sentences); ``kinds`` maps actor names to person/organization."""
    out: list[list[tuple[str, dict[str, float]]]] = []
    last_held: dict[str, int] = {}
    held_count: dict[str, int] = {}
    for i, trace in enumerate(traces):
        rule = {name: reason for name, reason in trace.rule}
        final = list(holders[i])
        previous = list(holders[i - 1]) if i else []
        following = list(holders[i + 1]) if i + 1 < len(holders) else []
        by_actor: dict[str, list[Mention]] = {}
        for mention in trace.mentions:
            if mention.actor is not None:
                by_actor.setdefault(mention.actor.name, []).append(mention)
        recent = [name for name, at in last_held.items() if i - at <= _RECENT]
        top = max(held_count, key=held_count.get) if held_count else ""
        names = list(dict.fromkeys([*final, *by_actor, *previous,
                                    *(trace.quote_speaker if trace.running else ()), *following,
                                    *([trace.last_speaker] if trace.last_speaker else []), *recent,
                                    *([top] if top else [])]))
        context = _context(trace)
        context[f"c:candidates_{_bucket(len(names), (1, 2, 4))}"] = 1.0
        rows = []
        for name in names:
            sources: dict[str, float] = {}
            f: dict[str, float] = {}
            if name in final:
                sources["s:rule"] = 1.0
                reason = rule.get(name, "quotation closes")
                parts = reason.split()
                f[f"r:{parts[0]}"] = 1.0
                if len(parts) > 1:
                    f[f"r:{parts[0]}_{parts[1]}"] = 1.0
                    f[f"r:how_{parts[1]}"] = 1.0
                if len(parts) > 2:
                    f[f"r:lemma={' '.join(parts[2:])}"] = 1.0
                    f["r:speech_cue" if " ".join(parts[2:]) in _speech_lemmas(trace) else "r:stance_cue"] = 1.0
            mentions = by_actor.get(name, [])
            if mentions:
                sources["s:mention"] = 1.0
                outside = [m for m in mentions if not trace.view.in_speech(m.start)]
                best = outside[0] if outside else mentions[0]
                f.update(_mention_features(trace.view, best, trace.cues))
                if len(mentions) > 1:
                    f["m:several"] = 1.0
                if not outside:
                    f["m:only_in_speech"] = 1.0
            others = [n for n in rule if n != name]
            if others:
                f["r:another_holds"] = 1.0
                if name in rule and f.get("r:speech_cue"):
                    f["r:speech_beside_another"] = 1.0  # a source beside a holder it may relay
            if name in previous:
                sources["s:previous"] = 1.0
                if len(previous) == 1:
                    f["p:only_previous"] = 1.0
            if trace.running and name in trace.quote_speaker:
                sources["s:quote"] = 1.0
            if name in following:
                sources["s:next"] = 1.0
            if name == trace.last_speaker:
                sources["s:last_speaker"] = 1.0
            if name in recent:
                sources["s:recent"] = 1.0
            if name == top:
                sources["s:article_speaker"] = 1.0  # the one the article quotes most so far
            since = i - last_held[name] if name in last_held else 99
            f[f"k:since_{_bucket(since, (1, 2, 5))}"] = 1.0
            kind = _kind(name, kinds)
            f[f"k:{kind}"] = 1.0
            f.update(sources)
            f.update(context)
            for source in sources:  # which source proposed it, in which kind of sentence
                for key in context:
                    f[f"{source}&{key}"] = 1.0
                f[f"{source}&k:{kind}"] = 1.0
            if len(sources) > 1:
                f[f"s:n_{min(len(sources), 3)}"] = 1.0
            rows.append((name, f))
        out.append(rows)
        for name in final:
            last_held[name] = i
            held_count[name] = held_count.get(name, 0) + 1
    return out


def _speech_lemmas(trace: SentenceTrace) -> set[str]:
    return {cue.lemma for cue in trace.cues if cue.speech}


def decide(model: HolderModel, candidates: Sequence[tuple[str, Mapping[str, float]]]) -> list[str]:
    """The candidates the model keeps (scores at or above its threshold), in candidate order."""
    cut = model.cut
    return [name for name, features in candidates if model.score(features) >= cut]

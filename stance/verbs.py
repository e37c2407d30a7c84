"""Reporting verbs: one list of lemmas (in config) and every inflection generated from it.

Holder attribution, candidate speakers and the splitter's "?" Obama said." repair all read
the same forms, so a verb added once ("recommend") works in every tense everywhere.
"""

from __future__ import annotations

import re
from typing import Iterable

# Irregular past forms; everything else follows the spelling rules below.
_IRREGULAR_PAST = {
    "say": "said", "tell": "told", "write": "wrote", "speak": "spoke", "seek": "sought", "think": "thought",
    "give": "gave", "make": "made", "hold": "held", "take": "took", "put": "put", "set": "set",
    "read": "read", "forbid": "forbade", "foresee": "foresaw", "bid": "bid", "swear": "swore",
    "mean": "meant", "feel": "felt", "keep": "kept", "leave": "left", "lead": "led", "tweet": "tweeted",
    "stand": "stood", "see": "saw", "come": "came", "go": "went", "draw": "drew", "withdraw": "withdrew",
}
_IRREGULAR_PARTICIPLE = {"write": "written", "speak": "spoken", "give": "given", "take": "taken",
                         "forbid": "forbidden", "foresee": "foreseen", "swear": "sworn", "see": "seen", "come": "come",
                         "go": "gone", "draw": "drawn", "withdraw": "withdrawn"}
_VOWELS = "aeiou"


# Verbs that double their last consonant before -ed / -ing ("plan" -> "planned").
_DOUBLING = {"plan", "stop", "ban", "bar", "commit", "admit", "regret", "submit", "permit", "abet", "prefer",
             "refer", "defer", "deter", "rebut", "omit", "control", "compel", "propel", "rap", "slam", "nag",
             "dub", "drop", "nod", "quip", "snap", "slap", "grab", "jab", "stab", "stir", "spur", "scrap"}


def _double_final(stem: str) -> bool:
    return stem in _DOUBLING


def inflect(lemma: str) -> tuple[str, ...]:
    """All forms of a (possibly multi-word) verb: "call on" -> call on, calls on, called on, calling on."""
    return tuple(dict.fromkeys(_forms(lemma)))


def finite_forms(lemma: str) -> tuple[str, ...]:
    """The forms a reporting clause uses for a source that speaks: third person and past
    ("say" -> says, said; "read" -> reads, read), not the base form, which is so often a
    noun ("report", "state", "post")."""
    _, third, past, _, _ = _forms(lemma)
    return tuple(dict.fromkeys((third, past)))


def _forms(lemma: str) -> tuple[str, str, str, str, str]:
    """Base, third person, past, participle and gerund of a (possibly multi-word) verb."""
    head, _, rest = lemma.strip().lower().partition(" ")
    tail = f" {rest}" if rest else ""
    if head.endswith(("s", "x", "z", "ch", "sh", "o")):
        third = head + "es"
    elif head.endswith("y") and head[-2:-1] not in tuple(_VOWELS):
        third = head[:-1] + "ies"
    else:
        third = head + "s"
    if head in _IRREGULAR_PAST:
        past = _IRREGULAR_PAST[head]
    elif head.endswith("e"):
        past = head + "d"
    elif head.endswith("y") and head[-2:-1] not in tuple(_VOWELS):
        past = head[:-1] + "ied"
    elif _double_final(head):
        past = head + head[-1] + "ed"
    else:
        past = head + "ed"
    if head.endswith("ie"):
        gerund = head[:-2] + "ying"
    elif head.endswith("e") and not head.endswith(("ee", "ye", "oe")):
        gerund = head[:-1] + "ing"
    elif _double_final(head):
        gerund = head + head[-1] + "ing"
    else:
        gerund = head + "ing"
    forms = (head, third, past, _IRREGULAR_PARTICIPLE.get(head, past), gerund)
    return tuple(f + tail for f in forms)


def all_forms(lemmas: Iterable[str]) -> tuple[str, ...]:
    """Every inflection of every lemma, longest first (so a regex prefers "called on" to "called")."""
    forms = {form for lemma in lemmas if lemma.strip() for form in inflect(lemma)}
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


def forms_pattern(forms: Iterable[str]) -> str:
    """A regex matching any of ``forms`` as whole words (spaces match any run)."""
    return r"\b(?:" + trie_pattern(forms) + r")\b"


def trie_pattern(forms: Iterable[str]) -> str:
    """One regex matching any of ``forms``, written as a character trie (shared prefixes
    factored out, the longer form tried first): Python's re runs it far faster than a flat
    alternation of thousands of names. A space matches any run of whitespace."""
    trie: dict = {}
    for form in set(forms):
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + build(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a form ends here: the longer forms first, then this one
            body = f"(?:{body})?"
        return body

    return build(trie) if trie else "(?!)"


"""The actor gazetteer (SPEC section 3): canonical names, the aliases texts use, the titles
that refer back to an actor, its kind, affiliation and (optionally) gender. Loaded from
YAML, checked entry by entry and normalised once, so the holder finder matches the forms
news text really uses: "The Pentagon" and "the Pentagon", "José" and "Jose", "McKenzie Jr."
and "McKenzie, Jr.", a title written "the general" or "general"; an institution written
without its country ("foreign ministry") that is a title somewhere in the gazetteer is read
as a title, not as one country's name for every ministry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ActorError
from .files import read_utf8

KINDS = ("person", "organization")
GENDERS = ("male", "female")
_SUFFIX = re.compile(r",?\s+(Jr|Sr)\.?$")
_ARTICLE = re.compile(r"^(?:the|The)(?:\s+|$)")
_GENERIC_ALIAS = re.compile(r"(?:the|The)(?:\s+[a-z][a-z-]*)+$")


@dataclass(frozen=True)
class Actor:
    """A gazetteer entry: canonical ``name`` and the ways a text can refer to it.

    ``aliases`` are the surface forms as written (case-sensitive) plus the variants the
    loader generated; ``titles`` are lower-case back-references without an article;
    ``gender`` ("male", "female" or "") lets "he"/"she" skip actors it cannot mean."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    titles: tuple[str, ...] = ()
    affiliation: str = ""
    gender: str = ""


def fold_accents(text: str) -> str:
    """``text`` with accented Latin letters replaced by their base letter, one character for
    one (offsets stay valid): "José Peña" -> "Jose Pena"."""
    return text.translate(_FOLD_TABLE) if not text.isascii() else text


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD_TABLE = _build_fold_table()


def alias_variants(alias: str) -> list[str]:
    """The forms an alias also takes in running text: without its quotation marks, without a
    leading article before a name ("The Israeli Foreign Ministry"), with its first letter capitalised at the start of a
    sentence ("al-Shabaab" -> "Al-Shabaab"), with or without "Jr."/"Sr." and its comma."""
    forms = [alias]
    if len(alias) > 2 and alias[0] == alias[-1] == '"':
        alias = alias[1:-1].strip()  # a name written in quotes: '"axis of resistance"'
        forms.append(alias)
    bare = _ARTICLE.sub("", alias)
    if bare != alias and bare[:1].isupper():
        forms.append(bare)
    suffix = _SUFFIX.search(bare)
    if suffix:
        stem = bare[: suffix.start()]
        forms += [stem, f"{stem} {suffix.group(1)}.", f"{stem}, {suffix.group(1)}."]
    forms += [f[0].upper() + f[1:] for f in list(forms) if f[:1].islower()]
    return list(dict.fromkeys(forms))


def _refuse_yaml_aliases(text: str, source: Path) -> None:
    """A gazetteer never needs YAML anchors or aliases, and an alias bomb (a few lines that
    expand to billions of nodes) must not reach the loader: refuse them before composing."""
    for token in yaml.scan(text):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            raise ActorError("YAML anchors and aliases (&name, *name) are not allowed in a gazetteer",
                             source, token.start_mark.line + 1)


def _strings(entry: dict, key: str, name: str, source: Path, line: int) -> list[str]:
    values = entry.get(key) or []
    if not isinstance(values, list):
        raise ActorError(f"actor {name!r}: {key} must be a list", source, line)
    out = []
    for value in values:
        if isinstance(value, (dict, list)) or value is None or not str(value).strip():
            raise ActorError(f"actor {name!r}: empty or malformed entry in {key} ({value!r})", source, line)
        out.append(" ".join(str(value).split()))
    return out


def _entry(entry: object, source: Path, line: int) -> tuple[Actor, list[str]]:
    """One checked actor and the aliases it declares (before generated variants)."""
    if not isinstance(entry, dict):
        raise ActorError("actor entry is not a mapping", source, line)
    name = " ".join(str(entry.get("name") or "").split())
    if not name:
        raise ActorError("actor entry has no name", source, line)
    kind = str(entry.get("kind") or "").strip()
    if kind not in KINDS:
        raise ActorError(f"actor {name!r} has kind {kind!r}; expected person or organization", source, line)
    gender = str(entry.get("gender") or "").strip().lower()
    if gender and gender not in GENDERS:
        raise ActorError(f"actor {name!r} has gender {gender!r}; expected male, female or nothing", source, line)
    declared = list(dict.fromkeys([name, *_strings(entry, "aliases", name, source, line)]))
    for alias in declared:
        if not re.search(r"\w", alias):
            raise ActorError(f"actor {name!r}: alias {alias!r} has no letter or digit", source, line)
    # "the president", "the army": a common noun with its article is a back-reference that means
    # this actor only where the article has named it, so it is a title, not a name to match anywhere
    generic = [a for a in declared if a != name and _GENERIC_ALIAS.match(a)]
    declared = [a for a in declared if a not in generic]
    titles = []
    for title in [*_strings(entry, "titles", name, source, line), *generic]:
        bare = _ARTICLE.sub("", title.lower()).strip()
        if not re.search(r"\w", bare):
            raise ActorError(f"actor {name!r}: title {title!r} has no word after its article", source, line)
        titles.append(bare)
    actor = Actor(name, kind, tuple(declared), tuple(dict.fromkeys(titles)),
                  str(entry.get("affiliation") or ""), gender)
    return actor, declared


def load_gazetteer(path: str | Path) -> list[Actor]:
    """Read, validate and normalise a YAML gazetteer; errors name the entry's line."""
    source = Path(path)
    if not source.is_file():
        raise ActorError("actor file does not exist", source)
    text = read_utf8(source, ActorError)
    if not text.strip():
        raise ActorError("empty file", source)
    try:
        _refuse_yaml_aliases(text, source)
        root = yaml.compose(text)
        entries = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ActorError(f"not valid YAML ({getattr(err, 'problem', err)})", source,
                         mark.line + 1 if mark else None) from None
    if not isinstance(entries, list) or not isinstance(root, yaml.SequenceNode):
        raise ActorError("expected a list of actor entries", source, 1)
    parsed: list[tuple[Actor, list[str], int]] = []
    names: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}  # accent-folded declared alias -> (actor, line)
    for node, entry in zip(root.value, entries):
        line = node.start_mark.line + 1
        actor, declared = _entry(entry, source, line)
        if actor.name in names:
            raise ActorError(f"duplicate actor {actor.name!r} (first on line {names[actor.name]})", source, line)
        names[actor.name] = line
        for alias in declared:
            other = owner.setdefault(fold_accents(alias), (actor.name, line))
            if other[0] != actor.name:
                raise ActorError(f"alias {alias!r} of {actor.name!r} is also an alias of {other[0]!r} "
                                 f"(line {other[1]}); an alias must name one actor", source, line)
        parsed.append((actor, declared, line))
    if not parsed:
        raise ActorError("no actor entries", source)
    # a generated variant is kept only when no other actor declares or generates the same form
    claims: dict[str, set[str]] = {}
    for actor, declared, _ in parsed:
        for alias in declared:
            for variant in alias_variants(alias):
                claims.setdefault(fold_accents(variant), set()).add(actor.name)
    # "foreign ministry" as an alias would name one country's ministry in every text: an
    # institution written without its country, which is a title somewhere in the gazetteer, is a
    # back-reference (resolved by the side its owner or adjective names), not a name
    all_titles = {title for actor, _, _ in parsed for title in actor.titles}
    actors = []
    for actor, declared, _ in parsed:
        generic = [a for a in declared if a != actor.name and a.lower() in all_titles and _institution(a)]
        forms = [v for alias in declared if alias not in generic for v in alias_variants(alias)
                 if v in declared or (fold_accents(v) not in owner and claims[fold_accents(v)] == {actor.name})]
        titles = tuple(dict.fromkeys([*actor.titles, *(a.lower() for a in generic)]))
        actors.append(Actor(actor.name, actor.kind, tuple(dict.fromkeys(forms)), titles,
                            actor.affiliation, actor.gender))
    return actors


_INSTITUTIONS = frozenset({"ministry", "department", "office", "agency", "council", "committee", "command",
                           "directorate", "secretariat"})


def _institution(alias: str) -> bool:
    """Is ``alias`` an institution's common name ("foreign ministry", "Defense Ministry")?"""
    words = alias.lower().split()
    return len(words) >= 2 and words[-1] in _INSTITUTIONS

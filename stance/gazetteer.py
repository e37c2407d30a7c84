"""The actor gazetteer (SPEC section 3): canonical names, the aliases texts use, the titles
that refer back to an actor, its kind and affiliation. Loaded from YAML and checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ActorError
from .files import read_utf8

KINDS = ("person", "organization")


@dataclass(frozen=True)
class Actor:
    """A gazetteer entry: canonical ``name`` and the ways a text can refer to it."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    titles: tuple[str, ...] = ()
    affiliation: str = ""


def load_gazetteer(path: str | Path) -> list[Actor]:
    """Read and validate a YAML gazetteer; errors name the entry's line."""
    source = Path(path)
    if not source.is_file():
        raise ActorError("actor file does not exist", source)
    text = read_utf8(source, ActorError)
    if not text.strip():
        raise ActorError("empty file", source)
    try:
        root = yaml.compose(text)
        entries = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ActorError(f"not valid YAML ({getattr(err, 'problem', err)})", source,
                         mark.line + 1 if mark else None) from None
    if not isinstance(entries, list):
        raise ActorError("expected a list of actor entries", source, 1)
    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for node, entry in zip(root.value, entries):
        line = node.start_mark.line + 1
        if not isinstance(entry, dict):
            raise ActorError("actor entry is not a mapping", source, line)
        name = str(entry.get("name") or "").strip()
        if not name:
            raise ActorError("actor entry has no name", source, line)
        if name in seen:
            raise ActorError(f"duplicate actor {name!r} (first on line {seen[name]})", source, line)
        seen[name] = line
        kind = str(entry.get("kind") or "").strip()
        if kind not in KINDS:
            raise ActorError(f"actor {name!r} has kind {kind!r}; expected person or organization", source, line)
        for key in ("aliases", "titles"):
            if not isinstance(entry.get(key) or [], list):
                raise ActorError(f"actor {name!r}: {key} must be a list", source, line)
        aliases = tuple(dict.fromkeys([name, *[str(a) for a in entry.get("aliases") or []]]))
        actors.append(Actor(name, kind, aliases, tuple(str(t).lower() for t in entry.get("titles") or []),
                            str(entry.get("affiliation") or "")))
    if not actors:
        raise ActorError("no actor entries", source)
    return actors

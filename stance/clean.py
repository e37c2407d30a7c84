"""Cleaning: drop boilerplate lines and repair mangled entities, keeping offsets to the raw text.

Every character of the cleaned text remembers the raw character it came from, so a
sentence found in clean text can be shown in its original context.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

# Entities broken by a scraper or a translation engine: "O & # 39; Brien", "high,quot;".
_SPACED_NUMERIC_ENTITY = re.compile(r"(\s*)&\s*#\s*(\d{2,4})\s*;(\s*)")
_APOSTROPHES = {39, 8217}
_BARE_QUOT = re.compile(r"[,&]quot;")
_NAMED_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")
_TYPOGRAPHIC = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "}
_TYPOGRAPHIC_RE = re.compile("[" + "".join(_TYPOGRAPHIC) + "]")
_SPACE_RUN = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class CleanOptions:
    """What to remove and repair; the defaults live in ``conf/clean/default.yaml``."""

    drop_line_patterns: tuple[str, ...] = ()
    strip_prefix_patterns: tuple[str, ...] = ()
    closing_line_patterns: tuple[str, ...] = ()
    closing_lines: int = 3
    max_boilerplate_chars: int = 400
    caption_marker: str = "(photo credit:"
    drop_author_bio: bool = True
    repair_entities: bool = True
    normalize_quotes: bool = True
    collapse_spaces: bool = True


@dataclass(frozen=True)
class CleanText:
    """Cleaned text and, for each of its characters, the index of the raw character."""

    text: str
    offsets: tuple[int, ...] = field(repr=False)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` of the clean span ``[start, end)``."""
        if end <= start:
            raw = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return raw, raw
        return self.offsets[start], self.offsets[end - 1] + 1


class _Tracked:
    """A string whose characters carry their raw offsets through substitutions."""

    def __init__(self, raw: str):
        self.text = raw
        self.offsets = list(range(len(raw)))

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> None:
        parts: list[str] = []
        offsets: list[int] = []
        last = 0
        for match in pattern.finditer(self.text):
            start, end = match.span()
            parts.append(self.text[last:start])
            offsets.extend(self.offsets[last:start])
            new = repl(match)
            if len(new) == end - start:
                offsets.extend(self.offsets[start:end])
            else:
                anchor = self.offsets[start] if start < len(self.offsets) else len(self.offsets)
                offsets.extend([anchor] * len(new))
            parts.append(new)
            last = end
        parts.append(self.text[last:])
        offsets.extend(self.offsets[last:])
        self.text = "".join(parts)
        self.offsets = offsets


def _decode_spaced_entity(match: re.Match[str]) -> str:
    """``O & # 39; Brien`` -> ``O'Brien``: an apostrophe takes no spaces around it."""
    code = int(match[2])
    if code in _APOSTROPHES:
        return chr(code)
    return match[1] + chr(code) + match[3]


def _lines_to_drop(lines: list[str], options: CleanOptions) -> set[int]:
    """Indices of boilerplate lines: configured patterns, photo captions (and the bare
    caption line a page repeats just before its credited copy), author bios."""
    patterns = [re.compile(p) for p in options.drop_line_patterns]
    closing = [re.compile(p) for p in options.closing_line_patterns]
    marker = options.caption_marker.lower()
    drop: set[int] = set()
    filled = [i for i, line in enumerate(lines) if line.strip()]
    last_lines = set(filled[-options.closing_lines:]) if options.closing_lines > 0 else set()
    for i, line in enumerate(lines):
        stripped = line.strip()
        # boilerplate lines are short: longer ones are never matched, which also keeps every
        # pattern's cost linear in the article's length, however a user writes it
        if len(stripped) > options.max_boilerplate_chars:
            continue
        if any(p.fullmatch(stripped) for p in patterns):
            drop.add(i)
        elif i in last_lines and any(p.fullmatch(stripped) for p in closing):
            drop.add(i)
        elif marker and marker in stripped.lower():
            drop.add(i)
            caption = stripped[: stripped.lower().index(marker)].strip()
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines) and lines[j].strip() and caption.startswith(lines[j].strip()):
                    drop.add(j)
    if options.drop_author_bio:
        for i, line in enumerate(lines):
            match = re.fullmatch(r"\s*Author:\s*(?P<name>[^\n]+?)\s*", line)
            if not match:
                continue
            drop.add(i)
            name = match["name"]
            for j in range(i + 1, len(lines)):
                if lines[j].strip() and not lines[j].strip().startswith(name):
                    break
                drop.add(j)
    return drop


def clean(raw: str, options: CleanOptions = CleanOptions()) -> CleanText:
    """Remove boilerplate and repair entities; offsets map each kept character to ``raw``."""
    tracked = _Tracked(raw)
    for prefix in options.strip_prefix_patterns:
        tracked.sub(re.compile(prefix), lambda m: "")
    lines = tracked.text.split("\n")
    drop = _lines_to_drop(lines, options)
    if drop:
        dropped_lines = re.compile(r"[^\n]*(?:\n|$)")
        index = iter(range(len(lines) + 1))

        def keep_or_drop(match: re.Match[str]) -> str:
            if match.group() == "":
                return ""
            return "" if next(index) in drop else match.group()

        tracked.sub(dropped_lines, keep_or_drop)
    if options.repair_entities:
        tracked.sub(_SPACED_NUMERIC_ENTITY, _decode_spaced_entity)
        tracked.sub(_BARE_QUOT, lambda m: '"')
        tracked.sub(_NAMED_ENTITY, lambda m: html.unescape(m.group()))
    if options.normalize_quotes:
        tracked.sub(_TYPOGRAPHIC_RE, lambda m: _TYPOGRAPHIC[m.group()])
    if options.collapse_spaces:
        tracked.sub(_SPACE_RUN, lambda m: " ")
    return CleanText(tracked.text, tuple(tracked.offsets))


def clean_options(drop_line_patterns: Iterable[str] = (), strip_prefix_patterns: Iterable[str] = (),
                  closing_line_patterns: Iterable[str] = (), extra_drop_line_patterns: Iterable[str] = (),
                  **flags) -> CleanOptions:
    """Build :class:`CleanOptions` from plain config values (lists become tuples; a project's
    ``extra_drop_line_patterns`` are dropped on top of ``drop_line_patterns``)."""
    return CleanOptions((*drop_line_patterns, *extra_drop_line_patterns), tuple(strip_prefix_patterns),
                        tuple(closing_line_patterns), **flags)

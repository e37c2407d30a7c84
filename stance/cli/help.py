"""`stance <command> --help`: the command's options, each with its default and the comment
that explains it in the config file it comes from (``conf/<group>/<option>.yaml`` or the
project's ``stance.yaml``), so the help never drifts from the configuration."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from ..project import PROJECT_FILE, Project, config_dir
from . import COMMANDS

_KEY = re.compile(r"^(\s*)([A-Za-z_][\w-]*)\s*:(.*)$")
_WIDTH = 62


def _inline_comment(rest: str) -> str:
    """The comment after a YAML value (a ``#`` outside quotes, after a space)."""
    quote = None
    for i, ch in enumerate(rest):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or rest[i - 1] in " \t"):
            return rest[i + 1:].strip()
    return ""


def yaml_comments(path: Path) -> tuple[str, dict[str, str]]:
    """A YAML config file's first comment line and, per dotted key, its comment: the one on
    its line with the comment lines indented under it, else the comment block right above it."""
    heading, found = "", {}
    if not path.is_file():
        return heading, found
    stack: list[tuple[int, str]] = []
    above: str = ""
    inline: tuple[str, int] | None = None  # the key whose inline comment may go on, and its indent
    in_header = True  # the file's opening comment block describes the file, not its first key
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if in_header and not heading and not text.startswith("@"):
                heading = text
            if inline and line.index("#") > inline[1] and inline[0] in found:
                found[inline[0]] += " " + text  # an inline comment going on, indented past its key
                continue
            inline = None
            above = "" if in_header else f"{above} {text}".strip()
            continue
        in_header = False
        inline = None
        match = _KEY.match(line)
        if not stripped or not match:
            above = "" if not stripped else above
            continue
        indent, key = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        dotted = ".".join([k for _, k in stack] + [key])
        comment = _inline_comment(match.group(3))
        if comment:
            inline = (dotted, indent)
        comment = comment or above
        if comment and key != "defaults":
            found[dotted] = comment
        stack.append((indent, key))
        above = ""
    return heading, found


def _group_files(folders: list[Path], group: str, option: str, seen: set[Path] | None = None) -> list[Path]:
    """The file of ``group=option`` and the files of the same group it builds on."""
    seen = seen if seen is not None else set()
    files = []
    for folder in folders:
        path = folder / group / f"{option}.yaml"
        if path.is_file() and path not in seen:
            seen.add(path)
            files.append(path)
            for line in path.read_text(encoding="utf-8").splitlines():
                base = re.match(r"^\s*-\s*([\w-]+)\s*$", line)
                if base and base.group(1) != "_self_":
                    files += _group_files(folders, group, base.group(1), seen)
            break
    return files


def _flat(node: object, prefix: str) -> list[tuple[str, object]]:
    if isinstance(node, dict):
        rows = []
        for key, value in node.items():
            rows += _flat(value, f"{prefix}.{key}")
        return rows
    return [(prefix, node)]


def _shown(value: object) -> str:
    text = "null" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
    return text if len(text) <= _WIDTH else text[:_WIDTH - 3] + "..."


def options_table(cfg: DictConfig, groups: tuple[str, ...], project: Project) -> list[str]:
    """Per group: its chosen option, then every key with its default and comment."""
    choices = dict(cfg.hydra.runtime.choices) if "hydra" in cfg else {}
    folders = ([project.root] if not project.shipped else []) + [config_dir()]
    project_comments = yaml_comments(project.root / PROJECT_FILE)[1] if not project.shipped else {}
    lines = []
    for group in groups:
        if group not in cfg:
            continue
        comments: dict[str, str] = {}
        heading = ""
        option = choices.get(group)
        if option:
            for path in reversed(_group_files(folders, group, str(option))):
                top, found = yaml_comments(path)
                heading = top or heading
                comments.update(found)
        comments.update({key[len(group) + 1:]: text for key, text in project_comments.items()
                         if key.startswith(group + ".")})
        title = f"{group}" + (f" (={option})" if option else "") + (f": {heading}" if heading else "")
        lines.append(title)
        values = OmegaConf.to_container(cfg[group], resolve=False)
        for key, value in _flat(values, group):
            relative = key[len(group) + 1:]
            comment = comments.get(relative, "")
            lines.append(f"  {key}={_shown(value)}"
                         + ("\n" + textwrap.fill(comment, 100, initial_indent=" " * 6, subsequent_indent=" " * 6)
                            if comment else ""))
    return lines


def command_help(name: str, project: Project) -> str:
    """The help of one command: usage, summary, example and its options with their defaults."""
    from .compose import compose_config

    command = COMMANDS[name]
    argument = f" [{command.positional.split('.')[-1].upper()}]" if command.positional else ""
    head = (f"usage: stance {name}{argument} [key=value ...] [-m] [--cfg job] [--info] [--project DIR]\n\n"
            f"{command.summary}\n\nexample:\n  {command.example}\n\nruns in {project.describe()}\n")
    cfg = compose_config([*command.preset, f"command={name}"], project, return_hydra_config=True)
    lines = options_table(cfg, command.groups, project)
    general = ("\nOther groups: corpus, clean, segment, actors, annotations, features, model, eval, report, store, "
               "compare, importing, queue, agreement, experiment (`+experiment=NAME`).\n"
               f"All settings: `stance {name} --cfg job`; where they come from: `stance {name} --info`.")
    return head + "\noptions (key=default):\n" + "\n".join(lines) + "\n" + general

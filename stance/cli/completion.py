"""Shell completion for `stance`: ``eval "$(stance --completion bash)"`` (bash or zsh with
bashcompinit). The first word completes to a command; later words to the command's config
keys, groups and options, answered by Hydra's own completion for the composed config of
the project the shell is in."""

from __future__ import annotations

import io
import shlex
from contextlib import redirect_stdout

from . import COMMANDS, PLAIN_COMMANDS

SCRIPT = """\
# stance: bash completion (eval "$(stance --completion bash)")
_stance_completion()
{
    local word="${COMP_WORDS[COMP_CWORD]}"
    local choices
    choices=$(COMP_LINE="$COMP_LINE" COMP_POINT="$COMP_POINT" stance --complete 2>/dev/null)
    COMPREPLY=($(compgen -o nospace -W "$choices" -- "$word"))
}
COMP_WORDBREAKS=${COMP_WORDBREAKS//=}
complete -o nospace -o default -F _stance_completion stance
"""


def script(shell: str) -> str:
    """The completion script for ``shell``."""
    if shell not in ("bash", "zsh"):
        return f"# stance: no completion for {shell!r}; bash and zsh (with bashcompinit) are supported"
    prefix = "autoload -U +X bashcompinit && bashcompinit\n" if shell == "zsh" else ""
    return prefix + SCRIPT


def candidates(line: str, point: int = -1) -> list[str]:
    """What may follow the cursor on ``line`` (``stance train model.C``)."""
    line = line if point < 0 else line[:point]
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if line.endswith(" "):
        words.append("")
    if len(words) <= 2:
        typed = words[1] if len(words) == 2 else ""
        options = [*COMMANDS, *PLAIN_COMMANDS, "--help", "--version", "--completion"]
        return [name for name in options if name.startswith(typed)]
    name = words[1]
    if name not in COMMANDS:
        return []
    return _hydra_candidates(name, words[2:])


def _hydra_candidates(name: str, words: list[str]) -> list[str]:
    """Hydra's completion of the overrides typed so far, in the command's configuration."""
    from hydra._internal.core_plugins.bash_completion import BashCompletion
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.utils import create_config_search_path
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.config_search_path import ConfigSearchPath
    from pathlib import Path

    from ..project import find_project
    from .compose import config_source, set_project

    project = find_project(Path.cwd())
    set_project(project)
    folder, config_name, _ = config_source(project)
    search_path: ConfigSearchPath = create_config_search_path(folder)
    if not project.shipped:
        from ..project import config_dir

        # after the project's folder, before Hydra's schema source (which must stay last)
        search_path.append("stance", f"file://{config_dir()}", anchor="main")
    GlobalHydra.instance().clear()
    loader = ConfigLoaderImpl(config_search_path=search_path)
    completion = BashCompletion(config_loader=loader)
    words = [w for w in words if not w.startswith("-")] or [""]
    out = io.StringIO()
    with redirect_stdout(out):
        found = completion._query(config_name=config_name, line=" ".join([*words[:-1], words[-1]]))
    return list(found)


def complete(line: str, point: int = -1) -> int:
    """Print the candidates for ``$COMP_LINE`` (the script calls ``stance --complete``)."""
    try:
        print(" ".join(candidates(line, point)))
    except Exception:  # completion must never print a traceback into the user's prompt
        return 1
    return 0

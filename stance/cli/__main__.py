"""``python -m stance.cli``: the `stance` command (reproduce.sh uses it)."""

from . import console

console()

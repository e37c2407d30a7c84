"""The package's shape, checked: Hydra only at the edge, no import circles, no private names
borrowed across modules, and every extension table usable as its comment says."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "stance"


def _modules() -> dict[str, ast.Module]:
    """Every module of the package by dotted name, parsed."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(module: str, tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every import, at any depth, except under TYPE_CHECKING."""
    package = module if (PACKAGE / Path(*module.split(".")[1:]) / "__init__.py").exists() else module.rsplit(".", 1)[0]
    found = []

    def visit(node: ast.AST) -> None:
        if _is_type_checking(node):
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.append((base, [alias.name for alias in node.names]))
        for child in ast.iter_child_nodes(node):
            visit(child)
    visit(tree)
    return found


MODULES = _modules()


def _internal_target(name: str, names: list[str]) -> list[str]:
    """The package modules an import statement loads."""
    targets = []
    if name in MODULES:
        targets.append(name)
    for item in names:
        if f"{name}.{item}" in MODULES:
            targets.append(f"{name}.{item}")
    return targets


def test_hydra_and_omegaconf_are_imported_only_in_cli():
    outside = [module for module, tree in MODULES.items() if not module.startswith("stance.cli")
               for name, _ in _imports(module, tree) if name.split(".")[0] in ("hydra", "omegaconf")]
    assert outside == []


def test_no_dictconfig_outside_cli():
    outside = [module for module, tree in MODULES.items() if not module.startswith("stance.cli")
               and "DictConfig" in ast.unparse(tree)]
    assert outside == []


def test_the_import_graph_has_no_circle():
    graph = {module: {t for name, names in _imports(module, tree) for t in _internal_target(name, names)
                      if t != module and not module.startswith(t + ".")}
             for module, tree in MODULES.items()}
    state: dict[str, int] = {}
    circles = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert circles == []


def test_no_private_name_is_imported_from_another_module():
    borrowed = [(module, name, item) for module, tree in MODULES.items() for name, names in _imports(module, tree)
                if name.startswith("stance") for item in names if item.startswith("_") and item != "__version__"]
    assert borrowed == []

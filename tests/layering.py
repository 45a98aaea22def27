"""The layering rule, checked by walking every import: roles depend on hotspare/, never on each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROLES = ("agent", "controller", "tui")
# What each layer must never import. hotspare/cli is the composition root (the console script
# wires the roles together), so it alone may import them, and only inside its command handlers.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "agent": ("controller", "tui"),
    "controller": ("agent", "tui"),
    "tui": ("agent", "controller"),
    "hotspare": ROLES,
}
EXEMPT = ("hotspare/cli/", "hotspare/v1/")


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def violations(root: Path) -> list[str]:
    """Every import that crosses the line, as 'file:line: layer imports module'."""
    found: list[str] = []
    for layer, banned in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel.startswith(EXEMPT):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
            for node in ast.walk(tree):
                for name in _imported(node):
                    if name.split(".")[0] in banned:
                        found.append(f"{rel}:{node.lineno}: {layer} imports {name}")
    return found

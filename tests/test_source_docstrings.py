"""Every docstring in the repository encodes as UTF-8. Python 3.13 cleans docstrings when it
compiles a module and raises UnicodeEncodeError at import for one holding a lone surrogate:
app/terminal_text's docstring spelled `\\udcff` without its backslash escaped, and every TUI
test failed on 3.13 (301 of them) while 3.10 and 3.11 passed. Checked here on any version."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIRS = ("app", "core", "widgets", "pytui_pkg", "tests", "bench", "tools", "screenshots")


def _docstrings(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            text = ast.get_docstring(node, clean=False)
            if text is not None:
                yield node, text


def test_every_docstring_encodes_as_utf8() -> None:
    bad = []
    files = [path for name in DIRS for path in sorted((REPO / name).rglob("*.py"))]
    assert len(files) > 100  # the walk found the sources
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, text in _docstrings(tree):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as err:
                bad.append(f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 1)}: {err.reason}")
    assert not bad, bad

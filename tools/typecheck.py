"""Type-check core/ and app/ with mypy, the way the README's test command (and CI) runs it.

    .venv/bin/python tools/typecheck.py            # whatever [tool.mypy] in pyproject.toml says

The source folders are installed under other names (`core/` is `pytui.core`, through
`[tool.setuptools.package-dir]`), and the editable install maps them with an import hook that
mypy cannot follow. So this lays the package out as `pytui/{core,app,widgets}` symlinks in
`.mypy_cache/tree/`, runs mypy there, and prints paths as they are in the repository.

It also refuses a `# type: ignore` in core/, app/ or widgets/ that gives no reason: write it
as `# type: ignore[code]  # why this is right` (files still listed in IGNORES_WITHOUT_REASON
are exempt until they are fixed).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TREE = REPO / ".mypy_cache" / "tree"
# The import package `pytui` and where each of its parts lives in the repository.
LAYOUT = {"__init__.py": "pytui_pkg/__init__.py", "core": "core", "app": "app", "widgets": "widgets"}
CHECKED = ("core", "app", "widgets")
# Files exempt from the reason rule (written before it, until fixed).
IGNORES_WITHOUT_REASON: frozenset[str] = frozenset()  # none left; add none
_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(?P<rest>.*)$")


def build_tree() -> Path:
    package = TREE / "pytui"
    package.mkdir(parents=True, exist_ok=True)
    for name, source in LAYOUT.items():
        link = package / name
        target = REPO / source
        if os.path.islink(link) and Path(os.readlink(link)) == target:
            continue
        if os.path.lexists(link):
            link.unlink()
        link.symlink_to(target)
    return TREE


def ignores_without_reason() -> list[str]:
    problems = []
    for folder in CHECKED:
        for path in sorted((REPO / folder).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel in IGNORES_WITHOUT_REASON:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = _IGNORE.search(line)
                if match and not match.group("rest").strip().lstrip("#").strip():
                    problems.append(f"{rel}:{number}: error: `type: ignore` without a reason; "
                                    "add `  # why` after it  [ignore-without-reason]")
    return problems


def main() -> int:
    from mypy import api

    tree = build_tree()
    os.chdir(REPO)  # mypy reads [tool.mypy] from ./pyproject.toml
    stdout, stderr, status = api.run(["--config-file", str(REPO / "pyproject.toml"),
                                      "--cache-dir", str(REPO / ".mypy_cache"),
                                      *[arg for part in ("core", "app") for arg in ("-p", f"pytui.{part}")]])
    prefix = f"{tree.relative_to(REPO).as_posix()}/pytui/"
    for name, source in LAYOUT.items():
        stdout = stdout.replace(prefix + name, source)
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    problems = ignores_without_reason()
    for problem in problems:
        print(problem)
    return status or (1 if problems else 0)


if __name__ == "__main__":
    os.environ.setdefault("MYPYPATH", str(TREE))
    sys.exit(main())

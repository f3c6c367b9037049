"""The repository stands alone and its checks stay in sync (docs/architecture.md)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("core", "app", "widgets", "tests", "bench", "screenshots", "docs", "tools", ".ci")
# Files a clone does not have; the repository must not lean on them. (Spelled in pieces so
# this file does not match itself.)
FORBIDDEN = ("uv-" + "facts", "DESIGN" + ".md", "../" + "shared")


def _files() -> list[Path]:
    out = [REPO / "README.md", REPO / "pyproject.toml"]
    for folder in SOURCE_DIRS:
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__snapshots__" not in path.parts and path.suffix in {
                    ".py", ".md", ".toml", ".tcss", ""}:
                out.append(path)
    return out


def test_nothing_refers_to_files_outside_the_repository() -> None:
    hits = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        hits += [f"{path.relative_to(REPO)}: {word}" for word in FORBIDDEN if word in text]
    assert hits == []


def test_docs_anchors_cited_in_the_code_exist() -> None:
    anchors = {}
    for doc in (REPO / "docs").glob("*.md"):
        headings = re.findall(r"^#+ (.+)$", doc.read_text(encoding="utf-8"), re.MULTILINE)
        anchors[doc.name] = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
    cited = re.compile(r"docs/([a-z-]+\.md)#([a-z0-9-]+)((?:,? (?:and )?#[a-z0-9-]+)*)")
    missing = []
    for path in _files():
        for match in cited.finditer(path.read_text(encoding="utf-8", errors="replace")):
            doc, first, more = match.group(1), match.group(2), match.group(3)
            for anchor in [first, *re.findall(r"#([a-z0-9-]+)", more)]:
                if anchor not in anchors.get(doc, set()):
                    missing.append(f"{path.relative_to(REPO)}: docs/{doc}#{anchor}")
    assert missing == []


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^python3 -m venv \.venv && .*pytest.*$", readme, re.MULTILINE)
    assert len(commands) == 1, commands
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[0] in ci_lines


def _readme_job_phases() -> list[str]:
    """The phases the README's Jobs panel paragraph names: its `phase (…)` list."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("its key, phase (")
    end = readme.index("), progress bar", start)
    return re.findall(r"`([a-z]+)`", readme[start:end])


def test_readme_names_every_phase_a_job_row_shows() -> None:
    """widgets/rows.py lists what a job row can show; each core phase is among them, and the
    README names exactly those (a phase added or renamed in the code fails here)."""
    from pytui.app.job_record import ENDED
    from pytui.app.job_view import DONE_LABELS
    from pytui.core.progress import PHASES
    from pytui.widgets.job_list import _PHASE_CLASS
    from pytui.widgets.rows import ENDED_PHASES, RUNNING_PHASES

    assert set(PHASES) <= set(RUNNING_PHASES)
    assert tuple(ENDED) == ENDED_PHASES
    shown = RUNNING_PHASES + ENDED_PHASES
    assert set(_PHASE_CLASS) == set(shown)  # each has its colour
    named = _readme_job_phases()
    assert len(named) == len(set(named)), named
    assert set(named) == set(shown) | set(DONE_LABELS.values())


def test_readme_names_every_option_and_action_the_commands_take() -> None:
    """Each option `--help` lists (the short forms too) and each `cache` action, command
    alias included, is named in README: `list --no-support`, `ls`, `-V`, `upgrade
    --reinstall` were in `--help` only."""
    import argparse

    from pytui.app.parser import build_parser

    text = (REPO / "README.md").read_text(encoding="utf-8")
    missing: list[str] = []
    todo = [build_parser()]
    while todo:
        parser = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                words = list(action.choices)
                missing += [f"{parser.prog} {word}" for word in words
                            if not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
                todo.extend(dict.fromkeys(action.choices.values()))
            elif action.help != argparse.SUPPRESS:  # uv's hidden spellings stay hidden
                missing += [f"{parser.prog} {option}" for option in action.option_strings
                            if option not in ("-h", "--help")
                            and not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text)]
    assert not missing, missing


def test_no_two_test_modules_share_a_name() -> None:
    # tests/ and tests/ui/ have no __init__.py: pytest imports each test file by its basename,
    # and two of one name fail the run's collection ("import file mismatch") — only when one
    # xdist worker collects both, so a change can pass its own run and break the next.
    seen: dict[str, Path] = {}
    for path in sorted((REPO / "tests").rglob("*.py")):
        if "__pycache__" in path.parts or path.name == "conftest.py":  # pytest keeps each apart
            continue
        other = seen.setdefault(path.name, path)
        assert other == path, f"{path.relative_to(REPO)} and {other.relative_to(REPO)} share a name"


def test_the_readme_first_screen_says_what_a_newcomer_needs() -> None:
    """The README's first screenful (its first 40 lines) says what pytui is, the two
    fresh-machine commands (set up and run; set up and test), the three panes and five keys;
    a newcomer read a dense paragraph there. The keys it names are the keymap's (README's keys
    table, made from app/keymap.py), so the short table cannot drift from the bindings."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first = "\n".join(readme.splitlines()[:40])
    assert "standalone CPython builds" in first and "`uv`" in first
    assert "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/pytui" in first
    assert re.search(r"^python3 -m venv \.venv && .*pytest.*$", first, re.MULTILINE)
    for pane in ("**Available**", "**Cached**", "**Installed**"):
        assert pane in first, pane
    keys = re.findall(r"^\| (.+?) \| .+ \|$", first, re.MULTILINE)[1:]
    assert keys == ["↑ / ↓ (or `j` / `k`)", "Tab", "`i`", "`?`", "`q`"], keys
    table = readme[readme.index("<!-- keys:start -->"):readme.index("<!-- keys:end -->")]
    for key in ("`j` / `k`", "Tab", "`i`", "`?`", "`q` / Ctrl+Q"):
        assert f"| {key} |" in table, key

"""The environment scan as the TUI shows it, without Textual: the Environments view's rows and
status, the Installed pane's "Used by", the details' users, what `U` and `e`/`P` decide.
A broken environment's mend line and an unmet pin's next step: test_envs_mend_details.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from envs_view_state import MINOR, NEW, NEWEST, OLD, envs_state
from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app import uninstall_decisions as du
from pytui.app.background import scan_note
from pytui.app.envs_view import (
    env_rows,
    envs_footer_dimmed,
    envs_status,
    no_row_note,
    used_by_count,
    users_fields,
)
from pytui.app.keymap import KEYMAP
from pytui.app.purge_plan import outdated_plan
from pytui.app.view_model import ViewModel
from pytui.core.environment import Environment, ScanResult


def _envs(tmp: Path) -> list[Environment]:
    return [
        Environment(tmp / "p" / ".venv", "venv", OLD.key, "patch", "ok"),
        Environment(tmp / "f" / ".venv", "venv", NEW.key, "minor", "ok", minor=MINOR),
        Environment(tmp / "tools" / "ruff", "uv-tool", NEW.key, "minor", "ok", minor=MINOR),
        Environment(tmp / "x" / "env", "venv", None, "external", "ok", interpreter="/usr/bin/python3"),
        Environment(tmp / "b" / ".venv", "venv", None, "patch", "broken", wanted="cpython-3.12.99-linux-x86_64-gnu",
                    error="its interpreter cpython-3.12.99 is gone"),
        Environment(tmp / "proj" / ".python-version", "pin", NEW.key, None, "ok", request="3.12"),
    ]


def test_rows_for_a_scan_result_broken_first_and_filterable(tmp_path: Path) -> None:
    state = envs_state(tmp_path, [OLD, NEW], [OLD, NEW])
    assert env_rows(state) == [] and envs_status(state) == "not scanned yet"
    state.envs_scanning = True
    assert envs_status(state) == "scanning…"
    state.set_environments(_envs(tmp_path), partial=False, note="6 environments in 0.01 s")
    rows = env_rows(state)
    assert rows[0].path == "~/b/.venv" and rows[0].status == "broken" and rows[0].key == "missing"
    # The Status column says it is broken: How says what it wants (fits 16 cells at 80x24).
    assert rows[0].how == "wants 3.12.99"
    by_path = {row.path: row for row in rows}
    assert by_path["~/p/.venv"].how == "pinned to 3.12.7"
    assert by_path["~/f/.venv"].how == "follows 3.12"
    # A Python outside the root is not a missing one: `missing` is only a managed one gone.
    assert by_path["~/x/env"].how.startswith("external") and by_path["~/x/env"].key == "outside"
    assert by_path["~/tools/ruff"].kind == "uv-tool"
    assert by_path["~/proj/.python-version"].how == "pin 3.12"
    # Each word must match: kind, key part, status, how.
    assert [r.path for r in env_rows(state, "broken")] == ["~/b/.venv"]
    assert {r.path for r in env_rows(state, "follows 3.12")} == {"~/f/.venv", "~/tools/ruff"}
    assert [r.path for r in env_rows(state, "uv-tool")] == ["~/tools/ruff"]
    assert env_rows(state, "nothing-like-this") == []
    assert envs_status(state, 1, 1).startswith("1 of 6 environments, 1 broken")
    # The filter leads the count, as in the panes' subtitles (it was `· filter “…”` at the end).
    assert envs_status(state, 1, 1, "3.10").startswith("“3.10”: 1 of 6 environments, 1 broken ·")
    # The broken are those the filter shows (it read `0 of 6 environments, 1 broken`).
    assert envs_status(state, 0).startswith("0 of 6 environments ·")
    assert envs_status(state, 2).startswith("2 of 6 environments ·")
    assert envs_status(state).startswith("6 environments, 1 broken ·")
    # A partial scan says so; a rescan keeps the last result shown and says it is the last.
    state.envs_partial, state.envs_scanning = True, True
    status = envs_status(state)
    assert status.startswith("scanning… showing the last scan: 6 environments")
    assert "(partial: budget reached)" in status


def test_a_failed_scan_keeps_the_last_result(tmp_path: Path) -> None:
    state = envs_state(tmp_path, [OLD], [OLD])
    state.set_environments(_envs(tmp_path), partial=False, note="ok")
    state.set_environments([], partial=False, note="the environment scan failed: boom", failed=True)
    assert len(state.environments or []) == 6 and "boom" in envs_status(state)


def test_used_by_is_unknown_until_the_scan_then_counted(tmp_path: Path) -> None:
    state = envs_state(tmp_path, [OLD, NEW], [OLD, NEW])
    vm = ViewModel()
    assert [row.used_by for row in vm.installed_rows(state)] == [None, None]
    assert used_by_count(state, OLD.key) is None
    state.set_environments(_envs(tmp_path), partial=False, note="")
    assert {row.key: row.used_by for row in vm.installed_rows(state)} == {OLD.key: 1, NEW.key: 3}


def test_details_list_users_direct_and_through_the_minor_link(tmp_path: Path) -> None:
    state = envs_state(tmp_path, [OLD, NEW], [OLD, NEW])
    state.envs_scanning = True
    assert users_fields(state, NEW.key) == [("used by", "scanning environments…")]
    state.set_environments(_envs(tmp_path), partial=True, note="")
    fields = users_fields(state, NEW.key)
    assert fields[0] == ("used by", "3 environments: 2 through the minor-version link, "
                                    "1 project pin (the scan was partial)")
    assert ("", "~/f/.venv  (follows 3.12)") in fields
    assert ("", "~/proj/.python-version  (pin 3.12)") in fields
    assert users_fields(state, OLD.key)[1] == ("", "~/p/.venv  (direct)")
    details = ViewModel().details(state, "installed", OLD.key)
    assert details is not None and ("used by", "1 environment: 1 direct (the scan was partial)") \
        in details.fields


def test_upgrade_key_in_each_state(tmp_path: Path) -> None:
    # Nothing installed; catalog not read yet; everything newest.
    assert isinstance(di.decide_upgrade(envs_state(tmp_path, [], [NEW])), d.Refuse)
    state = envs_state(tmp_path, [NEW], [OLD, NEW])
    state.catalog = None
    assert "Still reading" in di.decide_upgrade(state).message  # type: ignore[union-attr]
    newest = di.decide_upgrade(envs_state(tmp_path, [NEW], [OLD, NEW]))
    assert isinstance(newest, d.Refuse) and newest.severity == "information"
    assert newest.message == "All versions already on latest supported patch release."

    # 3.12.7 and 3.12.8 installed, 3.12.9 in the catalog: from → to, who follows, who stays.
    state = envs_state(tmp_path, [OLD, NEW], [OLD, NEW, NEWEST])
    asked = di.decide_upgrade(state)
    assert isinstance(asked, d.Confirm) and asked.then == d.StartUpgrade((NEWEST,))
    texts = [line.text for line in asked.lines]
    assert texts[0] == f"3.12.8 → 3.12.9  ({NEWEST.key})"
    assert "Environments: still scanning; which ones follow is not known yet." in texts
    state.set_environments(_envs(tmp_path), partial=False, note="")
    texts = [line.text for line in di.decide_upgrade(state).lines]  # type: ignore[union-attr]
    assert f"  2 environments follow {MINOR}: ~/f/.venv, ~/tools/ruff" in texts
    assert "  1 environment stays pinned to 3.12.7: ~/p/.venv" in texts
    assert texts[-1].endswith("downloads 1 archive.")
    # The rule named as Purge by rule and Details name it (it read `P → outdated installs`).
    assert texts[-1].startswith("Old patches stay installed (P → Outdated removes unused ones); ")

    # Offline and not cached: refused with what to do; a running job for the target: refused.
    state.offline = True
    refused = di.decide_upgrade(state)
    assert isinstance(refused, d.Refuse) and refused.severity == "error" and "Go online" in refused.message
    state.offline = False
    state.add_job("install", NEWEST.key, build=NEWEST)
    assert "already being installed" in di.decide_upgrade(state).message  # type: ignore[union-attr]


def test_outdated_rule_plans_unused_old_patches_and_keeps_direct_users(tmp_path: Path) -> None:
    state = envs_state(tmp_path, [OLD, NEW, NEWEST], [])
    envs = [env for env in _envs(tmp_path) if env.kind != "pin"]
    plan = outdated_plan(state.installations, envs, sizes={OLD.key: 10, NEW.key: 20}, busy=frozenset(),
                         partial=False)
    # 3.12.7 is used directly (pinned): kept; 3.12.8 only through the link (it moves): goes.
    assert [i.key for i, _ in plan.installs] == [NEW.key] and plan.freed == 20
    assert [(key, len(users)) for key, users in plan.kept] == [(OLD.key, 1)]
    assert plan.note == ""
    # A project pin satisfied by 3.12.8 counts as a direct user (as the CLI's prune).
    pinned = outdated_plan(state.installations, _envs(tmp_path), sizes={}, busy=frozenset(), partial=False)
    assert pinned.installs == () and [key for key, _ in pinned.kept] == [OLD.key, NEW.key]
    busy = outdated_plan(state.installations, envs, sizes={}, busy=frozenset({NEW.key}), partial=True)
    assert busy.installs == () and "partial" in busy.note


@pytest.mark.parametrize("action", ["environments", "upgrade"])
def test_new_keys_are_in_the_keymap_once(action: str) -> None:
    keys = [k.keys for k in KEYMAP if k.keys]
    assert len(keys) == len(set(keys)), "a key is bound twice"
    assert [k.keys for k in KEYMAP if k.action == action] == [{"environments": "e", "upgrade": "U"}[action]]


def test_a_quick_result_says_so_until_the_whole_tree_replaces_it(tmp_path: Path) -> None:
    state = envs_state(tmp_path, [OLD, NEW], [OLD, NEW])
    state.envs_scanning = True
    state.set_environments(_envs(tmp_path), partial=False, note="whole tree checked 3 min ago · "
                           "known environments and 2 watched directories checked", quick=True,
                           final=False)
    assert state.envs_scanning and state.envs_quick
    status = envs_status(state)
    # How far to trust the rows first (a narrow screen cuts the end).
    assert status == ("quick check (whole tree checked 3 min ago; checking it now…): "
                      "6 environments, 1 broken · known environments and 2 watched "
                      "directories checked")
    state.envs_scanning = False
    assert status.replace("checking it now…", "r checks it now") == envs_status(state)
    state.envs_scanning = True
    # What uninstalling would break is not decided on a quick check: it says so.
    lines = [line.text for line in du._breaking_lines(state, state.installations[0])]
    assert lines[0] == "Breaks 1 environment:"  # the last line says how far the check went
    assert "whole tree is still being checked" in lines[-1]
    assert any("still being checked" in line.text
               for line in du._breaking_lines(state, state.installations[1]))
    state.set_environments(_envs(tmp_path), partial=False, note="the whole tree checked in 0.1 s")
    assert not state.envs_scanning and not state.envs_quick
    assert "quick" not in envs_status(state)
    assert [line.text for line in du._breaking_lines(state, state.installations[0])][0] == \
        "Breaks 1 environment:"


@pytest.mark.parametrize(("listed", "reused", "said"), [
    (120, 0, "(120 directories read)"),
    (0, 3, "(3 directories, none changed since the last scan)"),
    (1, 2, "(1 directory read, 2 unchanged since the last scan)"),
])
def test_the_scan_note_says_what_was_read_now_and_what_the_last_scan_gave(
        listed: int, reused: int, said: str) -> None:
    # A newcomer reads what the check read now and what it kept from the last scan (it read
    # `0 directories listed, 3 reused from the last scan` before: jargon).
    result = ScanResult([], [], elapsed=0.03, listed=listed, reused=reused)
    assert scan_note(result) == f"the whole tree checked in 0.03 s {said}"


def test_an_empty_environments_table_says_why_and_what_to_do(tmp_path) -> None:
    """The detail under an empty table: scanning, or nothing found (and where the scan looked),
    or a filter matching nothing; never `No environment highlighted.` with no row to highlight."""
    state = envs_state(tmp_path, [], [])
    assert no_row_note(state) == "Not scanned yet: r scans."
    state.envs_scanning = True
    assert no_row_note(state) == "Scanning for environments…"
    state.set_environments([], partial=False, note="", roots=[tmp_path / "code", tmp_path / "work"])
    found = no_row_note(state)
    assert found.startswith("No environment found under ~/code, ~/work.") and "PYTUI_SCAN_PATHS" in found
    venv = Environment(tmp_path / "code" / ".venv", "venv", OLD.key, "patch", "ok")
    state.set_environments([venv], partial=False, note="", roots=[tmp_path])
    assert no_row_note(state, "3.99") == "No environment matches “3.99”: Esc clears the filter."


def test_an_empty_quick_check_is_not_said_as_none_found(tmp_path) -> None:
    """A scan stopped after its quick look found nothing said `No environment found under ~…`
    beside its status `the scan was stopped` (newuser30): the whole tree was never checked."""
    state = envs_state(tmp_path, [], [])
    state.envs_scanning = True
    state.set_environments([], partial=False, note="", quick=True, final=False,
                           roots=[tmp_path / "code"])
    assert no_row_note(state) == ("None found yet under ~/code: the quick check found none; "
                                  "checking the whole tree…")
    state.envs_scanning = False  # c stopped it
    assert no_row_note(state) == ("None found yet under ~/code: the quick check found none, and "
                                  "the whole tree was not checked to its end; r scans it.")
    state.set_environments([], partial=False, note="", roots=[tmp_path / "code"])
    assert no_row_note(state).startswith("No environment found under ~/code.")


def test_no_environment_found_under_many_roots_names_a_few_and_keeps_what_to_do(tmp_path) -> None:
    """PYTUI_SCAN_PATHS with 64 roots: the note named them all, and at 80x24 its box (12 lines
    at most) showed nine of them and never what pytui finds or that r rescans."""
    state = envs_state(tmp_path, [], [])
    roots = [tmp_path / f"a-rather-long-directory-name-for-scan-root-number-{n}" for n in range(64)]
    state.set_environments([], partial=False, note="", roots=roots)
    note = no_row_note(state)
    assert note.startswith("No environment found under ~/a-rather-long-directory-name-for-scan-root-"
                           "number-0, ~/a-rather-long-directory-name-for-scan-root-number-1, "
                           "~/a-rather-long-directory-name-for-scan-root-number-2 and 61 more "
                           "directories."), note
    assert "number-3" not in note and note.endswith("r rescans.")


def test_no_environment_found_under_one_very_long_root_keeps_its_name_and_what_to_do(tmp_path) -> None:
    """One 300-character scan path: the note spelled it whole and at 80x24 its end (what pytui
    finds, r rescans) fell out of the box (12 lines at most). The path is cut in its middle as
    the header cuts paths; its name stays."""
    from rich.console import Console
    from rich.text import Text

    state = envs_state(tmp_path, [], [])
    root = tmp_path.joinpath(*["d" * 45] * 6, "projects-final")
    assert len(str(root)) > 300
    state.set_environments([], partial=False, note="", roots=[root, tmp_path / "short"])
    note = no_row_note(state)
    assert "…/projects-final, ~/short." in note and note.endswith("r rescans."), note
    lines = Text(note).wrap(Console(width=76), 76)  # the box's room at 80 columns
    assert len(lines) <= 7, lines


def test_stop_scan_is_dimmed_only_while_no_scan_runs(tmp_path: Path) -> None:
    # Dimmed, not disabled: the key still runs and says there is no scan (envs_screen).
    state = envs_state(tmp_path, [], [])
    assert envs_footer_dimmed(state) == {"cancel_scan"}
    state.envs_scanning = True
    assert envs_footer_dimmed(state) == frozenset()

"""The environment scan as the TUI shows it, without Textual: the Environments view's rows and
status, the Installed pane's "Used by", the details' users, what `U` and `e`/`P` decide."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_archives import make_build
from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app import uninstall_decisions as du
from pytui.app.background import scan_note
from pytui.app.envs_view import (
    env_details,
    env_rows,
    envs_footer_dimmed,
    envs_status,
    no_row_note,
    used_by_count,
    users_fields,
)
from pytui.app.keymap import KEYMAP
from pytui.app.purge_plan import outdated_plan
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.environment import Environment, ScanResult
from pytui.core.models import Build, Installation
from pytui.core.settings import Settings
from ui_helpers import HOST


def _installation(tmp: Path, build: Build) -> Installation:
    return Installation(build, tmp / "root" / build.key, build.build)


def _state(tmp: Path, installed: list[Build], catalog: list[Build]) -> AppState:
    settings = Settings.resolve(install_dir=tmp / "root", cache_dir=tmp / "cache",
                                env={"HOME": str(tmp)})
    state = AppState(settings=settings, host=HOST, home=tmp, clock=lambda: 1000.0,
                     catalog=Catalog(catalog, source="test"), disk_listed=True)
    state.installations.extend(_installation(tmp, b) for b in installed)
    return state


OLD, NEW, NEWEST = (make_build(version=v) for v in ("3.12.7", "3.12.8", "3.12.9"))
MINOR = OLD.minor_key


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
    state = _state(tmp_path, [OLD, NEW], [OLD, NEW])
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
    state = _state(tmp_path, [OLD], [OLD])
    state.set_environments(_envs(tmp_path), partial=False, note="ok")
    state.set_environments([], partial=False, note="the environment scan failed: boom", failed=True)
    assert len(state.environments or []) == 6 and "boom" in envs_status(state)


def test_used_by_is_unknown_until_the_scan_then_counted(tmp_path: Path) -> None:
    state = _state(tmp_path, [OLD, NEW], [OLD, NEW])
    vm = ViewModel()
    assert [row.used_by for row in vm.installed_rows(state)] == [None, None]
    assert used_by_count(state, OLD.key) is None
    state.set_environments(_envs(tmp_path), partial=False, note="")
    assert {row.key: row.used_by for row in vm.installed_rows(state)} == {OLD.key: 1, NEW.key: 3}


def test_details_list_users_direct_and_through_the_minor_link(tmp_path: Path) -> None:
    state = _state(tmp_path, [OLD, NEW], [OLD, NEW])
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
    assert isinstance(di.decide_upgrade(_state(tmp_path, [], [NEW])), d.Refuse)
    state = _state(tmp_path, [NEW], [OLD, NEW])
    state.catalog = None
    assert "Still reading" in di.decide_upgrade(state).message  # type: ignore[union-attr]
    newest = di.decide_upgrade(_state(tmp_path, [NEW], [OLD, NEW]))
    assert isinstance(newest, d.Refuse) and newest.severity == "information"
    assert newest.message == "All versions already on latest supported patch release."

    # 3.12.7 and 3.12.8 installed, 3.12.9 in the catalog: from → to, who follows, who stays.
    state = _state(tmp_path, [OLD, NEW], [OLD, NEW, NEWEST])
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
    state = _state(tmp_path, [OLD, NEW, NEWEST], [])
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
    state = _state(tmp_path, [OLD, NEW], [OLD, NEW])
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
    state = _state(tmp_path, [], [])
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
    state = _state(tmp_path, [], [])
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
    state = _state(tmp_path, [], [])
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

    state = _state(tmp_path, [], [])
    root = tmp_path.joinpath(*["d" * 45] * 6, "projects-final")
    assert len(str(root)) > 300
    state.set_environments([], partial=False, note="", roots=[root, tmp_path / "short"])
    note = no_row_note(state)
    assert "…/projects-final, ~/short." in note and note.endswith("r rescans."), note
    lines = Text(note).wrap(Console(width=76), 76)  # the box's room at 80 columns
    assert len(lines) <= 7, lines


def test_a_broken_environments_details_say_what_mends_it(tmp_path: Path) -> None:
    """The details said what a broken environment wanted, never what to do next."""
    from pytui.app.envs_view import env_details

    wanted = [make_build(version="3.10.16"), make_build(version="3.13.1", variant="freethreaded"),
              make_build(version="3.11.9")]
    state = _state(tmp_path, [NEW], [OLD, NEW, *wanted])
    patch = Environment(tmp_path / "a" / ".venv", "venv", None, "patch", "broken",
                        wanted="cpython-3.10.16-linux-x86_64-gnu",
                        error="wanted cpython-3.10.16-linux-x86_64-gnu (…), which is not installed")
    minor = Environment(tmp_path / "b" / ".venv", "venv", None, "minor", "broken",
                        wanted="cpython-3.11-linux-x86_64-gnu", minor="cpython-3.11-linux-x86_64-gnu")
    free = Environment(tmp_path / "c" / ".venv", "venv", None, "patch", "broken",
                       wanted="cpython-3.13.1+freethreaded-linux-x86_64-gnu")
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3", error="wanted /opt/py/bin/python3, which "
                       "does not exist")
    mends = {env.path.parent.name: dict(env_details(state, env))["mend"]
             for env in (patch, minor, free, gone)}
    assert mends["a"] == ("install 3.10.16 again (Esc, then / 3.10.16 and i on its "
                          "row), or recreate the environment with an installed Python "
                          "(uv venv -p 3.12)")
    assert mends["b"].startswith("install a 3.11 (Esc, then / 3.11 and i on its row)")
    assert "/ cpython-3.13.1+freethreaded-linux-x86_64-gnu and i" in mends["c"]
    assert mends["d"] == "recreate the environment with an installed Python (uv venv -p 3.12)"
    # A uv tool or a pipx venv is made again by its tool: `uv venv` there makes an empty venv
    # where the tool's packages were (it said `uv venv -p 3.12` for a uv tool; newuser31).
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "minor", "broken",
                       wanted="cpython-3.11-linux-x86_64-gnu", minor="cpython-3.11-linux-x86_64-gnu")
    assert dict(env_details(state, tool))["mend"] == (
        "install a 3.11 (Esc, then / 3.11 and i on its row), or reinstall the tool with an installed "
        "Python (uv tool install --reinstall --python 3.12 tabulate)")
    pipx = Environment(tmp_path / "venvs" / "black", "pipx", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert dict(env_details(state, pipx))["mend"] == (
        "reinstall it with an installed Python (pipx reinstall --python "
        f"~/{state.settings.bin_dir.relative_to(tmp_path)}/python3.12 black)")
    # A working one has none.
    ok = Environment(tmp_path / "e" / ".venv", "venv", NEW.key, "patch", "ok")
    assert "mend" not in dict(env_details(state, ok))


def test_a_broken_environments_mend_names_only_a_build_the_catalog_lists(tmp_path: Path) -> None:
    """It said `install 3.10.5 again (Esc, then / 3.10.5 …)` of a build the loaded catalog did
    not have (papercut35): the build of that minor `uv python install 3.10` takes, else that it
    lists none. That is the newest patch, not the nearest: the environment is made again with
    `uv venv -p 3.10`, which takes the newest 3.10 installed and downloads the newest (uv 0.13.9:
    `uv python install 3.10.5` is `No download found for request`, `uv python install 3.10` on
    a catalog of 3.10.4 and 3.10.16 installs 3.10.16); it named 3.10.4 for a 3.10.5, listed only
    under `a`, which `uv venv -p 3.10` passes over once a newer 3.10 is installed."""
    from pytui.app.envs_view import env_details

    older, newest = make_build(version="3.10.4"), make_build(version="3.10.16")
    state = _state(tmp_path, [NEW], [OLD, NEW, older, newest, make_build(version="3.10.17rc1")])

    def mend(version: str) -> str:
        env = Environment(tmp_path / "a" / ".venv", "venv", None, "patch", "broken",
                          wanted=f"cpython-{version}-linux-x86_64-gnu")
        return dict(env_details(state, env))["mend"]

    # 3.10.16, not the nearer 3.10.4 (nor the pre-release): what `uv python install 3.10` takes.
    assert mend("3.10.5") == (
        "the catalog has no 3.10.5; its newest 3.10 is 3.10.16 (Esc, then / 3.10.16 and i on its "
        "row): install it, then recreate the environment with 3.10.16 (uv venv -p 3.10)")
    # Three lines in the 80x24 detail box's 63 cells, as `install 3.10.16 again …` (a fourth
    # was cut off by the box).
    from rich.console import Console
    from rich.text import Text
    assert len(Text(mend("3.10.5")).wrap(Console(width=63), 63)) <= 3
    assert "newest 3.10 is 3.10.16 (Esc, then / 3.10.16 and" in mend("3.10.18")
    # A minor with pre-releases alone: the newest of them, as uv takes it.
    state = _state(tmp_path, [NEW], [OLD, NEW, make_build(version="3.15.0a2"), make_build(version="3.15.0b1")])
    assert "newest 3.15 is 3.15.0b1 (Esc, then / 3.15.0b1 and" in mend("3.15.0a1")
    state = _state(tmp_path, [NEW], [OLD, NEW, older, newest])
    # `r` in the view rescans: the catalog is refreshed on the main screen.
    assert mend("3.9.5") == (
        "the catalog has no 3.9 build (Esc, then r refreshes it): recreate the environment with "
        "an installed Python (uv venv -p 3.12)")
    tool = Environment(tmp_path / "tools" / "ruff", "uv-tool", None, "patch", "broken",
                       wanted="cpython-3.10.5-linux-x86_64-gnu")
    assert dict(env_details(state, tool))["mend"].endswith(
        "then reinstall the tool with 3.10.16 (uv tool install --reinstall --python 3.10 ruff)")
    assert mend("3.10.16").startswith("install 3.10.16 again (Esc, then / 3.10.16 and i")


def test_stop_scan_is_dimmed_only_while_no_scan_runs(tmp_path: Path) -> None:
    # Dimmed, not disabled: the key still runs and says there is no scan (envs_screen).
    state = _state(tmp_path, [], [])
    assert envs_footer_dimmed(state) == {"cancel_scan"}
    state.envs_scanning = True
    assert envs_footer_dimmed(state) == frozenset()


def test_the_mend_line_names_a_python_that_is_installed(tmp_path) -> None:
    """`uv venv -p 3.12` was named as "an installed Python" whatever was installed: with 3.11
    and 3.13 alone it named one uv would download. It names the newest installed minor."""
    from pytui.app.envs_view import env_details

    installed = [make_build(version="3.11.9"), make_build(version="3.13.1")]
    state = _state(tmp_path, installed, installed)
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3", error="wanted /opt/py/bin/python3, which "
                       "does not exist")
    assert dict(env_details(state, gone))["mend"] == (
        "recreate the environment with an installed Python (uv venv -p 3.13)")
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert "(uv tool install --reinstall --python 3.13 tabulate)" in dict(env_details(state, tool))["mend"]
    # A pre-release is named only when no release is installed (it named 3.14 for a 3.14.0rc2
    # beside 3.13.1; newuser33).
    rc = [*installed, make_build(version="3.14.0rc2")]
    assert dict(env_details(_state(tmp_path, rc, rc), gone))["mend"].endswith("(uv venv -p 3.13)")
    only_rc = [make_build(version="3.14.0rc2")]
    assert dict(env_details(_state(tmp_path, only_rc, only_rc), gone))["mend"].endswith(
        "(uv venv -p 3.14)")


def test_an_unmet_pins_details_say_what_to_do(tmp_path: Path) -> None:
    """A `.python-version` no install satisfies (Status `unmet`, Key `none`): its details said
    `pin 3.9 (no install satisfies it)` and nothing to do next, as a broken one's `mend` does."""
    from pytui.app.envs_view import env_details

    state = _state(tmp_path, [NEW], [OLD, NEW, make_build(version="3.9.21")])
    pin = Environment(tmp_path / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    fields = dict(env_details(state, pin))
    assert fields["how"] == "pin 3.9 (no install satisfies it)", fields
    assert fields["next"] == "install a 3.9 (Esc, then / 3.9 and i on its row)", fields
    # A pin an install satisfies has none.
    met = Environment(tmp_path / "q" / ".python-version", "pin", NEW.key, None, "ok", request="3.12")
    assert "next" not in dict(env_details(state, met))


def test_a_minor_mend_and_an_unmet_pins_next_name_only_a_minor_the_catalog_lists(
        tmp_path: Path) -> None:
    """`install a 3.11 (Esc, then / 3.11 …)` was said of a broken venv that followed 3.11's
    link, and `install a 3.9 …` of an unmet pin, when the loaded catalog had no 3.11 or 3.9
    for this platform: they say so in the words a missing patch's mend says it (29c831b)."""
    from pytui.app.envs_view import env_details

    other_os = make_build(version="3.11.9", os_name="macos", arch="aarch64", libc="none")
    state = _state(tmp_path, [NEW], [OLD, NEW, other_os])
    minor = Environment(tmp_path / "b" / ".venv", "venv", None, "minor", "broken",
                        wanted="cpython-3.11-linux-x86_64-gnu", minor="cpython-3.11-linux-x86_64-gnu")
    assert dict(env_details(state, minor))["mend"] == (
        "the catalog has no 3.11 build (Esc, then r refreshes it): recreate the environment with "
        "an installed Python (uv venv -p 3.12)")
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "minor", "broken",
                       wanted="cpython-3.13+freethreaded-linux-x86_64-gnu")
    assert dict(env_details(state, tool))["mend"] == (
        "the catalog has no 3.13+freethreaded build (Esc, then r refreshes it): reinstall the "
        "tool with an installed Python (uv tool install --reinstall --python 3.12 tabulate)")
    pin = Environment(tmp_path / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    assert dict(env_details(state, pin))["next"] == (
        "the catalog has no 3.9 build (Esc, then r refreshes it): pin an installed Python "
        "instead (uv python pin 3.12)")
    # Listed for this platform: installed from Available, as before.
    listed = [OLD, NEW, make_build(version="3.11.9"), make_build(version="3.9.21"),
              make_build(version="3.13.1", variant="freethreaded")]
    state = _state(tmp_path, [NEW], listed)
    assert dict(env_details(state, minor))["mend"].startswith(
        "install a 3.11 (Esc, then / 3.11 and i on its row), or recreate")
    assert dict(env_details(state, tool))["mend"].startswith(
        "install a 3.13+freethreaded (Esc, then / 3.13+freethreaded and i")
    assert dict(env_details(state, pin))["next"] == (
        "install a 3.9 (Esc, then / 3.9 and i on its row)")
    # A catalog not loaded yet names what was wanted, as a patch's mend does.
    state.catalog = None
    assert dict(env_details(state, pin))["next"].startswith("install a 3.9 (")


def test_with_nothing_installed_the_mend_installs_a_python_before_recreating(tmp_path):
    """With no install in the root, the mend said "recreate the environment with an installed
    Python (uv venv -p 3.12)": there was none (attacker36)."""
    state = _state(tmp_path, [], [NEW])
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3", error="wanted /opt/py/bin/python3, which "
                       "does not exist")
    assert dict(env_details(state, gone))["mend"] == (
        "install 3.12 (Esc, then / 3.12 and i on its row), then recreate the environment with "
        "it (uv venv -p 3.12)")
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert dict(env_details(state, tool))["mend"].startswith(
        "install 3.12 (Esc, then / 3.12 and i on its row), then reinstall the tool with it (")


def test_with_nothing_installed_the_mend_names_what_uv_would_install(tmp_path: Path) -> None:
    """With nothing installed the mend named 3.12 whatever the catalog held. uv 0.13.9 with no
    request and nothing installed (`uv python install`, `uv venv`) takes the newest stable
    CPython the catalog has for this host (3.13.1 beside 3.12.8 and 3.14.0rc2): the mend names
    that minor (with no catalog loaded, or none for this host, the newest minor released by
    today: tests/test_example_minor_released.py)."""
    from pytui.app.envs_view import env_details, installed_minor

    catalog = [OLD, NEW, make_build(version="3.13.1"), make_build(version="3.14.0rc2"),
               make_build(version="3.15.1", os_name="macos", arch="aarch64", libc="none")]
    state = _state(tmp_path, [], catalog)
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert dict(env_details(state, gone))["mend"] == (
        "install 3.13 (Esc, then / 3.13 and i on its row), then recreate the environment with "
        "it (uv venv -p 3.13)")
    pin = Environment(tmp_path / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    assert dict(env_details(state, pin))["next"].endswith(
        ": pin 3.13 instead (uv python pin 3.13, which installs it too)")
    state.catalog = None
    # Released by the state's day (its clock, as every support status: it took the real date).
    import datetime as _dt

    from pytui.core.example_minor import released_minor

    state.clock = lambda: _dt.datetime(2025, 11, 1, 12).timestamp()
    assert installed_minor(state) == released_minor(state.settings.state_dir, "2025-11-01") == "3.14"

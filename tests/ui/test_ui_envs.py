"""The TUI's environment features against real environments (Pilot, loopback server).

A real interpreter (this one's prefix packed in the PBS layout) is installed into a tmp root
through the install engine; environments are made from it with `python -m venv --without-pip`
(from the patch directory and from the minor-version link) and with the real uv
(`uv venv -p X.Y`). Every scan root is a tmp dir: HOME is private (tests/conftest.py) and
PYTUI_SCAN_PATHS, UV_TOOL_DIR, PIPX_HOME and WORKON_HOME point into it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from envs_helpers import UV, uv_venv, venv
from envs_scene import EnvsWorld, HeldScan, scanned
from pytui.app.envs_screen import EnvironmentsScreen
from pytui.app.envs_view import NO_SCAN_NOTE
from pytui.app.purge_screen import PurgeRulesModal
from pytui.app.screens import ConfirmModal
from pytui.widgets.details import DetailsPanel
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.key_bar import KeyBar
from ui_helpers import SIZE, asked, envs_keys_handled, open_purge_rules, ready, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PBS linux builds")


def _used_by(app, key: str) -> str:
    cells = app.query_one("#installed", InstalledTable).cells_of(key)
    return str(cells[2]) if cells else ""


async def test_environments_view_used_by_and_details_with_real_venvs(envs_world: EnvsWorld) -> None:
    envs_world.install_real()
    code = envs_world.projects
    venv(envs_world.patch_python, code / "pinned" / ".venv")
    venv(envs_world.minor_python, code / "follows" / ".venv")
    venv(envs_world.patch_python, envs_world.home / "venvs" / "work")  # virtualenvwrapper
    if UV.exists():
        made = uv_venv(dict(os.environ), envs_world.tmp, code / "uvproj" / ".venv", envs_world.mm)
        assert made.returncode == 0, made.stderr
    venv(envs_world.patch_python, code / "broken" / ".venv")
    cfg = code / "broken" / ".venv" / "pyvenv.cfg"
    gone = envs_world.key.replace(envs_world.real.build.version, f"{envs_world.mm}.99")
    cfg.write_text(cfg.read_text().replace(envs_world.key, gone))
    users = 4 if UV.exists() else 3

    app = envs_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)
        assert _used_by(app, envs_world.key) == str(users)
        await pilot.press("tab", "tab")  # Available -> Cached -> Installed
        await pilot.pause()
        details = app.query_one("#details", DetailsPanel).details
        assert details is not None and details.title == envs_world.key
        text = "\n".join(value for _, value in details.fields)
        assert f"{users} environments: 2 direct, {users - 2} through the minor-version link" in text
        assert "~/code/pinned/.venv  (direct)" in text
        assert f"~/code/follows/.venv  (follows {envs_world.mm})" in text

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="view")
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        await scanned(pilot)
        await pilot.pause()
        rows = screen.table.row_keys
        assert rows[0] == str(code / "broken" / ".venv")  # broken first
        assert set(rows) >= {str(code / "pinned" / ".venv"), str(code / "follows" / ".venv"),
                             str(envs_world.home / "venvs" / "work")}
        broken = [str(c) for c in screen.table.cells_of(rows[0]) or ()]
        assert broken[2] == "missing" and "broken" in broken[4]
        pinned = [str(c) for c in screen.table.cells_of(str(code / "pinned" / ".venv")) or ()]
        assert pinned[1:4] == ["venv", envs_world.key, f"pinned to {envs_world.real.build.version}"]
        follows = [str(c) for c in screen.table.cells_of(str(code / "follows" / ".venv")) or ()]
        assert follows[3] == f"follows {envs_world.mm}"
        wrapper = [str(c) for c in screen.table.cells_of(str(envs_world.home / "venvs" / "work")) or ()]
        assert wrapper[1] == "virtualenvwrapper"
        # The second scan (opening the view rescans) took the unchanged directories from the
        # walk kept in the state dir.
        assert "changed since the last scan" in screen.status_text()
        assert not app.state.envs_partial and "partial" not in screen.status_text()
        # Filter, then Esc clears it, then Esc closes the view.
        await pilot.press("slash", *"broken")
        await wait_for(pilot, lambda: screen.table.row_keys == [str(code / "broken" / ".venv")],
                       what="filtered rows")
        assert "1 of" in screen.status_text()
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(screen.table.row_keys) == len(rows), what="filter cleared")
        # Keys of the main screen do nothing here (u would uninstall).
        said = len(app.history.entries)
        await pilot.press("u")
        await envs_keys_handled(pilot)
        assert app.screen is screen
        assert [entry.message for entry in app.history.entries[said:]] == [NO_SCAN_NOTE]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EnvironmentsScreen), what="closed")


async def test_the_scan_never_blocks_the_first_frame_or_keys(envs_world: EnvsWorld) -> None:
    envs_world.install_real()
    venv(envs_world.patch_python, envs_world.projects / "p" / ".venv")
    gateway = HeldScan()
    app = envs_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, gateway.entered.is_set, what="scan started")
        # Painted and answering keys while the scan is held: the column says "…".
        assert _used_by(app, envs_world.key) == "…"
        await pilot.press("a")
        await wait_for(pilot, lambda: app.state.view.all_versions, what="a toggled")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="view")
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        assert screen.status_text().startswith("scanning…")
        # `c` stops the scan: its result is dropped, the view says so.
        await pilot.press("c")
        await wait_for(pilot, lambda: not app.state.envs_scanning, what="scan stopped")
        assert "stopped" in screen.status_text()
        gateway.release.set()
        await pilot.press("r")
        await scanned(pilot)
        await wait_for(pilot, lambda: screen.table.row_keys == [str(envs_world.projects / "p" / ".venv")],
                       what="rows after rescan")
        await pilot.press("escape")
        await wait_for(pilot, lambda: _used_by(app, envs_world.key) == "1", what="Used by filled")


async def test_upgrade_preview_runs_jobs_then_prune_keeps_direct_users(upgrade_world: EnvsWorld) -> None:
    world = upgrade_world
    assert world.newer is not None
    world.install_real()
    code = world.projects
    venv(world.minor_python, code / "follows" / ".venv")
    venv(world.patch_python, code / "pinned" / ".venv")
    new_key = world.newer.build.key
    app = world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)
        await pilot.press("U")
        lines = [str(w.content) for w in (await asked(pilot, "preview")).query(".dialog-line")]
        old_v, new_v = world.real.build.version, world.newer.build.version
        assert lines[0] == f"{old_v} → {new_v}  ({new_key})"
        assert any(f"1 environment follows {world.real.build.minor_key}: ~/code/follows/.venv" in ln
                   for ln in lines)
        assert any(f"1 environment stays pinned to {old_v}: ~/code/pinned/.venv" in ln for ln in lines)
        await pilot.press("y")
        await wait_for(pilot, lambda: any(j.key == new_key and j.phase == "done"
                                          for j in app.state.jobs.values()),
                       timeout=60, what="upgrade job done")
        link = world.root / world.real.build.minor_key
        assert Path(os.readlink(link)).name == new_key  # the minor-version link moved
        # The next scan sees the follower on the new patch and the pinned one where it was.
        await wait_for(pilot, lambda: any(e.key == new_key for e in app.state.environments or ())
                       and not app.state.envs_scanning, what="rescan after the upgrade")
        by_path = {e.path.parent.name: e for e in app.state.environments or ()}
        assert by_path["follows"].key == new_key and by_path["pinned"].key == world.key
        # Pressing U again: already newest, said in a notification.
        app.clear_notifications()
        await pilot.press("U")
        await wait_for(pilot, lambda: any("already on latest" in n.message for n in app._notifications),
                       what="'already on latest' said")
        assert not isinstance(app.screen, ConfirmModal)

        # Purge screen, rule "Outdated": the old patch is kept (a pinned venv uses it).
        modal = await open_purge_rules(pilot)
        await pilot.press("right", "right", "right", "enter")
        await wait_for(pilot, lambda: modal.previewed is not None and modal.previewed.rule == "outdated",
                       what="outdated preview")
        assert modal.prune == []
        kept = modal.kept_text
        # From `~`, as the panes write it (it was the whole /home/… path here).
        assert f"kept {world.key}: used directly by 1 environment (~/code/pinned/.venv)" in kept
        assert "Nothing to purge" in str(modal.query_one("#purge-total").render())
        # The footer's `y Purge` is dimmed with the button (y does nothing here).
        await wait_for(pilot, lambda: _purge_key(modal) == [False], what="y Purge dimmed")
        await pilot.press("escape")
        # Without the pinned venv (rescanned), the old patch goes, as an uninstall job.
        import shutil

        shutil.rmtree(code / "pinned")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="view")
        await scanned(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EnvironmentsScreen), what="closed")
        modal = await open_purge_rules(pilot)
        await pilot.press("right", "right", "right", "enter")
        await wait_for(pilot, lambda: [i.key for i in modal.prune] == [world.key], what="prune preview")
        assert "1 install would be uninstalled" in str(modal.query_one("#purge-total").render())
        await wait_for(pilot, lambda: _purge_key(modal) == [True], what="y Purge live")
        await pilot.press("y")
        await wait_for(pilot, lambda: not (world.root / world.key).exists(), timeout=60,
                       what="old patch uninstalled")
        await wait_for(pilot, lambda: any(j.kind == "uninstall" and j.phase == "done"
                                          for j in app.state.jobs.values()), what="uninstall job")
        assert (world.root / new_key).is_dir()


def _purge_key(modal: PurgeRulesModal) -> list[bool]:
    """Whether the purge dialog's footer draws `y Purge` live (True) or dimmed."""
    return [item.enabled for item in modal.query_one(KeyBar).items if item.action == "confirm"]


async def test_a_quick_check_is_shown_at_once_then_the_whole_tree_replaces_it(envs_world: EnvsWorld) -> None:
    """The Environments view shows the quick scan first (a venv in a new project near the root
    is there at once), says so, and the check of the whole tree replaces it (a venv made deep
    appears then)."""
    envs_world.install_real()
    code = envs_world.projects
    venv(envs_world.patch_python, code / "p" / ".venv")
    (code / "org" / "team" / "x").mkdir(parents=True)
    gateway = HeldScan()
    gateway.release.set()
    app = envs_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)  # the first scan checks the whole tree (nothing to be quick about)
        assert not app.state.envs_quick
        near, deep = code / "new" / ".venv", code / "org" / "team" / "x" / ".venv"
        venv(envs_world.patch_python, near)
        venv(envs_world.patch_python, deep)
        gateway.release.clear()
        gateway.entered.clear()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="view")
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        await pilot.press("r")
        await wait_for(pilot, gateway.entered.is_set, what="whole-tree check started")
        await wait_for(pilot, lambda: app.state.envs_quick, what="quick result shown")
        await pilot.pause()
        assert set(screen.table.row_keys) == {str(code / "p" / ".venv"), str(near)}
        status = screen.status_text()
        assert status.startswith("quick check (whole tree checked ")
        assert " ago; checking it now…): 2 environments · known environments and " in status
        # Anything that could break an environment says the check is not complete.
        from pytui.app.uninstall_decisions import _breaking_lines

        assert any("still being checked" in line.text
                   for line in _breaking_lines(app.state, app.state.installations[0]))
        gateway.release.set()
        await scanned(pilot)
        await wait_for(pilot, lambda: str(deep) in screen.table.row_keys, what="whole tree shown")
        assert not app.state.envs_quick
        assert "the whole tree checked in" in screen.status_text()
        assert "quick" not in screen.status_text()


async def test_the_quick_checks_age_is_the_apps_clock(envs_world: EnvsWorld) -> None:
    """`whole tree checked … ago` measured by the clock make_app was given (the state's, as the
    catalog's age and support are), the whole tree's check dated by it too: it took the
    machine's clock (tests/ui/test_state_clock.py has the rule without Textual)."""
    now = [1_755_600_000.0]
    gateway = HeldScan()
    gateway.release.set()
    app = envs_world.make_app(gateway=gateway, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)  # the whole tree, dated now[0]
        now[0] += 300
        gateway.release.clear()
        gateway.entered.clear()
        await pilot.press("e")  # the view checks again: quick first, the whole tree held
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="view")
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        await wait_for(pilot, gateway.entered.is_set, what="whole-tree check started")
        await wait_for(pilot, lambda: app.state.envs_quick, what="quick result shown")
        await pilot.pause()
        assert screen.status_text().startswith("quick check (whole tree checked 5 min ago; "), \
            screen.status_text()
        gateway.release.set()
        await scanned(pilot)

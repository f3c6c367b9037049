"""`u` checks the environments again. The uninstall question was decided on the scan the TUI
made at start (or at the last `e`/`r`): a venv made since then (`uv venv`, `python -m venv` in
another shell) was not in it, so the question said nothing and a yes broke that venv, where
`pytui uninstall` refuses. `u` now starts a rescan (quick: the kept walks are revalidated), the
question says it is checking, and it changes in place when the result is in.

Real install, real venv, the real scan (held only to see the question before its end)."""

from __future__ import annotations

import sys

import pytest
from envs_helpers import venv
from envs_scene import EnvsWorld, HeldScan, scanned
from pytui.app.screens import ConfirmModal
from pytui.widgets.installed_table import InstalledTable
from ui_helpers import SIZE, ready, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PBS linux builds")


def _question(app) -> list[str]:
    screen = app.screen
    return screen.question[1] if isinstance(screen, ConfirmModal) else []


async def test_u_finds_a_venv_made_after_the_last_scan(envs_world: EnvsWorld) -> None:
    envs_world.install_real()
    gateway = HeldScan()
    gateway.release.set()
    app = envs_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)  # the start's scan: nobody uses the install
        assert not app.state.users_of(envs_world.key)
        venv(envs_world.patch_python, envs_world.projects / "api" / ".venv")  # another shell
        gateway.release.clear()
        gateway.entered.clear()
        table = app.query_one("#installed", InstalledTable)
        table.focus()
        table.select_key(envs_world.key)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        # Until the rescan's whole-tree check is in, the question says it is still checking.
        await wait_for(pilot, gateway.entered.is_set, what="the rescan started")
        assert any("still being checked" in line or "checking" in line for line in _question(app)), \
            _question(app)
        gateway.release.set()
        await wait_for(pilot, lambda: "Breaks 1 environment:" in _question(app),
                       what="the question decided on the rescan")
        assert "  ~/code/api/.venv" in _question(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="closed")
        assert envs_world.patch_python.exists() and not app.state.jobs

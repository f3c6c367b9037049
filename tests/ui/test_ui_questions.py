"""A question that could break an environment is decided again on newer news (trial G4/G5):
an uninstall asked on a quick check, or before any scan ended, changes in place when the
whole-tree check ends while it is open; a yes typed before the changed question is drawn is not
taken; a yes is checked against the newest state and asks again if the answer changed.

Real installs and real venvs (as tests/ui/test_ui_envs.py); the environment scan is the real
one, only held back until the test lets it go (HeldScan)."""

from __future__ import annotations

import sys

import pytest
from envs_helpers import venv
from envs_scene import EnvsWorld, HeldScan, scanned
from pytui.app.job_actions import ASKED_AGAIN, CHANGED
from pytui.app.messages import EnvsScanned
from pytui.app.screens import ConfirmModal
from pytui.core.environment import Environment
from pytui.widgets.installed_table import InstalledTable
from textual import events
from ui_helpers import SIZE, ready, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PBS linux builds")


def _question(app) -> list[str]:
    screen = app.screen
    return screen.question[1] if isinstance(screen, ConfirmModal) else []


async def _ask_uninstall(pilot, envs_world: EnvsWorld) -> ConfirmModal:
    app = pilot.app
    table = app.query_one("#installed", InstalledTable)
    table.focus()
    table.select_key(envs_world.key)
    await pilot.pause()
    await pilot.press("u")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
    assert isinstance(app.screen, ConfirmModal)
    return app.screen


async def _quick_result_shown(pilot, gateway: HeldScan) -> None:
    """A rescan whose whole-tree check is held: only its quick result is in."""
    app = pilot.app
    gateway.release.clear()
    gateway.entered.clear()
    app.runner.scan_envs()
    await wait_for(pilot, gateway.entered.is_set, what="whole-tree check started")
    await wait_for(pilot, lambda: app.state.envs_quick, what="quick result shown")


async def test_an_uninstall_asked_on_a_quick_check_changes_when_the_whole_tree_is_in(
        envs_world: EnvsWorld) -> None:
    envs_world.install_real()
    (envs_world.projects / "org" / "team" / "x").mkdir(parents=True)
    gateway = HeldScan()
    gateway.release.set()
    app = envs_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)  # the first scan checks the whole tree: nobody uses it
        # Made after that check, below the watched depth: only the whole tree finds it.
        deep = envs_world.projects / "org" / "team" / "x" / ".venv"
        venv(envs_world.patch_python, deep)
        await _quick_result_shown(pilot, gateway)
        modal = await _ask_uninstall(pilot, envs_world)
        assert not any("Breaks" in line for line in _question(app))
        assert any("only a quick check so far; the whole tree is still being checked" in line
                   for line in _question(app))
        gateway.release.set()
        await wait_for(pilot, lambda: "Breaks 1 environment:" in _question(app),
                       what="the question decided again")
        lines = _question(app)
        assert app.screen is modal and lines[0] == CHANGED
        assert "  ~/code/org/team/x/.venv" in lines
        assert not any("quick check" in line for line in lines)
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="closed")
        assert envs_world.patch_python.exists() and not app.state.jobs


async def test_a_yes_queued_behind_the_news_is_not_a_yes_to_the_new_question(
        envs_world: EnvsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    envs_world.install_real()
    (envs_world.projects / "org" / "team" / "x").mkdir(parents=True)
    gateway = HeldScan()
    gateway.release.set()
    app = envs_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)
        venv(envs_world.patch_python, envs_world.projects / "org" / "team" / "x" / ".venv")
        await _quick_result_shown(pilot, gateway)
        await _ask_uninstall(pilot, envs_world)
        # The user presses y just as the whole-tree result arrives: the key is queued right
        # behind it, before the changed question can be drawn.
        post = app.post_message

        def post_then_yes(message) -> bool:
            posted = post(message)
            if isinstance(message, EnvsScanned) and message.final:
                post(events.Key("y", "y"))
            return posted

        monkeypatch.setattr(app, "post_message", post_then_yes)
        gateway.release.set()
        # Said in the dialog, above its buttons (a toast would cover them at 80x24).
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal)
                       and app.screen.query_one("#dialog-news").display, what="the yes refused")
        assert "question just changed" in str(app.screen.query_one("#dialog-news").render())
        assert isinstance(app.screen, ConfirmModal)
        assert "Breaks 1 environment:" in _question(app)
        assert envs_world.patch_python.exists() and not app.state.jobs
        await pilot.press("n")


async def test_before_any_scan_ended_the_question_says_so_then_changes(envs_world: EnvsWorld) -> None:
    envs_world.install_real()
    user = envs_world.projects / "api" / ".venv"
    venv(envs_world.patch_python, user)
    gateway = HeldScan()  # no scan has ended: no kept result either (a first run)
    app = envs_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, gateway.entered.is_set, what="scan started")
        assert app.state.environments is None
        await _ask_uninstall(pilot, envs_world)
        assert _question(app)[-1].startswith(
            "Environments: not checked yet: the scan is still running")
        gateway.release.set()
        await wait_for(pilot, lambda: "Breaks 1 environment:" in _question(app),
                       what="the question decided again")
        assert "  ~/code/api/.venv" in _question(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="closed")

        # A yes is checked against the newest state: something that changed the answer since
        # the question was drawn (here set directly, as no message announces it) asks again.
        user_env = next(e for e in app.state.environments or () if e.path == user)
        # A rescan under way (its whole-tree check held): `u` starts none and decides on the
        # state, set here once the quick result is in.
        await _quick_result_shown(pilot, gateway)
        app.state.environments = [e for e in app.state.environments or () if e.path != user]
        await _ask_uninstall(pilot, envs_world)
        assert not any("Breaks" in line for line in _question(app))
        app.state.environments = [*app.state.environments, Environment(
            user_env.path, user_env.kind, user_env.key, user_env.link, user_env.status)]
        await pilot.press("y")
        await wait_for(pilot, lambda: _question(app)[:1] == [ASKED_AGAIN], what="asked again")
        assert "Breaks 1 environment:" in _question(app)
        assert any("only a quick check so far" in line for line in _question(app))
        assert envs_world.patch_python.exists() and not app.state.jobs
        await pilot.press("n")


async def test_a_rescan_that_finds_the_same_breakage_does_not_say_changed(
        envs_world: EnvsWorld) -> None:
    """`u` on an install a venv uses: the rescan `u` starts comes back quick, then whole,
    both finding that same venv. Nothing the answer rests on changed, so the question must not
    tell the user it did (it said `Changed while this was open…` twice within a second of
    opening, as its heading read `Breaks 1 environment among those checked:` in between)."""
    envs_world.install_real()
    venv(envs_world.patch_python, envs_world.projects / "api" / ".venv")
    gateway = HeldScan()
    gateway.release.set()
    app = envs_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scanned(pilot)
        gateway.release.clear()
        gateway.entered.clear()
        modal = await _ask_uninstall(pilot, envs_world)
        assert "Breaks 1 environment:" in _question(app)
        await wait_for(pilot, gateway.entered.is_set, what="the rescan's whole-tree check started")
        await wait_for(pilot, lambda: app.state.envs_quick, what="the quick result shown")
        await pilot.pause()
        assert CHANGED not in _question(app)
        assert "Breaks 1 environment:" in _question(app)
        assert any("only a quick check so far" in line for line in _question(app))
        gateway.release.set()
        await wait_for(pilot, lambda: not app.state.envs_scanning and not app.state.envs_quick,
                       what="the whole tree checked again")
        await pilot.pause()
        assert app.screen is modal and CHANGED not in _question(app)
        assert "Breaks 1 environment:" in _question(app) and "  ~/code/api/.venv" in _question(app)
        assert not any("quick check" in line for line in _question(app))
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="closed")
        assert envs_world.patch_python.exists() and not app.state.jobs

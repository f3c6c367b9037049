"""The footers of the screens over the main one at 20x8, 40x12 and 80x24: at 20x8 Purge by
rule showed `y Purge` alone and Environments `Esc Close` alone, with room for one more key."""

from __future__ import annotations

import pytest
from pytui.app.envs_screen import EnvironmentsScreen
from pytui.widgets.key_bar import KeyBar
from ui_helpers import UiWorld, open_purge_rules, ready, wait_for

WANTED = {
    (20, 8): (" y Purge  n Cancel", " Esc Close  / Filter"),
    (40, 12): (" y Purge  n/Esc Cancel", " Esc Close  / Filter  ? All keys  q Quit"),
    (80, 24): (" y Purge  n/Esc Cancel",
               " Esc Close  / Filter  r Rescan  c Stop scan  ? Help  q Quit"),
}


def _footer(app) -> str:
    return app.screen.query_one(KeyBar).render().plain.rstrip()


@pytest.mark.parametrize("size", list(WANTED))
async def test_the_purge_and_environments_footers_show_what_fits(ui_world: UiWorld,
                                                                size) -> None:
    purge, environments = WANTED[size]
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await open_purge_rules(pilot)
        await wait_for(pilot, lambda: _footer(app) == purge,
                       what=f"the Purge footer {purge!r}, not {_footer(app)!r}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0], what="Purge closed")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen),
                       what="Environments")
        await wait_for(pilot, lambda: _footer(app) == environments,
                       what=f"the Environments footer {environments!r}, not {_footer(app)!r}")

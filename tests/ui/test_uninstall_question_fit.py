"""The uninstall question on a small screen: at 20x8 its title was cut inside the key
(`Uninstall cpyt…`) and the line naming it scrolled below the buttons; at 40x12 the title ended
`…linux-x86…`. It gives way to a whole form naming the version (`Uninstall 3.11.11?`,
`Remove 3.11.11?`), both choices below it; 80x24 keeps the whole key."""

from __future__ import annotations

import os
import sys

import pytest
from pytui.app.screens import ConfirmModal
from pytui.app.uninstall_decisions import uninstall_titles
from pytui.core.models import Installation
from test_ui_conventions import _fake_install
from test_ui_dialog_fit import assert_answers_in_view, dialog_rows
from ui_helpers import UiWorld, ready, wait_for

KEY = "cpython-3.11.11-linux-x86_64-gnu"


def test_the_short_titles_name_the_version_and_its_variant(ui_world: UiWorld) -> None:
    build = ui_world.build("3.11.11")
    assert uninstall_titles(Installation(build, ui_world.installed_dir("3.11.11"))) == (
        "Uninstall 3.11.11?", "Remove 3.11.11?", "3.11.11?")
    threaded = build._replace(variant="freethreaded")
    assert uninstall_titles(Installation(threaded, ui_world.installed_dir("3.11.11")))[0] == \
        "Uninstall 3.11.11+freethreaded?"


@pytest.mark.parametrize(("size", "title"), [((20, 8), "Remove 3.11.11?"),
                                             ((40, 12), "Uninstall 3.11.11?"),
                                             ((80, 24), f"Uninstall {KEY}?")])
async def test_the_uninstall_question_names_what_goes_and_both_choices(
        ui_world: UiWorld, size: tuple[int, int], title: str) -> None:
    _fake_install(ui_world, "3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: app.query_one("#installed").row_count > 0,
                       what="the install listed")
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        screen = app.screen
        rows = dialog_rows(app)
        assert title in rows, rows
        assert "Uninstall (y)" in "\n".join(rows) and "Cancel (n)" in "\n".join(rows), rows
        assert_answers_in_view(screen, size[1])


@pytest.mark.parametrize(("size", "title"), [((20, 8), "Install 3.13.1?"),
                                             ((40, 12), "Install 3.13.1?"),
                                             ((80, 24), "Install cpython-3.13.1-linux-x86_64-gnu?")])
async def test_the_install_question_names_the_version(
        ui_world: UiWorld, size: tuple[int, int], title: str) -> None:
    """Enter's install question names the build in its title alone (its lines say where to
    and from where): at 20x8 it read `Install cpytho…`."""
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        rows = dialog_rows(app)
        assert title in rows, rows
        assert "Install (y)" in "\n".join(rows) and "Cancel (n)" in "\n".join(rows), rows


def _older_patch_installed(world: UiWorld) -> None:
    """cpython-3.12.7 installed (the catalog has 3.12.8): `U` has one upgrade to offer."""
    key = world.build("3.12.8").key.replace("3.12.8", "3.12.7")
    executable = world.settings.install_root / key / "bin" / "python3.12"
    executable.parent.mkdir(parents=True)
    executable.symlink_to(os.path.realpath(sys.executable))
    (world.settings.install_root / key / "BUILD").write_text(world.build("3.12.8").build or "")


@pytest.mark.parametrize(("size", "title"), [((20, 8), "Upgrade 3.12?"),
                                             ((40, 12), "Upgrade 1 version?"),
                                             ((80, 24), "Upgrade 1 version?")])
async def test_the_upgrade_question_names_the_minor_version_on_a_narrow_screen(
        ui_world: UiWorld, size: tuple[int, int], title: str) -> None:
    """At 20x8 it read `Upgrade 1 versi…`: it gives way to a whole form, as the uninstall and
    install questions do."""
    _older_patch_installed(ui_world)
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.query_one("#installed").row_count > 0,
                       what="the install listed")
        await pilot.press("U")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        rows = dialog_rows(app)
        assert title in rows, rows
        assert "Upgrade (y)" in "\n".join(rows) and "Cancel (n)" in "\n".join(rows), rows
        assert_answers_in_view(app.screen, size[1])


def test_the_upgrade_titles_name_one_minor_or_how_many(ui_world: UiWorld) -> None:
    from pytui.app.install_decisions import upgrade_titles

    build = ui_world.build("3.13.1")
    assert upgrade_titles([build]) == ("Upgrade 3.13?", "Upgrade?")
    assert upgrade_titles([build._replace(variant="freethreaded")])[0] == "Upgrade 3.13t?"
    assert upgrade_titles([build, ui_world.build("3.12.8")]) == ("2 upgrades?", "Upgrade?")

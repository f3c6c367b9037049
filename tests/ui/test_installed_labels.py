"""The Installed pane's Key column at 120 and 80 columns: the version whole (`3.13.1`), not
`cpython-3.13.1-li…` (app/installed_labels.py); Details keeps the whole key."""

from __future__ import annotations

import pytest
from pytui.app.installed_labels import installed_labels
from pytui.core.jobs import InstallJob
from pytui.core.keys import parse_key
from test_ui_fit import _drawn_cells
from ui_helpers import HOST, UiWorld, ready, wait_for


def _keys(*names: str):
    keys = [parse_key(name) for name in names]
    assert all(keys), names
    return keys


def test_a_label_is_the_version_and_what_is_not_the_hosts() -> None:
    keys = _keys("cpython-3.13.1-linux-x86_64-gnu", "cpython-3.13.1+freethreaded-linux-x86_64-gnu",
                 "pypy-3.10.14-linux-x86_64-gnu", "cpython-3.13.1-linux-aarch64-gnu",
                 "cpython-3.12.8-linux-x86_64-musl", "cpython-3.14.0rc1+debug-linux-x86_64-gnu")
    assert installed_labels(keys, HOST) == ["3.13.1", "3.13.1t", "pypy-3.10.14",
                                            "3.13.1 aarch64", "3.12.8 musl", "3.14.0rc1d"]


def test_a_label_two_rows_would_share_is_the_whole_key() -> None:
    keys = _keys("cpython-3.13.1-linux-x86_64-gnu", "cpython-3.13.1-linux-x86_64-gnu",
                 "cpython-3.12.8-linux-x86_64-gnu")
    assert installed_labels(keys, HOST) == ["", "", "3.12.8"]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_installed_keys_read_as_versions_where_the_key_is_cut(ui_world: UiWorld,
                                                                    size: tuple[int, int]) -> None:
    for version in ("3.13.1", "3.11.11"):
        ui_world.seed_cache(version)
        InstallJob(ui_world.build(version), settings=ui_world.settings).run()
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        installed = app.query_one("#installed")
        await wait_for(pilot, lambda: installed.row_count == 2, what="both installs listed")
        await pilot.pause()
        keys = sorted(row["key"] for row in _drawn_cells(installed))
        assert keys == ["3.11.11", "3.13.1"], keys
        # Details names the highlighted install by its whole key.
        await pilot.press("3")
        whole = {ui_world.build(version).key for version in ("3.13.1", "3.11.11")}
        await wait_for(pilot, lambda: app.query_one("#details-body").render_line(0).text
                       .split()[0] in whole, what="the whole key in Details")


async def test_short_labels_leave_the_support_column_whole_at_120_columns(
        ui_world: UiWorld) -> None:
    # The Key column kept its 16-cell minimum (the cut key's) for 7-cell labels, and Support
    # read `security…` at 120 columns.
    for version in ("3.13.1", "3.11.11"):
        ui_world.seed_cache(version)
        InstallJob(ui_world.build(version), settings=ui_world.settings).run()
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        installed = app.query_one("#installed")
        await wait_for(pilot, lambda: installed.row_count == 2, what="both installs listed")
        await pilot.pause()
        rows = _drawn_cells(installed)
        assert sorted(row["key"] for row in rows) == ["3.11.11", "3.13.1"], rows
        supports = [row.get("support", "") for row in rows]
        assert all(("→" in s or "EOL" in s) and "…" not in s for s in supports), rows

"""A deep venv's path in a narrow Environments table keeps its project dir, the part a person
tells it apart by: at 80 columns `~/code/webshop/backend/sub/dir/.venv` read `…/dir/.venv`
(the table also cut every path while How's blank cells were free). Without Textual."""

from __future__ import annotations

from pytui.app.envs_view import project_start
from pytui.core.elide import ELLIPSIS, elide_after
from pytui.widgets.env_table import _fitted_path, fit_widths

LABELS = ["Path", "Kind", "Key", "How", "Status"]
EXTERNAL = "external (/root/.pyenv/versions/3.11.7/bin/python3)"


def test_the_project_is_the_second_dir_under_home_or_the_first_under_a_scan_root() -> None:
    deep = "~/code/webshop/backend/sub/dir/.venv"
    assert deep[:project_start(deep)] == "~/code/webshop"
    assert deep[:project_start(deep, ["~/code/webshop"])] == "~/code/webshop/backend"
    assert deep[:project_start(deep, ["~", "~/code"])] == "~/code/webshop"
    outside = "/srv/apps/billing/api/.venv"
    assert outside[:project_start(outside)] == "/srv/apps"
    assert outside[:project_start(outside, ["/srv/apps"])] == "/srv/apps/billing"
    # Nothing to keep apart from the last part: a shallow path is cut from its start.
    assert project_start("~/code/.venv") == 0
    assert project_start("~/code/app/.venv") == len("~/code/app")


def test_a_middle_cut_keeps_the_start_and_the_longest_end_that_fits() -> None:
    deep = "~/code/webshop/backend/sub/dir/.venv"
    keep = len("~/code/webshop")
    assert elide_after(deep, keep, 40) == deep
    assert elide_after(deep, keep, 26) == f"~/code/webshop/{ELLIPSIS}/dir/.venv"
    assert elide_after(deep, keep, 22) == f"~/code/webshop/{ELLIPSIS}/.venv"
    assert elide_after(deep, keep, 21) is None  # the last part no longer fits beside it
    assert elide_after("~/code/app/.venv", len("~/code/app"), 12) is None  # nothing between
    for width in range(0, 40):
        cut = elide_after(deep, keep, width)
        assert cut is None or len(cut) <= width


def test_a_deep_venv_keeps_its_project_when_cut() -> None:
    deep = "~/code/webshop/backend/sub/dir/.venv"
    head = project_start(deep)
    assert _fitted_path(deep, head, 26) == f"~/code/webshop/{ELLIPSIS}/dir/.venv"
    # The project's name alone when its whole start does not fit.
    long_start = "~/code/payments-gateway/services/api/.venv"
    assert _fitted_path(long_start, project_start(long_start), 27) == \
        f"{ELLIPSIS}/payments-gateway/{ELLIPSIS}/.venv"
    # Narrower still: the end, as before.
    assert _fitted_path(deep, head, 11) == f"{ELLIPSIS}/dir/.venv"
    for width in range(1, 40):
        assert len(_fitted_path(long_start, project_start(long_start), width)) <= width


def test_cells_how_does_not_use_go_back_to_the_path() -> None:
    """How gave way to `external` (8 cells) but kept the width its cut reached (39): every
    path was cut to `…/app/.venv` beside blank cells."""
    rows = [("~/code/app/.venv", "venv", "missing", EXTERNAL, "ok"),
            ("~/code/webshop/backend/sub/dir/.venv", "venv", "missing", EXTERNAL, "ok")]
    widths = fit_widths(rows, LABELS, 77, [project_start(row[0]) for row in rows])
    assert widths[3] == len("external")
    assert widths[0] == len("~/code/webshop/backend/sub/dir/.venv")
    assert sum(widths) + 2 * len(widths) <= 77  # 80 columns less the border and scrollbar


def test_the_path_gives_way_only_down_to_its_project_form() -> None:
    """Cut first (before the key), the path stopped at `…/dir/.venv`'s 11 cells: the kept
    project start never fitted. It stops at `~/code/webshop/…/.venv` now."""
    key = "cpython-3.12.8-linux-x86_64-gnu"
    rows = [("~/code/webshop/backend/sub/dir/.venv", "venv", key, "follows 3.12", "ok"),
            ("~/code/app/.venv", "venv", key, "follows 3.12", "ok")]
    heads = [project_start(row[0]) for row in rows]
    widths = fit_widths(rows, LABELS, 70, heads)
    assert widths[0] >= len(f"~/code/webshop/{ELLIPSIS}/.venv")
    assert _fitted_path(rows[0][0], heads[0], widths[0]).startswith("~/code/webshop/")


BUILD_KEY = "cpython-3.12.8-linux-x86_64-gnu"
NARROW_ROWS = [("~/code/app/.venv", "venv", "missing", EXTERNAL, "ok"),
               ("~/code/payments-gateway/services/api/.venv", "venv", BUILD_KEY, "follows 3.12", "ok"),
               ("~/code/webshop/backend/.venv", "venv", BUILD_KEY, "pinned to 3.12.8", "✗ broken")]


def test_at_40_columns_how_and_kind_give_way_whole_and_the_path_keeps_its_project() -> None:
    """At 40 columns every step left the table 20 cells too wide: each path read `…/api/.venv`
    (which project?), How was cut and Status past the edge. How and Kind give way whole (the
    detail under the table says both), the key to its version, and the path takes the rest."""
    from pytui.widgets.env_table import HOW, KEY, KIND, PATH, STATUS, _key_shown

    heads = [project_start(row[0]) for row in NARROW_ROWS]
    room = 40 - 2 - 1  # the pane's border and the scrollbar's cell
    widths = fit_widths(NARROW_ROWS, LABELS, room, heads)
    assert widths[HOW] == widths[KIND] == 0
    shown = [width for width in widths if width]
    assert sum(shown) + 2 * len(shown) <= room
    assert widths[STATUS] == len("✗ broken")
    assert [_key_shown(row[2], widths[KEY]) for row in NARROW_ROWS] == \
        ["missing", "3.12.8", "3.12.8"]
    paths = [_fitted_path(row[0], head, widths[PATH]) for row, head in zip(NARROW_ROWS, heads,
                                                                            strict=True)]
    assert paths[0] == "~/code/app/.venv"
    assert paths[1].startswith(f"{ELLIPSIS}/paym") and paths[1].endswith("/.venv"), paths
    assert paths[2].startswith((f"{ELLIPSIS}/websh", "~/code/websh")), paths
    # Wide enough for every column, nothing gives way whole (80 columns as before).
    assert all(fit_widths(NARROW_ROWS, LABELS, 200, heads))


def test_a_long_project_name_keeps_its_start_when_its_whole_form_does_not_fit() -> None:
    path = "~/code/payments-gateway/services/api/.venv"
    head = project_start(path)
    assert _fitted_path(path, head, 26) == f"{ELLIPSIS}/payments-gateway/{ELLIPSIS}/.venv"
    assert _fitted_path(path, head, 20) == f"{ELLIPSIS}/payments{ELLIPSIS}/{ELLIPSIS}/.venv"
    assert _fitted_path(path, head, 17) == f"{ELLIPSIS}/paymen{ELLIPSIS}/{ELLIPSIS}/.venv"
    # Fewer than 5 of its letters: its end, as before.
    assert _fitted_path(path, head, 14) == f"{ELLIPSIS}/api/.venv"
    for width in range(1, 45):
        assert len(_fitted_path(path, head, width)) <= width


def test_a_cut_pin_keeps_its_project_and_says_pin() -> None:
    """At 40 columns the Path column has 17 cells: `~/code/pinned/.python-version` read
    `…/.python-version` (whose pin?). The project stays, the last part gives way to its first
    word; a longer project name to its start."""
    pin = "~/code/pinned/.python-version"
    assert _fitted_path(pin, project_start(pin), 17) == f"{ELLIPSIS}/pinned/.python{ELLIPSIS}"
    shop = "~/code/payments-gateway/.python-version"
    assert _fitted_path(shop, project_start(shop), 17) == \
        f"{ELLIPSIS}/payme{ELLIPSIS}/.python{ELLIPSIS}"
    # Room for the last part whole: as before; a one-word last part (`.venv`) as before.
    assert _fitted_path(pin, project_start(pin), 24) == f"{ELLIPSIS}/pinned/.python-version"
    assert _fitted_path("~/code/app/.venv", project_start("~/code/app/.venv"), 11) == \
        f"{ELLIPSIS}/app/.venv"
    for width in range(1, 30):
        assert len(_fitted_path(shop, project_start(shop), width)) <= width


def test_a_venv_and_the_pin_beside_it_read_apart_when_cut_to_their_project() -> None:
    """At 20x8 a venv and the pin in the same project both read `…/api/…`: two things reading
    the same. The short form keeps the project and the first letter of the dot name."""
    from pytui.widgets.env_table import elide_path

    venv, pin = "~/code/api/.venv", "~/code/api/.python-version"
    for width in range(7, 12):
        shown = {_fitted_path(path, project_start(path), width) for path in (venv, pin)}
        assert len(shown) == 2, (width, shown)
        assert all("pi" in each and len(each) <= width for each in shown), (width, shown)
    assert elide_path(venv, 9) == f"{ELLIPSIS}/api/.v{ELLIPSIS}"
    assert elide_path(pin, 9) == f"{ELLIPSIS}/api/.p{ELLIPSIS}"
    # A long project name: its start, then the letter.
    assert elide_path("~/code/payments-gateway/.venv", 11) == \
        f"{ELLIPSIS}/paym{ELLIPSIS}/.v{ELLIPSIS}"

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

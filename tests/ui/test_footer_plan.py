"""The footer follows the focused pane (as lazygit and k9s do): which keys lead for which pane
and which are dimmed is app/keymap.py's footer_plan, tested here without Textual; a Pilot test
Tabs through the panes and reads the footer."""

from __future__ import annotations

import pytest
from pytui.app.keymap import FOOTER_PRIORITY, KEYMAP, PANE_LEADS, bound_keys, footer_plan
from pytui.widgets.job_list import JobList, JobRow
from pytui.widgets.key_bar import FOCUSED, FooterItem, fit_items, led_by, line_width
from ui_helpers import UiWorld, ready, wait_for

SHOWN = {k.action for k in KEYMAP if k.keys and k.action and k.show}


def _footer(pane: str, width: int) -> list[FooterItem]:
    """The main screen's footer for `pane` at `width`, as KeyBar builds it from the bindings
    (a group's keys share one item; a lead key is shown though its binding is not)."""
    plan = footer_plan(pane, jobs_listed=True)
    items: list[FooterItem] = []
    groups: dict[str, int] = {}
    for key in bound_keys():
        if not (key.show or key.action in plan.lead) or key.action in {i.action for i in items}:
            continue
        rank = plan.ranks.get(key.action, 1_000)
        if key.group and key.group in groups:
            old = items[groups[key.group]]
            items[groups[key.group]] = FooterItem((*old.keys, key.display), old.label, True,
                                                  min(old.rank, rank), action=old.action)
            continue
        if key.group:
            groups[key.group] = len(items)
        items.append(FooterItem((key.display.split(" / ")[0],), key.group or key.label, True,
                                rank, action=key.action))
    return fit_items(led_by(items, plan.lead), width)


def test_each_pane_leads_with_its_own_keys() -> None:
    assert footer_plan("available", jobs_listed=True).lead[:2] == ("install", "filter")
    assert footer_plan("cached", jobs_listed=True).lead[:2] == ("purge", "verify")
    assert footer_plan("installed", jobs_listed=True).lead[0] == "uninstall"
    assert footer_plan("jobs", jobs_listed=True).lead == ("cancel_job",)
    # A pane with no keys of its own (Details is told the pane it shows) leads with none.
    assert footer_plan("details", jobs_listed=True).lead == ()


def test_every_lead_is_an_app_key_and_only_installed_adds_hidden_ones() -> None:
    bound = {k.action for k in bound_keys()}
    for pane, lead in PANE_LEADS.items():
        assert set(lead) <= bound, (pane, set(lead) - bound)
        # U and e are Installed's own keys, too many for every pane's footer at 120 columns.
        hidden = set(lead) - SHOWN
        assert hidden == ({"upgrade", "environments"} if pane == "installed" else set()), pane


@pytest.mark.parametrize("width", [80, 120, 200])
def test_installed_shows_its_own_keys_at_every_size(width: int) -> None:
    shown = _footer("installed", width)
    labels = [item.label for item in shown]
    assert line_width(shown) <= width
    assert labels[:4] == ["Uninstall", "Upgrade", "Envs", "Install"], labels
    assert "Quit" in labels
    assert ("Help" if width == 200 else "All keys") in labels, labels
    # Only Installed's footer says U and e: elsewhere `?` lists them.
    for pane in ("available", "cached", "jobs"):
        others = [item.label for item in _footer(pane, width)]
        assert "Upgrade" not in others and "Envs" not in others, (pane, others)


def test_every_shown_key_fits_at_200_columns_on_every_pane() -> None:
    for pane in (*PANE_LEADS, "details"):
        shown = _footer(pane, 200)
        assert "Help" in [item.label for item in shown], pane  # nothing left out


def test_the_focused_panes_keys_are_kept_longest_after_help_and_quit() -> None:
    for pane, lead in PANE_LEADS.items():
        ranks = footer_plan(pane, jobs_listed=True).ranks
        assert set(ranks) == set(FOOTER_PRIORITY) | set(lead)
        order = sorted(ranks, key=ranks.__getitem__)
        assert order[:2] == ["help", "quit"]
        assert order[2:2 + len(lead)] == list(lead), pane


def test_cancel_is_dimmed_while_no_job_is_listed() -> None:
    for pane in (*PANE_LEADS, "details"):
        assert footer_plan(pane, jobs_listed=False).dimmed == {"cancel_job"}
        assert footer_plan(pane, jobs_listed=True).dimmed == frozenset()


def test_led_by_puts_the_focused_widgets_keys_then_the_lead_first() -> None:
    items = [FooterItem(("?",), "Help", action="help"), FooterItem(("i",), "Install",
             action="install"), FooterItem(("c",), "Cancel", action="cancel_job"),
             FooterItem(("Esc",), "Clear filter", rank=FOCUSED, action="clear")]
    ordered = [item.action for item in led_by(items, ("cancel_job", "nowhere"))]
    assert ordered == ["clear", "cancel_job", "help", "install"]
    # The fit keeps the order it is given.
    assert [i.action for i in fit_items(led_by(items, ()), 200)] == \
        ["clear", "help", "install", "cancel_job"]


def _pane(app) -> str:
    focused = app.focused
    return "jobs" if isinstance(focused, (JobRow, JobList)) else str(focused.id)


def _leading(items: list[FooterItem], lead: tuple[str, ...]) -> bool:
    # A group's item is named by its first action (a View's toggles are one item).
    actions = [item.action for item in items]
    want = [action for action in lead if action in actions]
    return actions[:len(want)] == want


async def test_tab_through_the_panes_and_the_footer_follows(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        bar = app.query_one("#footer")
        cancel = next(item for item in bar.items if item.action == "cancel_job")
        assert not cancel.enabled  # no job yet: c has nothing to cancel
        await pilot.press("v")  # a verify job: the Jobs panel lists one
        await wait_for(pilot, lambda: app.query(JobRow), what="the verify job's row")
        await wait_for(pilot, lambda: all(item.enabled for item in bar.items
                                          if item.action == "cancel_job"),
                       what="c no longer dimmed")
        await wait_for(pilot, lambda: all(job.ended for job in app.state.jobs.values()),
                       what="the verify job's end")
        seen: dict[str, list[str]] = {}
        for _ in range(6):
            pane = _pane(app)
            want = footer_plan(pane if pane != "details" else app.renderer.details_pane,
                               jobs_listed=True).lead
            await wait_for(pilot, lambda want=want: _leading(bar.items, want),
                           what=f"the footer led by {want} on {pane}")
            seen[pane] = [item.label for item in bar.shown()]
            await pilot.press("tab")
            await pilot.pause()
        assert {"available", "cached", "installed", "jobs", "details"} <= set(seen), seen
        assert seen["available"][:2] == ["Install", "Filter"]
        assert seen["cached"][:2] == ["Purge", "Verify"]
        assert seen["installed"][:4] == ["Uninstall", "Upgrade", "Envs", "Install"]
        assert seen["jobs"][:1] == ["Dismiss"]  # c on the ended verify job's row removes it
        # Every key still shown on every other pane: only the order changed.
        assert all(sorted("Cancel" if label == "Dismiss" else label for label in labels)
                   == sorted(seen["available"])
                   for pane, labels in seen.items() if pane not in ("installed", "details"))


def test_each_filter_box_runs_the_actions_its_footer_shows() -> None:
    # The actions were spelled twice in each box (the bindings the footer shows, the actions
    # its Enter and Esc run) and again in the tables' Esc: now made from one name.
    from pytui.app.envs_screen import EnvFilter
    from pytui.app.view_keys import FilterInput
    from pytui.widgets.keyed_table import KeyedTable

    for box, owner in ((FilterInput, "app"), (EnvFilter, "screen")):
        bound = {b.key: b.action for b in box.BINDINGS if not isinstance(b, tuple)}
        assert bound == {"enter": box.KEEP_ACTION, "escape": box.CLEAR_ACTION}, box
        assert (f"{owner}.keep_filter", f"{owner}.clear_filter") == (box.KEEP_ACTION, box.CLEAR_ACTION)
    table_esc = [b.action for b in KeyedTable.BINDINGS if not isinstance(b, tuple) and b.key == "escape"]
    assert table_esc == [FilterInput.CLEAR_ACTION]


def test_installed_footer_is_whole_from_133_columns_as_readme_says() -> None:
    """README: every key from 120 columns on, Installed's (its own U and e added) from 133."""
    assert "Help" in [item.label for item in _footer("installed", 133)]
    assert "All keys" in [item.label for item in _footer("installed", 132)]
    for pane in ("available", "cached", "jobs", "details"):
        assert "Help" in [item.label for item in _footer(pane, 120)], pane

"""News that lands as a dialog opens, before Textual has composed it: the disk listing asked
for by the disk watch (app/disk_watch.py) or an environment scan re-decides the open questions
(JobActions.redecide_questions), and the dialog's parts were looked up before they existed:
`NoMatches: No nodes match '#purge-rule-help'`, a traceback that ended the TUI (seen once in
the whole suite under Python 3.13, in test_ui_disk_watch.py). Not composed yet, a dialog keeps
the news and draws it when it is composed."""

from __future__ import annotations

from pytui.app.purge_plan import PurgePlan
from pytui.app.purge_screen import PurgeRulesModal
from pytui.app.screens import ConfirmModal


def _not_before_mount(rule: str) -> PurgePlan:
    raise AssertionError(f"the {rule} preview was worked out before the dialog was composed")


def _newer(rule: str) -> PurgePlan:
    raise AssertionError(f"the {rule} preview was worked out before the dialog was composed")


def test_the_purge_dialog_takes_a_new_plan_before_it_is_composed() -> None:
    modal = PurgeRulesModal(_not_before_mount)
    modal.replan(_newer, disk_changed=True)
    assert modal._planner is _newer  # on_mount previews, with the newer planner


def test_a_question_asked_again_before_it_is_composed_is_what_it_draws() -> None:
    modal = ConfirmModal("Uninstall cpython-3.12.8?", ["Removes ~/x"])
    modal.ask_again("Uninstall cpython-3.12.8? (changed)", ["Removes ~/x", "Breaks ~/app/.venv"])
    assert modal.question == ("Uninstall cpython-3.12.8? (changed)", ["Removes ~/x", "Breaks ~/app/.venv"])

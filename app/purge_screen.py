"""The purge dialog (`P` on Cached, and the outdated-installs rule): pick a rule, see exactly
what goes and the bytes freed, then confirm."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from pytui.app.background import spawn
from pytui.app.key_bindings import screen_bindings
from pytui.app.keymap import PURGE_SCREEN
from pytui.app.purge_plan import (
    OUTDATED,
    OUTDATED_LABEL,
    PurgePlan,
    leftovers_text,
    loose_text,
    preview_label,
)
from pytui.app.screens import DIALOGS_CSS, ToastFreeDialog, closed_before_mount
from pytui.core.models import CachedArchive, Installation
from pytui.widgets.fitted_line import FittedLine
from pytui.widgets.format import home_shortened, human_size, short_path
from pytui.widgets.key_bar import KeyBar
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.widgets import Button, DataTable, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

PURGE_RULES: tuple[tuple[str, str, str], ...] = (
    ("superseded", "Superseded",
     "older builds: a newer build of the same version and platform is known"),
    ("installed", "Installed", "archives of builds that are installed (the install stays)"),
    ("all", "All", "every archive and partial download in the cache, and what killed runs left there"),
    (OUTDATED, OUTDATED_LABEL,
     "installs with a newer installed patch of the same minor version that no environment "
     "uses directly (as `pytui uninstall --outdated`); environments following the "
     "minor-version link move to the newest patch"),
)

PurgePlanner = Callable[[str], PurgePlan]
# How a rule is chosen (RadioSet's own keys), said in the dialog: arrows only move.
PURGE_RULE_KEYS = "←/→ move, Enter or space chooses"
# The dialog's title, fullest first: the fullest that fits is shown (at 40 columns the whole
# one was cut to `Purge by rule (←/→ move, Enter or s…`, the keys half said).
PURGE_TITLES = (
    f"Purge by rule ({PURGE_RULE_KEYS})",
    "Purge by rule (←/→ move, Enter chooses)",
    "Purge by rule (←/→, Enter chooses)",
    "Purge by rule (←/→, Enter)",
    "Purge by rule",
)


class RuleButton(RadioButton):
    """A rule: ● when chosen, ○ otherwise, so the choice reads without colour."""

    @property  # RadioButton's is a class attribute
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "●" if self.value else "○"


class RuleSet(RadioSet):
    """The rules; the one ←/→ moves to is brought into view in the dialog too (RadioSet scrolls
    only itself: at 20x8, one rule a row, `All` and `Outdated` were highlighted below the
    dialog's edge)."""

    def action_next_button(self) -> None:
        super().action_next_button()
        self._highlighted_into_view()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._highlighted_into_view()

    def _highlighted_into_view(self) -> None:
        highlighted = self.query(".-selected")  # RadioSet's mark of the highlighted button
        if highlighted:
            self.call_after_refresh(highlighted.first().scroll_visible, animate=False)


class PurgeRulesModal(ToastFreeDialog[PurgePlan | None]):
    """Pick a rule, see exactly what goes and the bytes freed, then confirm (archives are
    deleted at once; outdated installs are uninstalled as jobs)."""

    CSS_PATH = DIALOGS_CSS

    BINDINGS = screen_bindings(PURGE_SCREEN)

    def __init__(self, planner: PurgePlanner, *, rule: str = "superseded", news: str = "",
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        # Why the dialog is shown again (a newer check found an install in use): said in it,
        # as a toast would cover its buttons.
        self._news = news
        self._planner = planner
        self._rule = rule
        self._plan: PurgePlan | None = None
        self._planned_rule: str | None = None

    def compose(self) -> ComposeResult:
        # It scrolls when taller than the screen (40x12 with an archive previewed); its
        # buttons, docked at its foot, stay in view (as a question's, app/screens.py).
        with VerticalScroll(classes="dialog purge-dialog"):
            title = FittedLine(id="purge-title", classes="dialog-title")
            title.show(PURGE_TITLES)
            yield title
            if self._news:
                yield Static(self._news, id="purge-news", markup=False)
            with RuleSet(id="purge-rule"):
                for rule, label, _ in PURGE_RULES:
                    yield RuleButton(label, value=rule == self._rule, name=rule)
            yield Static("", id="purge-rule-help", markup=False)
            table: DataTable = DataTable(id="purge-preview", cursor_type="none",
                                         zebra_stripes=True)
            table.add_column("Size", key="size", width=9)
            table.add_column("Archive or install", key="archive")
            yield table
            yield Static("", id="purge-kept", markup=False)
            yield Static("", id="purge-total", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Purge (y)", id="purge-yes", variant="error", disabled=True)
                yield Button("Cancel (n)", id="purge-no")
        yield KeyBar()

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        # Not scrolled to: on a screen shorter than the rules (20x8) Textual centred them and
        # the title, which says the keys, was above the edge; ←/→ bring each rule into view.
        self.set_focus(self.query_one(RadioSet), scroll_visible=False)
        self._preview(self._rule)

    @property
    def plan(self) -> list[CachedArchive]:
        """The archives the previewed rule would delete."""
        return list(self._plan.archives) if self._plan is not None else []

    @property
    def prune(self) -> list[Installation]:
        """The installs the previewed rule would uninstall (`outdated`)."""
        return [i for i, _ in self._plan.installs] if self._plan is not None else []

    @property
    def kept_text(self) -> str:
        """What the preview says about installs kept (the `outdated` rule)."""
        return _kept_text(self._plan, self._home()) if self._plan is not None else ""

    def _home(self) -> Path | None:
        """The home the panes write as `~` (the app's; a test's own home), else the user's."""
        state = getattr(self.app, "state", None)
        return getattr(state, "home", None)

    @property
    def previewed(self) -> PurgePlan | None:
        return self._plan if self._planned_rule == self._rule else None

    def replan(self, planner: PurgePlanner, *, disk_changed: bool = False) -> None:
        """Work the preview out again from newer news: the outdated rule's after an environment
        scan, any rule's after a new listing of the disk (another process purged or added
        archives while this was open); the yes waits for it."""
        self._planner = planner
        if disk_changed or self._rule == OUTDATED:
            self._planned_rule = None
            # Not composed yet (news landing as the dialog opens): on_mount previews, with
            # this planner.
            if self.query("#purge-rule-help"):
                self._preview(self._rule)

    @on(RadioSet.Changed)
    def _rule_changed(self, event: RadioSet.Changed) -> None:
        rule = event.pressed.name or "superseded"
        self._preview(rule)

    def _preview(self, rule: str) -> None:
        self._rule = rule
        help_text = next(text for name, _, text in PURGE_RULES if name == rule)
        self.query_one("#purge-rule-help", Static).update(help_text)
        self.query_one("#purge-total", Static).update("Working out what would go…")
        self._allow_purge(False)
        # Listing the cache is I/O: do it in a thread (the runner's, owned by this dialog); the
        # newest rule wins.
        spawn(self, partial(self._planner, rule), group="purge-preview", name=rule,
              description=f"previewing the purge of the {rule} rule", exclusive=True)

    @on(Worker.StateChanged)
    def _planned(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "purge-preview" or worker.name != self._rule:
            return
        if event.state == WorkerState.ERROR:
            self.query_one("#purge-total", Static).update(f"Could not list the cache: {worker.error}")
            return
        if event.state != WorkerState.SUCCESS:
            return
        plan = worker.result
        if not isinstance(plan, PurgePlan):
            return
        self._plan = plan
        self._planned_rule = self._rule
        self._fill_preview(plan)
        kept = self.query_one("#purge-kept", Static)
        kept.update(_kept_text(plan, self._home()))
        kept.display = bool(plan.kept or plan.note)
        total = self.query_one("#purge-total", Static)
        if not plan.empty:
            frees = f"frees {'at least ' if plan.leftovers_capped else ''}{human_size(plan.freed)}"
            total.update(Text.assemble((_what_goes(plan), ""), (frees, "bold"), (_staying(plan), "")))
        else:
            total.update(Text("Nothing to purge with this rule.", style="dim"))
        self._allow_purge(not plan.empty)

    def _allow_purge(self, allowed: bool) -> None:
        """The Purge button and the footer's `y Purge` together: dimmed while there is
        nothing to purge (or the preview is still being worked out)."""
        self.query_one("#purge-yes", Button).disabled = not allowed
        self.refresh_bindings()

    def check_action(self, action: str,
                     parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002 - Textual's signature
        if action == "confirm":
            return True if self._purge_allowed() else None
        return True

    def _purge_allowed(self) -> bool:
        buttons = self.query("#purge-yes")
        return bool(buttons) and not buttons.first(Button).disabled

    def _fill_preview(self, plan: PurgePlan) -> None:
        """One row per archive or install, each archive's name cut in the middle to the
        table's width (its version, build date and flavor stay, and whether its kept tree
        goes too), so that no row is cut at the dialog's edge."""
        table = self.query_one("#purge-preview", DataTable)
        # The size column and both columns' padding; the scrollbar's cell, kept free.
        width = table.size.width - 9 - 2 * 2 * table.cell_padding - 1 if table.size.width else 0
        table.clear()
        for archive in plan.archives:
            label = preview_label(archive.name, width=width,
                                  with_tree=plan.frees(archive) != archive.size)
            # Text, not a str: DataTable reads a str cell as markup, and a file name in the
            # cache dir may hold `[b]` or `[@click=…]`.
            table.add_row(Text(human_size(plan.frees(archive)), justify="right"), Text(label),
                          key=archive.name)
        for why, count, size in plan.loose:
            table.add_row(Text(human_size(size), justify="right"), Text(loose_text(count, why)),
                          key=f"loose-trees-{why}")
        for installation, size in plan.installs:
            table.add_row(Text(human_size(size), justify="right"), Text(installation.key),
                          key=installation.key)

    def on_resize(self, _event: Resize) -> None:
        if self._plan is not None:
            self._fill_preview(self._plan)

    @on(Button.Pressed, "#purge-yes")
    def _yes(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#purge-no")
    def _no(self) -> None:
        self.action_cancel()

    def action_confirm(self) -> None:
        plan = self.previewed
        if plan is not None and not plan.empty:
            self.dismiss(plan)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _what_goes(plan: PurgePlan) -> str:
    """The preview's count of what goes, before the bytes freed."""
    if plan.installs:
        count = len(plan.installs)
        return f"{count} install{'s' if count != 1 else ''} would be uninstalled (as jobs); "
    count = len(plan.archives)
    parts = [f"{count} archive{'s' if count != 1 else ''}"] if count else []
    parts += [loose_text(loose, why) for why, loose, _ in plan.loose]
    if plan.leftovers:
        parts.append(leftovers_text(plan.leftovers))
    return f"{' and '.join(parts)} would go; "


def _staying(plan: PurgePlan) -> str:
    """`; 45.0 MiB stay in the cache's kept tree`: what uninstalling the plan's installs does
    not free (their files hard-linked with trees kept in the cache)."""
    if not plan.shared:
        return ""
    from pytui.app.uninstall_report import stays_text

    return f"; {stays_text(plan.shared, plan.sharing)}"


def _kept_text(plan: PurgePlan, home: Path | None = None) -> str:
    """Outdated installs kept because environments use them directly, and the plan's note
    (pipx's shared venv pipx rebuilds). The paths from `~`, as the panes, Environments and the
    uninstall question write them (they were whole here)."""
    lines = []
    for key, users in plan.kept:
        noun = "environment" if len(users) == 1 else "environments"
        shown = ", ".join(short_path(env.path, home) for env in users[:2])
        more = f" and {len(users) - 2} more" if len(users) > 2 else ""
        lines.append(f"kept {key}: used directly by {len(users)} {noun} ({shown}{more})")
    if plan.note:
        lines.append(home_shortened(plan.note, home))
    return "\n".join(lines)

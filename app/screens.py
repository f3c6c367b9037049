"""Modal screens: the `?` help, yes/no confirmations (with the space freed), purge rules and
the session's history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from pytui.app.decisions import Line
from pytui.app.history import History, format_time
from pytui.app.keymap import help_rows
from pytui.app.purge_plan import OUTDATED, PurgePlan, preview_label
from pytui.core.models import CachedArchive, Installation
from pytui.widgets.folded import Folded
from pytui.widgets.format import human_size
from pytui.widgets.key_bar import KeyBar
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual._time import get_time as event_clock  # the clock Textual stamps events with
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

MODES: tuple[tuple[str, str], ...] = (
    ("ONLINE", "the catalog refreshes in the background; builds download into the cache"),
    ("OFFLINE", "--offline, UV_OFFLINE=1 or o: no network; cached builds install, others dim"),
)

STATES: tuple[tuple[str, str], ...] = (
    ("✓", "installed"),
    ("●", "archive in the cache"),
    ("45%", "a job is working on it"),
    ("✗", "the last job for it failed"),
    ("—", "only in the catalog (dimmed when offline: cannot be installed)"),
)


# Rows of the help dialog around its body: border (2), title (1), scroll hint (1), and the
# screen's key bar (1).
HELP_CHROME = 5
# The history dialog has the log-path line too.
HISTORY_CHROME = HELP_CHROME + 1
# Said as a hint, not as a row of the keys table above it (whose key column it would not
# line up with).
SCROLL_HINT = "scroll for more: ↑ ↓ PgUp PgDn Home End"
# The dialogs' rules, read into the app's stylesheet when the first dialog opens (as app.tcss:
# app CSS, not a widget's scoped defaults), so the first screen does not parse them.
DIALOGS_CSS = "dialogs.tcss"


class ScrollingDialog(ModalScreen[None]):
    """A dialog whose body fills at most the screen's height and scrolls with the keyboard
    (↑/↓, PgUp/PgDn, Home/End: the body has the focus from the start); a hint line says so
    while there is more than fits."""

    CSS_PATH = DIALOGS_CSS

    BODY = ""  # the scrolling body's id
    HINT = ""  # the hint line's id
    CHROME = HELP_CHROME

    def on_mount(self) -> None:
        self.query_one(f"#{self.BODY}").focus()
        self._fit(self.size.height)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """The body gets the screen's height less the dialog's other rows, so the whole
        dialog is on screen and the rest is reached by scrolling."""
        body = self.query_one(f"#{self.BODY}", VerticalScroll)
        body.styles.max_height = max(3, height - self.CHROME)
        self.call_after_refresh(self._show_scroll_hint)

    def _show_scroll_hint(self) -> None:
        body = self.query_one(f"#{self.BODY}", VerticalScroll)
        self.query_one(f"#{self.HINT}", Label).display = body.max_scroll_y > 0


class HelpScreen(ScrollingDialog):
    """Keys, states and modes; the body scrolls with the keyboard when the terminal is short."""

    AUTO_FOCUS = "#help-body"
    BODY, HINT = "help-body", "help-scroll-hint"
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss_help", "Close", key_display="Esc"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("pytui — keys  (Esc, q or ? closes this)", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(_table(help_rows()), id="help-keys")
                yield Label("States in the Available pane", classes="dialog-subtitle")
                yield Static(_table(STATES), id="help-states")
                yield Label("Modes", classes="dialog-subtitle")
                yield Static(_table(MODES), id="help-modes")
            yield Label(SCROLL_HINT, id="help-scroll-hint", classes="dialog-hint")
        yield KeyBar()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


def _table(rows: Sequence[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 3))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for key, what in rows:
        grid.add_row(key, what)
    return grid


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question about something destructive; y/Enter on the button, n/Esc cancel.
    The app may ask it again in place (`ask_again`) when what it knows changed while open."""

    CSS_PATH = DIALOGS_CSS

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No", key_display="n/Esc"),
    ]

    def __init__(self, title: str, lines: Sequence[str | Text | Line], *, confirm: str = "Yes",
                 cancel: str = "Cancel", danger: bool = True, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._title = title
        self._lines = [_line_text(line) for line in lines]
        self._confirm = confirm
        self._cancel = cancel
        self._danger = danger
        # When the question shown was drawn (Textual's event clock); None from `ask_again`
        # until the changed question has been drawn.
        self._drawn_at: float | None = 0.0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Label(self._title, classes="dialog-title")
            for line in self._lines:
                yield Static(Folded(line), classes="dialog-line", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._confirm} (y)", id="yes",
                             variant="error" if self._danger else "primary")
                yield Button(f"{self._cancel} (n)", id="no")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @property
    def question(self) -> tuple[str, list[str]]:
        """The title and lines as shown (tests read them)."""
        return self._title, [line.plain if isinstance(line, Text) else line
                             for line in self._lines]

    def ask_again(self, title: str, lines: Sequence[str | Text | Line]) -> None:
        """Show a changed question in place. A yes typed before it is drawn (queued behind the
        news that changed it) is not taken as a yes to it."""
        self._title = title
        self._lines = [_line_text(line) for line in lines]
        self._drawn_at = None
        self.query_one(".dialog-title", Label).update(title)
        self.query(".dialog-line").remove()
        mounted = self.query_one(".confirm-dialog").mount(
            *[Static(Folded(line), classes="dialog-line", markup=False) for line in self._lines],
            before=self.query_one(".dialog-buttons"))

        async def drawn_next() -> None:
            await mounted
            self.call_after_refresh(self._now_drawn)

        self.call_later(drawn_next)

    def _now_drawn(self) -> None:
        self._drawn_at = event_clock()

    def on_key(self, event: events.Key) -> None:
        # Keys reach the bindings through a few queues, so the question may be drawn by the
        # time `y` is acted on: what counts is whether it was drawn before `y` was typed.
        if event.key == "y" and (self._drawn_at is None or event.time < self._drawn_at):
            event.stop()
            event.prevent_default()
            self._changed_under_yes()

    def _changed_under_yes(self) -> None:
        self.notify("The question just changed: read it, then answer.", title=self._title,
                    severity="warning", markup=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        if yes and self._drawn_at is None:
            self._changed_under_yes()
            return
        self.dismiss(yes)


def _line_text(line: str | Text | Line) -> str | Text:
    return Text(line.text, style="bold" if line.strong else "") if isinstance(line, Line) else line


PURGE_RULES: tuple[tuple[str, str, str], ...] = (
    ("superseded", "Superseded",
     "older builds: a newer build of the same version and platform is known"),
    ("installed", "Installed", "archives of builds that are installed (the install stays)"),
    ("all", "All", "every archive and partial download in the cache"),
    (OUTDATED, "Outdated",
     "installs with a newer installed patch of the same minor version that no environment "
     "uses directly (as `pytui uninstall --outdated`); environments following the "
     "minor-version link move to the newest patch"),
)

PurgePlanner = Callable[[str], PurgePlan]
# How a rule is chosen (RadioSet's own keys), said in the dialog: arrows only move.
PURGE_RULE_KEYS = "←/→ move, Enter or space chooses"


class RuleButton(RadioButton):
    """A rule: ● when chosen, ○ otherwise, so the choice reads without colour."""

    @property  # RadioButton's is a class attribute
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "●" if self.value else "○"


class PurgeRulesModal(ModalScreen[PurgePlan | None]):
    """Pick a rule, see exactly what goes and the bytes freed, then confirm (archives are
    deleted at once; outdated installs are uninstalled as jobs)."""

    CSS_PATH = DIALOGS_CSS

    BINDINGS = [
        Binding("y", "confirm", "Purge"),
        Binding("n,escape", "cancel", "Cancel", key_display="n/Esc"),
    ]

    def __init__(self, planner: PurgePlanner, *, rule: str = "superseded",
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._planner = planner
        self._rule = rule
        self._plan: PurgePlan | None = None
        self._planned_rule: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog purge-dialog"):
            yield Label(f"Purge by rule ({PURGE_RULE_KEYS})", classes="dialog-title")
            with RadioSet(id="purge-rule"):
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
        self.query_one(RadioSet).focus()
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
        return _kept_text(self._plan) if self._plan is not None else ""

    @property
    def previewed(self) -> PurgePlan | None:
        return self._plan if self._planned_rule == self._rule else None

    def replan(self, planner: PurgePlanner) -> None:
        """Work the outdated rule's preview out again from newer news (an environment scan
        ended while this was open); the yes waits for it."""
        self._planner = planner
        if self._rule == OUTDATED:
            self._planned_rule = None
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
        # Listing the cache is I/O: do it in a thread; the newest rule wins.
        self.run_worker(partial(self._planner, rule), thread=True, group="purge-preview",
                        exclusive=True, name=rule, exit_on_error=False)

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
        kept.update(_kept_text(plan))
        kept.display = bool(plan.kept or plan.note)
        count = len(plan.archives) + len(plan.installs)
        total = self.query_one("#purge-total", Static)
        if count:
            what = (f"{count} install{'s' if count != 1 else ''} would be uninstalled (as jobs); "
                    if plan.installs else f"{count} archive{'s' if count != 1 else ''} would go; ")
            total.update(Text.assemble((what, ""), (f"frees {human_size(plan.freed)}", "bold"),
                                       (_staying(plan), "")))
        else:
            total.update(Text("Nothing to purge with this rule.", style="dim"))
        self._allow_purge(bool(count))

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
        for installation, size in plan.installs:
            table.add_row(Text(human_size(size), justify="right"), Text(installation.key),
                          key=installation.key)

    def on_resize(self) -> None:
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


def _staying(plan: PurgePlan) -> str:
    """`; 45.0 MiB stay in the cache's kept tree`: what uninstalling the plan's installs does
    not free (their files hard-linked with trees kept in the cache)."""
    if not plan.shared:
        return ""
    from pytui.app.uninstall_report import stays_text

    return f"; {stays_text(plan.shared, plan.sharing)}"


def _kept_text(plan: PurgePlan) -> str:
    """Outdated installs kept because environments use them directly, and the plan's note."""
    lines = []
    for key, users in plan.kept:
        noun = "environment" if len(users) == 1 else "environments"
        shown = ", ".join(str(env.path) for env in users[:2])
        more = f" and {len(users) - 2} more" if len(users) > 2 else ""
        lines.append(f"kept {key}: used directly by {len(users)} {noun} ({shown}{more})")
    if plan.note:
        lines.append(plan.note)
    return "\n".join(lines)


class HistoryScreen(ScrollingDialog):
    """Every job and operation of the session with its whole outcome, newest last; the list
    scrolls with the keyboard from the start (it opens at its end, on the newest)."""

    AUTO_FOCUS = "#history-list"
    BODY, HINT, CHROME = "history-list", "history-scroll-hint", HISTORY_CHROME
    BINDINGS = [Binding("escape,q,H", "close", "Close", key_display="Esc")]

    def __init__(self, history: History, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._history = history

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog", classes="dialog"):
            yield Label("History of this session  (Esc, q or H closes this)",
                        classes="dialog-title")
            log = self._history.log_path
            where = self._history.log_problem or (f"Also in {log}" if log else "")
            # Folded: a long state dir breaks after a `/`, not inside `tui-history.log`.
            yield Static(Folded(where), classes="dialog-hint", markup=False)
            with VerticalScroll(id="history-list"):
                if not self._history.entries:
                    yield Static("Nothing yet: jobs, purges and refreshes are listed here.",
                                 classes="dialog-hint")
                for entry in self._history.entries:
                    yield Static(Folded(_entry_text(entry.at, entry.kind, entry.title,
                                                    entry.outcome, entry.message)),
                                 classes="history-entry")
            yield Label(SCROLL_HINT, id="history-scroll-hint", classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#history-list", VerticalScroll).scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


_OUTCOME_STYLE = {"done": "green", "failed": "bold red", "cancelled": "yellow",
                  "warning": "yellow"}


def _entry_text(at: float, kind: str, title: str, outcome: str, message: str) -> Text:
    text = Text()
    text.append(format_time(at), style="dim")
    # A title that starts with its kind ("verify cache") is not said twice ("verify verify").
    named = title if title.split(" ", 1)[0] == kind else f"{kind} {title}"
    text.append(f"  {named}  ")
    text.append(outcome, style=_OUTCOME_STYLE.get(outcome, ""))
    if message:
        text.append("\n  " + message)
    return text

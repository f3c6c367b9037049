"""Modal screens: the `?` help, yes/no confirmations (with the space freed) and the session's
history. The purge dialog is app/purge_screen.py's."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar, TypeVar

from pytui.app.decisions import Line
from pytui.app.history import Entry, History, format_time, log_note, shown_entries
from pytui.app.job_record import job_name
from pytui.app.key_bindings import screen_bindings
from pytui.app.keymap import HELP, HISTORY, QUESTION, help_rows, screen_help
from pytui.app.scroll_hint import scroll_hint
from pytui.app.startup import SizeClassesFirst
from pytui.widgets.fitted_line import FittedLine
from pytui.widgets.folded import Folded
from pytui.widgets.key_bar import KeyBar
from pytui.widgets.key_list import KeyList
from pytui.widgets.list_bindings import KeyScroll
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual._time import get_time as event_clock  # the clock Textual stamps events with
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen, Screen
from textual.widget import AwaitMount
from textual.widgets import Button, Label, Static

MODES: tuple[tuple[str, str], ...] = (
    ("ONLINE", "the catalog refreshes in the background; builds download into the cache"),
    ("OFFLINE", "--offline, UV_OFFLINE=1 or o: no network; cached builds install, others dim"),
)

STATES: tuple[tuple[str, str], ...] = (
    ("✓", "installed"),
    ("✓↑", "installed, an older build of this patch: i or U installs this newer build"),
    ("✓!", "installed, damaged: part of it is gone, so uv does not list it; i reinstalls it"),
    ("●", "archive in the cache"),
    ("45%", "a job is working on it"),
    ("◐ 47%", "partly downloaded (a stopped download's .part): i resumes it"),
    ("✗", "the last job for it failed"),
    ("—", "only in the catalog (dimmed when offline: cannot be installed)"),
)


# Rows of the help dialog around its body: border (2), title (1), scroll hint (1), and the
# screen's key bar (1).
HELP_CHROME = 5
# The history dialog has the log-path line too.
HISTORY_CHROME = HELP_CHROME + 1
# The dialogs' rules, read into the app's stylesheet when the first dialog opens (as app.tcss:
# app CSS, not a widget's scoped defaults), so the first screen does not parse them.
DIALOGS_CSS = "dialogs.tcss"
# A dialog on a screen fewer rows high than this is drawn without its blank rows (an
# 80x24 screen keeps them).
CRAMPED_BELOW = 16
# Fewer rows than this (80x24): the main screen's `-short` too (app/pytui_app.py).
SHORT_BELOW = 30
# A dialog on a screen fewer columns wide than this stacks its buttons (one row each, the
# dialog's whole width): side by side at 20 columns only the first one showed.
SLIM_BELOW = 50
# Fewer columns than this (20x8): the purge dialog's rules one to a row (two to a row, each
# was cut to `A…`, `O…`); the rest as under SLIM_BELOW.
THIN_BELOW = 36
# Said in a question whose `y` was typed before its changed text was drawn.
CHANGED_UNDER_YES = "The question just changed: read it, then answer."


Answer = TypeVar("Answer")


def closed_before_mount(screen: Screen) -> bool:
    """Whether `screen` was closed before its Mount was read, its widgets gone: its `on_mount`
    then has nothing to set up. Textual's `dismiss` pops the top screen, whichever it is, so
    an Esc queued for the help behind the `H` that opened History over it closed History as it
    opened (`NoMatches: No nodes match '#history-list'`, and pytui exited 1); any screen pushed
    and popped before its first message goes the same way."""
    return screen not in screen.app.screen_stack


class ToastFreeDialog(SizeClassesFirst, ModalScreen[Answer]):
    """A dialog no toast covers: at 80x24 one would sit on its Yes/No (or on the help's and the
    history's lines) until it faded. Those on screen go when it opens, those raised while it is
    open wait until it closes (app/toast_gate.py; History keeps every message); a question's
    own news is said in it."""

    # Esc then a key typed quickly (one `alt+<key>` from the parser) is Esc, then the key
    # (app/alt_keys.py).
    CLOSES_ON_ESCAPE = True

    # Below CRAMPED_BELOW rows the dialog drops its padding and blank lines and its buttons
    # are one row high (dialogs.tcss `.-cramped`): at 20x6 it was an empty box, its padding
    # and 3-row buttons taking every row the question had.
    # Below SHORT_BELOW (80x24) the purge dialog is drawn tighter, so its buttons fit.
    VERTICAL_BREAKPOINTS = [(0, "-cramped"), (CRAMPED_BELOW, "-short"), (SHORT_BELOW, "-roomy")]
    # Not the app's (`-narrow` is the main screen's, under 110 columns): under SLIM_BELOW
    # columns the buttons are stacked and the purge dialog's rules are two to a row (under
    # THIN_BELOW, one).
    HORIZONTAL_BREAKPOINTS = [(0, "-thin"), (THIN_BELOW, "-slim"), (SLIM_BELOW, "-broad")]

    def on_mount(self) -> None:
        opened = getattr(self.app, "dialog_opened", None)
        if opened is not None:
            opened()

    def on_unmount(self) -> None:
        closed = getattr(self.app, "dialog_closed", None)
        if closed is not None:
            closed()


class ScrollingDialog(ToastFreeDialog[None]):
    """A dialog whose body fills at most the screen's height and scrolls with the keyboard
    (↑/↓, PgUp/PgDn, Home/End, j/k/g/G: the body has the focus from the start); a hint line says so
    while there is more than fits."""

    CSS_PATH = DIALOGS_CSS

    BODY = ""  # the scrolling body's id
    HINT = ""  # the hint line's id
    CHROME = HELP_CHROME

    def on_mount(self) -> None:
        body = self._body()
        if body is None or closed_before_mount(self):
            return
        body.focus()
        self._fit(self.size.height)
        self.watch(body, "scroll_y", lambda _y: self._show_scroll_hint(), init=False)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.height)

    def _body(self) -> VerticalScroll | None:
        """The scrolling body; None once the dialog is closing: its fitting and its hint run
        after a refresh, which came after the dialog's widgets had gone when it was closed as
        it opened or while the terminal was resized (`NoMatches`, and pytui exited 1)."""
        return next(iter(self.query(f"#{self.BODY}").results(VerticalScroll)), None)

    def _fit(self, height: int) -> None:
        """The body gets the screen's height less the dialog's other rows, so the whole
        dialog is on screen and the rest is reached by scrolling. Fitted again once laid
        out: a line that wraps at this width takes more rows than CHROME counts."""
        body = self._body()
        if body is None:
            return
        body.styles.max_height = max(1, height - self.CHROME - self._wrapped_rows())
        self.call_after_refresh(self._refit, height)

    def _refit(self, height: int) -> None:
        body = self._body()
        if body is None:
            return
        # (Styles set to the value they hold change nothing: no layout again.)
        body.styles.max_height = max(1, height - self.CHROME - self._wrapped_rows())
        self.call_after_refresh(self._show_scroll_hint)

    def _wrapped_rows(self) -> int:
        """The rows the lines around the body take beyond the one each CHROME counts: a title
        or the history's log path wraps on a narrow screen (0 before the first layout)."""
        dialog = self.query_one(".dialog")
        return sum(max(0, child.outer_size.height - 1) for child in dialog.children
                   if child.id not in (self.BODY, self.HINT) and child.display)

    def _show_scroll_hint(self) -> None:
        body = self._body()
        hint = next(iter(self.query(f"#{self.HINT}").results(Label)), None)
        if body is None or hint is None:
            return
        said = scroll_hint(body.scroll_y, body.max_scroll_y)
        hint.display = bool(said)
        if said:
            hint.update(said)


# The help's and the history's titles, fullest first: the fullest that fits is shown (at 40
# columns the whole one was cut to `(Esc, q or ? closes…`).
HELP_TITLES = ("pytui — keys  (Esc, q or ? closes this)", "pytui — keys  (Esc closes this)",
               "pytui — keys  (Esc closes)", "pytui — keys")
HISTORY_TITLES = ("History of this session  (Esc, q or H closes this)",
                  "History of this session  (Esc closes this)", "History  (Esc closes this)",
                  "History  (Esc closes)", "History")


def _title(forms: Sequence[str]) -> FittedLine:
    title = FittedLine(classes="dialog-title")
    title.show(forms)
    return title


class HelpScreen(ScrollingDialog):
    """Keys, states and modes; the body scrolls with the keyboard when the terminal is short."""

    AUTO_FOCUS = "#help-body"
    BODY, HINT = "help-body", "help-scroll-hint"
    BINDINGS = screen_bindings(HELP)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield _title(HELP_TITLES)
            with KeyScroll(id="help-body"):
                yield Static(KeyList(help_rows()), id="help-keys")
                # Each screen's own keys, under its title (keymap.SCREEN_KEYS).
                for index, (title, rows) in enumerate(screen_help()):
                    yield Label(title, classes="dialog-subtitle")
                    yield Static(KeyList(rows), id=f"help-screen-keys-{index}")
                yield Label("States in the Available pane", classes="dialog-subtitle")
                yield Static(KeyList(STATES), id="help-states")
                yield Label("Modes", classes="dialog-subtitle")
                yield Static(KeyList(MODES), id="help-modes")
            yield Label("", id="help-scroll-hint", classes="dialog-hint")
        yield KeyBar()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


def open_help(push_screen: Callable[[HelpScreen], object]) -> None:
    """The help over what is shown, through its app's `push_screen`: from the main screen, the
    Environments view or History (the main screen's `?` is blocked under a screen over it)."""
    push_screen(HelpScreen())


class ConfirmModal(ToastFreeDialog[bool]):
    """A yes/no question about something destructive; y/Enter on the button, n/Esc cancel.
    The app may ask it again in place (`ask_again`) when what it knows changed while open."""

    CSS_PATH = DIALOGS_CSS

    BINDINGS = screen_bindings(QUESTION)

    def __init__(self, title: str, lines: Sequence[str | Text | Line], *, confirm: str = "Yes",
                 cancel: str = "Cancel", danger: bool = True, id: str | None = None,  # noqa: A002
                 short_titles: Sequence[str] = ()) -> None:
        super().__init__(id=id)
        self._title = title
        self._short_titles = tuple(short_titles)  # shorter whole forms, for a narrow dialog
        self._lines = [_line_text(line) for line in lines]
        self._confirm = confirm
        self._cancel = cancel
        self._danger = danger
        # When the question shown was drawn (Textual's event clock); None from `ask_again`
        # until the changed question has been drawn.
        self._drawn_at: float | None = 0.0

    def compose(self) -> ComposeResult:
        # It scrolls when its lines are taller than the screen (a path thousands of characters
        # long, a small terminal); its buttons, docked at its foot, stay in view.
        with VerticalScroll(classes="dialog confirm-dialog"):
            yield _title((self._title, *self._short_titles))
            for line in self._lines:
                yield Static(Folded(line), classes="dialog-line", markup=False)
            # Shown when the question changed under a `y` (`_changed_under_yes`).
            yield Static("", id="dialog-news", classes="dialog-news", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._confirm} (y)", id="yes",
                             variant="error" if self._danger else "primary")
                yield Button(f"{self._cancel} (n)", id="no")
        yield KeyBar()

    def on_mount(self) -> None:
        if not closed_before_mount(self):
            self.query_one("#no", Button).focus()

    def action_scroll_question(self, how: str) -> None:
        body = self.query_one(".confirm-dialog", VerticalScroll)
        {"up": body.scroll_up, "down": body.scroll_down, "page_up": body.scroll_page_up,
         "page_down": body.scroll_page_down}[how](animate=False)

    @property
    def question(self) -> tuple[str, list[str]]:
        """The title and lines as shown (tests read them)."""
        return self._title, [line.plain if isinstance(line, Text) else line
                             for line in self._lines]

    @property
    def drawn(self) -> bool:
        """Whether the question as asked now has been drawn: a `y` typed before it was is not
        taken as a yes to it (`on_key`)."""
        return self._drawn_at is not None

    def ask_again(self, title: str, lines: Sequence[str | Text | Line], *, changed: bool = True,
                  short_titles: Sequence[str] = ()) -> None:
        """Show a changed question in place. A yes typed before it is drawn (queued behind the
        news that changed it) is not taken as a yes to it; unless only a status line changed
        (`changed` False): the answer is the same."""
        self._title = title
        self._short_titles = tuple(short_titles)
        self._lines = [_line_text(line) for line in lines]
        if not self.query(".confirm-dialog"):
            return  # not composed yet (news landing as it opens): compose draws these
        if not changed:
            self._show_lines()
            return
        self._drawn_at = None
        self.query_one(".dialog-title", FittedLine).show((title, *self._short_titles))
        mounted = self._show_lines()

        async def drawn_next() -> None:
            if mounted is not None:
                await mounted
            self.call_after_refresh(self._now_drawn)

        self.call_later(drawn_next)

    def _show_lines(self) -> AwaitMount | None:
        """The question's lines, changed where they stand: each line shown takes its new text,
        lines past them are mounted (above the news), lines no longer asked are removed.
        Removing every line and mounting new ones let a frame be drawn between the two, a
        question with no line at all (tmux caught one on a busy machine)."""
        shown = list(self.query(".dialog-line").results(Static))
        for widget, line in zip(shown, self._lines, strict=False):
            widget.update(Folded(line))
        for widget in shown[len(self._lines):]:
            widget.remove()
        if len(self._lines) <= len(shown):
            return None
        return self.query_one(".confirm-dialog").mount(
            *[Static(Folded(line), classes="dialog-line", markup=False)
              for line in self._lines[len(shown):]],
            before=self.query_one("#dialog-news"))  # the lines stay above the news

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
        # In the dialog, above its buttons: a toast would cover them.
        news = self.query_one("#dialog-news", Static)
        news.update(CHANGED_UNDER_YES)
        news.display = True

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


# The component class each outcome word is drawn with (dialogs.tcss).
_OUTCOME_CLASS = {"done": "history--ok", "failed": "history--bad", "cancelled": "history--wait",
                  "warning": "history--wait", "error": "history--bad"}


class HistoryScreen(ScrollingDialog):
    """Every job and operation of the session with its whole outcome, newest last; the list
    scrolls with the keyboard from the start (it opens at its end, on the newest)."""

    AUTO_FOCUS = "#history-list"
    BODY, HINT, CHROME = "history-list", "history-scroll-hint", HISTORY_CHROME
    BINDINGS = screen_bindings(HISTORY)
    # Each outcome word in the theme's status colours (dialogs.tcss), as the job rows say it,
    # not Rich's fixed green, yellow and red.
    COMPONENT_CLASSES: ClassVar[set[str]] = set(_OUTCOME_CLASS.values())

    def __init__(self, history: History, *, home: Path,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._history = history
        self._home = home
        self._entries: Sequence[Entry] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog", classes="dialog"):
            yield _title(HISTORY_TITLES)
            where = log_note(self._history, self._home)
            # Folded: a long state dir breaks after a `/`, not inside `tui-history.log`.
            yield Static(Folded(where), id="history-where", classes="dialog-hint", markup=False)
            with KeyScroll(id="history-list"):
                if not self._history.entries:
                    yield Static("Nothing yet: jobs, purges and refreshes are listed here.",
                                 classes="dialog-hint")
                entries, left_out = shown_entries(self._history)
                if left_out:
                    yield Static(left_out, classes="dialog-hint", markup=False)
                self._entries = entries
                for entry in entries:
                    yield Static(Folded(_entry_text(entry.at, entry.kind, entry.title,
                                                    entry.outcome, entry.message)),
                                 classes="history-entry")
            yield Label("", id="history-scroll-hint", classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        if closed_before_mount(self):
            return
        # Painted before the first frame (painted after the first refresh, that frame drew
        # every outcome plain). The component classes' styles are computed when the screen is
        # registered, which on the first push comes before dialogs.tcss is read: applied again
        # here (what Textual's own update does later), they are the theme's already.
        self.app.stylesheet.apply(self)
        self._paint()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._paint())
        self.query_one("#history-list", VerticalScroll).scroll_end(animate=False)

    def _paint(self) -> None:
        """The entries again, their outcomes in the theme's colours (known once mounted)."""
        styles = {outcome: self.get_component_rich_style(name, partial=True)
                  for outcome, name in _OUTCOME_CLASS.items()}
        for static, entry in zip(self.query(".history-entry").results(Static), self._entries, strict=False):
            static.update(Folded(_entry_text(entry.at, entry.kind, entry.title, entry.outcome,
                                             entry.message, styles)))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        open_help(self.app.push_screen)


def _entry_text(at: float, kind: str, title: str, outcome: str, message: str,
                styles: Mapping[str, Style] | None = None) -> Text:
    text = Text()
    text.append(format_time(at), style="dim")
    text.append(f"  {job_name(kind, title)}  ")
    text.append(outcome, style=(styles or {}).get(outcome, ""))
    if message:
        text.append("\n  " + message)
    return text

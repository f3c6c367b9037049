"""Toasts: every notification passes here (worded for the width, paths from `~`, passwords
masked, kept in History), as many at once as fit (MAX_TOASTS_ON_SCREEN at most), none over a dialog's buttons
(app/toast_gate.py decides; this part shows). A part of PytuiApp (app/app_base.py)."""

from __future__ import annotations

import time
from weakref import WeakSet

from pytui.app.app_base import AppBase
from pytui.app.toast_gate import (
    NOTE_OUTCOME,
    URGENCY,
    ToastGate,
    folded_more_line,
    history_title,
    left_line,
    more_line,
    more_placement,
    toasts_that_fit,
)
from pytui.app.toast_text import (
    RACK_MARGIN,
    toast_message,
    toast_rows,
    toast_text_width,
    toast_title,
)
from pytui.core.url_secrets import without_secrets
from pytui.widgets.format import home_shortened, one_line
from pytui.widgets.job_list import JobList
from textual.content import Content
from textual.events import Resize
from textual.geometry import Region, Size
from textual.markup import MarkupError
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen


class ToastShelf(AppBase):
    """The toasts on screen, those held under a dialog and the line counting the others."""

    def init_toasts(self) -> None:
        # (notification, its text as given) for each toast not yet expired (see notify).
        self._toasts: list[tuple[Notification, str]] = []
        # Toasts wait while a dialog is open, so none covers its buttons (app/toast_gate.py).
        self._toast_gate: ToastGate[tuple[Notification, str]] = ToastGate(
            lambda toast: URGENCY.get(toast[0].severity, 0))
        # The toast saying how many gave way to newer ones (MAX_TOASTS_ON_SCREEN): its
        # notification, how many, its text as given; and whether the toasts are to be shown
        # again (once per burst, however many toasts it has).
        self._more_toast: tuple[Notification, int, str] | None = None
        self._toasts_to_redo = False
        # Rows under the main screen's toasts: the Jobs panel's and below (lift_toasts).
        self._rows_under_toasts = RACK_MARGIN

    def _history_not_kept(self, cause: str) -> None:
        """One notification, the first time the history log cannot be written (as the theme's)."""
        self.notify(f"The history is not kept: cannot write {self.history.log_path}: {cause}; "
                    "H shows this session's", title="History", severity="warning", markup=False)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True, in_history: bool = False,
               verbatim: bool = False) -> None:
        """`in_history`: the caller has kept its own entry (the whole error, not the toast's
        short form); any other toast is kept in History as a note, so one dismissed by a
        dialog, or held and never shown (app/toast_gate.py), is still found there.
        `verbatim`: paths are shown as given (what `y` copied), not from `~` as the panes say."""
        if not verbatim:
            message = home_shortened(message, self.state.home)
        # Every toast (the screens' too: Widget.notify calls this) passes here: Textual would
        # break a URL or a path in the middle of a name (app/toast_text.py). The text as given
        # is kept beside the notification, so a resize words it again (on_resize). This is
        # App.notify's body, with the notification kept.
        message = without_secrets(message)  # a URL's password is never shown (core/url_secrets.py)
        # A notification is one line: a newline, tab or CR in it is a name's on disk (a path
        # under UV_PYTHON_INSTALL_DIR, what `y` copied), drawn as the panes draw it (`␤`); the
        # toast broke the path onto two lines there. (Other controls: app/terminal_text.py.)
        message, title = one_line(message), one_line(title)
        if not in_history:
            self.history.add("note", history_title(title), NOTE_OUTCOME.get(severity, "info"),
                             _plain(message) if markup else message)
        title = toast_title(title, self.size.width)
        notification = Notification(
            toast_message(message, self.size.width, self.size.height, markup=markup, title=title,
                          lifted=self._toast_lift()),
            title, severity,
            self.NOTIFICATION_TIMEOUT if timeout is None else timeout, markup=markup)
        self._toasts = [(shown, said) for shown, said in self._toasts if not shown.has_expired]
        if not self._toast_gate.offer((notification, message)):
            return
        self._toasts.append((notification, message))
        if self._fit_toasts() and not self._toasts_to_redo:
            self.post_message(Notify(notification))

    def withdraw_toasts(self, title: str) -> None:
        """The toasts titled `title` still on screen go (History keeps what they said): the
        next one says the opposite. `o` twice left `Online: …` beside `Offline: …` under an
        OFFLINE header."""
        kept = [(shown, said) for shown, said in self._toasts if shown.title != title]
        if len(kept) == len(self._toasts):
            return
        self._toasts = kept
        if not self._toasts_to_redo:
            self._toasts_to_redo = True
            self.call_later(self._show_toasts_again)

    def _fit_toasts(self) -> bool:
        """True when the toasts kept fit the rows they have (toasts_that_fit); else the oldest
        give way (History has them), the line counts them, and the toasts are shown again
        once the burst is over, so 3000 at once mount a few widgets, not 3000."""
        counted = self._more_count()
        more_rows = self._rows_of(self._more_toast_of(more_line(counted + 1)))
        shown, _line_fits = toasts_that_fit(self._rows_newest_first(), self._toast_room(),
                                            more_rows)
        if shown >= len(self._toasts):
            return True
        gave_way = len(self._toasts) - shown
        del self._toasts[:gave_way]
        line = more_line(counted + gave_way)
        self._more_toast = (self._more_toast_of(line), counted + gave_way, line)
        if not self._toasts_to_redo:
            self._toasts_to_redo = True
            self.call_later(self._show_toasts_again)
        return False

    def _more_count(self) -> int:
        """How many the line counting those that gave way counts (0 once it has expired)."""
        more = self._more_toast
        return more[1] if more is not None and not more[0].has_expired else 0

    def _toast_room(self) -> int:
        """The rows the toasts have: the screen's less those under them (lift_toasts)."""
        return self.size.height - RACK_MARGIN - self._toast_lift()

    def _more_toast_of(self, line: str) -> Notification:
        """The toast standing for those in History only (not itself in History: it points there)."""
        return Notification(toast_message(line, self.size.width, self.size.height, title="History",
                                          lifted=self._toast_lift()),
                            "History", "information",
                            self.NOTIFICATION_TIMEOUT, markup=False)

    def _show_toasts_again(self) -> None:
        """Those on screen go; the newest ones and the line counting the others show, each for
        what is left of its time (Textual has no public way to take away one toast)."""
        self._toasts_to_redo = False
        self._clear_toasts()
        # New notifications: Textual keeps the place of one it took away, and would not show
        # it again there.
        # Each worded again from its text: a count folded into the one that was newest is not
        # carried into the new toasts (it showed twice, a stale one above the new one).
        self._toasts = [(_again(shown, self._worded(shown, said)), said)
                        for shown, said in self._toasts]
        place = self._more_placement()
        if place == "folded":
            # At 20x8 the newest toast alone takes the rows: its last line counts the others.
            newest, said = self._toasts[-1]
            self._toasts[-1] = (Notification(newest.message, newest.title, newest.severity,
                                             newest.timeout, markup=newest.markup), said)
            self._fold_more_into_newest()
        for shown, _said in self._toasts:
            self.post_message(Notify(shown))
        if self._more_toast is not None and place == "toast":
            self.post_message(Notify(self._more_toast[0]))

    def _fold_more_into_newest(self, size: Size | None = None) -> None:
        """The line counting those that gave way, under the newest toast's text (worded from
        its text again first: folding twice never adds a second line). `size`: the screen's
        when it is not `self.size` yet (a Resize being handled)."""
        newest, said = self._toasts[-1]
        width = (size or self.size).width
        newest.message = self._worded(newest, said, size) + "\n" + folded_more_line(
            self._more_count(), toast_text_width(width))

    def _worded(self, shown: Notification, said: str, size: Size | None = None) -> str:
        """`said` as `shown`'s toast words it for the screen (`size`, default now: the app's
        size is the old one while its Resize is handled) (app/toast_text.py)."""
        width, height = size or self.size
        return toast_message(said, width, height, markup=shown.markup, title=shown.title,
                             lifted=self._toast_lift())

    def _more_placement(self) -> str:
        """Where the line counting those that gave way goes (toast_gate.more_placement): a
        toast under those shown, the newest one's last line, or nowhere."""
        if self._more_toast is None or not self._toasts or not self._more_count():
            return ""
        line = folded_more_line(self._more_count(), toast_text_width(self.size.width))
        return more_placement(sum(self._rows_newest_first()), self._toast_room(),
                              self._rows_of(self._more_toast[0]), line)

    def _rows_newest_first(self) -> list[int]:
        return [self._rows_of(shown) for shown, _said in reversed(self._toasts)]

    def _rows_of(self, notification: Notification) -> int:
        width = self.size.width
        return toast_rows(notification.message, notification.title, width,
                          drawn_lines(notification, toast_text_width(width)))

    def watch_toast_places(self) -> None:
        """Follow where the toasts are on each screen (from the first frame: PytuiApp.on_mount)."""
        self._toast_places: dict[str, Region] = {}
        self._screens_watched: WeakSet[Screen] = WeakSet()
        self._watch_screen(self.screen)
        self.screen_change_signal.subscribe(self, self._watch_screen)

    def _watch_screen(self, screen: Screen) -> None:
        if not self.is_running:
            # A screen change read at exit, once the app stopped (its screens going): Textual
            # refuses a subscription then (SignalError, the run's exception), and no toast is
            # drawn again anyway.
            return
        if screen not in self._screens_watched:
            self._screens_watched.add(screen)
            screen.screen_layout_refresh_signal.subscribe(self, self._toasts_laid_out,
                                                          immediate=True)

    def _toasts_laid_out(self, screen: Screen) -> None:
        """After each layout of a screen: where a toast was that has gone (expired, clicked,
        cleared) is drawn again, that area only. A toast that expired over a layout changed
        under it (40x12: `4` unfolds the Jobs panel) left its text on the terminal, Textual
        repainting only part of where it was. (Textual's own hook, `App._unnotify`, is private;
        a screen's layout signal is public and fires once the toast's holder is removed.)"""
        if screen is not self.screen:
            return
        places = {holder.id or "": toast.region
                  for rack in screen.query_children("ToastRack")
                  for holder in rack.children for toast in holder.children}
        gone = [region for key, region in self._toast_places.items() if key not in places]
        self._toast_places = places
        if gone:
            screen.refresh(*gone)

    def _clear_toasts(self) -> None:
        self.clear_notifications()
        # Textual clears the top screen's rack only: a screen below, seen around a dialog,
        # would keep drawing the toasts it had. (The rack is found by its type's name: its
        # class lives in a private Textual module.)
        for screen in self.screen_stack:
            for rack in screen.query_children("ToastRack"):
                rack.show(self._notifications)  # type: ignore[attr-defined]  # a ToastRack, found by name

    def dialog_opened(self) -> None:
        """A dialog opened (app/screens.py ToastFreeDialog): the toasts on screen go,
        so none covers its buttons (History keeps what they said); new ones wait."""
        if self._toast_gate.dialog_opened():
            self._toasts.clear()
            self._more_toast = None
            self._clear_toasts()

    def dialog_closed(self) -> None:
        """A dialog closed: the most urgent of the toasts raised meanwhile are shown, for their
        whole time, worded for the width now; one line says how many more History has."""
        shown, left = self._toast_gate.dialog_closed()
        for notification, said in shown:
            notification.message = self._worded(notification, said)
            notification.raised_at = time.time()
            self._toasts.append((notification, said))
            self.post_message(Notify(notification))
        if left:
            line = left_line(left)
            self._more_toast = (self._more_toast_of(line), left, line)
            self.post_message(Notify(self._more_toast[0]))
        if shown:
            self._fit_toasts()  # a short screen (20x8) has room for fewer

    def on_resize(self, event: Resize) -> None:
        # A toast worded for the old width would have a long name folded inside by Textual at
        # a narrower one: each one shown is worded again (a Toast renders its notification's
        # message at each redraw) and laid out again; the Jobs panel may have moved.
        self._reword_toasts(event.size.width, event.size.height)
        self.call_after_refresh(self.lift_toasts)

    def on_job_list_moved(self, _message: JobList.Moved) -> None:
        self.lift_toasts()

    def lift_toasts(self) -> None:
        """The main screen's toasts end above the Jobs panel: at 80x24 a toast covered the
        running job's progress row for its 5-10 s (as lazygit's toasts never cover its
        status line). Worded again for the rows left above it."""
        if not self.screen_stack or not self.screen_stack[0].query("#jobs"):
            return  # not composed yet
        main = self.screen_stack[0]
        jobs = main.query_one("#jobs")
        region = jobs.region
        # A folded panel (40x12, 20x8: its title row only) is kept in view too: its title says
        # the jobs (a toast covered it whole). A panel not drawn keeps nothing.
        under = max(RACK_MARGIN, self.size.height - region.y) if region.height else RACK_MARGIN
        if under == self._rows_under_toasts:
            return
        self._rows_under_toasts = under
        for rack in main.query_children("ToastRack"):
            rack.styles.margin = (0, 0, under, 0)
        self._reword_toasts(self.size.width, self.size.height)

    def reword_toasts(self) -> None:
        """The toasts shown worded again for the screen on top (MainScreen, back on top)."""
        self._reword_toasts(self.size.width, self.size.height)

    def _toast_lift(self) -> int:
        """The rows the main screen's toasts are lifted by (lift_toasts), when it is on top
        (another screen's toasts sit on its footer)."""
        return 0 if len(self.screen_stack) > 1 else self._rows_under_toasts - RACK_MARGIN

    def _reword_toasts(self, width: int, height: int) -> None:
        self._toasts = [(shown, said) for shown, said in self._toasts if not shown.has_expired]
        worded_now = list(self._toasts)
        if self._more_toast is not None:
            worded_now.append((self._more_toast[0], self._more_toast[2]))
        changed = False
        for shown, said in worded_now:
            worded = self._worded(shown, said, Size(width, height))
            if worded != shown.message:
                shown.message = worded
                changed = True
        if changed and self._toasts and self._more_placement() == "folded":
            self._fold_more_into_newest(Size(width, height))  # the count kept
        if changed:
            for toast in self.screen.query("Toast"):
                toast.refresh(layout=True)
        # Taller now, or fewer rows (a shrink, a Jobs panel that moved): fewer may fit. Not
        # only when a wording changed: after 80x24 -> 20x8 two short toasts kept their words
        # and stayed, drawn above the top edge, beside the line counting the others.
        if self._toasts:
            self._fit_toasts()


def _again(shown: Notification, message: str) -> Notification:
    """`shown` as a new notification saying `message`, for what is left of its time."""
    return Notification(message, shown.title, shown.severity, max(shown.time_left, 0.1),
                        markup=shown.markup)


def _plain(markup: str) -> str:
    """A toast's text without its markup, as History keeps it (Textual shows a bad one as is)."""
    try:
        return Content.from_markup(markup).plain
    except MarkupError:
        return markup


def drawn_lines(notification: Notification, width: int) -> int:
    """The lines Textual's Toast draws for `notification`'s title and text in `width` cells:
    its content as Toast.render makes it, wrapped by Textual's own Content.wrap. A markup text
    with brackets is worded by Textual (its tags are not drawn, and text in brackets may be
    taken for one), so pytui cannot count it from the text."""
    try:
        body = Content.from_markup(notification.message) if notification.markup \
            else Content(notification.message)
    except MarkupError:
        body = Content(notification.message)
    content = Content.assemble(notification.title, "\n", body) if notification.title else body
    return len(content.wrap(max(width, 1)))

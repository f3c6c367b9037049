"""A lock wait's note cut to fit: one order of what gives way, for the CLI's bar and the TUI's row.

A wait's note names who holds the lock (`held by pid 8567: flock …`, core/lock_holders) and
ends with the way out (`; Ctrl-C stops` under the CLI's bar, `; c cancels` on the TUI's job
row). Too long for where it is shown, it gives way in this order, whatever the view: what
follows the holder first, then what precedes it, then the end of the holder's command (what
precedes it then takes any room left); the holder's pid and the way out stay. The views differ
only in shape, which they pass as a `WaitShape` (`one_line`, `wrapped`): the TUI's row is one line of cells, cut after
a word (widgets/cut_rules); the CLI's note is up to three wrapped lines, a part's middle
giving way (app/progress_board). Both cut only where a word or a path component ends
(`middle_cut`, `boundary_head`), `…` where text went.
"""

from __future__ import annotations

from pytui.core.lock_holders import HOLDER_PHRASE, HOLDER_PID

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from collections.abc import Callable


class WaitShape:
    """How one view shows a note, made for one of the two views: `one_line` (the TUI's job
    row) or `wrapped` (the CLI's bar). Each view gives its cuts of the parts: `before(text,
    kept, joined)`, what precedes the holder in `kept` cells, with what joins it to the holder
    when `joined`; `command(holder, pid_end, kept)`, the holder with `kept` cells of its
    command after the pid (its pid alone at 0), or None. How the widest form that fits is
    found, and whether what precedes the holder takes the room its command's cut left, follow
    from the kind of view."""

    __slots__ = ("before", "command", "fits", "plain", "refill", "widest")

    def __init__(self, fits: Callable[[str], bool],
                 widest: Callable[[Callable[[int], str | None], int, int], str | None],
                 before: Callable[[str, int, bool], str],
                 command: Callable[[str, int, int], str | None],
                 plain: Callable[[str], str] | None, refill: bool) -> None:
        self.fits = fits
        # The form of the largest `kept` in [0, most] that fits, or None (`fixed`: the cells
        # of the form that do not depend on `kept`).
        self.widest = widest
        self.before = before
        self.command = command
        self.plain = plain
        self.refill = refill

    @classmethod
    def one_line(cls, width: int, before: Callable[[str, int, bool], str],
                 command: Callable[[str, int, int], str | None],
                 plain: Callable[[str], str] | None = None) -> WaitShape:
        """One line of `width` cells, where a part given `kept` cells takes at most that many:
        each form is made once, with the cells the rest leaves; what precedes the holder takes
        the room its command's cut left. `plain(body)`: the view's cut of any line, tried
        first and kept when it keeps the holder whole."""
        return cls(lambda form: len(form) <= width,
                   lambda form_of, _most, fixed: _widest_in_cells(form_of, fixed, width),
                   before, command, plain, True)

    @classmethod
    def wrapped(cls, fits: Callable[[str], bool], before: Callable[[str, int, bool], str],
                command: Callable[[str, int, int], str | None]) -> WaitShape:
        """Lines whose fit only `fits(text)` tells (wrapped at words): each form searched by
        halves of what it keeps."""
        return cls(fits, lambda form_of, most, _fixed: _widest_by_halves(form_of, most, fits),
                   before, command, None, False)


def cut_wait_note(text: str, hint: str, shape: WaitShape) -> str | None:
    """`text` (a wait's note ending in `hint`) as `shape` shows it, cut in the one order (the
    module's docstring); None when it does not end in `hint`, or when not even the holder's
    pid and `hint` fit (the view then cuts it as any line)."""
    if shape.fits(text):
        return text
    if not hint or not text.endswith(hint):
        return None
    import re  # only here: a note that fits needs none

    body = text[:-len(hint)]
    found = re.search(HOLDER_PHRASE, body)
    before, holder, after = (body[:found.start()], found.group(), body[found.end():]) if found else (body, "", "")
    pid_end = 0
    if found is not None:
        pid = re.match(HOLDER_PID, holder)
        assert pid is not None  # narrows for the type checker: HOLDER_PHRASE starts with it
        pid_end = pid.end()
    if shape.plain is not None:
        # The view's own cut stands when it keeps the holder whole (or the note names none):
        # kept when it kept only the pid, it cut the command before the words preceding it
        # (`… (held by pid 8567: flock…` at 120 columns, the whole command at 76).
        plain = shape.plain(body)
        if found is None:
            return plain + hint if plain else None
        if plain.startswith(body[:found.end()]):
            return plain + hint
    # What follows the holder goes: "…" says something did.
    mark = "…" if after else ""
    shown = shape.widest(lambda kept: f"{shape.before(before, kept, bool(holder))}{holder}{mark}{hint}",
                         len(before), len(holder) + len(mark) + len(hint))
    if shown is not None or found is None:
        return shown
    # Not even the holder whole: its command's end goes (its pid stays), then what precedes it
    # takes any room left (where the view says a few characters of it say something).
    start = shape.before(before, 0, True)

    def holder_form(kept: int) -> str | None:
        # Whole only with the `…` that says what followed it went; else its end goes too.
        most = len(holder) - pid_end - 1 if mark else len(holder) - pid_end
        form = shape.command(holder, pid_end, min(kept, most))
        return None if form is None else f"{start}{form}{hint}"

    best = shape.widest(holder_form, len(holder) - pid_end, len(start) + pid_end + len(hint))
    if best is None or not shape.refill:
        return best
    command = best[len(start):len(best) - len(hint)]
    return shape.widest(lambda kept: f"{shape.before(before, kept, True)}{command}{hint}", len(before),
                        len(command) + len(hint)) or best


def boundary_head(text: str, most: int) -> str:
    """The longest start of `text` in at most `most` characters that ends where a word does or
    after a path's `/` (`flock /root/.local/`), never inside one: "" when none does."""
    if len(text) <= most:
        return text
    cut = max(text.rfind(" ", 0, most + 1), text.rfind("/", 0, most) + 1)
    return text[:cut].rstrip() if cut > 0 else ""


def boundary_tail(text: str, most: int) -> str:
    """The longest end of `text` in at most `most` characters that starts where a word does or
    at a path's `/` (`/uv/python (`; ` (held` keeps the space that says a word starts): "" when
    none does."""
    if len(text) <= most:
        return text
    first = len(text) - most
    starts = [at for at in (text.find(" ", first), text.find("/", first)) if at >= first]
    return text[min(starts):] if starts else ""


def middle_cut(text: str, kept: int) -> str:
    """`text` in at most `kept` characters and a `…`: its start and its end, each cut where a
    word or a path component ends (`waiting for the…/uv/python (`, never `waiting f…thon (`)."""
    if kept >= len(text):
        return text
    start = boundary_head(text, (kept + 1) // 2)
    end = boundary_tail(text[len(start):], kept - len(start))
    return f"{start}…{end}"


def _widest_by_halves(form_of: Callable[[int], str | None], most: int,
                     fits: Callable[[str], bool]) -> str | None:
    """The form of the largest `kept` in [0, most] that fits (None: no form), searched by
    halves: fitting is monotonic but for word breaks, and a root may be thousands long."""
    def fitting(kept: int) -> str | None:
        form = form_of(kept)
        return form if form is not None and fits(form) else None

    if fitting(0) is None:
        return None
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if fitting(middle) is None:
            high = middle - 1
        else:
            low = middle
    return fitting(low)


def _widest_in_cells(form_of: Callable[[int], str | None], fixed: int, width: int) -> str | None:
    """For one line of `width` cells, where a part given `kept` cells takes at most that many:
    the form with the cells its `fixed` part leaves (None when that is too wide)."""
    if fixed > width:
        return None
    form = form_of(width - fixed)
    return form if form is not None and len(form) <= width else None

"""Text the TUI shows is made harmless to the terminal before any of it is drawn.

Environment paths (other people's directory names under a shared `--scan` root), pyvenv.cfg
values, archive and tree file names and error lines reach the TUI's tables and panels as rich
`Text` / Textual `Content`. Both drop only BEL, BS, VT, FF and CR; an ESC went to the terminal
as is (measured: a directory named `…\\x1b]52;c;…` wrote the clipboard through the
Environments table, `\\x1b[2J` cleared the screen). `guard_terminal_text` extends both
libraries' own tables of control characters (the one boundary every drawn string crosses), so
every other C0 control, DEL and the C1 controls are drawn as visible stand-ins instead: the
control pictures (`␛`), `␡`, and U+FFFD. So are the bidirectional controls (U+202E and its
kin), as U+FFFD: a terminal that applies bidi drew a name holding one right to left from there
on (`evil\u202egp.exe` read `evilexe.pg`); the CLI escapes them too (app/safe_text.py). So are
the other invisible format characters (a zero-width space drew nothing, so two names read alike). So is
a byte of a path that is not UTF-8 (a surrogate escape), which was written as `\\udcff`.

Newline and tab are left out of these tables (they lay out every text drawn); in a name from
disk they are drawn as `␤` and `␉` by the one rule for names, widgets/format.one_line: every
path a pane, Details, a dialog or the Environments screen shows passes `short_path`, and every
notification and History line (one line each) passes `one_line` too (app/toast_shelf.py,
app/history.py).
"""

from __future__ import annotations

# Tab and newline lay text out; BEL, BS, VT, FF and CR are already dropped by both libraries.
_KEPT = frozenset({9, 10})
# The bidirectional marks, embeddings, overrides and isolates (Unicode's Bidi_Control).
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
# The other format characters (Unicode's Cf, as of Unicode 15), which draw nothing: a
# zero-width space, joiner or word joiner, a byte order mark, a soft hyphen, the tag characters
# (an invisible copy of ASCII). `~/ali\u200bce/.venv` drew as `~/alice/.venv`; the CLI escapes
# them all (app/safe_text.py). Listed, not found with unicodedata at start (a 1.1M-code scan).
_INVISIBLE = (0x00AD, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x180E,
              *range(0x200B, 0x200E), *range(0x2060, 0x2065), *range(0x206A, 0x2070), 0xFEFF,
              *range(0xFFF9, 0xFFFC), 0x110BD, 0x110CD, *range(0x13430, 0x13440),
              *range(0x1BCA0, 0x1BCA4), *range(0x1D173, 0x1D17B), 0xE0001, *range(0xE0020, 0xE0080))
# Python's surrogateescape: the bytes 0x80-0xFF of a path that is not UTF-8.
_NOT_UTF8_BYTES = range(0xDC80, 0xDD00)


def _stand_ins() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(32) if code not in _KEPT}
    table[127] = "\u2421"
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    table.update({code: "\ufffd" for code in (*_BIDI, *_INVISIBLE)})  # visible, one cell each
    # A byte of a name that is not UTF-8 (held as a surrogate escape, U+DC80-U+DCFF): measured
    # as one cell, it was written as `\udcff`, six, so its line ran 5 cells past its layout.
    # U+FFFD, as uv prints such a path.
    table.update({code: "\ufffd" for code in _NOT_UTF8_BYTES})
    return table


def guard_terminal_text() -> None:
    """Make rich's and Textual's control-character tables cover every control (idempotent)."""
    from rich import control as rich_control
    from textual import content as textual_content

    stand_ins = _stand_ins()
    for table in (rich_control._CONTROL_STRIP_TRANSLATE, textual_content._CONTROL_STRIP_TRANSLATE):
        for code, shown in stand_ins.items():
            # The libraries' own entries (dropped) stay; str.translate takes str values too.
            table.setdefault(code, shown)  # type: ignore[call-overload]  # typed as int -> None

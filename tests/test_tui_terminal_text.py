"""What the TUI draws cannot steer the terminal (app/terminal_text.py): a directory named with
an escape sequence, shown in a table through rich Text or in a panel through Textual Content,
reaches the terminal as visible stand-ins, measured on the bytes a real Textual app writes to a
pseudo-terminal."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NAME = "/home/u/\x1b]52;c;cHduZWQ=\x07proj\x1b[2J\x9b31m"
# Bidirectional controls: a name holding U+202E is drawn right to left from there on by a
# terminal that applies bidi (`evil\u202egp.exe` reads `evilexe.pg`): the CLI escapes them
# (app/safe_text.py), and the TUI drew them as they were.
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

APP = f"""
from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, Static
from pytui.app.terminal_text import guard_terminal_text

guard_terminal_text()

class Shows(App):
    def compose(self):
        yield Static(Text({NAME!r}))
        yield Static(Text("/home/u/\u202ezg.rat"))
        yield Static({NAME!r}, markup=False)
        table = DataTable()
        table.add_columns("path")
        table.add_row(Text({NAME!r}))
        yield table

    def on_mount(self):
        self.call_after_refresh(self.exit)

Shows().run()
"""


def test_escape_sequences_in_shown_text_never_reach_the_terminal(tmp_path: Path) -> None:
    if shutil.which("script") is None:
        pytest.skip("needs util-linux `script` for a pseudo-terminal")
    app = tmp_path / "app.py"
    app.write_text(APP)
    out = tmp_path / "typescript"
    subprocess.run(["script", "-qec", f"{sys.executable} {app}", str(out)], capture_output=True,
                   timeout=60, env={"TERM": "xterm-256color", "PATH": "/usr/bin:/bin",
                                    "PYTHONPATH": ":".join(sys.path)}, check=True)
    written = out.read_bytes()
    assert b"cHduZWQ=" in written  # the name was drawn...
    assert b"\x1b]52" not in written and b"\x1b[2J" not in written  # ...without its sequences
    assert "\u241b]52;c;cHduZWQ=".encode() in written  # ESC shown as a control picture
    assert "\x9b".encode() not in written
    assert b"zg.rat" in written and "\u202e".encode() not in written  # the override as U+FFFD


def test_the_guard_covers_rich_text_and_textual_content() -> None:
    from pytui.app.terminal_text import guard_terminal_text
    from rich.text import Text
    from textual.content import Content

    guard_terminal_text()
    for plain in (Text(NAME).plain, Content(NAME).plain):
        assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in plain), repr(plain)
    for plain in (Text(BIDI).plain, Content(BIDI).plain):
        assert plain == "\ufffd" * len(BIDI), repr(plain)
    assert Text("a\tb\nc").plain == "a\tb\nc"


def test_invisible_format_characters_are_drawn_visible() -> None:
    """A zero-width space, joiner or word joiner, a byte order mark, a soft hyphen or a tag
    character (U+E0041, invisible `A`) drew nothing: `~/ali\u200bce/.venv` read as `~/alice/.venv`,
    a row looking like another's, where the CLI escapes them (`\u200b`, app/safe_text.py). Every
    format character (Unicode's Cf, as the Python running this test knows them) is drawn as
    U+FFFD, one cell, as the bidirectional controls are."""
    import unicodedata

    from pytui.app.terminal_text import guard_terminal_text
    from rich.text import Text
    from textual.content import Content

    guard_terminal_text()
    hidden = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    assert "\u200b" in hidden and "\U000e0041" in hidden
    for plain in (Text(hidden).plain, Content(hidden).plain):
        assert plain == "\ufffd" * len(hidden), [hex(ord(ch)) for ch in plain if ch != "\ufffd"]
    assert Text("~/ali\u200bce/.venv").plain == "~/ali\ufffdce/.venv"


def test_a_path_that_is_not_utf8_is_drawn_as_wide_as_it_is_measured(tmp_path: Path) -> None:
    """A root named with byte 0xff (`os.fsdecode` holds it as U+DCFF): Rich and Textual measure
    that character as one cell, and the terminal got `\\udcff`, six: the header line and a table
    row holding the name ran 5 cells past their layout. Drawn as U+FFFD, as uv prints it."""
    from pytui.app.terminal_text import guard_terminal_text
    from rich.cells import cell_len
    from rich.text import Text
    from textual.content import Content

    guard_terminal_text()
    name = "/tmp/r" + os.fsdecode(b"\xff") + "/x"
    for plain in (Text(name).plain, Content(name).plain):
        assert plain == "/tmp/r\ufffd/x" and cell_len(plain) == 9, repr(plain)
    if shutil.which("script") is None:
        pytest.skip("needs util-linux `script` for a pseudo-terminal")
    app = tmp_path / "app.py"
    app.write_text(f"""
from rich.text import Text
from textual.app import App
from textual.widgets import Static
from pytui.app.terminal_text import guard_terminal_text

guard_terminal_text()

class Shows(App):
    def compose(self):
        yield Static(Text({name!r} + "|"))

    def on_mount(self):
        self.call_after_refresh(self.exit)

Shows().run()
""")
    out = tmp_path / "typescript"
    subprocess.run(["script", "-qec", f"{sys.executable} {app}", str(out)], capture_output=True,
                   timeout=60, env={"TERM": "xterm-256color", "PATH": "/usr/bin:/bin",
                                    "PYTHONPATH": ":".join(sys.path)}, check=True)
    written = out.read_bytes()
    assert "/tmp/r\ufffd/x|".encode() in written and b"\\udcff" not in written

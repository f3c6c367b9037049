"""app/terminal_driver.terminal_size: the terminal's own size (a real pty's), never COLUMNS /
LINES from the environment, at most MAX_COLUMNS x MAX_LINES (the tmux test drives the TUI:
test_ui_columns_env_tmux)."""

from __future__ import annotations

import fcntl
import os
import struct
import termios

import pytest
from pytui.app.terminal_driver import DEFAULT_SIZE, MAX_COLUMNS, MAX_LINES, terminal_size


@pytest.fixture
def pty_of_size():
    opened: list[int] = []

    def make(columns: int, lines: int) -> int:
        parent, child = os.openpty()
        opened.extend((parent, child))
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        return child

    yield make
    for fd in opened:
        os.close(fd)


def test_the_terminal_is_asked_not_the_environment(pty_of_size, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("LINES", "50")
    assert terminal_size([pty_of_size(80, 24)]) == (80, 24)


def test_a_huge_terminal_is_drawn_within_the_bound(pty_of_size) -> None:
    assert terminal_size([pty_of_size(60_000, 60_000)]) == (MAX_COLUMNS, MAX_LINES)


def test_the_first_terminal_that_answers_is_taken(pty_of_size, tmp_path) -> None:
    with open(tmp_path / "not-a-terminal", "w") as plain:
        assert terminal_size([plain.fileno(), 987654, pty_of_size(120, 36)]) == (120, 36)
        assert terminal_size([plain.fileno()]) == DEFAULT_SIZE
    assert terminal_size([pty_of_size(0, 0)]) == DEFAULT_SIZE  # a pty never given a size


def test_the_apps_console_is_not_sized_by_the_environment(ui_world, monkeypatch: pytest.MonkeyPatch) -> None:
    # Textual takes the app's size from its rich console until the driver has one, and the
    # console fixed its size from COLUMNS / LINES when it was made: a 99999x99999 first frame
    # took 4 GB.
    monkeypatch.setenv("COLUMNS", "99999")
    monkeypatch.setenv("LINES", "99999")
    app = ui_world.make_app()
    assert app.console.size.width < 99999 and app.console.size.height < 99999
    assert os.environ["COLUMNS"] == "99999"  # left for the shell and the REPL pytui hands over to


class _Recorder:
    """What the driver hands on to the app (Driver.process_message's end)."""

    def __init__(self) -> None:
        self.sent: list = []


def _driver_fed(*chunks: str, in_band_mode: bool) -> list:
    """The events a real parser makes of `chunks`, through pytui's driver's process_message,
    as its input thread hands them on; what reached the app."""
    from pytui.app.terminal_driver import PasteSafeParser, TerminalGoneSafeDriver
    from textual.driver import Driver

    driver = TerminalGoneSafeDriver.__new__(TerminalGoneSafeDriver)
    driver._in_band_window_resize = in_band_mode
    recorder = _Recorder()
    parser = PasteSafeParser()
    original = Driver.process_message
    Driver.process_message = lambda self, message: recorder.sent.append(message)  # type: ignore[method-assign]
    try:
        for chunk in chunks:
            for message in parser.feed(chunk):
                driver.process_message(message)
    finally:
        Driver.process_message = original  # type: ignore[method-assign]
    return recorder.sent


def test_a_size_report_the_terminal_was_not_asked_for_is_dropped() -> None:
    # `ESC[48;rows;cols;…t` typed or pasted without brackets: Textual resized to 9999x9999 and
    # took GBs, no key answered.
    from textual import events

    sent = _driver_fed("\x1b[48;9999;9999;0;0t", "q", in_band_mode=False)
    assert not any(isinstance(message, events.Resize) for message in sent), sent
    assert any(isinstance(message, events.Key) and message.key == "q" for message in sent), sent


def test_an_in_band_size_report_is_held_to_the_bound() -> None:
    from textual import events

    sent = _driver_fed("\x1b[48;9999;9999;0;0t", "\x1b[48;36;120;0;0t", in_band_mode=True)
    sizes = [tuple(message.size) for message in sent if isinstance(message, events.Resize)]
    assert sizes == [(MAX_COLUMNS, MAX_LINES), (120, 36)], sizes

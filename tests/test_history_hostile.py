"""The TUI's history log in the state dir is pytui's own file, and still input: a FIFO at its
name must not block the app (every job's end writes a line), and a message holding a name that
is not UTF-8 (a surrogate escape from a directory name) must not raise."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pytui.app.history import LOG_NAME, History


def _add_in_thread(history: History, message: str) -> bool:
    done = threading.Event()

    def run() -> None:
        history.add("install", "cpython-3.12.8-linux-x86_64-gnu", "failed", message)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(60)


def test_a_fifo_at_the_log_name_does_not_block_and_is_said(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / LOG_NAME)
    history = History(tmp_path)
    assert _add_in_thread(history, "x"), "the history log write blocked on a FIFO"
    assert history.log_problem and str(tmp_path / LOG_NAME) in history.log_problem
    # Said as what is there (it read `no such device or address`, the FIFO's ENXIO).
    assert "it is a FIFO, not a regular file" in history.log_problem, history.log_problem
    assert len(history.entries) == 1


def test_a_link_at_the_log_name_is_said_as_a_link_not_a_loop(tmp_path: Path) -> None:
    """A symbolic link there (to /dev/zero, to another user's file) is not written through
    (O_NOFOLLOW), whose ELOOP read `too many levels of symbolic links` for one plain link."""
    os.symlink("/dev/zero", tmp_path / LOG_NAME)
    history = History(tmp_path)
    assert _add_in_thread(history, "x")
    assert "it is a symbolic link (to /dev/zero), which pytui does not write through" \
        in history.log_problem, history.log_problem
    assert "too many levels" not in history.log_problem


def test_a_directory_at_the_log_name_is_said_as_one(tmp_path: Path) -> None:
    (tmp_path / LOG_NAME).mkdir()
    history = History(tmp_path)
    assert _add_in_thread(history, "x")
    assert "it is a directory, not a regular file" in history.log_problem, history.log_problem


def test_a_message_that_is_not_utf8_is_logged_escaped(tmp_path: Path) -> None:
    history = History(tmp_path)
    assert _add_in_thread(history, "cannot read /home/u/bad\udcff/.venv/pyvenv.cfg")
    assert not history.log_problem
    text = (tmp_path / LOG_NAME).read_bytes().decode("utf-8")
    assert "bad\\udcff" in text or "bad\\xff" in text


def test_a_state_dir_that_cannot_be_written_is_told_once(tmp_path: Path) -> None:
    """A state dir under a regular file (ENOTDIR: as a read-only one, whatever the user's
    rights): the app is told the cause once, at the first entry; entries are still kept."""
    blocker = tmp_path / "state"
    blocker.write_text("not a directory")
    told: list[str] = []
    history = History(blocker / "pytui", on_problem=told.append)
    for index in range(3):
        history.add("install", f"cpython-3.12.{index}", "done", "installed")
    # The file in the way is named (core/fs_errors.write_cause), not the OS's `Not a directory`.
    assert told == [f"{blocker} is not a directory"], told
    assert len(history.entries) == 3 and "cannot write the history log" in history.log_problem


def test_escape_sequences_and_tabs_are_logged_escaped(tmp_path: Path) -> None:
    """`tail -f` of the log in a terminal must not be steered by a name in a message, and a
    tab in a title must not shift the log's columns."""
    history = History(tmp_path)
    history.add("install", "cpython\tx", "failed", "the tree file lib/\x1b]52;c;cHduZWQ=\x07.txt changed")
    line = (tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()[-1]
    assert "\x1b" not in line and "\x07" not in line and "\\x1b]52;c;cHduZWQ=\\x07" in line
    assert line.split("\t")[1:4] == ["install", "failed", "cpython\\tx"]


def test_the_history_screen_says_where_its_log_is_written(tmp_path) -> None:
    # It read `Also in /home/me/.local/state/pytui/tui-history.log`, the header writes `~/…`.
    from pytui.app.history import History, log_note

    history = History(tmp_path / ".local" / "state" / "pytui")
    assert log_note(history, tmp_path) == "Also written to ~/.local/state/pytui/tui-history.log"
    assert log_note(History(None), tmp_path) == ""
    history.log_problem = "cannot write the history log …"
    assert log_note(history, tmp_path) == "cannot write the history log …"

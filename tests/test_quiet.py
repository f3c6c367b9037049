"""`-q/--quiet` and `-qq`, as uv's: only error lines on stderr; with `-qq` nothing on stdout."""

from __future__ import annotations

import io

from cli_harness import Pytui, assert_installed
from pytui.app.quiet import MAX_LINE_CHARS, ErrorLinesOnly


def test_quiet_install_says_nothing_and_installs(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    result = pytui.run("install", "-q", "3.12")
    assert result.returncode == 0, str(result)
    assert result.stderr == "" and result.stdout == ""
    assert_installed(pytui, made)
    gone = pytui.run("-q", "uninstall", "3.12")  # before the command too, as uv's global flag
    assert gone.returncode == 0 and gone.stderr == "", str(gone)


def test_quiet_keeps_the_error_line(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    result = pytui.run("install", "-q", "3.99")
    assert result.returncode == 2  # uv's for a request with no download
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: no download found")


def test_quiet_list_keeps_stdout_and_twice_quiet_drops_it(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    plain = pytui.run("list", "--color", "never")
    quiet = pytui.run("list", "-q")
    silent = pytui.run("list", "-qq")
    assert plain.returncode == quiet.returncode == silent.returncode == 0
    assert quiet.stdout == plain.stdout and "3.12.8" in quiet.stdout
    assert silent.stdout == ""


def test_error_lines_only_passes_errors_coloured_or_not() -> None:
    out = io.StringIO()
    stream = ErrorLinesOnly(out)
    stream.write("warning: ignored\n")
    stream.write("\x1b[31;1merror\x1b[0m\x1b[1m:\x1b[0m coloured")
    stream.write("\n")
    stream.write(" + cpython-3.12.8-linux-x86_64-gnu (python3.12)\n")
    stream.write("pytui: error: unrecognized arguments\nerror: plain\n")
    assert out.getvalue() == ("\x1b[31;1merror\x1b[0m\x1b[1m:\x1b[0m coloured\n"
                              "pytui: error: unrecognized arguments\nerror: plain\n")
    assert not stream.isatty()


def test_a_line_without_an_end_is_bounded() -> None:
    out = io.StringIO()
    stream = ErrorLinesOnly(out)
    for _ in range(100):
        stream.write("\r" + "x" * 4096)  # a progress bar redrawn in place, never ending the line
    assert len(stream._line) <= MAX_LINE_CHARS
    stream.write("\nerror: after\n")
    assert out.getvalue() == "error: after\n"

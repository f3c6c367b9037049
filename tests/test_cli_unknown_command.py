"""A word that names no command (a typo, uv's `python` / `find` / `pin`, a bare request) is
one line saying what to type instead, exit 2 - not argparse's usage block and its
`invalid choice: 'find' (choose from 'list', 'ls', …)`."""

from __future__ import annotations

import pytest
from cli_harness import Pytui, assert_clean_failure
from pytui.app.unknown_command import unknown_command_line

COMMANDS = ("list", "ls", "dir", "install", "uninstall", "cache", "envs", "upgrade")


@pytest.mark.parametrize(("argv", "says"), [
    (["instal", "3.12"], "unknown command 'instal': did you mean 'install'?"),
    (["uninstal", "--all"], "unknown command 'uninstal': did you mean 'uninstall'?"),
    (["python", "install", "3.12"], "without the word `python`: pytui install 3.12"),
    # uv's commands pytui has none of, typed with uv's `python`: what does their job, at once
    # (it said to drop `python`, and `pytui find 3.11` was then a second error).
    (["python", "find", "3.11"], "pytui has no 'find' command (uv python find): "
                                 "pytui list --only-installed 3.11 prints the path"),
    (["python", "pin", "3.13"], "(echo 3.13 > .python-version), or run uv python pin 3.13"),
    (["python", "update-shell"], "add the directory `pytui dir --bin` prints to PATH"),
    (["find", "3.13"], "pytui has no 'find' command (uv python find): "
                       "pytui list --only-installed 3.13 prints the path"),
    # With no request, no made-up one: `pytui find` named 3.12, which the user never typed.
    (["find"], "pytui has no 'find' command (uv python find): pytui list --only-installed prints "
               "the path of each install"),
    (["pin", "3.13"], "(echo 3.13 > .python-version), or run uv python pin 3.13"),
    # With no request, a placeholder: it said 3.12, a version that ages with the source.
    (["pin"], "(echo VERSION > .python-version), or run uv python pin VERSION"),
    (["update-shell"], "add the directory `pytui dir --bin` prints to PATH"),
    ([">=3.12"], "a request follows a command, as in pytui install '>=3.12' or pytui list"),
    (["frobnicate"], "unknown command 'frobnicate': the commands are list, ls, dir, install"),
])
def test_the_line_says_what_to_type_instead(argv: list[str], says: str) -> None:
    line = unknown_command_line(argv[0], argv[1:], COMMANDS)
    assert says in line, line
    assert "\n" not in line


def test_a_hostile_word_is_shown_escaped() -> None:
    line = unknown_command_line("\x1b]52;c;eA==\x07x", [], COMMANDS)
    assert "\x1b" not in line and "\x07" not in line
    assert "'\\x1b]52;c;eA==\\x07x'" in line, line


def test_the_cli_says_one_line_and_exits_2(pytui: Pytui) -> None:
    for argv in (["-q", "instal", "3.12"], ["--color", "never", "find"], ["3.12"]):
        result = pytui.run(*argv)
        line = assert_clean_failure(result, 2)
        assert line.startswith("error: "), line
        assert "usage:" not in result.stderr and "invalid choice" not in result.stderr, result
        assert result.stdout == ""
    # Known commands and help are untouched.
    assert pytui.run("--help").returncode == 0
    assert pytui.run("dir").returncode == 0


def test_help_is_a_command_as_in_uv(pytui: Pytui) -> None:
    """`pytui help` (uv help, git help) said `unknown command 'help'`, exit 2: it prints what
    `--help` prints, for the command it names too; a word after it that names no command is
    refused as ever."""
    for asked in (["help"], ["help", "install"], ["help", "cache", "purge"], ["-q", "help", "list"]):
        result = pytui.run(*asked)
        wanted = pytui.run(*[word for word in asked if word != "help"], "--help")
        assert result.returncode == 0 and result.stdout == wanted.stdout and result.stderr == "", result
        assert result.stdout.startswith(f"usage: pytui{''.join(' ' + w for w in asked[asked.index('help') + 1:])} ")
    line = assert_clean_failure(pytui.run("help", "frobnicate"), 2)
    assert "unknown command 'frobnicate'" in line, line

"""A command line argparse refuses (an option the command lacks, uv's flags and cache actions)
is one line naming the command and where its options are, exit 2 - not the top-level usage
block and `pytui: error: unrecognized arguments: --default`."""

from __future__ import annotations

import pytest
from cli_harness import Pytui, assert_clean_failure
from pytui.app.usage_errors import usage_error_line

COMMANDS = ("list", "ls", "dir", "install", "uninstall", "cache", "envs", "upgrade")
CACHE_CHOICES = "'dir', 'list', 'ls', 'verify', 'purge', 'import', 'export-mirror'"


@pytest.mark.parametrize(("message", "prog", "argv", "line"), [
    ("unrecognized arguments: --default", "pytui", ["install", "--default", "3.12"],
     "pytui install has no option --default; `pytui install --help` lists what it takes"),
    ("unrecognized arguments: --upgrade=yes 3.12", "pytui", ["-q", "install", "--upgrade=yes"],
     "pytui install has no option --upgrade (`pytui upgrade` installs the newest patch of "
     "installed minor versions); `pytui install --help` lists what it takes"),
    ("unrecognized arguments: foo", "pytui", ["dir", "foo"],
     "pytui dir has no argument 'foo'; `pytui dir --help` lists what it takes"),
    (f"argument ACTION: invalid choice: 'clean' (choose from {CACHE_CHOICES})", "pytui cache",
     ["cache", "clean"], "pytui cache has no action 'clean' (uv cache clean): `pytui cache purge "
                         "--all` empties the archive cache; `pytui cache --help` lists what it takes"),
    (f"argument ACTION: invalid choice: 'size' (choose from {CACHE_CHOICES})", "pytui cache",
     ["cache", "size"], "pytui cache has no action 'size' (uv cache size): `pytui cache list` ends "
                        "with the cache's total size; `pytui cache --help` lists what it takes"),
    # The start of export-mirror, though `import` is spelled closer.
    (f"argument ACTION: invalid choice: 'export' (choose from {CACHE_CHOICES})", "pytui cache",
     ["cache", "export"], "pytui cache has no action 'export': did you mean 'export-mirror'? (dir, "
                          "list, ls, verify, purge, import, export-mirror)"),
    (f"argument ACTION: invalid choice: 'lst' (choose from {CACHE_CHOICES})", "pytui cache",
     ["cache", "lst"], "pytui cache has no action 'lst': did you mean 'list'? (dir, list, ls, "
                       "verify, purge, import, export-mirror)"),
    ("argument --color: invalid choice: 'sometimes' (choose from 'auto', 'always', 'never')",
     "pytui", ["--color", "sometimes", "list"],
     "--color takes auto, always, never, not 'sometimes'; `pytui list --help` lists what it takes"),
    ("argument -j/--jobs: expected one argument", "pytui install", ["install", "-j"],
     "argument -j/--jobs: expected one argument (pytui install); `pytui install --help` lists "
     "what it takes"),
])
def test_the_line_names_the_command_and_what_it_did_not_take(message, prog, argv, line) -> None:
    assert usage_error_line(message, prog, argv, COMMANDS) == line


def test_an_option_a_cache_action_lacks_names_that_action(pytui: Pytui) -> None:
    # `pytui cache purge --all --bogus` said `pytui cache has no option --bogus; \`pytui cache
    # --help\``, whose help lists the actions, not purge's options.
    for argv, said in ((["cache", "purge", "--all", "--bogus"], "pytui cache purge has no option --bogus"),
                       (["cache", "verify", "extra"], "pytui cache verify has no argument 'extra'")):
        line = assert_clean_failure(pytui.run(*argv), 2)
        command = said.split(" has ")[0]
        assert line == f"error: {said}; `{command} --help` lists what it takes", line


def test_a_hostile_argument_is_shown_escaped() -> None:
    line = usage_error_line("unrecognized arguments: \x1b]52;c;eA==\x07", "pytui", ["dir"], COMMANDS)
    assert "\x1b" not in line and "\x07" not in line, line


def test_the_cli_says_one_line_and_exits_2(pytui: Pytui) -> None:
    for argv in (["install", "--default", "3.12"], ["cache", "clean"], ["list", "-v"],
                 ["--color", "sometimes", "list"]):
        result = pytui.run(*argv)
        line = assert_clean_failure(result, 2)
        assert line.startswith("error: "), line
        assert "usage:" not in result.stderr and result.stdout == "", result


@pytest.mark.parametrize(("argv", "said"), [
    (["install", "--offlin", "3.12"], "pytui install has no option --offlin (did you mean --offline?)"),
    (["list", "--only-inst"], "pytui list has no option --only-inst (did you mean --only-installed?)"),
    (["cache", "purge", "--al", "--dry-run"], "pytui cache purge has no option --al (did you mean --all?)"),
])
def test_an_abbreviated_option_is_refused_and_named_as_uv_does(pytui: Pytui, argv, said) -> None:
    # argparse took a prefix for the option (`--offlin` ran an offline install); uv takes none.
    line = assert_clean_failure(pytui.run(*argv), 2)
    command = said.split(" has ")[0]
    assert line == f"error: {said}; `{command} --help` lists what it takes", line


def test_a_commands_option_before_the_command_word_says_where_it_goes(pytui: Pytui) -> None:
    # `pytui -v install 3.12` said "pytui install has no option -v (only install takes -v)", and
    # `pytui --no-bin install 3.12` "has no option --no-bin (did you mean --no-bin?)".
    for option in ("-v", "--no-bin"):
        line = assert_clean_failure(pytui.run(option, "install", "3.12"), 2)
        assert line == f"error: option {option} is pytui install's: put it after `install` " \
                       f"(`pytui install {option} …`)", line
    # Where no command takes it, the line stays what it was.
    line = assert_clean_failure(pytui.run("list", "-v"), 2)
    assert line.startswith("error: pytui list has no option -v (only install takes -v)"), line


def test_every_argument_of_every_command_says_what_it_is() -> None:
    """`pytui uninstall --help` listed REQUEST with nothing beside it (install's said "what to
    install"), and so did `cache import`'s FILE and `cache export-mirror`'s DIR."""
    import argparse

    from pytui.app.parser import build_parser

    silent = []
    todo = [build_parser([])]
    while todo:
        parser = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(dict.fromkeys(action.choices.values()))
            elif action.help != argparse.SUPPRESS and not action.help:
                silent.append(f"{parser.prog} {action.metavar or action.dest}")
    assert not silent, silent

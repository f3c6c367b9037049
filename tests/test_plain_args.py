"""A plain `pytui list` or `pytui install` command line is read without argparse
(app/plain_args.py): for every command line it reads, the result is argparse's; every other one
is left to argparse."""

from __future__ import annotations

import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app.parser import build_parser
from pytui.app.plain_args import parse_plain_args

COMMON = ["--offline", "--install-dir", "-i", "--cache-dir", "--downloads-json", "--mirror",
          "--color", "always", "never", "auto", "sometimes", "3.12", "pypy", ">=3.11,<3.13", "",
          "x y", "-h", "--help", "-V", "--", "-5", "-x", "--install-dir=d", "-id", "/tmp/d",
          "--color=never", "-q", "--quiet", "-qq", "dir", "uninstall"]
LIST_WORDS = ["list", "ls", "--all-versions", "--all-platforms", "--all-arches",
              "--all_architectures", "--only-installed", "--only-downloads", "--only-cached",
              "--show-urls", "--json", "--output-format", "text", "json", "--refresh", "--support",
              "--no-support", "--all", "--all-v", "--jobs"]
INSTALL_WORDS = ["install", "--reinstall", "-r", "--force", "-f", "--no-cache", "--no-bin",
                 "--verbose", "-v", "--jobs", "-j", "4", "0", "+3", " 7", "x", "3.13t", "-rf",
                 "-j2", "--jobs=2", "--rein", "--all", "--dry-run", "-vv", "1_0"]


def argparse_result(argv: list[str]) -> dict | None:
    """argparse's namespace as a dict, or None where it exits (an error, help, the version)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(build_parser(argv).parse_args(argv))
        except SystemExit:
            return None


def check(argv: list[str]) -> None:
    fast = parse_plain_args(argv)
    if fast is not None:
        assert vars(fast) == argparse_result(argv), argv


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(COMMON + LIST_WORDS), max_size=7))
def test_the_fast_reading_of_list_is_argparse_reading(argv: list[str]) -> None:
    check(argv)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(COMMON + INSTALL_WORDS), max_size=8))
def test_the_fast_reading_of_install_is_argparse_reading(argv: list[str]) -> None:
    check(argv)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(COMMON + INSTALL_WORDS), max_size=6))
def test_install_command_lines_after_the_command_word(argv: list[str]) -> None:
    # Most generated lines above do not start with a command; these all name `install`.
    check(["install", *argv])


def test_common_command_lines_are_read_fast() -> None:
    for argv in (["list"], ["ls", "3.12"], ["list", "--all-platforms", "--all-versions"],
                 ["--offline", "list", "--json", "--downloads-json", "/tmp/c.json"],
                 ["list", "--only-installed", "--color", "never", "pypy", "--no-support"],
                 ["-q", "list"], ["list", "-q", "--quiet"],
                 ["install"], ["install", "3.12"], ["install", "3.12", "3.13t", "pypy"],
                 ["install", "cpython-3.11.7-linux-x86_64-gnu", "--reinstall"],
                 ["install", "-r", "-f", "3.12", "3.11"], ["--offline", "install", "-j", "2", "3.12"],
                 ["install", "--no-cache", "--no-bin", "-v", "--jobs", "0", "3.12"],
                 ["-q", "install", "--install-dir", "/tmp/d", "3.12", "--force"]):
        fast = parse_plain_args(argv)
        assert fast is not None and vars(fast) == argparse_result(argv), argv
    for argv in (["list", "--help"], ["list", "--all-v"], ["list", "3.12", "3.13"], ["dir"],
                 ["list", "--only-cached", "--only-installed"], ["list", "--color", "pink"],
                 ["list", "--install-dir"], ["--json", "list"], ["-q", "list", "-q"], [],
                 ["install", "--help"], ["install", "3.12", "-r", "3.11"], ["install", "-j", "x"],
                 ["install", "-j", "-1"], ["install", "-rf"], ["install", "--rein"],
                 ["uninstall", "3.12"], ["install", "--", "3.12"], ["--reinstall", "install"]):
        assert parse_plain_args(argv) is None, argv
    # The ones argparse refuses are refused by argparse, in its words.
    for argv in (["install", "3.12", "-r", "3.11"], ["install", "-j", "x"]):
        assert argparse_result(argv) is None, argv

"""Where a command's stdout goes, when that is hostile: a full disk behind `> file` (/dev/full),
a closed descriptor (`>&-`), an encoding without the characters pytui prints
(`PYTHONIOENCODING=ascii`, a latin-1 locale). Each is one line naming stdout and exit 1, or
the output escaped, never a traceback; nothing installed or cached changes (app/cli.py,
`_command_stdout`). A reader that goes away is test_fs_errors.py's."""

from __future__ import annotations

import os
import subprocess

import pytest
from cli_harness import Pytui, Result, snapshot

COMMANDS = (("list",), ("list", "--json"), ("cache", "list"), ("dir",))


def run(pytui: Pytui, *args: str, stdout: object = subprocess.PIPE, close_stdout: bool = False,
        unbuffered: bool = False, **extra: str) -> Result:
    """`pytui ARGS` with stdout `stdout` (or closed), block-buffered as in a user's shell unless
    `unbuffered` (PYTHONUNBUFFERED, which the suite may run with, is dropped otherwise)."""
    env = {k: v for k, v in pytui.env(**extra).items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    done = subprocess.run(pytui.argv(*args), env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=120,
                          cwd=pytui.tmp, preexec_fn=(lambda: os.close(1)) if close_stdout else None)
    out = done.stdout.decode("utf-8", "surrogateescape") if done.stdout else ""
    return Result(list(args), done.returncode, out, done.stderr.decode("utf-8", "replace"))


def one_stdout_line(result: Result, cause: str) -> None:
    assert result.returncode == 1, str(result)
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, str(result)
    assert result.stderr.startswith(f"error: cannot write the output to stdout: {cause}; "), str(result)


@pytest.fixture
def installed(pytui: Pytui) -> Pytui:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("cache", "import", str(made.path))
    return pytui


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("unbuffered", [False, True])
def test_a_full_disk_behind_stdout_is_one_line_naming_stdout(installed: Pytui, unbuffered: bool) -> None:
    """Before: `error: no space left on the device; check that path (…)`, naming no path."""
    before = snapshot(installed.root, installed.cache, installed.bin)
    for command in COMMANDS:
        with open("/dev/full", "wb") as full:
            result = run(installed, *command, stdout=full, unbuffered=unbuffered)
        one_stdout_line(result, "no space left on the device")
    assert snapshot(installed.root, installed.cache, installed.bin) == before


def test_a_closed_stdout_is_one_line_naming_stdout(installed: Pytui) -> None:
    """`pytui list >&-`: Python's sys.stdout is None; `.isatty()` on it was a traceback
    (AttributeError), and `cache list` or `dir` printed nothing and exited 0."""
    before = snapshot(installed.root, installed.cache, installed.bin)
    for command in COMMANDS:
        one_stdout_line(run(installed, *command, close_stdout=True), "it is closed")
    assert snapshot(installed.root, installed.cache, installed.bin) == before
    # A command with nothing for stdout does its work as before.
    installed.add("3.13.1")
    done = run(installed, "install", "3.13", close_stdout=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, str(done)
    assert (installed.root / "cpython-3.13-linux-x86_64-gnu").is_symlink()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_encoding_without_the_arrow_escapes_it(installed: Pytui, encoding: str) -> None:
    """`list --support` prints `security → 2028-10`: UnicodeEncodeError out of the command before."""
    result = run(installed, "list", "--support", PYTHONIOENCODING=encoding)
    assert result.returncode == 0 and result.stderr == "", str(result)
    assert "security \\u2192 " in result.stdout, str(result)


def test_an_undecodable_file_name_is_written_as_its_bytes(installed: Pytui, tmp_path) -> None:
    """A root whose name is not UTF-8 is printed byte for byte under an ASCII stdout, as
    `surrogateescape` writes it (the `\\u2192` escape is for characters, not for such bytes)."""
    root = os.fsencode(tmp_path) + b"/r\xffoot"
    env = installed.env(PYTHONIOENCODING="ascii")
    env_bytes = {os.fsencode(k): os.fsencode(v) for k, v in env.items()}
    env_bytes[b"UV_PYTHON_INSTALL_DIR"] = root
    done = subprocess.run(installed.argv("dir"), env=env_bytes, capture_output=True, timeout=120,
                          cwd=installed.tmp)
    assert done.returncode == 0 and done.stdout == root + b"\n", done


HELP_AND_VERSION = (("--help",), ("--version",), ("-V",), ("install", "--help"), ("cache", "purge", "-h"))


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("unbuffered", [False, True])
def test_help_and_version_behind_a_full_disk_are_one_line_naming_stdout(pytui: Pytui, unbuffered: bool) -> None:
    """Before: argparse swallowed the failed write; exit 0 and nothing said (uv 0.x exits 0 too,
    but pytui's rule for stdout is every command's)."""
    for command in HELP_AND_VERSION:
        with open("/dev/full", "wb") as full:
            result = run(pytui, *command, stdout=full, unbuffered=unbuffered)
        one_stdout_line(result, "no space left on the device")


def test_help_and_version_with_stdout_closed_are_one_line_naming_stdout(pytui: Pytui) -> None:
    """Before: argparse, finding sys.stdout None, printed the help on stderr and exited 0."""
    for command in HELP_AND_VERSION:
        one_stdout_line(run(pytui, *command, close_stdout=True), "it is closed")


def test_help_and_version_still_print_and_usage_errors_stay_on_stderr(pytui: Pytui) -> None:
    for command in HELP_AND_VERSION:
        result = run(pytui, *command)
        assert result.returncode == 0 and result.stderr == "", str(result)
        assert result.stdout.startswith(("usage: pytui", "pytui ")), str(result)
    # A usage error writes to stderr only, so a closed stdout changes nothing in it.
    result = run(pytui, "list", "--no-such-option", close_stdout=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, str(result)
    assert "stdout" not in result.stderr, str(result)

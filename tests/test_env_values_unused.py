"""uv's variables pytui does not use but uv checks for every command (core/env.py
UNUSED_CHECKED), a refused value shown bounded, pytui's yes/no variable, and the TUI's start:
each refused as uv refuses it, one line naming the variable and the value, exit 2, before
anything is created or Textual takes the terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core.env import SHOWN_LIMIT, UNUSED_CHECKED, EnvValues, pytui_flag
from pytui.core.errors import UsageError
from test_env_values import both, world  # noqa: F401  # the fixture, used by name

# uv 0.13.9 refuses these (checked side by side); each line must be uv's last line.
REFUSED = [
    ("UV_CONCURRENT_DOWNLOADS", "abc"), ("UV_CONCURRENT_DOWNLOADS", "0"),
    ("UV_CONCURRENT_DOWNLOADS", "-1"), ("UV_CONCURRENT_DOWNLOADS", " 4"),
    ("UV_CONCURRENT_DOWNLOADS", "18446744073709551616"), ("UV_CONCURRENT_INSTALLS", "1.5"),
    ("UV_CONCURRENT_BUILDS", "\uff14"), ("UV_NATIVE_TLS", "maybe"), ("UV_NATIVE_TLS", ""),
    ("UV_NATIVE_TLS", " "), ("UV_SYSTEM_CERTS", "2"), ("UV_PYTHON_INSTALL_REGISTRY", "x"),
    ("UV_MANAGED_PYTHON", "nope"), ("UV_NO_MANAGED_PYTHON", "1 "), ("UV_PREVIEW", "-1"),
    ("UV_NO_PROGRESS", ""),
]
# ... and accepts these (an empty count is unset).
ACCEPTED = [
    ("UV_CONCURRENT_DOWNLOADS", ""), ("UV_CONCURRENT_DOWNLOADS", "+5"),
    ("UV_CONCURRENT_INSTALLS", "007"), ("UV_NATIVE_TLS", "0"), ("UV_SYSTEM_CERTS", "TRUE"),
    ("UV_PREVIEW", "off"), ("UV_NO_PROGRESS", "y"),
]


def _isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This test's own state, root, bin and caches: a regression that gets past the check
    never reads or writes the real ones."""
    return dict(os.environ, HOME=str(tmp_path / "home"), XDG_STATE_HOME=str(tmp_path / "xdg-state"),
                XDG_CACHE_HOME=str(tmp_path / "xdg-cache"), XDG_DATA_HOME=str(tmp_path / "xdg-data"),
                PYTUI_STATE_DIR=str(tmp_path / "state"), UV_PYTHON_INSTALL_DIR=str(tmp_path / "root"),
                UV_PYTHON_BIN_DIR=str(tmp_path / "bin"), UV_CACHE_DIR=str(tmp_path / "uv-cache"),
                UV_PYTHON_CACHE_DIR=str(tmp_path / "cache"), **extra)


@pytest.mark.uv
@pytest.mark.parametrize(("name", "value"), REFUSED)
def test_a_value_uv_refuses_for_every_command_is_refused(world, tmp_path: Path,  # noqa: F811
                                                        name: str, value: str) -> None:
    theirs, ours = both(world, name, value, "3.12")
    assert ours.returncode == theirs.returncode == 2, (ours.stderr, theirs.stderr)
    assert ours.stderr == theirs.stderr.splitlines(keepends=True)[-1]
    assert not any((tmp_path / sub).exists() for sub in ("root", "cache", "state"))


@pytest.mark.uv
@pytest.mark.parametrize(("name", "value"), ACCEPTED)
def test_a_value_uv_takes_is_taken(world, name: str, value: str) -> None:  # noqa: F811
    theirs, ours = both(world, name, value, "--only-downloads", "3.12")
    assert theirs.returncode == 0 and ours.returncode == 0, ours.stderr
    assert "Traceback" not in ours.stderr


@pytest.mark.uv
def test_the_first_bad_value_named_is_uvs(world) -> None:  # noqa: F811
    # Every checked variable bad at once: uv names them in its own order; so does pytui.
    base = {k: v for k, v in world.items() if k != "uv"}
    bad = dict.fromkeys(UNUSED_CHECKED, "zz")
    bad.update(UV_HTTP_CONNECT_TIMEOUT="zz", UV_OFFLINE="zz", UV_PYTHON_INSTALL_BIN="zz")
    named = []
    while bad:
        theirs = subprocess.run([world["uv"], "python", "list", "--offline"], env={**base, **bad},
                                capture_output=True, text=True, timeout=60)
        ours = subprocess.run([sys.executable, "-m", "pytui.app.cli", "list", "--offline"],
                              env={**base, **bad}, capture_output=True, text=True, timeout=60)
        assert ours.stderr == theirs.stderr.splitlines(keepends=True)[-1]
        first = next(name for name in bad if f"`{name}`" in ours.stderr)
        named.append(first)
        del bad[first]
    assert named[:2] == ["UV_SYSTEM_CERTS", "UV_NATIVE_TLS"]


def test_a_long_value_is_shown_cut_with_its_length() -> None:
    value = "x" * 1_000_000
    with pytest.raises(UsageError) as caught:
        EnvValues.parse({"UV_CONCURRENT_DOWNLOADS": value})
    line = str(caught.value)
    assert f"`{'x' * SHOWN_LIMIT}… (1,000,000 characters)`" in line and len(line) < 300


def test_a_tab_or_a_line_break_in_a_value_is_shown_escaped() -> None:
    # The style showed a tab as a space: `UV_NATIVE_TLS=<tab>1` read as ` 1`.
    with pytest.raises(UsageError, match=r"invalid value `\\t1\\n`: expected a boolish value"):
        EnvValues.parse({"UV_NATIVE_TLS": "\t1\n"})


@pytest.mark.parametrize(("value", "expected"), [
    ("", False), ("1", True), ("YES", True), ("on", True), ("0", False), ("off", False),
])
def test_pytui_no_trees_is_read_as_uv_reads_a_boolean(value: str, expected: bool) -> None:
    assert pytui_flag({"PYTUI_NO_TREES": value}, "PYTUI_NO_TREES") is expected


@pytest.mark.parametrize(("name", "value"), [
    ("PYTUI_NO_TREES", "maybe"), ("PYTUI_NO_TREES", " 1"),
    # Read by the environment scan, which the TUI starts later: checked at start all the same.
    ("PYTUI_SCAN_BUDGET", "x"),
])
def test_a_bad_pytui_value_stops_a_command_that_does_not_read_it(tmp_path: Path, name: str,
                                                                 value: str) -> None:
    env = _isolated_env(tmp_path, **{name: value})
    done = subprocess.run([sys.executable, "-m", "pytui.app.cli", "list", "--offline"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert name in done.stderr and f"`{value}`" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "state").exists() and not (tmp_path / "root").exists()


@pytest.mark.parametrize(("name", "value"), [
    ("UV_CONCURRENT_DOWNLOADS", "abc"), ("UV_NATIVE_TLS", "maybe"), ("UV_OFFLINE", "\x1b[2J"),
])
def test_the_tui_refuses_before_it_takes_the_terminal(tmp_path: Path, name: str, value: str) -> None:
    """`pytui` on a terminal: the same line, exit 2, and no screen of Textual's (no alternate
    screen, no mouse mode) drawn first."""
    primary, secondary = pty.openpty()
    env = _isolated_env(tmp_path, NO_COLOR="1", **{name: value})
    try:
        child = subprocess.Popen([sys.executable, "-m", "pytui.app.cli"], stdin=secondary,
                                 stdout=secondary, stderr=secondary, env=env)
        os.close(secondary)
        output = b""
        # Read until the terminal closes; a TUI that started (a regression) draws an escape
        # sequence and never exits by itself: it is stopped there, and the asserts below fail.
        while b"\x1b" not in output and select.select([primary], [], [], 60)[0]:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: every end of the terminal closed, the child is gone
                break
            if not chunk:
                break
            output += chunk
        if child.poll() is None and b"\x1b" in output:
            child.kill()
        code = child.wait(timeout=60)
    finally:
        os.close(primary)
    text = output.decode("utf-8", "replace")
    assert code == 2, text
    assert text.count("\n") == 1 and name in text and "\x1b" not in text, text
    assert not (tmp_path / "state").exists() and not (tmp_path / "root").exists()


_NAMES = st.sampled_from(UNUSED_CHECKED + ("UV_OFFLINE", "UV_HTTP_TIMEOUT", "UV_HTTP_RETRIES",
                                           "UV_PYTHON_INSTALL_BIN", "UV_LOCK_TIMEOUT"))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_NAMES, st.text(max_size=300), max_size=4))
def test_any_values_parse_or_are_one_bounded_line_naming_one_of_them(env: dict[str, str]) -> None:
    try:
        EnvValues.parse(env)
    except UsageError as err:
        line = str(err)
        assert err.exit_code == 2 and "\n" not in line and "\r" not in line
        assert any(f"`{name}`" in line or name in line for name in env)
        assert len(line) < 400  # the value is bounded, not the megabyte a user set

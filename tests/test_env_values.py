"""Invalid environment values are usage errors in uv's words (issue 7, item 7).

Each case runs the real uv (from PyPI) and pytui with the same variable and compares the exit
code and the error line; then checks that pytui wrote nothing (no state dir, no cache, no
install root) before refusing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core.env import SHOWN_LIMIT, EnvValues, uv_bool, uv_integer
from pytui.core.errors import UsageError
from test_uv_list_parity import find_uv

# Values uv refuses, for the variables pytui reads (uv 0.13.9 checked).
REFUSED = [
    ("UV_HTTP_TIMEOUT", "nan"), ("UV_HTTP_TIMEOUT", "-1"), ("UV_HTTP_TIMEOUT", "x"),
    ("UV_HTTP_TIMEOUT", "1.5"), ("UV_HTTP_TIMEOUT", " 5"), ("UV_HTTP_TIMEOUT", "5 "),
    ("UV_HTTP_TIMEOUT", "inf"), ("UV_HTTP_TIMEOUT", "+"), ("UV_HTTP_TIMEOUT", "1e3"),
    ("UV_HTTP_TIMEOUT", "99999999999999999999999"), ("UV_HTTP_TIMEOUT", "٣"),
    ("UV_HTTP_TIMEOUT", "9" * 5000), ("UV_REQUEST_TIMEOUT", "x"), ("HTTP_TIMEOUT", "-0"),
    ("UV_HTTP_CONNECT_TIMEOUT", "nan"), ("UV_HTTP_RETRIES", "-1"), ("UV_HTTP_RETRIES", "x"),
    ("UV_HTTP_RETRIES", "4294967296"), ("UV_HTTP_RETRIES", "1.0"), ("UV_OFFLINE", "maybe"),
    ("UV_OFFLINE", ""), ("UV_OFFLINE", "2"), ("UV_PYTHON_INSTALL_BIN", "x"),
    ("UV_PYTHON_INSTALL_BIN", ""),
    # Digits of other scripts, `_`, spaces: int() takes them, Rust's u64 does not.
    ("UV_HTTP_TIMEOUT", "\uff11\uff12"), ("UV_HTTP_TIMEOUT", "1_2"), ("UV_HTTP_RETRIES", " 12 "),
    ("UV_HTTP_CONNECT_TIMEOUT", "9" * 400), ("UV_HTTP_RETRIES", "\u0661"),
]
# Values uv accepts (pytui must too).
ACCEPTED = [
    ("UV_HTTP_TIMEOUT", "0"), ("UV_HTTP_TIMEOUT", "+5"), ("UV_HTTP_TIMEOUT", "007"),
    ("UV_HTTP_TIMEOUT", ""), ("UV_HTTP_RETRIES", "0"), ("UV_OFFLINE", "TRUE"),
    ("UV_OFFLINE", "on"), ("UV_OFFLINE", "n"), ("UV_OFFLINE", "0"),
    ("UV_PYTHON_INSTALL_BIN", "false"), ("UV_PYTHON_DOWNLOADS", "AUTO"),
    ("UV_PYTHON_DOWNLOADS", "never"), ("UV_PYTHON_PREFERENCE", "only-managed"),
]


@pytest.fixture
def world(tmp_path: Path, uv_catalog_path: Path) -> dict[str, str]:
    uv = find_uv()
    if uv is None:
        pytest.skip("the uv binary is not installed")
    return {
        "uv": uv, "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path / "home"),
        "UV_PYTHON_DOWNLOADS_JSON_URL": str(uv_catalog_path), "UV_NO_CONFIG": "1",
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "root"), "UV_CACHE_DIR": str(tmp_path / "uvc"),
        "UV_PYTHON_CACHE_DIR": str(tmp_path / "cache"), "PYTUI_STATE_DIR": str(tmp_path / "state"),
        "UV_PYTHON_PREFERENCE": "only-managed",
    }


def both(world: dict[str, str], name: str, value: str, *args: str):
    env = {k: v for k, v in world.items() if k != "uv"}
    env[name] = value
    theirs = subprocess.run([world["uv"], "python", "list", "--offline", *args], env=env,
                            capture_output=True, text=True, timeout=60)
    ours = subprocess.run([sys.executable, "-m", "pytui.app.cli", "list", "--offline", *args],
                          env=env, capture_output=True, text=True, timeout=60)
    return theirs, ours


@pytest.mark.uv
@pytest.mark.parametrize(("name", "value"), REFUSED)
def test_a_refused_value_is_uvs_usage_error(world, tmp_path: Path, name: str, value: str) -> None:
    theirs, ours = both(world, name, value, "3.12")
    assert ours.returncode == theirs.returncode == 2, ours.stderr
    assert "Traceback" not in ours.stderr and ours.stderr.count("\n") == 1
    expected = theirs.stderr.splitlines(keepends=True)[-1]
    if len(value) > SHOWN_LIMIT:  # uv shows the whole value; pytui its start and its length
        expected = expected.replace(value, f"{value[:SHOWN_LIMIT]}… ({len(value):,} characters)")
    assert ours.stderr == expected
    # Refused before anything was created.
    assert not any((tmp_path / sub).exists() for sub in ("root", "cache", "state"))


@pytest.mark.uv
@pytest.mark.parametrize(("name", "value"), ACCEPTED)
def test_an_accepted_value_is_accepted(world, name: str, value: str) -> None:
    theirs, ours = both(world, name, value, "--only-downloads", "3.12")
    assert theirs.returncode == 0 and ours.returncode == 0, ours.stderr
    assert "Traceback" not in ours.stderr


@pytest.mark.parametrize(("name", "value", "words"), [
    ("UV_LOCK_TIMEOUT", "x", "invalid digit found in string; value should be an integer"),
    ("UV_LOCK_TIMEOUT", "1.5", "invalid digit found in string"),
    ("UV_LOCK_TIMEOUT", "-1", "invalid digit found in string"),
    ("UV_HTTP_RETRIES", "5000", "pytui retries at most 1000 times"),
    ("UV_PYTHON_DOWNLOADS", "x", "expected one of 'auto', 'true', 'manual', 'never', or 'false'"),
    ("UV_PYTHON_DOWNLOADS", "", "UV_PYTHON_DOWNLOADS"),
    ("UV_PYTHON_PREFERENCE", "Managed", "possible values: only-managed, managed"),
])
def test_pytui_is_stricter_where_uv_falls_back(tmp_path: Path, name: str, value: str,
                                               words: str) -> None:
    # uv ignores a bad UV_LOCK_TIMEOUT (5 minutes) and takes any u32 of retries; pytui refuses.
    env = dict(os.environ, PYTUI_STATE_DIR=str(tmp_path / "state"),
               UV_PYTHON_INSTALL_DIR=str(tmp_path / "root"), **{name: value})
    for command in (["list", "--offline"], ["install", "--offline", "3.12"], ["uninstall", "3.12"],
                    ["cache", "dir"]):
        done = subprocess.run([sys.executable, "-m", "pytui.app.cli", *command], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.count("\n") == 1 and words in done.stderr and f"`{value}`" in done.stderr
    assert not (tmp_path / "state").exists() and not (tmp_path / "root").exists()


def test_the_parsed_values_reach_the_settings() -> None:
    values = EnvValues.parse({"UV_HTTP_TIMEOUT": "+7", "HTTP_TIMEOUT": "9",
                              "UV_HTTP_CONNECT_TIMEOUT": "0", "UV_HTTP_RETRIES": "0",
                              "UV_LOCK_TIMEOUT": "12", "UV_OFFLINE": "Yes",
                              "UV_PYTHON_INSTALL_BIN": "off"})
    assert (values.read_timeout, values.connect_timeout, values.http_retries,
            values.lock_timeout, values.offline, values.install_bin) == (7, 0, 0, 12, True, False)
    # All three read-timeout variables are checked, as uv checks them.
    with pytest.raises(UsageError, match="HTTP_TIMEOUT` with invalid value `x`"):
        EnvValues.parse({"UV_HTTP_TIMEOUT": "7", "HTTP_TIMEOUT": "x"})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_number_or_one_usage_error(text: str) -> None:
    for parse in (lambda: uv_integer({"V": text}, "V", bits=32),
                  lambda: uv_bool({"V": text}, "V")):
        try:
            parse()
        except UsageError as err:
            assert "\n" not in str(err) and err.exit_code == 2


@pytest.mark.uv
@pytest.mark.parametrize(("value", "refused"), [
    ("maybe", True), ("", True), ("2", True), (" 1", True), ("TRUE", False), ("Yes", False), ("off", False),
])
def test_uv_no_config_is_a_boolean_for_every_command(world, tmp_path: Path, value: str, refused: bool) -> None:
    """uv's global `--no-config`: a value not boolish stops every uv command (exit 2); pytui
    took any value but a falsey word (or empty) for set, so `UV_NO_CONFIG=maybe pytui install`
    skipped the version file uv refused to go past (attacker31)."""
    theirs, ours = both(world, "UV_NO_CONFIG", value, "3.12")
    assert "Traceback" not in ours.stderr
    if refused:
        assert ours.returncode == theirs.returncode == 2, (ours.stderr, theirs.stderr)
        assert ours.stderr == (f"error: invalid value `{value}` for UV_NO_CONFIG (--no-config): "
                               "value was not a boolean\n")
        assert f"invalid value '{value}' for '--no-config'" in theirs.stderr
        assert not any((tmp_path / sub).exists() for sub in ("root", "cache", "state"))
    else:
        assert ours.returncode == theirs.returncode == 0, (ours.stderr, theirs.stderr)

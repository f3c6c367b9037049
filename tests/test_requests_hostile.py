"""Hostile requests: any text parses or gives one clean error (issue 7, items 7 and 11).

The property test feeds the parser arbitrary text and text built from the grammar's own
pieces (so deep paths run too): the result is a request, or a `RequestError` whose message is
one line; matching that request against builds and installs never raises.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core.build_choice import find_download
from pytui.core.errors import RequestError
from pytui.core.keys import parse_key
from pytui.core.models import Build
from pytui.core.platform_detect import HostPlatform
from pytui.core.requests import MAX_REQUEST_LENGTH, PythonRequest

LINUX = HostPlatform("linux", "x86_64", "gnu")
BUILDS = [
    Build("cpython", 3, 14, 0, "rc3", "default", "linux", "x86_64", "gnu", "20250801",
          "https://example.invalid/a.tar.gz", "ab" * 32),
    Build("cpython", 3, 13, 5, "", "freethreaded", "linux", "x86_64", "gnu", "20250801",
          "https://example.invalid/b.tar.gz", None),
    Build("pyodide", 3, 13, 2, "", "default", "emscripten", "wasm32", "musl", "0.28.0",
          "https://example.invalid/c.tar.bz2", None),
]
INSTALLED = [parse_key(key) for key in (
    "cpython-3.14.0rc2-linux-x86_64-gnu", "cpython-3.12.8+debug-linux-x86_64-gnu",
    "pypy-3.10.16-linux-x86_64-gnu", "pyodide-3.13.2-emscripten-wasm32-musl")]

PIECES = st.sampled_from([
    "3", "3.12", ".", "..", "0", "255", "256", "9" * 30, "9" * 5000, "t", "d", "td", "+", "+gil",
    "+debug", "+freethreaded", "rc", "a", "b", "rc1", "-", "@", "any", "cpython", "cp", "pypy",
    "pp", "pyodide", "graalpy", "python", "linux", "macos", "x86_64", "x86_64_v3", "aarch64",
    "gnu", "musl", ">=", "<", "==", "!=", "~=", "===", ",", "*", ".*", " ", "latest", "/",
    "\\", "\x00", "é", "٣", "\n",
])
GRAMMAR_TEXT = st.lists(PIECES, max_size=12).map("".join)


def check_request(text: str) -> None:
    try:
        request = PythonRequest.parse(text)
    except RequestError as err:
        message = str(err)
        assert message and "\n" not in message
        # The line stays short whatever the request's length.
        assert len(message) < 600
        return
    try:
        request.check_supported()
    except RequestError as err:
        assert "\n" not in str(err)
    str(request)
    for build in BUILDS:
        request.matches(build)
        request.for_host(LINUX).matches(build)
    for parts in INSTALLED:
        request.matches_installed(parts)
        request.matches_key(parts.key)
    find_download(BUILDS, request, LINUX)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2 * MAX_REQUEST_LENGTH))
def test_any_text_parses_or_fails_in_one_line(text: str) -> None:
    check_request(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GRAMMAR_TEXT)
def test_grammar_like_text_parses_or_fails_in_one_line(text: str) -> None:
    check_request(text)


@pytest.mark.parametrize("text", [
    "3." + "9" * 5000, "9" * 5000, "cpython@" + "9" * 4400, "3.12." + "1" * 4301,
    ">=3." + "9" * 4400, "cpython-3." + "9" * 4400 + "-linux", "3.13rc" + "9" * 4400,
    "==3.12.*," * 200, "1." * 600, "x" * 100_000,
])
def test_huge_requests_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(RequestError) as caught:
        PythonRequest.parse(text)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 400


def test_big_but_bounded_numbers_parse() -> None:
    # 20 digits is the widest part read; such a version is simply no Python build.
    request = PythonRequest.parse(">=3." + "9" * 20)
    assert not any(request.matches(build) for build in BUILDS)


@pytest.mark.parametrize("command", ["list", "install", "uninstall"])
def test_cli_refuses_a_5000_digit_request(command: str, tmp_path) -> None:
    import os

    env = dict(os.environ, UV_PYTHON_INSTALL_DIR=str(tmp_path / "root"),
               UV_PYTHON_CACHE_DIR=str(tmp_path / "cache"), PYTUI_STATE_DIR=str(tmp_path / "state"))
    done = subprocess.run([sys.executable, "-m", "pytui.app.cli", command, "--offline",
                           "3." + "9" * 5000], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Python request '3.999")
    assert "5002 characters long" in lines[0]
    assert not (tmp_path / "root").exists() and not (tmp_path / "cache").exists()


# -- uv's interpreter rules for installed rows --------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (">=3.14", {"cpython-3.14.0rc2-linux-x86_64-gnu"}),
    ("<3.14", {"cpython-3.12.8+debug-linux-x86_64-gnu", "pypy-3.10.16-linux-x86_64-gnu",
               "pyodide-3.13.2-emscripten-wasm32-musl"}),
    (">=3.14.0rc3", set()),
    ("!=3.14.0", {"cpython-3.12.8+debug-linux-x86_64-gnu", "pypy-3.10.16-linux-x86_64-gnu",
                  "pyodide-3.13.2-emscripten-wasm32-musl"}),
    ("3.14.0", set()),
    ("3.14", {"cpython-3.14.0rc2-linux-x86_64-gnu"}),
    ("cpython", {"cpython-3.14.0rc2-linux-x86_64-gnu", "cpython-3.12.8+debug-linux-x86_64-gnu",
                 "pyodide-3.13.2-emscripten-wasm32-musl"}),
    ("pyodide", {"pyodide-3.13.2-emscripten-wasm32-musl"}),
])
def test_installed_matching_follows_uvs_interpreter_rules(text: str, expected: set) -> None:
    request = PythonRequest.parse(text)
    assert {parts.key for parts in INSTALLED if request.matches_installed(parts)} == expected


def test_download_ranges_still_compare_full_versions() -> None:
    # uv's key matching (downloads) keeps the pre-release: `>=3.14` does not admit 3.14.0rc3.
    assert not PythonRequest.parse(">=3.14").with_prereleases(True).matches(BUILDS[0])


@pytest.mark.parametrize(("text", "message"), [
    ("3.5", "Python <3.6 is not supported but 3.5 was requested."),
    ("2.6.8", "Python <3.6 is not supported but 2.6.8 was requested."),
    ("3.5.0rc1", "Python <3.6 is not supported but 3.5rc1 was requested."),
    ("3.5t", "Python <3.6 is not supported but 3.5 was requested."),
    ("2t", "Python <3 is not supported but 2 was requested."),
    ("3.12t", "Python <3.13 does not support free-threading but 3.12+freethreaded was requested."),
    ("3.12.1td", "Python <3.13 does not support free-threading but 3.12.1+freethreaded+debug "
                 "was requested."),
])
def test_unsupported_versions_have_uvs_words(text: str, message: str) -> None:
    request = PythonRequest.parse(text)
    with pytest.raises(RequestError) as caught:
        request.check_supported()
    assert str(caught.value) == f"Invalid version request: {message}"
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("text", ["3.12rc1t", "3.13t", "3t", ">=2", "3.12+gil", "pypy", "any"])
def test_supported_requests_pass_the_check(text: str) -> None:
    PythonRequest.parse(text).check_supported()

"""Requests in uv's grammar: parsing, key matching (uninstall), and download selection (install)."""

from __future__ import annotations

import pytest
from pytui.core.build_choice import find_download
from pytui.core.catalog import Catalog, parse_uv_json
from pytui.core.errors import RequestError, UsageError
from pytui.core.pep440 import Specifier, Version
from pytui.core.platform_detect import HostPlatform
from pytui.core.requests import PythonRequest
from pytui.core.version_request import VersionRequest

LINUX = HostPlatform("linux", "x86_64", "gnu")
MUSL = HostPlatform("linux", "x86_64", "musl")
MAC_ARM = HostPlatform("macos", "aarch64", "none")
WIN_ARM = HostPlatform("windows", "aarch64", "none")
LINUX_ARM = HostPlatform("linux", "aarch64", "gnu")


_PARSED: dict[str, Catalog] = {}


@pytest.fixture
def real_catalog(uv_catalog_path) -> Catalog:
    """uv's real catalog, parsed once per test session."""
    key = str(uv_catalog_path)
    if key not in _PARSED:
        builds, skipped = parse_uv_json(uv_catalog_path.read_bytes(), key)
        _PARSED[key] = Catalog(builds, source=key, skipped=skipped)
    return _PARSED[key]


@pytest.mark.parametrize(
    ("text", "kind", "canonical", "implementation", "variant", "platform"),
    [
        ("3", "version", "3", None, "default", (None, None, None)),
        ("3.12", "version", "3.12", None, "default", (None, None, None)),
        ("3.12.8", "version", "3.12.8", None, "default", (None, None, None)),
        ("312", "version", "3.12", None, "default", (None, None, None)),
        ("python3.12", "version", "3.12", None, "default", (None, None, None)),
        ("python@3.12", "version", "3.12", None, "default", (None, None, None)),
        (">=3.11,<3.13", "version", ">=3.11,<3.13", None, "default", (None, None, None)),
        ("3.13t", "version", "3.13+freethreaded", None, "freethreaded", (None, None, None)),
        ("3.13td", "version", "3.13+freethreaded+debug", None, "freethreaded+debug",
         (None, None, None)),
        ("3.12.0d", "version", "3.12.0+debug", None, "debug", (None, None, None)),
        ("3.12+debug", "version", "3.12+debug", None, "debug", (None, None, None)),
        ("3.13+freethreaded", "version", "3.13+freethreaded", None, "freethreaded",
         (None, None, None)),
        ("3.14+gil", "version", "3.14+gil", None, "gil", (None, None, None)),
        ("3.15rc1", "version", "3.15rc1", None, "default", (None, None, None)),
        ("3.15.0rc1", "version", "3.15rc1", None, "default", (None, None, None)),
        ("cpython@3.12", "implementation_version", "cpython@3.12", "cpython", "default",
         (None, None, None)),
        ("cpython3.12", "implementation_version", "cpython@3.12", "cpython", "default",
         (None, None, None)),
        ("CPython@3.12", "implementation_version", "cpython@3.12", "cpython", "default",
         (None, None, None)),
        ("cp312", "implementation_version", "cpython@3.12", "cpython", "default",
         (None, None, None)),
        ("cp", "implementation", "cpython", "cpython", None, (None, None, None)),
        ("pypy", "implementation", "pypy", "pypy", None, (None, None, None)),
        ("pp", "implementation", "pypy", "pypy", None, (None, None, None)),
        ("pypy@3.10", "implementation_version", "pypy@3.10", "pypy", "default",
         (None, None, None)),
        ("pp310", "implementation_version", "pypy@3.10", "pypy", "default", (None, None, None)),
        ("graalpy", "implementation", "graalpy", "graalpy", None, (None, None, None)),
        ("pyodide", "implementation", "pyodide", None, None, ("emscripten", "wasm32", "musl")),
        ("any", "any", "any", None, None, (None, None, None)),
        ("default", "default", "default", None, None, (None, None, None)),
        ("cpython-3.12.8-macos-aarch64-none", "key", "cpython-3.12.8-macos-aarch64-none",
         "cpython", "default", ("macos", "aarch64", "none")),
        ("cpython-3.12.8-darwin-aarch64-none", "key", "cpython-3.12.8-macos-aarch64-none",
         "cpython", "default", ("macos", "aarch64", "none")),
        ("cpython-3.13.1+freethreaded-linux-x86_64_v3-gnu", "key",
         "cpython-3.13.1+freethreaded-linux-x86_64_v3-gnu", "cpython", "freethreaded",
         ("linux", "x86_64_v3", "gnu")),
        ("cpython-3.12-any-any-any", "key", "cpython-3.12-any-any-any", "cpython", "default",
         (None, None, None)),
        ("any-3.13-linux-any-gnu", "key", "any-3.13-linux-any-gnu", None, "default",
         ("linux", None, "gnu")),
        ("3.12-linux", "key", "any-3.12-linux-any-any", None, "default", ("linux", None, None)),
        ("cpython-3.13-windows-x86-none", "key", "cpython-3.13-windows-x86-none", "cpython",
         "default", ("windows", "x86", "none")),
    ],
)
def test_parse(text, kind, canonical, implementation, variant, platform) -> None:
    request = PythonRequest.parse(text)
    assert request.kind == kind
    assert request.canonical == canonical
    assert request.implementation == implementation
    assert request.variant == variant
    assert (request.os, request.arch, request.libc) == platform


@pytest.mark.parametrize("text", [
    "", "foo", "@3.12", "cpython@foo", "python@3.12.x", "3.12.1.2", "./bin/python3",
    "/usr/bin/python3", "cpython@latest", "3.12+foo", "3rc1", "3.12.post1", "3.12.dev1",
    "cpython-3.12-linux-x86_64-gnu-extra", "cpython-3.12-sparc",
])
def test_unparseable_requests_are_one_line_usage_errors(text: str) -> None:
    with pytest.raises(RequestError) as info:
        PythonRequest.parse(text)
    assert isinstance(info.value, UsageError) and info.value.exit_code == 2
    assert "\n" not in str(info.value) and str(info.value)


def test_prerelease_permission() -> None:
    assert PythonRequest.parse("any").allows_prereleases
    assert not PythonRequest.parse("3.15").allows_prereleases
    assert PythonRequest.parse("3.15rc1").allows_prereleases
    assert PythonRequest.parse(">=3.15.0rc1").allows_prereleases
    assert not PythonRequest.parse(">=3.14").allows_prereleases
    assert not PythonRequest.parse("pypy").allows_prereleases


@pytest.mark.parametrize(
    ("spec", "version", "inside"),
    [
        ("<3.15", "3.15.0rc1", False),  # PEP 440: `<V` excludes V's pre-releases
        ("<3.15", "3.14.9", True),
        ("<3.15rc2", "3.15.0rc1", True),
        (">=3.14", "3.14.0", True),
        (">=3.14", "3.15.0rc1", True),
        ("==3.12.*", "3.12.8", True),
        ("==3.12.*", "3.13.0", False),
        ("!=3.12.*", "3.13.0", True),
        ("~=3.12.1", "3.12.14", True),
        ("~=3.12.1", "3.12.0", False),
        ("~=3.12.1", "3.13.0", False),
        ("==3.12", "3.12.0", True),
        (">3.12", "3.12.0", False),
        ("<=3.12", "3.12.0", True),
    ],
)
def test_specifiers(spec: str, version: str, inside: bool) -> None:
    parsed_spec, parsed_version = Specifier.parse(spec), Version.parse(version)
    assert parsed_spec is not None and parsed_version is not None
    assert parsed_spec.contains(parsed_version) is inside


def test_version_request_kinds() -> None:
    assert VersionRequest.parse("3.13.0rc1").kind == "minor_pre"  # a .0 pre-release means the minor
    assert VersionRequest.parse("3.13.2rc1").kind == "patch_pre"
    assert VersionRequest.parse("==3.12.8").kind == "patch"  # a single == is concrete
    assert VersionRequest.parse("==3.12t").variant == "default"  # ...and, as in uv, drops the suffix
    assert VersionRequest.parse("3.12.300") is None


@pytest.mark.parametrize(
    ("request_text", "key", "matches"),
    [
        ("3.12", "cpython-3.12.8-linux-x86_64-gnu", True),
        ("3.12", "cpython-3.12.8-macos-aarch64-none", True),  # no platform filled for uninstall
        ("3.12", "cpython-3.12.8+freethreaded-linux-x86_64-gnu", False),
        ("3.12t", "cpython-3.12.8+freethreaded-linux-x86_64-gnu", True),
        ("3.12+debug", "cpython-3.12.8+debug-linux-x86_64-gnu", True),
        ("3.12", "cpython-3.12.8+debug-linux-x86_64-gnu", False),
        ("3.15", "cpython-3.15.0rc1-linux-x86_64-gnu", True),  # uninstall includes pre-releases
        ("3.12.8", "cpython-3.12.8-linux-x86_64-gnu", True),
        ("3.12.7", "cpython-3.12.8-linux-x86_64-gnu", False),
        ("pypy", "pypy-3.10.16-linux-x86_64-gnu", True),
        ("pypy", "cpython-3.10.16-linux-x86_64-gnu", False),
        ("cpython", "pyodide-3.13.2-emscripten-wasm32-musl", True),  # uv stores pyodide as CPython
        ("pyodide", "pyodide-3.13.2-emscripten-wasm32-musl", True),
        ("pyodide", "cpython-3.13.2-linux-x86_64-gnu", False),
        ("any", "graalpy-3.12.0-linux-x86_64-gnu", True),
        ("default", "cpython-3.13.1+freethreaded-linux-x86_64-gnu", True),
        ("cpython-3.12-linux-any-gnu", "cpython-3.12.8-linux-aarch64-gnu", True),
        ("cpython-3.12-linux-x86_64-gnu", "cpython-3.12.8-linux-x86_64_v3-gnu", False),
        ("cpython-3.12-linux-x86_64_v3-gnu", "cpython-3.12.8-linux-x86_64_v3-gnu", True),
        ("cpython-3.12-macos-any-any", "cpython-3.12.8-darwin-aarch64-none", True),
        (">=3.11,<3.13", "cpython-3.11.16-linux-x86_64-gnu", True),
        (">=3.11,<3.13", "cpython-3.13.0-linux-x86_64-gnu", False),
        ("3.12", "not-a-key", False),
    ],
)
def test_matches_key(request_text: str, key: str, matches: bool) -> None:
    assert PythonRequest.parse(request_text).matches_key(key) is matches


@pytest.mark.parametrize(
    ("request_text", "host", "expected"),
    [
        ("3.12", LINUX, "cpython-3.12.14-linux-x86_64-gnu"),
        ("3", LINUX, "cpython-3.14.7-linux-x86_64-gnu"),  # stable beats the newer rc
        ("3.15", LINUX, "cpython-3.15.0rc1-linux-x86_64-gnu"),  # nothing stable: rc allowed
        ("3.15.0rc1", LINUX, "cpython-3.15.0rc1-linux-x86_64-gnu"),
        ("3.13t", LINUX, "cpython-3.13.15+freethreaded-linux-x86_64-gnu"),
        ("3.12+debug", LINUX, "cpython-3.12.14+debug-linux-x86_64-gnu"),
        ("3.12.8", LINUX, "cpython-3.12.8-linux-x86_64-gnu"),
        (">=3.11,<3.13", LINUX, "cpython-3.12.14-linux-x86_64-gnu"),
        ("cpython-3.12-linux-x86_64_v3-gnu", LINUX, "cpython-3.12.14-linux-x86_64_v3-gnu"),
        ("pypy", LINUX, "pypy-3.11.15-linux-x86_64-gnu"),
        ("pypy@3.10", LINUX, "pypy-3.10.16-linux-x86_64-gnu"),
        ("graalpy", LINUX, "graalpy-3.12.0-linux-x86_64-gnu"),
        ("pyodide", LINUX, "pyodide-3.14.2-emscripten-wasm32-musl"),
        ("3.12", MUSL, "cpython-3.12.14-linux-x86_64-musl"),
        ("3.12", MAC_ARM, "cpython-3.12.14-macos-aarch64-none"),
        ("3.12", LINUX_ARM, "cpython-3.12.14-linux-aarch64-gnu"),
        # uv prefers x86_64 builds on Windows, even on an aarch64 host (emulation is better
        # supported by wheels); an explicit arch gets the native build.
        ("3.12", WIN_ARM, "cpython-3.12.14-windows-x86_64-none"),
        ("cpython-3.12-windows-aarch64-none", WIN_ARM, "cpython-3.12.14-windows-aarch64-none"),
        ("3.14+gil", LINUX, None),  # `gil` names no download variant
        ("3.7", LINUX, None),
    ],
)
def test_find_download(real_catalog, request_text: str, host, expected) -> None:
    found = find_download(real_catalog, PythonRequest.parse(request_text), host)
    assert (found.key if found is not None else None) == expected


def test_find_download_pins_a_build(real_catalog) -> None:
    request = PythonRequest.parse("3.12")
    newest = find_download(real_catalog, request, LINUX)
    assert newest is not None
    assert find_download(real_catalog, request, LINUX, build=newest.build) == newest
    assert find_download(real_catalog, request, LINUX, build="19990101") is None

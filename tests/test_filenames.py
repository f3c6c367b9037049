"""PBS archive file names -> version, build date, platform (uv display form), variant, flavor."""

from __future__ import annotations

import pytest
from pytui.core.catalog import parse_uv_json
from pytui.core.filenames import flavor_from_url, parse_archive_name

RELEASES = "https://github.com/astral-sh/python-build-standalone/releases/download"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz",
         ("3.12.8", "20241219", "linux", "x86_64", "gnu", "default", "install_only_stripped",
          "install_only_stripped")),
        ("cpython-3.13.1+20250115-aarch64-apple-darwin-freethreaded+pgo+lto-full.tar.zst",
         ("3.13.1", "20250115", "macos", "aarch64", "none", "freethreaded", "full",
          "freethreaded+pgo+lto-full")),
        ("cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-debug-full.tar.zst",
         ("3.12.8", "20241219", "linux", "x86_64", "gnu", "debug", "full", "debug-full")),
        ("cpython-3.13.1+20250115-x86_64-unknown-linux-gnu-freethreaded+debug-full.tar.zst",
         ("3.13.1", "20250115", "linux", "x86_64", "gnu", "freethreaded+debug", "full",
          "freethreaded+debug-full")),
        ("cpython-3.9.6-x86_64-unknown-linux-gnu-pgo+lto-20210724T1424.tar.zst",
         ("3.9.6", "20210724", "linux", "x86_64", "gnu", "default", "full", "pgo+lto")),
        ("cpython-3.9.6-x86_64-pc-windows-msvc-shared-pgo-20210724T1424.tar.zst",
         ("3.9.6", "20210724", "windows", "x86_64", "none", "default", "full", "shared-pgo")),
        ("cpython-3.12.0+20231002-i686-pc-windows-msvc-shared-pgo-full.tar.zst",
         ("3.12.0", "20231002", "windows", "x86", "none", "default", "full", "shared-pgo-full")),
        ("cpython-3.12.0+20231002-x86_64-pc-windows-msvc-shared-install_only.tar.gz",
         ("3.12.0", "20231002", "windows", "x86_64", "none", "default", "install_only",
          "install_only")),
        ("cpython-3.14.2+20251210-x86_64_v3-unknown-linux-musl-install_only_stripped.tar.gz",
         ("3.14.2", "20251210", "linux", "x86_64_v3", "musl", "default", "install_only_stripped",
          "install_only_stripped")),
        ("cpython-3.15.0rc1+20260814-ppc64le-unknown-linux-gnu-install_only_stripped.tar.gz",
         ("3.15.0rc1", "20260814", "linux", "powerpc64le", "gnu", "default",
          "install_only_stripped", "install_only_stripped")),
        ("cpython-3.13.2+20250212-riscv64-unknown-linux-gnu-install_only_stripped.tar.gz",
         ("3.13.2", "20250212", "linux", "riscv64gc", "gnu", "default", "install_only_stripped",
          "install_only_stripped")),
        ("cpython-3.12.8+20241219-armv7-unknown-linux-gnueabihf-install_only_stripped.tar.gz",
         ("3.12.8", "20241219", "linux", "armv7", "gnueabihf", "default",
          "install_only_stripped", "install_only_stripped")),
        ("cpython-3.10.0-x86_64-unknown-linux-gnu-install_only-20211017T1616.tar.gz",
         ("3.10.0", "20211017", "linux", "x86_64", "gnu", "default", "install_only",
          "install_only")),
        ("cpython-3.8.2-linux64-20200418T2238.tar.zst",
         ("3.8.2", "20200418", "linux", "x86_64", "gnu", "default", "full", "full")),
        ("cpython-3.8.2-windows-amd64-shared-pgo-20200418T2315.tar.zst",
         ("3.8.2", "20200418", "windows", "x86_64", "none", "default", "full", "shared-pgo")),
    ],
)
def test_pbs_names(name: str, expected: tuple) -> None:
    parsed = parse_archive_name(name)
    assert parsed is not None
    got = (parsed.version, parsed.build, parsed.os, parsed.arch, parsed.libc, parsed.variant,
           parsed.flavor, parsed.label)
    assert got == expected
    # The same name inside a URL, `+` percent-encoded, parses the same.
    url = f"{RELEASES}/{parsed.build}/{name.replace('+', '%2B')}"
    assert parse_archive_name(url) == parsed
    assert flavor_from_url(url) == parsed.label


def test_release_tag_wins_over_legacy_timestamp() -> None:
    # uv's catalog records the release tag, which for a few legacy builds differs from the
    # date in the file's timestamp.
    url = f"{RELEASES}/20210415/cpython-3.9.4-x86_64-unknown-linux-gnu-pgo%2Blto-20210414T1515.tar.zst"
    parsed = parse_archive_name(url)
    assert parsed is not None and parsed.build == "20210415" and parsed.timestamp == "20210414T1515"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pypy3.11-v7.3.23-linux64.tar.gz", ("pypy", "3.11", "7.3.23", "linux", "x86_64", "gnu")),
        ("pypy3.10-v7.3.19-macos_arm64.tar.bz2",
         ("pypy", "3.10", "7.3.19", "macos", "aarch64", "none")),
        ("pypy3.9-v7.3.16-win64.zip", ("pypy", "3.9", "7.3.16", "windows", "x86_64", "none")),
        ("pypy3.11-v7.3.23-linux32.tar.gz", ("pypy", "3.11", "7.3.23", "linux", "x86", "gnu")),
    ],
)
def test_pypy_names(name: str, expected: tuple) -> None:
    parsed = parse_archive_name(name)
    assert parsed is not None
    assert (parsed.implementation, parsed.version, parsed.build, parsed.os, parsed.arch,
            parsed.libc) == expected
    assert flavor_from_url(name) == ""


@pytest.mark.parametrize("name", [
    "xbuildenv-0.29.4.tar.gz",
    "graalpy3.12-25.2.4-linux-amd64.tar.gz",
    "cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-install_only_stripped",  # no extension
    "cpython-3.12.8+20241219-sparc-unknown-linux-gnu-install_only_stripped.tar.gz",
    "cpython-3.12+20241219-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz",
    "cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-weird.tar.gz",
    "README.md",
])
def test_not_archive_names(name: str) -> None:
    assert parse_archive_name(name) is None


def test_static_and_priority() -> None:
    stripped = parse_archive_name(
        "cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz")
    install_only = parse_archive_name(
        "cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-install_only.tar.gz")
    full = parse_archive_name("cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-pgo+lto-full.tar.zst")
    lto = parse_archive_name("cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-lto-full.tar.zst")
    static = parse_archive_name(
        "cpython-3.12.8+20241219-x86_64-unknown-linux-musl-lto+static-full.tar.zst")
    assert stripped and install_only and full and lto and static
    assert stripped.priority() < install_only.priority() < full.priority() < lto.priority()
    assert static.static and not full.static


def test_every_real_catalog_url_parses_to_its_entry(uv_catalog_path) -> None:
    builds, _ = parse_uv_json(uv_catalog_path.read_bytes(), str(uv_catalog_path))
    checked = 0
    for build in builds:
        if build.implementation != "cpython":
            continue
        parsed = parse_archive_name(build.url)
        assert parsed is not None, build.url
        assert (parsed.major, parsed.minor, parsed.patch, parsed.prerelease, parsed.variant,
                parsed.os, parsed.arch, parsed.libc, parsed.build) == (
            build.major, build.minor, build.patch, build.prerelease, build.variant, build.os,
            build.arch, build.libc, build.build), build.url
        assert build.flavor == parsed.label
        checked += 1
    assert checked > 5000

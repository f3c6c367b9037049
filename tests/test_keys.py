"""The one key type (core/keys.py): parse and format round trips, uv's order, the minor-version
key, executable names; Build/Installation as key records; the install policy (core/install_policy)."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pytui.core.install_policy import (
    Upgrades,
    describe_upgrade,
    is_upgrade_of,
    satisfying,
)
from pytui.core.keys import (
    ARCH_DISPLAY,
    LIBCS,
    VARIANTS,
    InstallationKey,
    format_key,
    parse_key,
)
from pytui.core.models import Build, Installation, url_filename
from pytui.core.ordering import build_order, newest_first
from pytui.core.platform_detect import HostPlatform
from pytui.core.requests import PythonRequest

RELEASES = "https://github.com/astral-sh/python-build-standalone/releases/download"


def build(version: str, date: str = "20250115", variant: str = "default",
          platform: str = "linux-x86_64-gnu", implementation: str = "cpython") -> Build:
    key = InstallationKey.parse(format_key(implementation, version, variant, platform))
    assert key is not None
    name = f"cpython-{version}%2B{date}-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    return Build(*key, date, f"{RELEASES}/{date}/{name}", "ab" * 32, "install_only_stripped")


def installed(version: str, date: str | None = "20250115", variant: str = "default") -> Installation:
    key = InstallationKey.parse(format_key("cpython", version, variant, "linux-x86_64-gnu"))
    assert key is not None
    return Installation(key, Path("/root") / key.key, date)


keys = st.builds(
    InstallationKey,
    implementation=st.sampled_from(["cpython", "pypy", "graalpy", "pyodide"]),
    major=st.integers(0, 300), minor=st.integers(0, 300), patch=st.integers(0, 300),
    prerelease=st.sampled_from(["", "a1", "b2", "rc1", "rc10"]),
    variant=st.sampled_from(sorted(VARIANTS)),
    os=st.sampled_from(["linux", "macos", "windows", "emscripten"]),
    arch=st.sampled_from(sorted(set(ARCH_DISPLAY.values()) | {"x86_64_v2", "x86_64_v4"})),
    libc=st.sampled_from(sorted(LIBCS)),
)


@given(keys)
def test_format_then_parse_is_the_same_key(key: InstallationKey) -> None:
    assert InstallationKey.parse(str(key)) == key
    assert parse_key(key.key) == key
    assert key.installation_key == key


@given(st.text(alphabet="cpython-3.12+freethreadeddebug_v34linuxmacosdarwingnumusl86aarch", max_size=60))
def test_parse_never_raises_and_round_trips_what_it_accepts(text: str) -> None:
    key = InstallationKey.parse(text)
    if key is not None:
        assert InstallationKey.parse(key.key) == key


def test_parse_normalises_and_refuses() -> None:
    key = InstallationKey.parse("cpython-3.13.0rc1+freethreaded-darwin-i686-none")
    assert key == InstallationKey("cpython", 3, 13, 0, "rc1", "freethreaded", "macos", "x86", "none")
    assert key.key == "cpython-3.13.0rc1+freethreaded-macos-x86-none"
    for bad in ("cpython-3.12-linux-x86_64-gnu", "cpython-3.12.8-linux-x86_64_v9-gnu",
                "cpython-3.12.8+gil-linux-x86_64-gnu", "jython-3.12.8-linux-x86_64-gnu",
                "cpython-3.12.8-linux-x86_64-gnu-extra", ""):
        assert InstallationKey.parse(bad) is None, bad


def test_minor_version_key_and_executables() -> None:
    key = InstallationKey.parse("cpython-3.13.1+freethreaded-linux-x86_64-gnu")
    assert key is not None
    assert key.minor_key == "cpython-3.13+freethreaded-linux-x86_64-gnu"
    assert key.minor_version == ("cpython", 3, 13, "freethreaded", "linux", "x86_64", "gnu")
    assert key.executable == "bin/python3.13t" and key.executable_suffix == "t"
    assert key.bin_names == ("python3.13t", "python3t", "pythont")
    cases = {
        "cpython-3.12.8+debug-linux-x86_64-gnu": "bin/python3.12d",
        "cpython-3.12.8-windows-x86_64-none": "python.exe",
        "pypy-3.10.16-linux-x86_64-gnu": "bin/pypy3.10",
        "graalpy-3.11.0-linux-x86_64-gnu": "bin/graalpy",
        "pyodide-3.12.1-emscripten-wasm32-musl": "python",
    }
    for text, executable in cases.items():
        parsed = InstallationKey.parse(text)
        assert parsed is not None and parsed.executable == executable, text


def test_a_version_label_is_the_version_with_uvs_suffix_and_its_implementation() -> None:
    labels = {
        "cpython-3.12.8-linux-x86_64-gnu": "3.12.8",
        "cpython-3.13.1+freethreaded-linux-aarch64-musl": "3.13.1t",
        "cpython-3.14.0a4+freethreaded+debug-linux-x86_64-gnu": "3.14.0a4td",
        "pypy-3.10.16-linux-x86_64-gnu": "pypy-3.10.16",
    }
    for text, label in labels.items():
        parsed = InstallationKey.parse(text)
        assert parsed is not None and parsed.version_label == label, text


@given(keys, st.sampled_from(["x86_64", "aarch64"]))
def test_sort_key_is_ordering_newest_first(key: InstallationKey, family: str) -> None:
    assert key.sort_key(family) == newest_first(*key, host_family=family) == build_order(key, family)


def test_uv_order_newest_first() -> None:
    texts = ["cpython-3.12.8-linux-x86_64-gnu", "cpython-3.13.0rc1-linux-x86_64-gnu",
             "cpython-3.13.0-linux-x86_64-gnu", "cpython-3.13.0+freethreaded-linux-x86_64-gnu",
             "pypy-3.13.0-linux-x86_64-gnu"]
    parsed = [InstallationKey.parse(text) for text in texts]
    ordered = sorted(parsed, key=lambda key: key.sort_key("x86_64"))  # type: ignore[union-attr]
    assert [str(key) for key in ordered] == [
        "cpython-3.13.0-linux-x86_64-gnu", "cpython-3.13.0+freethreaded-linux-x86_64-gnu",
        "cpython-3.13.0rc1-linux-x86_64-gnu", "cpython-3.12.8-linux-x86_64-gnu",
        "pypy-3.13.0-linux-x86_64-gnu"]


def test_build_is_a_key_record_that_pickles_copies_and_replaces() -> None:
    made = build("3.12.8")
    assert made.key == "cpython-3.12.8-linux-x86_64-gnu" and made.version == "3.12.8"
    assert made.installation_key == InstallationKey.parse(made.key)
    assert made.build == "20250115" and made.flavor == "install_only_stripped"
    assert pickle.loads(pickle.dumps(made)) == made
    assert copy.deepcopy(made) == made and type(copy.copy(made)) is Build
    changed = made._replace(patch=9, sha256=None)
    assert changed.key == "cpython-3.12.9-linux-x86_64-gnu" and changed.sha256 is None
    assert Build(**made._asdict()) == made
    assert "patch=8" in repr(made)
    with pytest.raises(TypeError):
        made._replace(nonsense=1)
    assert made.filename == "cpython-3.12.8-20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    assert made.cache_filename == "abababab" + "a-" + made.filename
    assert made.release_filename.startswith("cpython-3.12.8+20250115-")


def test_installation_is_a_key_record() -> None:
    item = installed("3.13.0rc2", variant="freethreaded")
    assert item.key == "cpython-3.13.0rc2+freethreaded-linux-x86_64-gnu"
    assert (item.major, item.minor, item.patch, item.prerelease) == (3, 13, 0, "rc2")
    assert item.version == "3.13.0rc2" and item.build == "20250115" and item.extra == {}
    item.extra["executables"] = "x"  # install runs record what they linked
    assert pickle.loads(pickle.dumps(item)) == item
    assert hash(item) == hash(installed("3.13.0rc2", variant="freethreaded"))


def _last_segment(url: str) -> str:
    try:
        return urlsplit(url).path.rsplit("/", 1)[-1]
    except ValueError:  # no URL to urlsplit (`https://[/x`): no file name
        return ""


@given(st.text(alphabet="abc/:?#%2B.-_ \t[]\\", max_size=40))
@example("2://2")  # no scheme to urlsplit (a digit first): a path whose last segment is `2`
@example(" a://b/c")  # urlsplit strips the leading space: the scheme is `a`
@example("[/x.tar.gz")  # urlsplit refuses https://[/x.tar.gz; the fast path named x.tar.gz
def test_url_filename_is_urlsplits_last_segment(tail: str) -> None:
    for url in (f"https://host/{tail}", f"file:///{tail}", f"https://host{tail}", f"https://{tail}",
                f"http://[::1]{tail}", tail):
        assert url_filename(url) == _last_segment(url), url


# --- the install policy ---------------------------------------------------------------------


def test_is_upgrade_of_follows_uv() -> None:
    old = installed("3.12.7", "20241016")
    assert is_upgrade_of(build("3.12.8"), "20250115", old, old.build)
    assert not is_upgrade_of(build("3.12.6"), "20250115", old, old.build)
    assert is_upgrade_of(build("3.12.7", "20250115"), "20250115", old, old.build)
    assert not is_upgrade_of(build("3.12.7", "20240101"), "20240101", old, old.build)
    assert not is_upgrade_of(build("3.13.0"), "20250115", old, old.build)
    assert not is_upgrade_of(build("3.12.8", variant="freethreaded"), "20250115", old, old.build)
    pre = installed("3.13.0rc1")
    assert is_upgrade_of(build("3.13.0rc2"), "1", pre, pre.build)
    assert is_upgrade_of(build("3.13.0"), "1", pre, pre.build)
    assert not is_upgrade_of(build("3.13.0rc1", "1"), "1", installed("3.13.0"), "2")


def test_upgrades_offer_the_newest_of_the_minor() -> None:
    catalog = [build("3.12.8"), build("3.12.9", "20250301"), build("3.12.10rc1"),
               build("3.13.0rc1"), build("3.13.0rc2"), build("3.12.9", variant="freethreaded")]
    upgrades = Upgrades(catalog)
    newest = upgrades.upgrade_for(installed("3.12.7"))
    assert newest is not None and newest.version == "3.12.9" and newest.variant == "default"
    assert upgrades.upgrade_for(installed("3.12.9", "20250301")) is None
    same_key = upgrades.upgrade_for(installed("3.12.9", "20250101"))
    assert same_key is not None and describe_upgrade(installed("3.12.9", "20250101"), same_key) \
        == "build 20250101 -> 20250301"
    assert upgrades.upgrade_for(installed("3.13.0rc1")).version == "3.13.0rc2"  # type: ignore[union-attr]
    assert describe_upgrade(installed("3.12.7"), newest) == "3.12.7 -> 3.12.9"


def test_satisfying_fills_the_request_for_the_host() -> None:
    host = HostPlatform("linux", "x86_64", "gnu")
    items = [installed("3.12.8"), installed("3.13.1", variant="freethreaded")]
    assert satisfying(PythonRequest.parse("3.12"), host, items) == [items[0]]
    assert satisfying(PythonRequest.parse("3.13t"), host, items) == [items[1]]
    assert satisfying(PythonRequest.parse("3.14"), host, items) == []
    assert satisfying(PythonRequest.parse("3.12"), HostPlatform("macos", "aarch64", "none"), items) == []

"""A record of a bin link a run meant to make (`.temp/KEY.linking`, core/link_repair.py) that
another tool's install made stale: a pytui killed before its swap left it, then the real uv
installed the key with `--no-bin` before any pytui clean-up (or reinstalled it with `--no-bin`
after a pytui killed past its swap). The TUI said `missing: python3.12; i restores it` of an
install made without a bin link on purpose. The record names the install it was made for (the
staged directory, which the swap moves to the key's name); another install there settles it."""

from __future__ import annotations

import os
import subprocess

import pytest
from cli_harness import Pytui, key_of
from fixtures_root import UV
from pytui.app.gateway import MISSING_LINKS, CoreGateway
from pytui.core.link_repair import linking_record, missing_links
from pytui.core.settings import Settings
from step_hook import killed_at

pytestmark = pytest.mark.skipif(not UV.exists(), reason="uv is not installed beside the interpreter")


def _settings(pytui: Pytui) -> Settings:
    return Settings.resolve(install_dir=pytui.root, cache_dir=pytui.cache,
                            env={"UV_PYTHON_BIN_DIR": str(pytui.bin), "HOME": str(pytui.tmp)})


def _uv(pytui: Pytui, *args: str) -> None:
    # Offline, from the archive the killed pytui left in the cache (uv's name, uv's cache dir).
    env = pytui.env(UV_OFFLINE="1", UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"),
                    HOME=str(pytui.tmp))
    done = subprocess.run([str(UV), "python", "install", *args], env=env, capture_output=True,
                          text=True, timeout=120, cwd=pytui.tmp)
    assert done.returncode == 0, done.stderr


def _said_missing(pytui: Pytui) -> dict[str, str]:
    return {i.key: i.extra[MISSING_LINKS] for i in CoreGateway().list_installed(_settings(pytui))
            if MISSING_LINKS in i.extra}


@pytest.mark.parametrize("killed", ["before its swap", "after its swap"])
def test_a_record_another_tools_install_replaced_claims_no_missing_link(pytui: Pytui, killed: str) -> None:
    pytui.add("3.12.8")
    key = key_of("3.12.8")
    record = linking_record(pytui.root, key)
    if killed == "before its swap":
        killed_at(pytui, "pytui.core.install_root.InstallRoot/_swap_in", "install", "3.12")
        assert record.exists() and not (pytui.root / key).exists()
        _uv(pytui, "--no-bin", "3.12")
    else:
        killed_at(pytui, "pytui.core.install_root.InstallRoot/link_executables", "install", "3.12")
        assert record.exists() and (pytui.root / key).is_dir()
        # Until something else is installed there, the killed run's link is said missing.
        assert _said_missing(pytui) == {key: "python3.12"}
        _uv(pytui, "--reinstall", "--no-bin", "3.12")
    assert (pytui.root / key).is_dir() and not os.path.lexists(pytui.bin / "python3.12")
    assert missing_links(pytui.root, _settings(pytui), key) == []
    assert _said_missing(pytui) == {}
    # The clean-up settles it (it no longer waits for anything).
    assert CoreGateway().clean_root_temp(_settings(pytui))
    assert not os.path.lexists(record)

"""A root of thousands of installs (a hostile one: directories named as installs) kept the TUI
from its first frame for minutes: its listing asked each install's links about every other
install's key (link_repair.behind_links and lacking_links, through `installed`), n x n key
parses and comparisons (3,000 installs: more than 88 s of CPU, load ~20; 0.63 s now). The keys
are grouped by minor version once and parsed once. Counted here, not timed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytui.app.gateway import CoreGateway
from pytui.core.keys import InstallationKey
from pytui.core.settings import Settings

MANY = 150


def test_each_install_is_compared_only_with_its_own_minor_versions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    for minor in range(MANY):
        (root / f"cpython-3.{minor + 20}.0-linux-x86_64-gnu" / "bin").mkdir(parents=True)
    settings = Settings.resolve(env={**os.environ, "UV_PYTHON_INSTALL_DIR": str(root),
                                     "UV_PYTHON_BIN_DIR": str(tmp_path / "bin")})
    compared = 0
    same_minor = InstallationKey.same_minor

    def counting(self: InstallationKey, other: object) -> bool:
        nonlocal compared
        compared += 1
        return same_minor(self, other)  # type: ignore[arg-type]

    monkeypatch.setattr(InstallationKey, "same_minor", counting)
    listed = CoreGateway.__new__(CoreGateway).list_installed(settings)
    assert len(listed) == MANY
    assert compared <= 4 * MANY, compared  # was 2 * MANY * MANY

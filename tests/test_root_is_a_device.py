"""An install root or cache dir that is a device (`--install-dir /dev/null`) is said as one, with
the other way out only: the line said `remove it or pass another …`, advice to delete
/dev/null. A link to a device is the user's to remove, and still says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
@pytest.mark.parametrize("args", [("list",), ("install", "3.12")])
def test_a_device_as_the_root_is_not_to_be_removed(pytui: Pytui, device: str, args: tuple[str, ...]) -> None:
    pytui.add("3.12.8")
    line = assert_clean_failure(pytui.run(*args, UV_PYTHON_INSTALL_DIR=device))
    assert line == (f"error: the install root {device} is not a directory (a character device); "
                    "pass another with --install-dir or UV_PYTHON_INSTALL_DIR"), line


def test_a_link_to_a_device_is_the_users_to_remove(pytui: Pytui, tmp_path: Path) -> None:
    pytui.add("3.12.8")
    link = tmp_path / "root-link"
    link.symlink_to("/dev/null")
    line = assert_clean_failure(pytui.run("list", UV_PYTHON_INSTALL_DIR=str(link)))
    assert line == (f"error: the install root {link} is not a directory (a symbolic link to /dev/null, a "
                    "character device); remove it or pass another with --install-dir or UV_PYTHON_INSTALL_DIR")
    assert link.is_symlink() and Path("/dev/null").is_char_device()

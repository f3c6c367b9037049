"""A writable install root whose `.temp/`, or one install's directory, this user may not write
(their modes): the one line names that directory, not the root, whose permissions are fine.
Run as a user (tests/cli_harness.py `run_as_a_user`: root without CAP_DAC_OVERRIDE).

Before: `.temp/` at mode 000 ended `install` with the last line of defence, `error:
<root>/.temp: permission denied; check that path …` (the tidy before the jobs, `clean_temp`,
let its OSError out), and `uninstall` said `cannot write to the install root <root>`; an install
at mode 555 was `cannot write to the install root` for `uninstall` and `cannot move KEY into
<root>` for `install --reinstall`."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from cli_harness import Pytui, assert_clean_failure, key_of, snapshot


@pytest.fixture
def installed(pytui: Pytui) -> Pytui:
    pytui.add("3.12.8")
    pytui.add("3.13.1")
    pytui.call("install", "3.12")
    return pytui


@pytest.fixture
def temp_closed(installed: Pytui) -> Iterator[Pytui]:
    temp = installed.root / ".temp"
    os.chmod(temp, 0)
    try:
        yield installed
    finally:
        os.chmod(temp, 0o755)


def test_an_unwritable_staging_dir_is_named(temp_closed: Pytui) -> None:
    pytui = temp_closed
    temp = pytui.root / ".temp"
    before = snapshot(pytui.root, pytui.bin)
    said = f"cannot write to the install root's staging dir {temp}: permission denied; fix its permissions"
    for command, start in ((("install", "3.13"), f"error: failed to install {key_of('3.13.1')}: "),
                           (("install", "--reinstall", "3.12"), f"error: failed to install {key_of('3.12.8')}: "),
                           (("uninstall", "3.12"), f"error: cannot uninstall {key_of('3.12.8')}: ")):
        line = assert_clean_failure(pytui.run_as_a_user(*command))
        assert line.startswith(start + said), line
    assert snapshot(pytui.root, pytui.bin) == before


def test_an_unwritable_install_is_named(installed: Pytui) -> None:
    pytui = installed
    target = pytui.root / key_of("3.12.8")
    os.chmod(target, 0o555)
    try:
        before = snapshot(pytui.root, pytui.bin)
        line = assert_clean_failure(pytui.run_as_a_user("uninstall", "3.12"))
        assert line == (f"error: cannot uninstall {key_of('3.12.8')}: {target} is not writable (permission "
                        "denied), and moving it out of the root needs that; `chmod u+w` it and run the "
                        "command again; nothing was removed"), line
        line = assert_clean_failure(pytui.run_as_a_user("install", "--reinstall", "3.12"))
        assert line.startswith(f"error: failed to install {key_of('3.12.8')}: cannot replace {key_of('3.12.8')}: "
                               f"{target} is not writable (permission denied), and swapping it needs "
                               "that; `chmod u+w` it and run the command again"), line
        pytui.temp_left()
        assert snapshot(pytui.root, pytui.bin) == before
    finally:
        os.chmod(target, 0o755)

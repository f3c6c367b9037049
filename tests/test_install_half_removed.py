"""An install that a killed run left half removed: uv's `python install --reinstall` and
`python uninstall` delete the old tree in place (a reinstall renames the new one in after),
so uv killed there (SIGKILL at the N-th unlink, crash29's strace drive of the real uv) leaves
`<root>/<key>` with part of its files, its interpreter among those gone, and the bin link
dangling. uv then says the request is satisfied (and `uv python install` fails writing into
it); `pytui install` said "already installed" and nothing else, exit 0. It still does (the key
is there, as uv reads it), and says in one warning that the install has no interpreter and
which command installs it again; that command repairs it.

The state is made directly (the interpreter removed from a real install) rather than by
killing uv: the same bytes on disk, with no uv or strace in the suite's time.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, assert_installed


def test_an_install_without_its_interpreter_is_said_and_reinstall_repairs_it(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    key = made.build.key
    os.unlink(pytui.root / key / "bin" / "python3.12")  # as uv's killed deleter left it
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert f"Python 3.12 is already installed ({key})" in result.stderr, str(result)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any(f"{key} in {pytui.root} has no interpreter (bin/python3.12)" in line
               and f"`pytui install --reinstall {key}` installs it again" in line for line in warnings), str(result)
    repaired = pytui.run("install", "--reinstall", key)
    assert repaired.returncode == 0, str(repaired)
    assert_installed(pytui, made)
    again = pytui.run("install", "3.12")
    assert "no interpreter" not in again.stderr, str(again)

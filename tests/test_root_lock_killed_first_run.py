"""The first run on an install root makes its lock file `<root>/.lock`; killed (SIGKILL) between
making the file and linking it in as `.lock`, it left `<root>/.tmp<hex>`, an empty file no later
run removed (the lock file then exists, and nothing else makes or looks for such names). The
file is now made under no name (O_TMPFILE) and linked in, so such a kill leaves nothing.

The kill lands at the link through tests/step_hook.py.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, assert_installed
from step_hook import killed_at

LINKING_THE_LOCK = "str(args[1]).endswith('.lock')"


def test_a_first_run_killed_while_it_made_the_root_lock_leaves_nothing(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    killed_at(pytui, "os.link", "install", "3.12", when=LINKING_THE_LOCK)
    assert not os.path.lexists(pytui.root / ".lock")  # killed before the lock was in place
    assert [name for name in os.listdir(pytui.root) if name.startswith(".tmp")] == []
    pytui.call("install", "3.12")
    assert_installed(pytui, made)
    assert [name for name in os.listdir(pytui.root) if name.startswith(".tmp")] == []
    assert os.stat(pytui.root / ".lock").st_mode & 0o777 == 0o666  # as uv makes it

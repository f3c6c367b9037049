"""A `pytui list` killed (SIGKILL, the OOM killer) while storing its parsed catalog, between
writing `.<entry>.<pid>.tmp` and renaming it into place, left that temp file in the state dir
for ever (a whole parsed catalog each). Now the next store removes temps whose writer is gone;
one whose writer still runs is left to it.

The kill lands at the rename through tests/step_hook.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from cli_harness import Pytui
from step_hook import killed_at

STORING = "'/parsed/' in str(args[0]) and str(args[0]).endswith('.tmp')"


def _parsed_dir() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "pytui" / "parsed"


def test_a_store_killed_before_its_rename_leaves_nothing_after_the_next_store(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    killed_at(pytui, "os.replace", "list", when=STORING)
    left = [name for name in os.listdir(_parsed_dir()) if name.endswith(".tmp")]
    assert len(left) == 1, left
    live = _parsed_dir() / f".{left[0].split('.')[1]}.json.{os.getpid()}.tmp"
    live.write_bytes(b"a store still being written by a live process")

    pytui.add("3.11.9")  # a changed catalog: the next list stores a new entry
    again = pytui.run("list")
    assert again.returncode == 0 and "3.11.9" in again.stdout, str(again)
    names = os.listdir(_parsed_dir())
    assert left[0] not in names and live.name in names, names
    assert len([name for name in names if name.endswith(".json")]) == 1, names

"""The links a bin link's replacement makes aside (`RootLinking._replace_symlink`): made as
`<bin>/.link-<pid>-<hex>` and then renamed over (or exchanged with) the link. The bin dir is
not the root's `.temp/`, which every run cleans: a run killed between making one and the
rename left it in the user's bin dir for good (a hidden link, dangling once its install went).
The next run that links or unlinks there (`remove_stale`) removes those whose writer is gone,
looking once a run (the TUI: once a session).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

PREFIX = ".link-"
# The random part's hex digits: with the pid, what tells pytui's own temp link from anyone's file.
_RANDOM_DIGITS = 12
# The bin dirs this process has looked in: every build a run links looked again (a listing of
# ~/.local/bin per build, on the install from a kept tree too). Two jobs adding the same dir at
# once each look: harmless, so no lock.
_LOOKED_IN: set[str] = set()


def temp_name() -> str:
    return f"{PREFIX}{os.getpid()}-{os.urandom(_RANDOM_DIGITS // 2).hex()}"


def remove_stale(directory: Path) -> list[str]:
    """Remove the temp links killed runs left in `directory`: symlinks only, by pytui's names,
    whose writer is gone (or that are older than writer_pids.STALE_AFTER_NS); the names removed. Once a process
    per directory: a temp link a run killed later waits for the next run."""
    removed: list[str] = []
    where = os.path.abspath(directory)
    if where in _LOOKED_IN:
        return removed
    _LOOKED_IN.add(where)
    try:
        with os.scandir(directory) as scan:
            found = [entry for entry in scan if entry.name.startswith(PREFIX)]
    except OSError:
        return removed
    if not found:
        return removed
    # Imported only when there is a temp link to judge: every install links, and rarely finds one.
    from pytui.core.writer_pids import left_by_killed_writer, writer_pid

    now = time.time_ns()
    for entry in found:
        pid = writer_pid(entry.name[len(PREFIX):], _RANDOM_DIGITS)
        if pid is None or pid == os.getpid():
            continue
        try:
            if not entry.is_symlink():
                continue
            mtime_ns = entry.stat(follow_symlinks=False).st_mtime_ns
        except OSError:
            continue
        if left_by_killed_writer(pid, mtime_ns, now):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed

"""The directory walk behind the environment scan: find `pyvenv.cfg` and `.python-version` under
a project root, and on the next scan check the earlier walk instead of walking again.

- **Cold** (`envwalk_fresh.Walker`): down by file descriptor, each directory opened relative to
  its parent with O_NOFOLLOW, listed with scandir on the descriptor.
- **Warm** (`envwalk_recheck.Rechecker`): one `lstat` per recorded directory; only changed
  directories are listed again, only new ones walked.
- The record of a walk (`envtree.Tree`), its flags and bounds are shared by both and by the
  stored state (`env_state`).

Bounds: a depth limit, a time budget after which the walk stops and says it is partial (cold:
what was not visited is recorded as unlisted, so the next walk starts there; warm: what was not
checked is kept as it was and checked next time), and the (device, inode) of directories the
caller leaves out (install root, archive cache, tool dirs scanned on their own).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

from pytui.core.envtree import (
    ALL_FLAGS,
    LEAF_FLAGS,
    MAX_DEPTH_LIMIT,
    PIN,
    SETTLE_NS,
    SKIP_NAMES,
    UNLISTED,
    UNREADABLE,
    VENV,
    Tree,
    WalkResult,
)
from pytui.core.envwalk_fresh import OPEN_ROOT
from pytui.core.envwalk_recheck import Rechecker

__all__ = ["ALL_FLAGS", "LEAF_FLAGS", "MAX_DEPTH_LIMIT", "PIN", "SETTLE_NS", "SKIP_NAMES",
           "UNLISTED", "UNREADABLE", "VENV", "Tree", "WalkResult", "walk"]


def walk(root: str, *, max_depth: int, deadline: float, old: Tree | None = None,
         skip_ids: frozenset[tuple[int, int]] = frozenset(),
         skip_names: frozenset[str] = SKIP_NAMES,
         cancelled: Callable[[], bool] | None = None) -> WalkResult:
    """Walk `root` (followed if it is itself a symlink) down to `max_depth` levels below it.

    `old` is the previous walk of this root (checked by `env_state`: canonical order, no path
    leaving the root, nothing deeper than `max_depth`); `deadline` is a `time.monotonic()` value.
    """
    if not 0 <= max_depth <= MAX_DEPTH_LIMIT:
        raise ValueError(f"max_depth {max_depth} is outside 0..{MAX_DEPTH_LIMIT}")
    walker = Rechecker(max_depth, deadline, skip_ids, skip_names, cancelled)
    try:
        fd = os.open(root, OPEN_ROOT)
    except OSError as err:
        if err.errno in (errno.EACCES, errno.EPERM):
            walker.unreadable(root, None, "", follow=True)
        return walker.result(root)
    try:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) not in skip_ids:
            if old is not None and len(old) and old.inos[0] == st.st_ino:
                walker.revisit(fd, st, old)
            else:
                walker.fresh(fd, st, "", 0)
    finally:
        os.close(fd)
    return walker.result(root)

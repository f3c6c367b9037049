"""What killed runs left in a managed-Python root's `.temp/`: stages no process holds, an
install a reinstall killed mid-swap left aside (renamed back), an uninstall killed before it
updated the links (finished), records of links a killed run meant to make (kept until made).
InstallRoot's part (core/install_root.py), as its lock (core/root_lock.py) and links
(core/root_links.py) are.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from pytui.core.keys import parse_key
from pytui.core.link_repair import LINKING, MAX_LINKING_RECORDS, still_waits
from pytui.core.progress import CancelToken
from pytui.core.root_links import RootLinking
from pytui.core.root_lock import RootLocking, try_flock
from pytui.core.root_tree import remove_tree as _remove_tree

STAGE_PREFIX = "pytui-"
# An install being uninstalled, moved aside into `.temp/` as `<key>.removing-<hex>`.
UNINSTALLING = ".removing-"
# The old tree of a reinstall swapped by two renames (no atomic exchange), named so only while
# `<root>/<key>` may be missing: a kill in that window leaves the working install here.
SWAPPING = ".swapping-"


def restored_line(key: str) -> str:
    """What `clean_temp`'s `on_restored(key)` says: one line, for every caller alike."""
    return f"restored {key}: a reinstall killed half-way had left it moved aside; it is as before that reinstall"


class RootTempCleaning(RootLocking, RootLinking):
    """The tidying of `.temp/` (needs the root's lock and links: InstallRoot's bases)."""

    path: Path
    temp_dir: Path

    def clean_temp(self, *, cancel: CancelToken | None = None, bin_dir: Path | None = None,
                   on_finished: Callable[[str], None] | None = None,
                   on_restored: Callable[[str], None] | None = None) -> int:
        """Remove leftovers of killed runs from `.temp/`; return how many entries went.

        Holds the root lock, so uv's own temp dirs (which uv creates only under that lock)
        are never in use here; pytui stages in use (their `.lock` flocked) are skipped. An
        install a reinstall killed mid-swap left aside is renamed back (`on_restored(key)`);
        an uninstall killed before its links were updated is finished (`on_finished(key)`).
        """
        if not os.path.isdir(self.temp_dir):
            return 0
        removed = 0
        with self._writing(cancel=cancel):
            if os.path.islink(self.temp_dir):
                return 0  # a link to a directory that is not ours to empty
            try:
                entries = sorted(os.listdir(self.temp_dir))
            except FileNotFoundError:
                return 0
            entries = self._restore_swapped(entries, on_restored)
            for name in entries:
                key = name.partition(UNINSTALLING)[0] if UNINSTALLING in name else None
                if key and self._finish_uninstall(key, bin_dir) and on_finished is not None:
                    on_finished(key)
            names = set(entries)
            kept_records = 0
            for name in entries:
                path = self.temp_dir / name
                if name.endswith(".lock"):
                    base = name[: -len(".lock")]
                    try:
                        # Not followed, never blocking: a link, FIFO or directory is no lock.
                        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
                    except FileNotFoundError:
                        continue
                    except OSError:
                        fd = -1
                    try:
                        if fd >= 0 and stat.S_ISREG(os.fstat(fd).st_mode) and not try_flock(fd):
                            continue  # a live stage
                        _remove_tree(self.temp_dir / base)
                        _remove_tree(path)
                        removed += 1 + (base in names)
                    finally:
                        if fd >= 0:
                            os.close(fd)
                elif (name.endswith(LINKING) and kept_records < MAX_LINKING_RECORDS
                      and still_waits(self.path, name[: -len(LINKING)], bin_dir)):
                    kept_records += 1
                    continue  # a killed run's links: kept until they are made (core/link_repair.py)
                elif f"{name}.lock" not in names:
                    _remove_tree(path)
                    removed += 1
        return removed

    def _restore_swapped(self, entries: list[str], on_restored: Callable[[str], None] | None) -> list[str]:
        """Rename back each `<key>.swapping-…` whose `<root>/<key>` is missing: a reinstall
        without atomic exchange was killed between moving the old tree aside and moving the
        new one in (the root lock, held here, is held by every commit: none is live). Returns
        `entries` without those put back; a `.swapping-` tree whose key is there stays in
        them, the usual leftover."""
        left = []
        for name in entries:
            key, _, _ = name.partition(SWAPPING)
            path, target = self.temp_dir / name, self.path / key
            if (key != name and parse_key(key) is not None and not os.path.lexists(target)
                    and not os.path.islink(path) and os.path.isdir(path)):
                try:
                    os.rename(path, target)
                except OSError:
                    pass
                else:
                    if on_restored is not None:
                        on_restored(key)
                    continue
            left.append(name)
        return left

    def _finish_uninstall(self, key: str, bin_dir: Path | None) -> bool:
        """The links an uninstall of `key` killed after moving it aside (into `.temp/`, where a
        live uninstall deletes it before it lets the lock go) did not update: the minor-version
        link to the highest remaining patch or gone, bin links through it or into `key` that
        lead nowhere gone. True when something was left to do."""
        parts = parse_key(key)
        target = self.path / key
        if parts is None or os.path.lexists(target):
            return False
        minor = self.minor_link_path(parts)
        links: list[Path] = []
        if bin_dir is not None and self._highest(parts) is None:
            links = self.dangling_through_minor_link(parts, bin_dir, removed=target)
        stale = os.path.islink(minor) and not os.path.exists(minor)
        if not (stale or links):
            return False
        with contextlib.suppress(OSError):
            self.update_minor_link(parts, removed=target)
        for link in links:
            with contextlib.suppress(OSError):
                os.unlink(link)
        return True

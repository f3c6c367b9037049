"""What the kept pristine trees occupy, from their manifests (`TreeStore.sizes`): the cache's
total counts each tree's files by inode, once, as `du` does (core/root_tree.tree_size).

Apart from core/tree_store.py, which an install from a tree imports: totalling the cache is
the TUI's and `cache`'s work, never an install's.
"""

from __future__ import annotations

import os
import stat

from pytui.core.keys import TYPE_CHECKING
from pytui.core.tree_manifest import TreeCorrupt, TreeSizes, manifest_sizes

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from pytui.core.tree_store import TreeStore

    T = TypeVar("T")

# Manifests already read, by path, with the stat they had then and what was read of them: a
# manifest is never rewritten in place (a tree is replaced whole), so the same stat means the
# same contents. At most MAX_SIZES_READ in each memo.
MAX_SIZES_READ = 256
_SIZES_READ: dict[str, tuple[tuple[int, ...], TreeSizes | None]] = {}


def read_once(memo: dict[str, tuple[tuple[int, ...], T]], manifest: str, read: Callable[[], T]) -> T:
    """`read()` of the `manifest` at that path, done once per version of the file in this
    process (the TUI totals the cache, and looks for trees no archive uses, after every
    listing); OSError when the manifest cannot be stat'ed."""
    st = os.lstat(manifest)
    version = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = memo.get(manifest)
    if known is not None and known[0] == version:
        return known[1]
    value = read()
    if len(memo) >= MAX_SIZES_READ:
        memo.clear()
    memo[manifest] = (version, value)
    return value


def _manifest_sizes(store: TreeStore, sha256: str) -> TreeSizes | None:
    """`manifest_sizes` of the tree's manifest if it is this tree's, read once per version
    of the file in this process."""
    from pytui.core.tree_store import MANIFEST_NAME

    def read() -> TreeSizes | None:
        header, sizes = manifest_sizes(store._read_manifest(sha256))
        return sizes if header["sha256"] == sha256 else None

    return read_once(_SIZES_READ, os.path.join(store.path, sha256, MANIFEST_NAME), read)


def kept_tree_sizes(store: TreeStore) -> dict[str, tuple[int, dict[int, int]]]:
    """What each tree kept in `store` occupies, from its manifest, by the path of its `tree/`
    directory (`root_tree.tree_size`'s `summaries`): the bytes of its directories and links,
    and each file's size by inode. A tree whose manifest is missing, unreadable or not pytui's,
    or one of whose directories recorded without a size cannot be stat'ed, is left out (and
    walked). Trusts the manifest as `TreeStore.list` does: files are checked before each use
    and by `verify`, not here."""
    from pytui.core.tree_store import TREE_NAME, is_sha256

    found: dict[str, tuple[int, dict[int, int]]] = {}
    try:
        names = os.listdir(store.path)
    except OSError:
        return found
    for name in names:
        if not is_sha256(name):
            continue
        top = os.path.join(store.path, name, TREE_NAME)
        try:
            sizes = _manifest_sizes(store, name)
            if sizes is None:
                continue
            other = sizes.other
            for path in sizes.unsized:
                st = os.lstat(os.path.join(top, path))
                if not stat.S_ISDIR(st.st_mode):
                    raise TreeCorrupt(f"{path} is no longer a directory")
                other += st.st_size
        except (TreeCorrupt, OSError):
            continue
        found[top] = (other, sizes.files)
    return found

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
    from pytui.core.tree_store import TreeStore

# Manifests already read for their sizes, by path, with the stat they had then: a manifest is
# never rewritten in place (a tree is replaced whole), so the same stat means the same sizes.
MAX_SIZES_READ = 256
_SIZES_READ: dict[str, tuple[tuple[int, ...], TreeSizes]] = {}


def _manifest_sizes(store: TreeStore, sha256: str) -> TreeSizes | None:
    """`manifest_sizes` of the tree's manifest if it is this tree's, read once per version
    of the file in this process (the TUI totals the cache after every job)."""
    from pytui.core.tree_store import MANIFEST_NAME

    manifest = os.path.join(store.path, sha256, MANIFEST_NAME)
    st = os.lstat(manifest)
    version = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _SIZES_READ.get(manifest)
    if known is not None and known[0] == version:
        return known[1]
    header, sizes = manifest_sizes(store._read_manifest(sha256))
    if header["sha256"] != sha256:
        return None
    if len(_SIZES_READ) >= MAX_SIZES_READ:
        _SIZES_READ.clear()
    _SIZES_READ[manifest] = (version, sizes)
    return sizes


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

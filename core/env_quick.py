"""The quick scan: check what the last full walk found instead of checking the whole tree.

A full scan (`envs.scan`, every recorded directory's inode and times checked) writes a small
results file (`env_quick_state`). While that walk is younger than a max age, a quick scan:

- re-checks every known environment: its pyvenv.cfg's identity (read again if it changed) and,
  in `envs`, its interpreter resolved again (ok, broken, which key);
- re-checks every known `.python-version` the same way;
- stats every **watched** directory (each project root down to `HOT_DEPTH` levels, and every
  directory holding an environment or a pin) and lists again any whose inode or times moved:
  a new subdirectory there is walked as the full walk would walk it (`Walker`: by file
  descriptor, O_NOFOLLOW, skipped names, the depth limit), so a new project under ~/code, or a
  venv made in a known project, is found at once;
- never looks at the rest of the tree: a venv made deeper, in a directory nobody watches, is
  found by the next full walk (after the max age, on `--rescan`, and always before anything
  that could break an environment: uninstall's check, `uninstall --outdated`, upgrade).

Watched directories are opened one component at a time from the root's descriptor with
O_NOFOLLOW (parents shared along the way), so a directory swapped for a symlink since the walk
is not followed: it stops being watched, and the environments below it are not reported.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import compress
from operator import methodcaller

from pytui.core.env_files import (
    CFG_MAX_BYTES,
    PIN_MAX_BYTES,
    FileIdent,
    parse_pin,
    parse_pyvenv_cfg,
    read_regular,
)
from pytui.core.env_quick_state import (
    HOT_DEPTH,
    MAX_HOT_DIRS,
    MAX_UNREADABLE_KEPT,
    QuickRoot,
    QuickState,
    Watched,
    within_bounds,
)
from pytui.core.envtree import (
    LEAF_FLAGS,
    PIN,
    SETTLE_NS,
    SKIP_NAMES,
    UNLISTED,
    UNREADABLE,
    VENV,
    WORD_MASK,
    Tree,
)
from pytui.core.envwalk_fresh import CLOCK_EVERY, OPEN_DIR, OPEN_ROOT, Walker
from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.env_state import StoredWalk

_SLASHES = methodcaller("count", "/")
_NO_IDENT: FileIdent = (0, 0, 0, 0)
# A reading: the file's identity and what it says (None: not a readable regular file).
CfgReading = tuple[FileIdent, "dict[str, str] | None"]
PinReading = tuple[FileIdent, "str | None"]


def _key(rel: str) -> str:
    return rel.replace("/", "\x00")


def _depth(rel: str) -> int:
    return rel.count("/") + 1 if rel else 0


def _join(root: str, rel: str) -> str:
    if not rel:
        return root
    return (root if root.endswith("/") else root + "/") + rel


# -- what a full walk leaves for the quick scan ----------------------------------------------------


def from_full(*, full_at: float, install_root: str, depth: int, skip: str,
              walks: dict[str, StoredWalk], cfg: dict, pins: dict, tool_dirs: Iterable[str],
              unreadable: list[str]) -> QuickState | None:
    """The quick state after a full walk (`walks`, and the readings it kept), or None when it
    would hold more than the file's bounds (then there is no quick scan)."""
    state = QuickState(full_at, sum(len(w.tree) for w in walks.values()), install_root, depth, skip)
    hot_left = MAX_HOT_DIRS
    for root, walk in walks.items():
        tree = walk.tree
        if UNLISTED in tree.flags:
            return None  # a partial walk: nothing to be quick about
        quick = QuickRoot(tree.inos[0])
        paths, flags, keys = tree.paths, tree.flags, tree.keys()
        index: dict[str, int] | None = None
        wanted: set[int] = set()
        for i in tree.flagged():
            flag = flags[i]
            rel = paths[i]
            if flag & VENV:
                parent = rel.rpartition("/")[0]
                if index is None:
                    index = {path: n for n, path in enumerate(paths)}
                wanted.add(index[parent] if rel else 0)
                ident, fields = cfg.get(_join(root, rel), (_NO_IDENT, None))
                quick.venvs[rel] = (ident, fields)
            if flag & PIN:
                wanted.add(i)
                quick.pins[rel] = pins.get(os.path.join(_join(root, rel), ".python-version"),
                                           (_NO_IDENT, None))
        # The nearest levels first, as many as the bound allows.
        hot = sorted((_depth(paths[i]), i) for i in _hot_indices(paths))
        for _level, i in hot[:max(hot_left, 1)]:
            wanted.add(i)
        hot_left -= min(len(hot), hot_left)
        for i in sorted(wanted):
            quick.watched[paths[i]] = Watched(tree.inos[i], tree.mtimes[i], tree.ctimes[i],
                                              flags[i], _children(tree, keys, i))
        state.roots[root] = quick
    state.tools = {d: cfg[d] for d in tool_dirs if d in cfg}
    state.unreadable = unreadable[:MAX_UNREADABLE_KEPT]
    state.unreadable_more = len(unreadable) - len(state.unreadable)
    return state if within_bounds(state) else None


def _hot_indices(paths: list[str]) -> list[int]:
    """Indices of the directories at most HOT_DEPTH levels below the root ("a/b" is 2 levels
    down and holds one `/`; the root "" none), in C-level passes."""
    return list(compress(range(len(paths)), map(HOT_DEPTH.__gt__, map(_SLASHES, paths))))


def _children(tree: Tree, keys: list[str], i: int) -> list[str]:
    """The names of node i's children in a walk (its subtree is one slice of the sorted keys)."""
    if tree.flags[i] & LEAF_FLAGS:
        return []
    n = len(tree)
    end = n if i == 0 else bisect_left(keys, keys[i] + "\x01", i + 1, n)
    names: list[str] = []
    j = i + 1
    while j < end:
        names.append(tree.paths[j].rpartition("/")[2])
        j = bisect_left(keys, keys[j] + "\x01", j + 1, end)
    return names


# -- the quick check -------------------------------------------------------------------------------


class QuickFound:
    """What a quick check found: readings by absolute path, and the state to keep."""

    def __init__(self, unreadable: list[str]) -> None:
        self.venvs: dict[str, CfgReading] = {}      # project venvs by directory
        self.pins: dict[str, PinReading] = {}       # by the .python-version's path
        self.unreadable = unreadable
        self.listed = 0            # watched directories listed again (and new ones walked)
        self.watched = 0           # watched directories checked
        self.partial = False
        self.state: QuickState | None = None


class RootMoved(Exception):
    """A project root is missing or another directory now: only a full walk can say more."""


def check(state: QuickState, *, max_depth: int, deadline: float,
          skip_ids: frozenset[tuple[int, int]],
          cancelled: Callable[[], bool] | None = None) -> QuickFound:
    """Check the known environments and the watched directories of `state` (raises RootMoved)."""
    found = QuickFound(unreadable=list(state.unreadable))
    started_ns = time.time_ns()
    new_roots: dict[str, QuickRoot] = {}
    for root, quick in state.roots.items():
        try:
            fd = os.open(root, OPEN_ROOT)
        except OSError:
            raise RootMoved(root) from None
        try:
            st = os.fstat(fd)
            if st.st_ino != quick.ino or (st.st_dev, st.st_ino) in skip_ids:
                raise RootMoved(root)
            checker = _RootCheck(root, fd, quick, found, Walker(max_depth, deadline, skip_ids,
                                                                SKIP_NAMES, cancelled),
                                 max_depth, started_ns)
            new_roots[root] = checker.run()
        finally:
            os.close(fd)
    found.unreadable = list(dict.fromkeys(found.unreadable))
    found.state = QuickState(state.full_at, state.dirs, state.install_root, state.depth,
                             state.skip, new_roots, dict(state.tools),
                             found.unreadable[:MAX_UNREADABLE_KEPT], state.unreadable_more)
    return found


def read_cfg_at(dir_fd: int, ident: FileIdent, known: CfgReading | None) -> CfgReading:
    """The reading of `pyvenv.cfg` in the directory open as `dir_fd` (reused while its identity
    is the one known)."""
    if known is not None and known[0] == ident:
        return known
    data = read_regular("pyvenv.cfg", CFG_MAX_BYTES, dir_fd=dir_fd)
    return ident, None if data is None else parse_pyvenv_cfg(data)


def _ident_at(name: str, dir_fd: int) -> FileIdent | None:
    try:
        st = os.stat(name, dir_fd=dir_fd)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size, st.st_ctime_ns)


class _RootCheck:
    """One project root's watched directories and known environments, checked in preorder
    with the open parents kept on a stack."""

    def __init__(self, root: str, root_fd: int, quick: QuickRoot, found: QuickFound,
                 walker: Walker, max_depth: int, started_ns: int) -> None:
        self.root, self.quick, self.found, self.walker = root, quick, found, walker
        self.max_depth = max_depth
        self.settled_before = started_ns - SETTLE_NS
        self.stack: list[tuple[str, int]] = [("", root_fd)]
        self.out = QuickRoot(quick.ino)
        # Known venvs by the watched directory holding them ("" in "": the root is a venv).
        self.venvs_in: dict[str, list[str]] = {}
        for rel in quick.venvs:
            parent, _, name = rel.rpartition("/")
            self.venvs_in.setdefault(parent if rel else "", []).append(name)

    def run(self) -> QuickRoot:
        try:
            for count, rel in enumerate(sorted(self.quick.watched, key=_key), 1):
                if not self.walker.stopped and not count % CLOCK_EVERY and self.walker._out_of_time():
                    self.walker.stopped = True
                if self.walker.stopped:
                    self.found.partial = True
                    self._keep_unchecked(rel)
                    continue
                self._check(rel, self.quick.watched[rel])
        finally:
            for _rel, fd in self.stack[1:]:
                os.close(fd)
            del self.stack[1:]
        self._add_walked()
        return self.out

    def _keep_unchecked(self, rel: str) -> None:
        """The budget ran out: kept as it was (its environments as known), checked next time."""
        self.out.watched[rel] = self.quick.watched[rel]
        for name in self.venvs_in.get(rel, ()):
            venv = f"{rel}/{name}" if rel and name else rel or name
            self.out.venvs[venv] = self.quick.venvs[venv]
            self.found.venvs[_join(self.root, venv)] = self.quick.venvs[venv]
        if rel in self.quick.pins:
            self.out.pins[rel] = self.quick.pins[rel]
            self.found.pins[os.path.join(_join(self.root, rel), ".python-version")] = self.quick.pins[rel]

    def _open(self, rel: str) -> int:
        """`rel` opened from the root one component at a time, none followed if it is a link
        (the parents stay open for the next ones); -1 when it cannot be."""
        stack = self.stack
        while len(stack) > 1 and not (rel == stack[-1][0] or rel.startswith(stack[-1][0] + "/")):
            os.close(stack.pop()[1])
        top = stack[-1][0]
        if rel == top:
            return stack[-1][1]
        rest = rel[len(top) + 1:] if top else rel
        for part in rest.split("/"):
            here = f"{stack[-1][0]}/{part}" if stack[-1][0] else part
            try:
                fd = os.open(part, OPEN_DIR, dir_fd=stack[-1][1])
            except PermissionError:
                if here == rel:
                    self.found.unreadable.append(_join(self.root, rel))
                return -1
            except OSError:
                return -1  # gone, or no longer a directory (ELOOP: a symlink now)
            stack.append((here, fd))
        return stack[-1][1]

    def _check(self, rel: str, watched: Watched) -> None:
        fd = self._open(rel)
        if fd < 0:
            return  # gone: it and what it held are not reported (the full walk says more)
        found = self.found
        found.watched += 1
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) in self.walker.skip_ids:
            return
        mtime, ctime = st.st_mtime_ns & WORD_MASK, st.st_ctime_ns & WORD_MASK
        flags, names = watched.flags, watched.names
        if (st.st_ino, mtime, ctime) != (watched.ino, watched.mtime, watched.ctime):
            listed = self._list_again(rel, fd, st.st_ino, watched)
            if listed is None:
                self.out.watched[rel] = watched  # unreadable now: listed again next time
                self._known_in(rel, fd, flags, set(names))
                return
            flags, names = listed
            if ctime >= self.settled_before & WORD_MASK:
                ctime = 0  # changed within a clock tick of this check: listed again next time
            if self.walker.stopped:
                # Its new subdirectories were not all walked: kept as it was, so the next
                # check lists it again.
                self.out.watched[rel] = watched
            else:
                self.out.watched[rel] = Watched(st.st_ino, mtime, ctime, flags, names)
        else:
            self.out.watched[rel] = watched
        self._known_in(rel, fd, flags, set(names))

    def _list_again(self, rel: str, fd: int, ino: int,
                    watched: Watched) -> tuple[int, list[str]] | None:
        """List a watched directory that changed and walk its new subdirectories; its flags and
        subdirectory names now, or None when it cannot be listed."""
        self.found.listed += 1
        flags, subdirs = self.walker._list(fd)
        if flags & UNREADABLE:
            self.found.unreadable.append(_join(self.root, rel))
            return None
        depth = _depth(rel)
        if flags & VENV or depth >= self.max_depth:
            return flags, []
        known = set(watched.names) if ino == watched.ino and not watched.flags & VENV else set()
        new = [name for name in subdirs if name not in known]
        if new:
            prefix = rel + "/" if rel else ""
            self.walker._fresh_children(fd, new, prefix, depth + 1)
            if self.walker.stopped:
                self.found.partial = True
        return flags, subdirs

    def _known_in(self, rel: str, fd: int, flags: int, names: set[str]) -> None:
        """Check the known venvs in the watched directory `rel` (open as `fd`) and its pin."""
        found, root = self.found, self.root
        for name in self.venvs_in.get(rel, ()):
            venv = f"{rel}/{name}" if rel and name else rel or name
            if name and name not in names:
                continue  # no longer there
            if name:
                try:
                    venv_fd = os.open(name, OPEN_DIR, dir_fd=fd)
                except OSError:
                    continue
            else:
                venv_fd = fd
            try:
                ident = _ident_at("pyvenv.cfg", venv_fd)
                if ident is None:
                    continue  # not a venv any more
                reading = read_cfg_at(venv_fd, ident, self.quick.venvs[venv])
            finally:
                if venv_fd != fd:
                    os.close(venv_fd)
            self.out.venvs[venv] = reading
            found.venvs[_join(root, venv)] = reading
        if flags & VENV and rel not in self.quick.venvs:
            # The watched directory itself became a venv.
            ident = _ident_at("pyvenv.cfg", fd)
            if ident is not None:
                reading = read_cfg_at(fd, ident, None)
                self.out.venvs[rel] = reading
                found.venvs[_join(root, rel)] = reading
                if rel:
                    self._watch_parent_of(rel)
        if flags & PIN:
            ident = _ident_at(".python-version", fd)
            if ident is not None:
                known = self.quick.pins.get(rel)
                if known is not None and known[0] == ident:
                    pin = known
                else:
                    data = read_regular(".python-version", PIN_MAX_BYTES, dir_fd=fd)
                    pin = (ident, None if data is None else parse_pin(data))
                self.out.pins[rel] = pin
                found.pins[os.path.join(_join(root, rel), ".python-version")] = pin

    def _watch_parent_of(self, rel: str) -> None:
        parent = rel.rpartition("/")[0]
        if parent not in self.out.watched and parent in self.quick.watched:
            self.out.watched[parent] = self.quick.watched[parent]

    def _add_walked(self) -> None:
        """What the walks of new directories found: their venvs and pins, and the directories
        to watch from now on (new ones near the root, and those holding an environment)."""
        result = self.walker.result(self.root)
        tree = result.tree
        if not len(tree):
            return
        found, out = self.found, self.out
        found.unreadable += result.unreadable
        found.venvs.update({d: _read_cfg_path(d) for d in result.venvs})
        found.pins.update({p: _read_pin_path(p) for p in result.pins})
        paths, flags = tree.paths, tree.flags
        at = {path: i for i, path in enumerate(paths)}
        wanted = [i for i in range(len(tree)) if _depth(paths[i]) <= HOT_DEPTH or flags[i] & PIN]
        for i in tree.flagged():
            if flags[i] & VENV:
                rel = paths[i]
                out.venvs[rel] = found.venvs[_join(self.root, rel)]
                parent = rel.rpartition("/")[0]
                if parent in at:
                    wanted.append(at[parent])
            if flags[i] & PIN:
                out.pins[paths[i]] = found.pins[os.path.join(_join(self.root, paths[i]), ".python-version")]
        children: dict[str, list[str]] = {}
        for path in paths:
            parent, _, name = path.rpartition("/")
            children.setdefault(parent, []).append(name)
        for i in set(wanted):
            if flags[i] & (UNREADABLE | UNLISTED):
                continue
            out.watched[paths[i]] = Watched(tree.inos[i], tree.mtimes[i], tree.ctimes[i], flags[i],
                                            [] if flags[i] & LEAF_FLAGS
                                            else sorted(children.get(paths[i], [])))
        # Keep the preorder the next check opens them in.
        out.watched = dict(sorted(out.watched.items(), key=lambda item: _key(item[0])))


def _read_cfg_path(env_dir: str) -> CfgReading:
    from pytui.core.env_files import file_ident

    path = os.path.join(env_dir, "pyvenv.cfg")
    ident = file_ident(path)
    if ident is None:
        return _NO_IDENT, None
    data = read_regular(path, CFG_MAX_BYTES)
    return ident, None if data is None else parse_pyvenv_cfg(data)


def _read_pin_path(path: str) -> PinReading:
    from pytui.core.env_files import file_ident

    ident = file_ident(path)
    data = read_regular(path, PIN_MAX_BYTES) if ident is not None else None
    return ident or _NO_IDENT, None if data is None else parse_pin(data)

"""The quick scan's small results file, `<state dir>/envs-quick.json`: what the last full walk
found and the few directories a quick scan looks at again, kept apart from the big per-directory
walk state (`env_state`) so that reading it costs milliseconds.

It holds, for the scan settings it was made with (install root, depth, left-out directories,
project roots): the time of the last full walk (`full_at`, seconds since the epoch) and how many
directories it checked; for each project root, its inode, the **watched** directories (the root
down to `HOT_DEPTH` levels, and every directory holding an environment or a pin), each with its
inode, mtime, ctime, flags and subdirectory names, and the readings of the pyvenv.cfg and
.python-version files found below it; the readings of the tool environments' pyvenv.cfg; and
the unreadable directories the walk met.

It is pytui's own file and still input: read only when a regular file (not through a symlink)
of at most `QUICK_MAX_BYTES`, ending in a CRC-32 line of the rest (core/sealed.py: a bit
flipped in a kept pyvenv.cfg reading would otherwise make a broken venv read as fine); every
field must have exactly its type and range; every path
below a root must be relative, made of single components (no `.`, `..`, empty part, NUL or
skipped name), no deeper than the walk's depth; each venv or pin must sit in a watched
directory; no path, name or reading may hold a lone surrogate (JSON can, no file name does).
Anything else and the file is refused with one line saying why: the scan then checks the whole
tree and writes a good one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import stat
from pathlib import Path

from pytui.core.atomic import write_atomic
from pytui.core.bounded_read import read_at_most
from pytui.core.env_files import CFG_KEYS, CFG_VALUE_MAX, PIN_TEXT_MAX, FileIdent, is_file_text
from pytui.core.env_places import MAX_SCAN_PATHS
from pytui.core.envtree import ALL_FLAGS, MAX_DEPTH_LIMIT, SKIP_NAMES
from pytui.core.json_bounds import COST_PER_STRING, COST_PER_VALUE
from pytui.core.json_bounds import too_costly as _too_costly
from pytui.core.record import Record
from pytui.core.sealed import seal, unseal

QUICK_FILE = "envs-quick.json"
FORMAT = "pytui-envs-quick-1"
QUICK_MAX_BYTES = 8 * 1024 * 1024
# Levels below each project root whose directories are watched (the root is level 0): a new
# project under ~/code (level 2) is seen by the next quick scan.
HOT_DEPTH = 2
# Bounds on what the file holds. Hot directories beyond MAX_HOT_DIRS (the nearest levels are
# kept) are not watched: new projects there are found by the next full walk. A walk that found
# more than MAX_KNOWN environments and pins leaves no quick file: every scan is a full one.
MAX_HOT_DIRS = 4096
MAX_KNOWN = 50_000
MAX_WATCHED = MAX_HOT_DIRS + MAX_KNOWN
MAX_WATCHED_NAMES = 200_000
MAX_UNREADABLE_KEPT = 1000
_MAX_INT = (1 << 64) - 1
# What decoding a file may cost, estimated before it is decoded (json_bounds.decode_cost): at
# most this many times its size, plus its names' share (MAX_WATCHED_NAMES short strings), for
# a file past json_bounds.FREE_BYTES. The file of a 75,841-directory scan (466 environments,
# 215 KB) estimates 3.4x, its watched directories 3.9x (5.0x the densest: `["opt",719,…,0,[]]`),
# venvs 2.6x, pins 2.5x (30,000 venvs with short readings 5.1x; 4,096 watched directories
# named by a letter or two with small inodes 5.4x); a planted 8 MiB of `"ab",` 12.8x, which
# decoded took `pytui envs` to 157 MB (31 MB refused unread; 14 MB without the file). What
# passes (with at most one object per 64 bytes) takes it to at most ~112 MB at QUICK_MAX_BYTES.
QUICK_MAX_COST_RATIO = 6
_NAMES_COST = MAX_WATCHED_NAMES * (COST_PER_VALUE + COST_PER_STRING)


class Watched(Record):
    """A directory a quick scan stats again: when its inode or times moved, it is listed again
    and its new subdirectories are walked. `names`: its subdirectories when last listed
    (sorted; skipped names left out)."""

    __slots__ = ("ino", "mtime", "ctime", "flags", "names")
    ino: int
    mtime: int
    ctime: int
    flags: int
    names: list[str]

    def __init__(self, ino: int, mtime: int, ctime: int, flags: int, names: list[str]) -> None:
        self.ino, self.mtime, self.ctime, self.flags, self.names = ino, mtime, ctime, flags, names


class QuickRoot(Record):
    """One project root: its inode, the watched directories by path below it, the pyvenv.cfg
    readings by the venv's path below it ("" when the root is a venv; fields None when it was
    not a readable regular file, so the environment is broken), and the .python-version
    readings by the path of the directory holding the file."""

    __slots__ = ("ino", "watched", "venvs", "pins")
    ino: int
    watched: dict[str, Watched]
    venvs: dict[str, tuple[FileIdent, dict[str, str] | None]]
    pins: dict[str, tuple[FileIdent, str | None]]

    def __init__(self, ino: int, watched: dict[str, Watched] | None = None,
                 venvs: dict[str, tuple[FileIdent, dict[str, str] | None]] | None = None,
                 pins: dict[str, tuple[FileIdent, str | None]] | None = None) -> None:
        self.ino = ino
        self.watched = {} if watched is None else watched
        self.venvs = {} if venvs is None else venvs
        self.pins = {} if pins is None else pins


class QuickState(Record):
    """`full_at`: when the last full walk started (seconds since the epoch, by the scan's
    clock); `dirs`: how many directories it checked; the settings it was made with; the roots;
    the tool environments' readings; the unreadable directories it met (the first
    MAX_UNREADABLE_KEPT, and how many more)."""

    __slots__ = ("full_at", "dirs", "install_root", "depth", "skip", "roots", "tools",
                 "unreadable", "unreadable_more")
    full_at: float
    dirs: int
    install_root: str
    depth: int
    skip: str
    roots: dict[str, QuickRoot]
    tools: dict[str, tuple[FileIdent, dict[str, str] | None]]
    unreadable: list[str]
    unreadable_more: int

    def __init__(self, full_at: float, dirs: int, install_root: str, depth: int, skip: str,
                 roots: dict[str, QuickRoot] | None = None,
                 tools: dict[str, tuple[FileIdent, dict[str, str] | None]] | None = None,
                 unreadable: list[str] | None = None, unreadable_more: int = 0) -> None:
        self.full_at, self.dirs, self.install_root = full_at, dirs, install_root
        self.depth, self.skip = depth, skip
        self.roots = {} if roots is None else roots
        self.tools = {} if tools is None else tools
        self.unreadable = [] if unreadable is None else unreadable
        self.unreadable_more = unreadable_more


class QuickFileRefused(ValueError):
    """The quick file exists but is not one pytui wrote (the message says why, briefly)."""


# -- reading ---------------------------------------------------------------------------------------


def read_quick(path: Path) -> QuickState | None:
    """The quick state, None when there is none; raises QuickFileRefused when it is unusable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise QuickFileRefused("it is a symlink") from None
        raise QuickFileRefused(err.strerror or str(err)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise QuickFileRefused("not a regular file")
        if st.st_size > QUICK_MAX_BYTES:
            raise QuickFileRefused(f"larger than {QUICK_MAX_BYTES // (1024 * 1024)} MiB")
        # One byte more than the bound tells a file that grew past it.
        data = read_at_most(fd, QUICK_MAX_BYTES + 1, st.st_size + 1)
    except OSError as err:
        raise QuickFileRefused(err.strerror or str(err)) from None
    finally:
        os.close(fd)
    if len(data) > QUICK_MAX_BYTES:
        raise QuickFileRefused(f"larger than {QUICK_MAX_BYTES // (1024 * 1024)} MiB")
    body = unseal(data)
    if body is None:
        raise QuickFileRefused("its checksum does not match (truncated, damaged or written "
                               "by another version)")
    if too_costly(body):
        raise QuickFileRefused("it holds more values for its size than pytui writes (damaged "
                               "or planted)")
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        raise QuickFileRefused("not the JSON pytui writes (truncated or damaged)") from None
    return parse_quick(raw)


def too_costly(body: bytes) -> bool:
    """Whether decoding `body` would cost more than QUICK_MAX_COST_RATIO allows."""
    return _too_costly(body, QUICK_MAX_COST_RATIO, _NAMES_COST)


def _refuse(what: str) -> QuickFileRefused:
    return QuickFileRefused(what)


def _is_int(value: object, low: int = 0, high: int = _MAX_INT) -> bool:
    return type(value) is int and low <= value <= high  # bool is not an int here


def _abs_path(value: object) -> bool:
    return (isinstance(value, str) and os.path.isabs(value) and "\x00" not in value
            and os.path.normpath(value) == value and is_file_text(value))


def _rel_ok(rel: object, depth: int) -> bool:
    """A path below a root as a walk records it: "" (the root) or single components joined by
    `/`, none empty, `.`, `..` or a skipped name, at most `depth` of them."""
    if not isinstance(rel, str) or "\x00" in rel or not is_file_text(rel):
        return False
    if rel == "":
        return True
    parts = rel.split("/")
    return (len(parts) <= depth and all(p not in ("", ".", "..") for p in parts)
            and SKIP_NAMES.isdisjoint(parts))


def _name_ok(name: object) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\x00" not in name and name not in SKIP_NAMES and is_file_text(name))


def _ident(value: object) -> FileIdent:
    if not (isinstance(value, list) and len(value) == 4
            and all(_is_int(v, -(1 << 63), _MAX_INT) for v in value)):
        raise _refuse("a file identity of the wrong form")
    return (value[0], value[1], value[2], value[3])


def _cfg(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    if not (isinstance(value, dict) and all(
            k in CFG_KEYS and isinstance(v, str) and len(v) <= CFG_VALUE_MAX and is_file_text(v)
            for k, v in value.items())):
        raise _refuse("a pyvenv.cfg reading of the wrong form")
    return value


def _dict(value: object, keys: set[str], what: str) -> dict:
    if not isinstance(value, dict) or set(value) != keys:
        raise _refuse(f"{what} is not what pytui writes")
    return value


def _list(value: object, limit: int, what: str) -> list:
    if not isinstance(value, list) or len(value) > limit:
        raise _refuse(f"{what}: not a list of at most {limit:,} entries")
    return value


_TOP = {"format", "full_at", "dirs", "install_root", "depth", "skip", "roots", "tools",
        "unreadable", "unreadable_more"}
_ROOT = {"root", "ino", "watched", "venvs", "pins"}


def parse_quick(raw: object) -> QuickState:
    """The quick state from its JSON form; QuickFileRefused naming the first thing that is off."""
    top = _dict(raw, _TOP, "its top level")
    if top["format"] != FORMAT:
        raise _refuse(f"format {str(top['format'])[:40]!r}, not {FORMAT}")
    full_at = top["full_at"]
    if type(full_at) not in (int, float) or not math.isfinite(full_at) or full_at <= 0:
        raise _refuse("the time of the last full walk is not a time")
    depth = top["depth"]
    if not (_is_int(top["dirs"]) and _is_int(depth, 0, MAX_DEPTH_LIMIT)
            and _abs_path(top["install_root"]) and isinstance(top["skip"], str)
            and len(top["skip"]) <= 64 * 1024 and _is_int(top["unreadable_more"])):
        raise _refuse("a count, depth or setting of the wrong type")
    state = QuickState(float(full_at), top["dirs"], top["install_root"], depth, top["skip"])
    for entry in _list(top["roots"], MAX_SCAN_PATHS, "roots"):
        root, quick_root = _parse_root(entry, depth)
        if root in state.roots:
            raise _refuse("a root recorded twice")
        state.roots[root] = quick_root
    for item in _list(top["tools"], MAX_KNOWN, "tool environments"):
        if not (isinstance(item, list) and len(item) == 3 and _abs_path(item[0])):
            raise _refuse("a tool environment that is not an absolute path")
        state.tools[item[0]] = (_ident(item[1]), _cfg(item[2]))
    unreadable = _list(top["unreadable"], MAX_UNREADABLE_KEPT, "unreadable directories")
    if not all(map(_abs_path, unreadable)):
        raise _refuse("an unreadable directory that is not an absolute path")
    state.unreadable = list(unreadable)
    if not within_bounds(state):
        raise _refuse("more watched directories or environments than pytui keeps")
    return state


def _parse_root(entry: object, depth: int) -> tuple[str, QuickRoot]:
    entry = _dict(entry, _ROOT, "a root's entry")
    root = entry["root"]
    if not _abs_path(root) or not _is_int(entry["ino"]):
        raise _refuse("a root that is not an absolute path")
    quick_root = QuickRoot(entry["ino"])
    for item in _list(entry["watched"], MAX_WATCHED, "watched directories"):
        if not (isinstance(item, list) and len(item) == 6 and _rel_ok(item[0], depth)
                and all(_is_int(v) for v in item[1:4]) and _is_int(item[4], 0, ALL_FLAGS)
                and isinstance(item[5], list) and len(item[5]) <= MAX_WATCHED_NAMES
                and all(map(_name_ok, item[5]))):
            raise _refuse("a watched directory of the wrong form (or a path leaving its root)")
        if item[0] in quick_root.watched:
            raise _refuse("a watched directory recorded twice")
        quick_root.watched[item[0]] = Watched(item[1], item[2], item[3], item[4], list(item[5]))
    if "" not in quick_root.watched:
        raise _refuse("a root that is not watched")
    for item in _list(entry["venvs"], MAX_KNOWN, "venvs"):
        if not (isinstance(item, list) and len(item) == 3 and _rel_ok(item[0], depth)
                and (item[0] == "" or item[0].rpartition("/")[0] in quick_root.watched)):
            raise _refuse("a venv outside the watched directories (or a path leaving its root)")
        quick_root.venvs[item[0]] = (_ident(item[1]), _cfg(item[2]))
    for item in _list(entry["pins"], MAX_KNOWN, "pins"):
        # (A pin's directory is a string before it is looked up: a list is unhashable.)
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                and item[0] in quick_root.watched
                and (item[2] is None or (isinstance(item[2], str) and len(item[2]) <= PIN_TEXT_MAX
                                         and is_file_text(item[2])))):
            raise _refuse("a pin outside the watched directories, or of the wrong form")
        quick_root.pins[item[0]] = (_ident(item[1]), item[2])
    return root, quick_root


def within_bounds(state: QuickState) -> bool:
    """Whether `state` fits the bounds its reader checks."""
    watched = sum(len(q.watched) for q in state.roots.values())
    known = sum(len(q.venvs) + len(q.pins) for q in state.roots.values())
    names = sum(len(w.names) for q in state.roots.values() for w in q.watched.values())
    return (watched <= MAX_WATCHED and known <= MAX_KNOWN and names <= MAX_WATCHED_NAMES
            and len(state.tools) <= MAX_KNOWN)


# -- writing ---------------------------------------------------------------------------------------


def encode_quick(state: QuickState) -> bytes:
    return seal(_body(state))


def _body(state: QuickState) -> bytes:
    return (json.dumps({
        "format": FORMAT, "full_at": state.full_at, "dirs": state.dirs,
        "install_root": state.install_root, "depth": state.depth, "skip": state.skip,
        "roots": [{"root": root, "ino": q.ino,
                   "watched": [[rel, w.ino, w.mtime, w.ctime, w.flags, w.names]
                               for rel, w in q.watched.items()],
                   "venvs": [[rel, list(ident), fields] for rel, (ident, fields) in q.venvs.items()],
                   "pins": [[rel, list(ident), text] for rel, (ident, text) in q.pins.items()]}
                  for root, q in state.roots.items()],
        "tools": [[path, list(ident), fields] for path, (ident, fields) in state.tools.items()],
        "unreadable": state.unreadable, "unreadable_more": state.unreadable_more,
    }, separators=(",", ":")).encode("utf-8", "surrogateescape"))


def save_quick(path: Path, state: QuickState) -> None:
    """Write the quick state (a cache: a scan whose results cannot be kept is still a scan).
    A file its reader would refuse (past QUICK_MAX_BYTES, or costlier to decode than it takes:
    ~420 venvs whose pyvenv.cfg give the five keys kept 4 KiB each pass 8 MiB) is not
    written, and an older one is removed: every later scan said `ignored …: larger than
    8 MiB` and walked the whole tree; now they walk it without a line."""
    with contextlib.suppress(OSError, ValueError):
        body = _body(state)
        data = seal(body)
        if len(data) > QUICK_MAX_BYTES or too_costly(body):
            drop_quick(path)
            return
        write_atomic(path, data, fsync=False, make_parents=True)


def drop_quick(path: Path) -> None:
    """Remove the quick state (the last full walk was partial: no quick scan until one ends)."""
    with contextlib.suppress(OSError):
        path.unlink()

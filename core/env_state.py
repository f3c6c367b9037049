"""The environment scan's stored state, `<state dir>/envs-scan.bin`: the walk of each project
root (`envtree.Tree`) and the readings of pyvenv.cfg and .python-version files, each with the
identity of what it describes, so the next scan checks instead of listing and reading.

It is pytui's own file and still input. It is read only when regular and at most
`STATE_MAX_BYTES`; a digest of its body must match; every field must have exactly its type and
range; a walk's paths must be relative, single-component steps (no `.`, `..`, empty part or
NUL), in canonical order, each below a recorded parent, no deeper than the depth it was walked
to, and nothing recorded below a venv. Anything else and the whole file is discarded: the scan
starts cold and writes a good one. A walk is used only for the root path, depth and left-out
directories it was made with, and only while the root is the same directory (inode); every node
is checked against the filesystem again before its subtree is trusted.

Layout (the numbers are compact to read and check: 100,000 directories load in milliseconds):

    b"pytui-envs-3\\n"                 magic
    8 bytes, little-endian            header length
    header                            JSON: byteorder, digest of the body, walks (root, depth,
                                      skip, nodes, paths_bytes), cfg and pins readings
    body, for each walk in order      inodes, mtimes, ctimes (8 bytes each, unsigned),
                                      flags (1 byte each), paths below the root (UTF-8 with
                                      surrogate escapes, NUL-separated)
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import sys
from array import array
from dataclasses import dataclass, field
from itertools import compress, islice
from operator import itemgetter, lt, methodcaller
from pathlib import Path

from pytui.core.atomic import write_atomic
from pytui.core.env_files import (
    CFG_KEYS,
    CFG_VALUE_MAX,
    PIN_TEXT_MAX,
    FileIdent,
    file_ident,
    is_file_text,
    read_open,
)
from pytui.core.envtree import ALL_FLAGS, LEAF_FLAGS, MAX_DEPTH_LIMIT, SKIP_NAMES, STATE_FILE, Tree
from pytui.core.json_bounds import too_costly

__all__ = ["STATE_FILE", "StoredScan", "StoredWalk", "encode_state", "forget", "load_state",
           "save_state"]
# Earlier formats' files, removed when a new state is written.
OLD_STATE_FILES = ("envs-scan.json",)
MAGIC = b"pytui-envs-3\n"
STATE_MAX_BYTES = 64 * 1024 * 1024
# The header is JSON, decoded whole before any of it is checked, at up to ~20x its size (short
# strings: a 16 MiB header of `"ab",` took a scan to 303 MB; 4 MiB, 86 MB). A reading (a
# pyvenv.cfg's or a pin's, with its file's identity) is 100-400 bytes, so 4 MiB holds over
# 10,000 of them, tens of times a heavy home's; a scan that finds more keeps its walks and
# leaves its readings out of the state (they are read again, a file each, next time).
HEADER_MAX_BYTES = 4 * 1024 * 1024
# ... and past json_bounds.FREE_BYTES it is decoded only if that costs at most this many times
# its size (json_bounds.decode_cost, estimated before decoding): a 75,841-directory scan's
# header (466 readings, 79 KB) estimates 2.3x, a pin's reading 2.9x; `"ab",` 12.8x (a 4 MiB
# header of them took `pytui envs --rescan` to 91 MB; refused unread, 27 MB). What passes
# (with at most one object per 64 bytes) takes it to at most ~63 MB at HEADER_MAX_BYTES.
HEADER_MAX_COST_RATIO = 6
STATE_MAX_NODES = 2_000_000
# Directories all walks together may record. A walk's nodes are checked (paths split, sorted
# keys made) at ~300 bytes of peak memory each: a planted file of 2,000,000 nodes, within
# STATE_MAX_BYTES, took `pytui envs` to 684 MB and 7 s before the walk was found to be another
# root's (refused now: 148 MB, the read; 188 MB at this bound; load 10). The largest scan measured here (/usr, /work, /opt, /root, /home, /var, /etc, /tmp:
# 75,841 directories, a 7.3 MB state) is 1/6 of this; a scan that records more leaves the
# walks past it out of the state (those roots are walked again next time, no warning).
STATE_MAX_TOTAL_NODES = 500_000
STATE_MAX_WALKS = 256
_WORD = 8

_PARENT, _NAME = itemgetter(0), itemgetter(2)
_SPLIT_PARENT = methodcaller("rpartition", "/")
_SLASHES = methodcaller("count", "/")
_KNOWN_FLAGS = bytes(range(ALL_FLAGS + 1))
_SWAP_NUL_SLASH = bytes.maketrans(b"\x00/", b"/\x00")


@dataclass
class StoredWalk:
    depth: int
    skip: str      # the left-out directories it was made with, "dev:ino" comma-separated
    tree: Tree


@dataclass
class StoredScan:
    walks: dict[str, StoredWalk] = field(default_factory=dict)
    cfg: dict[str, tuple[FileIdent, dict[str, str]]] = field(default_factory=dict)
    pins: dict[str, tuple[FileIdent, str | None]] = field(default_factory=dict)


# -- reading -------------------------------------------------------------------------------------


# The state this process last read or wrote, by the identity of the file it came from: a scan
# in the same process (the TUI's refresh) skips reading and checking it again while the file's
# inode, mtime, size and ctime are those it had then (nothing can change it without moving its
# ctime). Callers never modify a loaded state.
_LAST: tuple[str, FileIdent, StoredScan] | None = None


def load_state(path: Path) -> StoredScan:
    """The stored scan, or an empty one when missing, too big, or not exactly what pytui writes."""
    return read_state(path)[0]


def read_state(path: Path) -> tuple[StoredScan, str | None]:
    """The stored scan (empty when there is none or it is refused) and, when a file is there
    but refused, why, in a few words (the scan says it in one line and walks cold)."""
    ident = file_ident(str(path))
    if ident is not None and _LAST is not None and _LAST[:2] == (str(path), ident):
        return _LAST[2], None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return StoredScan(), None
    except OSError as err:
        if err.errno == errno.ELOOP:
            return StoredScan(), "it is a symlink"
        return StoredScan(), err.strerror or str(err)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return StoredScan(), "not a regular file"
        if st.st_size > STATE_MAX_BYTES:
            return StoredScan(), f"larger than {STATE_MAX_BYTES // (1024 * 1024)} MiB"
        data = read_open(fd, STATE_MAX_BYTES + 1)
    finally:
        os.close(fd)
    if data is None or len(data) > STATE_MAX_BYTES:
        return StoredScan(), "not readable in full"
    try:
        state = _parse(data)
    except (ValueError, TypeError, RecursionError, OverflowError):
        state = None
    if state is None:
        return StoredScan(), "not what pytui writes (truncated, damaged or another version)"
    _remember(path, ident, state)
    return state, None


def _remember(path: Path, ident: FileIdent | None, state: StoredScan) -> None:
    global _LAST
    _LAST = (str(path), ident, state) if ident is not None else None


def forget() -> None:
    """Drop the remembered state (a benchmark measuring what a new process does)."""
    _remember(Path(), None, StoredScan())


def _parse(data: bytes) -> StoredScan | None:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _WORD:
        return None
    at = len(MAGIC)
    size = int.from_bytes(data[at:at + _WORD], "little")
    at += _WORD
    if size > HEADER_MAX_BYTES or at + size > len(data):
        return None
    raw = data[at:at + size]
    if too_costly(raw, HEADER_MAX_COST_RATIO):
        return None
    header = json.loads(raw)
    body = memoryview(data)[at + size:]
    if (not isinstance(header, dict) or set(header) != {"byteorder", "digest", "walks", "cfg", "pins"}
            or header["byteorder"] != sys.byteorder or header["digest"] != _digest(body)):
        return None
    walks = _walks(header["walks"], body)
    cfg = _readings(header["cfg"], _cfg_fields)
    pins = _readings(header["pins"], _pin_text)
    if walks is None or cfg is None or pins is None:
        return None
    return StoredScan(walks, cfg, pins)


def _digest(body: bytes | memoryview) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _is_int(value: object, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high  # bool is not an int here


def _walks(entries: object, body: memoryview) -> dict[str, StoredWalk] | None:
    if not isinstance(entries, list) or len(entries) > STATE_MAX_WALKS:
        return None
    walks: dict[str, StoredWalk] = {}
    at = total = 0
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"root", "depth", "skip", "nodes", "paths_bytes"}:
            return None
        root, depth, skip, nodes, paths_bytes = (entry[k] for k in ("root", "depth", "skip", "nodes",
                                                                    "paths_bytes"))
        if (not isinstance(root, str) or not os.path.isabs(root) or "\x00" in root or root in walks
                or not is_file_text(root)
                or not _is_int(depth, 0, MAX_DEPTH_LIMIT) or not isinstance(skip, str)
                or not _is_int(nodes, 1, STATE_MAX_NODES) or not _is_int(paths_bytes, 0, STATE_MAX_BYTES)):
            return None
        end = at + nodes * (3 * _WORD + 1) + paths_bytes
        total += nodes
        if end > len(body) or total > STATE_MAX_TOTAL_NODES:
            return None
        tree = _tree(body[at:end], nodes, depth)
        if tree is None:
            return None
        walks[root] = StoredWalk(depth, skip, tree)
        at = end
    return walks if at == len(body) else None


def _tree(raw: memoryview, n: int, depth: int) -> Tree | None:
    """A walk's nodes from their stored form, or None if anything about them is off. The checks
    run as C loops (map, set, `in`, one regex): the file can hold 100,000 directories."""
    words = []
    for k in range(3):
        numbers = array("Q")
        if numbers.itemsize != _WORD:
            return None
        numbers.frombytes(raw[k * n * _WORD:(k + 1) * n * _WORD])
        words.append(numbers)
    at = 3 * n * _WORD
    flags = bytearray(raw[at:at + n])
    encoded = bytes(raw[at + n:])
    text = encoded.decode("utf-8", "surrogateescape")
    rest = text.split("\x00") if text else []
    if len(rest) != n - 1 or flags.translate(None, _KNOWN_FLAGS):
        return None
    if rest:
        # Relative, with every parent recorded: then each component is some node's last one,
        # and checking the last ones (no empty, `.`, `..` or skipped name) checks them all.
        if text.startswith("/") or "\x00/" in text:
            return None
        parts = list(map(_SPLIT_PARENT, rest))
        names = set(map(_NAME, parts))
        if "" in names or "." in names or ".." in names or not SKIP_NAMES.isdisjoint(names):
            return None
        parents = set(map(_PARENT, parts))
        parents.discard("")
        # A node has one `/` more than its parent (none below the root): the deepest node is
        # one below the deepest parent, found among the few parents instead of every path.
        deepest = max(map(_SLASHES, parents)) + 1 if parents else 0
        if deepest >= depth or not parents.issubset(rest):
            return None
        # Canonical preorder: strictly increasing with `/` sorting first.
        # The sort keys (`/` as NUL) of all paths at once: the bytes with NUL and `/` swapped,
        # split at `/` (both ASCII: never part of a multi-byte character or an escaped byte).
        keys = encoded.translate(_SWAP_NUL_SLASH).decode("utf-8", "surrogateescape").split("/")
        if not all(map(lt, keys, islice(keys, 1, None))):
            return None
    else:
        keys = []
    paths = ["", *rest]
    # Venvs, unreadable and unlisted directories are recorded without anything below them.
    for i in compress(range(n), flags):
        if flags[i] & LEAF_FLAGS and i + 1 < n and (i == 0 or paths[i + 1].startswith(paths[i] + "/")):
            return None
    inos, mtimes, ctimes = words
    tree = Tree(paths, inos, mtimes, ctimes, flags)
    tree.keep_keys(["", *keys])  # what a walk checking this one would derive again
    return tree


def _ident(value: object) -> bool:
    return (isinstance(value, list) and len(value) == 4
            and all(_is_int(v, -(1 << 63), (1 << 64) - 1) for v in value))


def _cfg_fields(value: object) -> bool:
    return isinstance(value, dict) and all(
        k in CFG_KEYS and isinstance(v, str) and len(v) <= CFG_VALUE_MAX and is_file_text(v)
        for k, v in value.items())


def _pin_text(value: object) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= PIN_TEXT_MAX and is_file_text(value))


def _readings(entries: object, valid) -> dict | None:
    """{absolute path: (identity, reading)} with each reading accepted by `valid`."""
    if not isinstance(entries, dict) or len(entries) > STATE_MAX_NODES:
        return None
    out = {}
    for path, entry in entries.items():
        if not (isinstance(path, str) and os.path.isabs(path) and "\x00" not in path and is_file_text(path)
                and isinstance(entry, list) and len(entry) == 2 and _ident(entry[0]) and valid(entry[1])):
            return None
        out[path] = (tuple(entry[0]), entry[1])
    return out


# -- writing -------------------------------------------------------------------------------------


def encode_state(scan: StoredScan) -> bytes:
    """The state file's bytes. A walk that would take the walks past what a reader takes, in
    directories (STATE_MAX_TOTAL_NODES) or in bytes (STATE_MAX_BYTES, less room for the largest
    header), is left out (walked again next time, no warning): within the node bound, 300,000
    directories of 231-byte paths made a 77 MB file, which every later scan refused with a
    warning (`larger than 64 MiB`) and wrote again."""
    walks, parts = [], []
    total = size = 0
    room = STATE_MAX_BYTES - len(MAGIC) - _WORD - HEADER_MAX_BYTES
    for root, walk in scan.walks.items():
        tree = walk.tree
        if total + len(tree) > STATE_MAX_TOTAL_NODES:  # more than a reader takes
            continue
        paths = "\x00".join(islice(tree.paths, 1, None)).encode("utf-8", "surrogateescape")
        columns = [tree.inos.tobytes(), tree.mtimes.tobytes(), tree.ctimes.tobytes(),
                   bytes(tree.flags), paths]
        length = sum(map(len, columns))
        if size + length > room:
            continue
        total, size = total + len(tree), size + length
        parts += columns
        walks.append({"root": root, "depth": walk.depth, "skip": walk.skip, "nodes": len(tree),
                      "paths_bytes": len(paths)})
    body = b"".join(parts)
    header = _header_bytes(body, walks, scan.cfg, scan.pins)
    if len(header) > HEADER_MAX_BYTES:  # more readings than the header holds: none are kept
        header = _header_bytes(body, walks, {}, {})
    return MAGIC + len(header).to_bytes(_WORD, "little") + header + body


def _header_bytes(body: bytes, walks: list[dict], cfg: dict, pins: dict) -> bytes:
    return json.dumps({
        "byteorder": sys.byteorder, "digest": _digest(body), "walks": walks,
        "cfg": {path: [list(ident), fields] for path, (ident, fields) in cfg.items()},
        "pins": {path: [list(ident), text] for path, (ident, text) in pins.items()},
    }, separators=(",", ":")).encode("utf-8")


def save_state(path: Path, scan: StoredScan) -> None:
    """Write the state (a cache: a scan whose state cannot be kept is still a scan)."""
    try:
        write_atomic(path, encode_state(scan), fsync=False, make_parents=True)
    except (OSError, ValueError):  # ValueError: a name that is not encodable
        return
    _remember(path, file_ident(str(path)), scan)
    for name in OLD_STATE_FILES:
        with contextlib.suppress(OSError):
            (path.parent / name).unlink()

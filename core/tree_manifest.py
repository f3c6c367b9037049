"""The manifest of a pristine tree: what each entry was when the tree was made (path, kind,
mode, size, mtime, inode, link target), written as columns and read back as hostile input.

Format 2 writes each number column (mode, size, mtime, inode) as one hex string of unsigned
64-bit little-endian integers, not as a JSON list: `json` parses a list of numbers at ~130 ns a
number, so a 2,619-entry CPython tree's four number columns were 1.5 ms of its 2.1 ms parse,
and 0.2 ms as hex (measured; `fromhex` + `memoryview.cast`, fixed-width, bounded, no object
decoding of any kind). Format 1 (JSON lists) is still read.

`parse_manifest` refuses anything pytui would not write: bounded sizes and counts, typed
columns, clean relative paths, every entry under a listed directory, every link resolving inside
the tree. `manifest_sizes` reads only what the cache's size needs (typed, bounded columns), so
the TUI header can total the trees without walking them. `scan_tree` makes the entries from a
directory on disk.
"""

from __future__ import annotations

import os
import stat
import sys
from itertools import compress, repeat
from operator import itemgetter, ne, not_

from pytui.core import json_codec
from pytui.core.keys import TYPE_CHECKING, _fields
from pytui.core.nofollow import MAX_LINK_HOPS

if TYPE_CHECKING:
    from collections.abc import Sequence

MANIFEST_VERSION = 2
# Versions read: 1 wrote the number columns as JSON lists.
READ_VERSIONS = (1, 2)
# Bounds on what a manifest may describe: it is read back from disk and treated as hostile.
MAX_ENTRIES = 200_000
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
# Values a manifest's JSON may hold, counted by its commas before it is decoded: a column per
# field of at most MAX_ENTRIES values (six in format 1: path, target and the four number
# columns as lists; two in format 2), and the header's few. A decoded value is an object of ~50
# bytes where its JSON may be 3 (`"ab",`): 64 MiB of them took 1.1 GB and 5.7 s to decode and
# refuse (the TUI totals every kept tree's manifest, another user's in a shared cache too); now
# at most ~1.2 million values are decoded, the rest of the bytes being in long strings.
MAX_MANIFEST_VALUES = 6 * MAX_ENTRIES + 64
MAX_PATH_LENGTH = 4096
# Component steps all of a manifest's links may take to resolve (a PBS tree's few dozen links
# take a few hundred; 200,000 entries that are all links of 20 components fit).
MAX_LINK_STEPS = 4_000_000
# Every number a manifest holds (mode, size, mtime, inode) fits the 64-bit fields stat returns.
MAX_NUMBER = 2**63 - 1
# A mode is permission bits only (`stat.S_IMODE`): the file's type is its kind.
MAX_MODE = 0o7777


# Entry: one entry of a pristine tree, as it was when the tree was made (a tuple: a manifest
# makes thousands, and a frozen dataclass's constructor was most of reading one). `path` is
# relative, '/'-separated, with no '.', '..' or empty components; `kind` "d", "f" or "l"; `size`
# is a directory's own size too (0 in manifests of older pytui versions); `target` is for
# symlinks only.
# TreeSizes: what a tree occupies, from its manifest, as `du -sb` counts it: `other` the bytes
# of its directories (as recorded) and links, `files` each regular file's size by inode (a
# hard-linked file once), `unsized` the directories recorded without a size (older manifests),
# to be stat'ed.
# (Tuples with named fields as core/keys.py makes them: `typing` costs an install from a tree
# more than its manifest, and `collections.namedtuple` compiles each `__new__` at import.)
class Entry(tuple):
    __slots__ = ()
    _fields = ("path", "kind", "mode", "size", "mtime_ns", "ino", "target")
    if TYPE_CHECKING:
        path: str
        kind: str
        mode: int
        size: int
        mtime_ns: int
        ino: int
        target: str

    def __new__(cls, path: str, kind: str, mode: int = 0, size: int = 0, mtime_ns: int = 0, ino: int = 0,
                target: str = "") -> Entry:
        return tuple.__new__(cls, (path, kind, mode, size, mtime_ns, ino, target))


class TreeSizes(tuple):
    __slots__ = ()
    _fields = ("other", "files", "unsized")
    if TYPE_CHECKING:
        other: int
        files: dict[int, int]
        unsized: list[str]

    def __new__(cls, other: int, files: dict[int, int], unsized: list[str]) -> TreeSizes:
        return tuple.__new__(cls, (other, files, unsized))


_fields(Entry, Entry._fields)
_fields(TreeSizes, TreeSizes._fields)


class TreeCorrupt(Exception):
    """The tree or its manifest is not what pytui made; the message says what differs."""


# Characters of a newer manifest's `key` kept for display (it is read as nothing else).
MAX_NEWER_KEY = 200


class TreeNewer(TreeCorrupt):
    """A tree whose manifest has a format number above MANIFEST_VERSION: a newer pytui sharing
    the cache dir kept it. This pytui cannot check it, so it never installs from it, and it is
    no corrupt tree either: never removed by `verify` or by a purge rule for trees no archive
    uses, only with its archive, by `cache purge --all` or when named (docs/architecture.md).
    `key` is what its manifest names, if a short string (for display only)."""

    def __init__(self, version: int, key: str = "") -> None:
        super().__init__(f"manifest format {version} is a newer pytui's (this one reads up to {MANIFEST_VERSION})")
        self.version = version
        self.key = key


def trusted_owners() -> frozenset[int]:
    """Whose kept trees this process installs from: its own, and root's (root can change any
    file anyway; a cache filled by root, as in a container image, stays usable to its users).
    Another user's tree could hold any content its manifest agrees with (core/tree_store.py)."""
    return frozenset((os.geteuid(), 0))


def file_changed(path: str, st: os.stat_result, mode: int, size: int, mtime_ns: int) -> TreeCorrupt:
    """Why the tree file at `path` (now `st`) is not what the manifest recorded, in words a user
    can act on. Its size, time and mode kept under another inode is a copy: the cache dir was
    copied or restored (`cp -a`, `rsync -a` keep all but inodes), not edited."""
    if st.st_mode == stat.S_IFREG | mode and st.st_size == size and st.st_mtime_ns == mtime_ns:
        return TreeCorrupt(f"{path} is a copy of the file the tree was made with (same size and time, "
                           "another inode): the cache dir was copied or restored, as `cp -a` does")
    return TreeCorrupt(f"{path} was changed after the tree was made")


# A path's last component may not be one of these; with every entry's parent a listed
# directory (whose own last component is checked the same way), no component of any path is.
_BAD_NAMES = frozenset(("", ".", ".."))
_COLUMNS = ("path", "kind", "mode", "size", "mtime_ns", "ino", "target")
_NUMBER_COLUMNS = ("mode", "size", "mtime_ns", "ino")
_LITTLE_ENDIAN = sys.byteorder == "little"


def pack_numbers(values: list[int]) -> str:
    """`values` as format 2 writes a number column: unsigned 64-bit little-endian, in hex.
    `TreeCorrupt` for a value outside 0..MAX_NUMBER (a manifest that could not be read back)."""
    if values and (min(values) < 0 or max(values) > MAX_NUMBER):
        raise TreeCorrupt("a number does not fit the manifest")
    return b"".join([value.to_bytes(8, "little") for value in values]).hex()


def _unpack_numbers(text: object, count: int) -> list[int]:
    """A format-2 number column of `count` values; `TreeCorrupt` unless it is exactly that."""
    if type(text) is not str or len(text) != 16 * count:
        raise TreeCorrupt("manifest entries are malformed")
    try:
        raw = bytes.fromhex(text)  # (skips spaces: the length is checked again below)
    except ValueError:
        raise TreeCorrupt("manifest entries are malformed") from None
    if len(raw) != 8 * count:
        raise TreeCorrupt("manifest entries are malformed")
    # At most MAX_NUMBER: the top bit of each value's last (most significant) byte is clear,
    # looked at on the bytes in C (`isascii`: every byte below 0x80), not on the ints.
    if not raw[7::8].isascii():
        raise TreeCorrupt("manifest entries are malformed")
    if _LITTLE_ENDIAN:
        return memoryview(raw).cast("Q").tolist()
    return [int.from_bytes(raw[at:at + 8], "little") for at in range(0, len(raw), 8)]


def _resolves_inside(link_path: str, target: str, kinds: dict[str, str],
                     targets: dict[str, str], budget: list[int]) -> bool:
    """Whether `link_path -> target` stays inside the tree when every link is followed.

    Resolution walks the manifest's own entries component by component (the tree as it is,
    not the text of the target), following links up to `MAX_LINK_HOPS`; leaving the top, a
    loop, or spending the manifest's `budget` of component steps (shared by all its links:
    40 hops through 4 KiB targets made one link cost 20 ms, 200,000 of them an hour) is
    refused. A dangling target inside the tree is allowed (PBS trees have none, but it cannot
    write anywhere).
    """
    if not target or target.startswith("/") or "\0" in target or len(target) > MAX_PATH_LENGTH:
        return False
    hops = 0
    stack: list[str] = link_path.split("/")[:-1]
    # Reversed, so that the next component is taken from the end in constant time.
    pending = [part for part in reversed(target.split("/")) if part not in ("", ".")]
    budget[0] -= len(pending)
    while pending:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        part = pending.pop()
        if part == "..":
            if not stack:
                return False
            stack.pop()
            continue
        candidate = "/".join([*stack, part])
        if kinds.get(candidate) == "l":
            hops += 1
            if hops > MAX_LINK_HOPS:
                return False
            inner = targets[candidate]
            if inner.startswith("/"):
                return False
            more = [p for p in reversed(inner.split("/")) if p not in ("", ".")]
            budget[0] -= len(more)
            pending += more
            continue
        stack.append(part)
    return True


def _checked_version(doc: object) -> dict[str, object]:
    """`doc` if it is a manifest of a format this pytui reads; `TreeNewer` for one a newer
    pytui wrote, else `TreeCorrupt`."""
    if type(doc) is not dict:
        raise TreeCorrupt("manifest has an unknown format")
    version = doc.get("version")
    if type(version) is int and MANIFEST_VERSION < version <= MAX_NUMBER:
        key = doc.get("key")
        raise TreeNewer(version, key if type(key) is str and len(key) <= MAX_NEWER_KEY else "")
    if type(version) is not int or version not in READ_VERSIONS:  # (`true` == 1)
        raise TreeCorrupt("manifest has an unknown format")
    return doc


def _columns(data: bytes) -> tuple[dict[str, object], str, str, list[list]]:
    """The header, kinds, the paths joined by new lines, and the other columns of a manifest,
    each column type-checked and bounded in one pass; `TreeCorrupt` for anything pytui would
    not write. Paths and links are not looked at beyond their type and uniqueness
    (`parse_manifest` does that)."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise TreeCorrupt("manifest too large")
    from pytui.core.json_bounds import TooManyFloats, float_counter, too_many_containers

    # A manifest holds a few arrays and no floats; decoding 64 MiB of `[]` took 1.4 GB (the TUI
    # totals every tree's manifest, another user's in a shared cache too).
    if too_many_containers(data):
        raise TreeCorrupt("manifest holds more JSON arrays and objects than pytui writes")
    # (A comma in a path or a link target counts too. A manifest of no more bytes than the
    # bound cannot hold more commas, so one that size is not counted: a kept CPython tree's
    # 299 KB were 1.5 M instructions of counting, ~0.8% of an install from the tree.)
    if len(data) > MAX_MANIFEST_VALUES and data.count(b",") > MAX_MANIFEST_VALUES:
        raise TreeCorrupt("manifest holds more values than pytui writes")
    try:
        doc = json_codec.loads(data, parse_float=float_counter())
    except TooManyFloats:
        raise TreeCorrupt("manifest holds numbers pytui never writes") from None
    except (ValueError, RecursionError):
        raise TreeCorrupt("manifest is not JSON") from None
    doc = _checked_version(doc)
    header = {name: doc.get(name) for name in ("sha256", "archive", "key")}
    if not all(type(value) is str for value in header.values()):
        raise TreeCorrupt("manifest header is malformed")
    kinds = doc.get("kind")
    paths = doc.get("path")
    targets = doc.get("target")
    if not (type(paths) is list and type(targets) is list and type(kinds) is str):
        raise TreeCorrupt("manifest entries are malformed")
    count = len(paths)
    if count > MAX_ENTRIES or len(targets) != count or len(kinds) != count:
        raise TreeCorrupt("manifest entries are malformed")
    if doc["version"] == 1:
        numbers: list = [doc.get(name) for name in _NUMBER_COLUMNS]
        if not all(type(c) is list and len(c) == count for c in numbers) or any(
                set(map(type, c)) - {int} or (c and (min(c) < 0 or max(c) > MAX_NUMBER)) for c in numbers):
            raise TreeCorrupt("manifest entries are malformed")
    else:
        numbers = [_unpack_numbers(doc.get(name), count) for name in _NUMBER_COLUMNS]
    modes, sizes, mtimes, inodes = numbers
    # Every kind one of "dfl" (three counts in C, not a set of the characters).
    if (kinds.count("f") + kinds.count("d") + kinds.count("l") != count
            or (modes and max(modes) > MAX_MODE)):
        raise TreeCorrupt("manifest entries are malformed")
    # Every path and link target a string (`join` raises TypeError at the first that is not:
    # no separate pass over their types) and a file name: JSON may hold a lone surrogate
    # ("\ud800") that no file name decodes to, and `os` would raise UnicodeEncodeError for it
    # in the middle of an install (one pass each in C). The joined paths are kept for
    # `parse_for_linking`'s checks.
    try:
        joined = "\n".join(paths)
        "\n".join(targets).encode("utf-8", "surrogateescape")
        joined.encode("utf-8", "surrogateescape")
    except TypeError:
        raise TreeCorrupt("manifest entries are malformed") from None
    except UnicodeError:
        raise TreeCorrupt("manifest has a path or link target that is no file name") from None
    if len(set(paths)) != count:
        raise TreeCorrupt("manifest lists an entry twice")
    return header, kinds, joined, [paths, modes, sizes, mtimes, inodes, targets]


def parse_manifest(data: bytes) -> tuple[dict[str, object], list[Entry]]:
    """The header and entries of a manifest; `TreeCorrupt` for anything pytui would not write."""
    header, columns = parse_columns(data)
    return header, list(map(Entry, *columns))


# A manifest's entries as columns: paths, kinds (one string), modes, sizes, mtimes, inodes and
# link targets. `zip(*columns)` gives each entry as a plain tuple in `Entry`'s field order.
Columns = tuple[list[str], str, list[int], list[int], list[int], list[int], list[str]]


def parse_columns(data: bytes) -> tuple[dict[str, object], Columns]:
    """`parse_manifest` without making an `Entry` per entry (an install iterates the columns)."""
    header, columns, _layout = parse_for_linking(data)
    return header, columns


def kind_indices(kinds: str, kind: str) -> list[int]:
    """Where `kind` is in `kinds` (a tree has a few hundred directories and links among
    thousands of files: `find` skips the files in C)."""
    found: list[int] = []
    at = kinds.find(kind)
    while at >= 0:
        found.append(at)
        at = kinds.find(kind, at + 1)
    return found


# A tree's layout, for the linker: each entry's parent directory ('' at the top) and last
# component, where each run of entries with the same parent starts (ascending, 0 first when
# there is an entry), and where the directories are.
Layout = tuple[list[str], list[str], list[int], list[int]]


def tree_layout(paths: Sequence[str], kinds: str) -> Layout:
    """The `Layout` of `paths`: each split at its last '/' and the parents compared with the
    ones before them, each a pass in C (`map`, `compress`), not a path at a time in Python."""
    splits = list(map(str.rpartition, paths, repeat("/")))
    parents = list(map(itemgetter(0), splits))
    starts = [0, *compress(range(1, len(parents)), map(ne, parents[1:], parents[:-1]))] if parents else []
    return parents, list(map(itemgetter(2), splits)), starts, kind_indices(kinds, "d")


def parse_for_linking(data: bytes) -> tuple[dict[str, object], Columns, Layout]:
    """`parse_columns`, and the tree's `Layout`, which the linker groups entries by and links
    them by (computed here once: the checks need every parent, name and directory anyway).

    Columns rather than one object per entry, so checking 100k entries stays cheap: each
    column is type-checked in one pass, the paths with a few substring searches.
    """
    header, kinds, joined, columns = _columns(data)
    paths, modes, sizes, mtimes, inodes, targets = columns
    count = len(paths)
    # One line each, no NUL (one-character searches of the paths joined); then each path's
    # last component is checked, a top-level path may not start with '/', and every parent must
    # be a listed directory: by induction over the parents, no path is absolute and no
    # component of any path is empty, '.' or '..' (a path like 'a//b' has the parent 'a/',
    # which is either not listed or listed with an empty last component).
    if count and (joined.count("\n") != count - 1 or "\x00" in joined
                  or max(map(len, paths)) > MAX_PATH_LENGTH):
        raise TreeCorrupt("manifest has a path that is not clean and relative")
    # Each path split at its last '/' into its parent and its last component, and the checks,
    # each a pass in C (`map`, `compress`), not a name per path in Python (the parents by a list
    # comprehension and a separate test of the path's end were 6.5 M instructions for a
    # 2,619-entry tree, this is 5.3 M, cachegrind); substring searches of the joined paths for
    # '/\n', '\n/' and the like took ~3.7x as long (two-character needles whose first
    # character is in every line).
    layout = tree_layout(paths, kinds)
    parents, names, starts, dirs = layout
    if count and (not _BAD_NAMES.isdisjoint(names)
                  or any(map(str.startswith, compress(paths, map(not_, parents)), repeat("/")))):
        raise TreeCorrupt("manifest has a path that is not clean and relative")
    directories = {paths[at] for at in dirs}
    # Every entry's parent is a listed directory (made before it: `tree_link` fails on
    # the first that is not), so nothing is ever written through a link. (Each run's parent
    # is every entry's of the run: a few hundred strings hashed, not thousands.)
    if {parents[at] for at in starts} - directories - {""}:
        raise TreeCorrupt("manifest has an entry that is not under a listed directory")
    link_kinds = dict.fromkeys(directories, "d")
    links = {paths[at]: targets[at] for at in kind_indices(kinds, "l")}
    link_kinds.update(dict.fromkeys(links, "l"))
    budget = [MAX_LINK_STEPS]
    for path, target in links.items():
        if not _resolves_inside(path, target, link_kinds, links, budget):
            if budget[0] < 0:
                raise TreeCorrupt(f"manifest's links take more than {MAX_LINK_STEPS:,} steps to resolve")
            raise TreeCorrupt(f"link {path[:200]} -> {target[:200]} leaves the tree")
    return header, (paths, kinds, modes, sizes, mtimes, inodes, targets), layout


def manifest_sizes(data: bytes) -> tuple[dict[str, object], TreeSizes]:
    """The header and sizes of a manifest, its columns checked as `parse_manifest` checks them
    (a fifth of its cost: paths and links are not resolved, as nothing is written or followed).
    A link's size is its target's length in bytes, as `lstat` reports it."""
    header, kinds, _joined, columns = _columns(data)
    paths, _modes, sizes, _mtimes, inodes, targets = columns
    other = 0
    files: dict[int, int] = {}
    unsized: list[str] = []
    for path, kind, size, ino, target in zip(paths, kinds, sizes, inodes, targets, strict=True):
        if kind == "f":
            files[ino] = size
        elif kind == "l":
            try:
                other += len(os.fsencode(target))
            except UnicodeError:
                raise TreeCorrupt("manifest has a link target that is no file name") from None
        elif size:
            other += size
        else:
            unsized.append(path)
    return header, TreeSizes(other, files, unsized)


def manifest_text(sha256: str, archive: str, key: str, entries: list[Entry]) -> str:
    doc: dict[str, object] = {"version": MANIFEST_VERSION, "sha256": sha256, "archive": archive,
                              "key": key}
    for name in _COLUMNS:
        column = [getattr(entry, name) for entry in entries]
        doc[name] = pack_numbers(column) if name in _NUMBER_COLUMNS else column
    doc["kind"] = "".join(entry.kind for entry in entries)  # one string, not a list
    return json_codec.dumps(doc, separators=(",", ":"))


def scan_tree(top: str) -> list[Entry]:
    """Every entry under `top` (links not followed), parents before children."""
    entries: list[Entry] = []
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(top, rel) if rel else top) as it:
            children = sorted(it, key=lambda e: e.name)
        subdirs: list[str] = []
        for entry in children:
            path = f"{rel}/{entry.name}" if rel else entry.name
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                entries.append(Entry(path, "d", stat.S_IMODE(st.st_mode), st.st_size))
                subdirs.append(path)
            elif stat.S_ISLNK(st.st_mode):
                entries.append(Entry(path, "l", target=os.readlink(entry.path)))
            elif stat.S_ISREG(st.st_mode):
                entries.append(Entry(path, "f", stat.S_IMODE(st.st_mode), st.st_size,
                                     st.st_mtime_ns, st.st_ino))
            else:
                raise TreeCorrupt(f"{path} is not a file, directory or link")
        stack.extend(reversed(subdirs))
    return entries

"""The parsed `_sysconfigdata_*.py` of a pristine tree, kept beside it (`sysconfig.json`).

Patching sysconfig is most of the fix-ups' time: the file (~35 KB of pprint'ed dict) is parsed
with `ast.literal_eval` (and `ast` imported) at every install. A tree's file never changes (the
manifest check catches an edit), so its parse is made once, when the tree is kept, and an
install from the tree patches that instead: the same values, the same output. The file is read
back as hostile input: bounded, sealed (core/sealed.py: a flipped bit that keeps the JSON and
a value well-formed is caught), JSON, a flat dict of string or integer values (what
`sysconfig_text.parse_sysconfigdata` accepts), and made from the tree's file as it is now: it
records that file's path, inode, size and mtime, compared with the tree's file on read (which
the manifest check holds to the tree as made). Anything else and the install parses the file
itself.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pytui.core import json_codec

SYSCONFIG_NAME = "sysconfig.json"
# 2: sealed, with the identity of the file parsed (1 had neither: parsed again, not trusted).
SYSCONFIG_VERSION = 2
# A real build's variables are ~50 KB as JSON; a file past this is not one pytui wrote.
MAX_SYSCONFIG_BYTES = 4 * 1024 * 1024
MAX_VARIABLES = 20_000


def write_sysconfig(tree: Path, key: str, dest: Path) -> bool:
    """Parse the sysconfig data of `tree` (a pristine tree of build `key`) into `dest`; False
    (nothing written) where there is none or it does not parse. Never raises for a tree."""
    from pytui.core.errors import InstallError
    from pytui.core.fixups import find_sysconfigdata
    from pytui.core.sealed import seal
    from pytui.core.sysconfig_text import parse_sysconfigdata

    try:
        found = find_sysconfigdata(tree, key)
        if found is None:
            return False
        fd = os.open(found, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return False
            with os.fdopen(fd, "rb", closefd=False) as f:
                raw = f.read(MAX_SYSCONFIG_BYTES + 1)
        finally:
            os.close(fd)
        if len(raw) > MAX_SYSCONFIG_BYTES:
            return False
        text = raw.decode("utf-8")
        values = parse_sysconfigdata(text, found.name)
        body = json_codec.dumps({"version": SYSCONFIG_VERSION, "name": found.name, "vars": values,
                           "file": found.relative_to(tree).as_posix(),
                           "ino": st.st_ino, "size": st.st_size, "mtime_ns": st.st_mtime_ns},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        dest.write_bytes(seal(body))
        return True
    except (OSError, UnicodeError, InstallError, ValueError):
        return False


def read_sysconfig(path: Path, tree: Path) -> tuple[str, dict[str, object]] | None:
    """(file name, variables) from a `sysconfig.json` made from `tree`'s sysconfig file as it is
    now, or None for anything pytui would not write."""
    from pytui.core.sealed import unseal
    from pytui.core.tree_manifest import trusted_owners

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        # Another user's (a group-writable tree dir lets them put one there) is not trusted:
        # its owner could seal any values (core/tree_store.TreeNotMine).
        if not stat.S_ISREG(st.st_mode) or st.st_uid not in trusted_owners():
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_SYSCONFIG_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_SYSCONFIG_BYTES:
        return None
    body = unseal(data)
    if body is None:
        return None
    try:
        doc = json_codec.loads(body)
    except (ValueError, RecursionError):
        return None
    if type(doc) is not dict or doc.get("version") != SYSCONFIG_VERSION:
        return None
    name, values = doc.get("name"), doc.get("vars")
    if (type(name) is not str or not name.startswith("_sysconfigdata_") or not name.endswith(".py")
            or "/" in name or "\0" in name or type(values) is not dict or len(values) > MAX_VARIABLES):
        return None
    if set(map(type, values.values())) - {str, int}:
        return None  # bools are not int here: `type`, not isinstance
    try:
        # The fix-up writes them into a UTF-8 file: JSON can hold a lone surrogate, which the
        # install's write refused with a UnicodeEncodeError traceback (one pass in C each).
        "".join(values).encode("utf-8")
        "".join(value for value in values.values() if type(value) is str).encode("utf-8")
    except UnicodeError:
        return None
    if not _made_from(doc, name, tree):
        return None
    return name, values


def _made_from(doc: dict[str, object], name: str, tree: Path) -> bool:
    """Whether `doc` records the tree's sysconfig file `lib/python3.X{t}/<name>` as it is now
    (its inode, size and mtime: an edit, or a file put back by rename, changes one)."""
    rel = doc.get("file")
    if type(rel) is not str:
        return False
    parts = rel.split("/")
    if len(parts) != 3 or parts[0] != "lib" or not parts[1].startswith("python") or parts[2] != name \
            or "\0" in parts[1] or parts[1] in (".", ".."):
        return False
    if any(type(doc.get(field)) is not int for field in ("ino", "size", "mtime_ns")):
        return False
    try:
        st = os.lstat(os.path.join(tree, rel))
    except (OSError, ValueError):
        return False
    return (stat.S_ISREG(st.st_mode)
            and (st.st_ino, st.st_size, st.st_mtime_ns) == (doc["ino"], doc["size"], doc["mtime_ns"]))

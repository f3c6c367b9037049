"""The parsed `_sysconfigdata_*.py` of a pristine tree, kept beside it (`sysconfig.json`).

Patching sysconfig is most of the fix-ups' time: the file (~35 KB of pprint'ed dict) is parsed
with `ast.literal_eval` (and `ast` imported) at every install. A tree's file never changes (the
manifest check catches an edit), so its parse is made once, when the tree is kept, and an
install from the tree patches that instead: the same values, the same output. The file is read
back as hostile input: bounded, JSON, a flat dict of string or integer values (what
`sysconfig_text.parse_sysconfigdata` accepts); anything else and the install parses the file itself.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

SYSCONFIG_NAME = "sysconfig.json"
SYSCONFIG_VERSION = 1
# A real build's variables are ~50 KB as JSON; a file past this is not one pytui wrote.
MAX_SYSCONFIG_BYTES = 4 * 1024 * 1024
MAX_VARIABLES = 20_000


def write_sysconfig(tree: Path, key: str, dest: Path) -> bool:
    """Parse the sysconfig data of `tree` (a pristine tree of build `key`) into `dest`; False
    (nothing written) where there is none or it does not parse. Never raises for a tree."""
    from pytui.core.errors import InstallError
    from pytui.core.fixups import find_sysconfigdata
    from pytui.core.sysconfig_text import parse_sysconfigdata

    try:
        found = find_sysconfigdata(tree, key)
        if found is None:
            return False
        values = parse_sysconfigdata(found.read_text(encoding="utf-8"), found.name)
        dest.write_text(json.dumps({"version": SYSCONFIG_VERSION, "name": found.name, "vars": values},
                                   ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        return True
    except (OSError, UnicodeError, InstallError, ValueError):
        return False


def read_sysconfig(path: Path) -> tuple[str, dict[str, object]] | None:
    """(file name, variables) from a `sysconfig.json`, or None for anything pytui would not write."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_SYSCONFIG_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_SYSCONFIG_BYTES:
        return None
    try:
        doc = json.loads(data)
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
    return name, values

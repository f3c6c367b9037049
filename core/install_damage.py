"""Whether an install lacks a file its interpreter needs to answer uv's query, by a few stats.

`uv python list` runs each managed interpreter (core/interpreter_start.py) and drops one whose
run fails; a uv or pytui killed while it deleted an install in place leaves it with part of
its stdlib gone (json/__init__.py, as newuser30 found). `pytui list` and the TUI start no
interpreter per install on every listing (list's aim is 1.5x uv's time), so they look for the
interpreter and the pure-Python stdlib modules that query imports on every CPython 3.10-3.13
and that none of them keeps frozen in the executable (3.11+ freezes os, site, codecs, io, ...:
those files can go without the query failing, and uv lists such an install), and the
libpython a shared build's interpreter links from its install's lib/ (core/elf_needs.py: a few
reads of its ELF headers). An install missing none of them but broken elsewhere (an extension
module the query loads from lib-dynload, on a build that keeps them as files: which ones a
build keeps is not told by its files once they are gone) is still listed; `pytui install`
runs the interpreter and says it.
"""

from __future__ import annotations

import os
import stat

from pytui.core.installed import python_dir
from pytui.core.models import Installation

# Module paths under lib/pythonX.Y, each a module file or a package's __init__.py, packages
# first (asked first: one stat where the other form would take two).
QUERY_MODULES = ("json/__init__", "json/decoder", "json/encoder", "json/scanner",
                 "encodings/__init__", "encodings/aliases", "encodings/utf_8",
                 "collections/__init__", "platform", "struct", "sysconfig", "re", "functools",
                 "enum", "types", "operator", "keyword")
# Either form of the modules that became packages (re in 3.11, sysconfig in 3.13).
_EITHER_FORM = {"re", "sysconfig"}


def missing_part(installation: Installation) -> str | None:
    """The first file (relative to the install) its interpreter needs for uv's query that is
    gone, or None. Only a file that is not there counts: one this user may not read (another
    user's install) is no sign of damage."""
    if installation.implementation != "cpython" or not installation.executable.startswith("bin/"):
        return None
    prefix = python_dir(installation.path)
    relative = os.path.relpath(prefix, installation.path)
    base = "" if relative == "." else relative + "/"
    if _gone(os.path.join(prefix, installation.executable)):
        return None if _root_being_changed(installation.path.parent) else base + installation.executable
    library = _lost_libpython(os.fspath(prefix), installation)
    if library is not None:
        return None if _root_being_changed(installation.path.parent) else base + library
    stdlib = (f"lib/python{installation.major}.{installation.minor}"
              f"{'t' if 'freethreaded' in installation.variant else ''}")
    if _gone(os.path.join(prefix, stdlib)):
        # No stdlib dir at all is no install uv's deleter left half there (it removes files
        # before their directories, and the interpreter is among the last): a stand-in, or a
        # layout this check does not know; it is listed, as before.
        return None
    for module in QUERY_MODULES:
        path = os.path.join(prefix, stdlib, module + ".py")
        if _gone(path) and (module not in _EITHER_FORM
                            or _gone(os.path.join(prefix, stdlib, module, "__init__.py"))):
            if _is_script(os.path.join(prefix, installation.executable)):
                # A `#!` script as the interpreter (a wrapper, or a stand-in as tests make
                # them) may need none of these files, and uv lists it when it answers the
                # query: the check knows CPython's own executable only.
                return None
            return None if _root_being_changed(installation.path.parent) else f"{base}{stdlib}/{module}.py"
    return None


def _lost_libpython(prefix: str, installation: Installation) -> str | None:
    """`lib/libpythonX.Y.so.1.0` (relative to `prefix`) when the interpreter links it from its
    install's lib/ (RUNPATH `$ORIGIN/../lib`, as PBS's shared Linux builds do) and it is gone:
    the loader refuses to start it, so uv's query fails. An interpreter that links no
    libpython (a static build, macOS's Mach-O, a script), or finds it by another path, is not
    judged by this. One stat when the build's libpython is there (its ELF is read only when
    not: ~0.03 ms more)."""
    flags = ("t" if "freethreaded" in installation.variant else "") + (
        "d" if "debug" in installation.variant else "")
    if not _gone(os.path.join(prefix, "lib", f"libpython{installation.major}.{installation.minor}"
                                              f"{flags}.so.1.0")):
        return None
    from pytui.core.elf_needs import dynamic_links

    links = dynamic_links(os.path.join(prefix, installation.executable))
    if links is None or not any(path.replace("${ORIGIN}", "$ORIGIN").rstrip("/") == "$ORIGIN/../lib"
                                for path in links.search):
        return None
    for name in links.needed:
        if (name.startswith("libpython") and "/" not in name
                and _gone(os.path.join(prefix, "lib", name))):
            return f"lib/{name}"
    return None


def _is_script(path: str) -> bool:
    """The file at `path` is a regular file starting with `#!` (read without blocking: a FIFO
    planted there is no script)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, 2) == b"#!"
    except OSError:
        return False
    finally:
        os.close(fd)


def _root_being_changed(root: str | os.PathLike[str]) -> bool:
    """Another process holds the root's lock now: `uv python install --reinstall` replaces an
    install in place under it, so a listing made then sees half of it (the TUI's Installed row
    read `damaged` for one look). Asked only once a file is found gone, from /proc/locks
    (core/lock_holders.py), without taking the lock: a uv starting then must not wait."""
    from pytui.core.lock_holders import lock_holder

    try:
        fd = os.open(os.path.join(root, ".lock"),
                     os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return lock_holder(fd) is not None
    finally:
        os.close(fd)


def _gone(path: str) -> bool:
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def damage_line(installation: Installation, missing: str) -> str:
    """What `pytui list` and the TUI say of an install `missing_part` found damaged."""
    return (f"{installation.key} in {installation.path.parent} lacks {missing}, so uv does not "
            "list it: part of it is gone, as a run killed while removing or replacing it leaves "
            f"it; `pytui install --reinstall {installation.key}` installs it again")

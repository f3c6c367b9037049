"""uv's post-extract fix-ups of an install directory (docs/uv-compat.md#fix-ups), idempotent.

uv runs these on every install, fresh or already present, in this order:
`EXTERNALLY-MANAGED`, the `_sysconfigdata_*.py` patch (+ `lib/pkgconfig/*.pc`), the
canonical `bin/python` name, the `BUILD` file. pytui runs them on the staged tree before
the rename into place, with `final_prefix` (the install's path under the root) as the
prefix written into sysconfig, so the install is complete the moment it appears.

Every file is read and written through directory fds reached from the install dir without
following a symlink (`core/nofollow.py`): a link anywhere on the way (`lib/python3.12 ->
somewhere`) is refused, and a link in the place of a file is replaced, never written through,
so no fix-up ever writes outside the install dir whatever the tree holds. First of all the
layout is checked, so an archive of the wrong shape is named as such.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from pytui.core.errors import InstallError
from pytui.core.installed import python_dir
from pytui.core.keys import EXECUTABLE_SUFFIX, KeyParts, parse_key
from pytui.core.nofollow import (
    LinkInPath,
    NotADirectory,
    lstat_at,
    open_dir,
    open_root,
    read_file_at,
    write_atomic_at,
)
from pytui.core.sysconfig_text import (
    format_sysconfigdata,
    parse_sysconfigdata,
    patch_pkgconfig_text,
    patch_sysconfig_vars,
)

# uv's exact text (crates/uv-python/src/managed.rs, EXTERNALLY_MANAGED).
EXTERNALLY_MANAGED = (
    "[externally-managed]\n"
    "Error=This Python installation is managed by uv and should not be modified.\n"
)
# Largest file a fix-up reads (a real _sysconfigdata is ~50 KB, a .pc file ~1 KB).
MAX_FIXUP_READ = 16 << 20


def lib_suffix(variant: str) -> str:
    """`t` for free-threaded builds (`lib/python3.13t`), else empty (uv's `lib_suffix`)."""
    return "t" if variant.startswith("freethreaded") else ""


def executable_suffix(variant: str) -> str:
    """`t`, `d`, `td` or empty (uv's `executable_suffix`): `python3.13t`, `python3.12d`."""
    return EXECUTABLE_SUFFIX.get(variant, "")


def _stdlib_rel(parts: KeyParts) -> str:
    if parts.os == "windows":
        return "Lib"
    if parts.implementation == "pypy":
        return f"lib/pypy{parts.major}.{parts.minor}"
    return f"lib/python{parts.major}.{parts.minor}{lib_suffix(parts.variant)}"


def stdlib_dir(install: Path, parts: KeyParts) -> Path:
    return python_dir(install) / _stdlib_rel(parts)


def executable_path(install: Path, parts: KeyParts) -> Path:
    """The canonical interpreter (uv's `executable(false)`): `bin/python3.12t`, `python.exe`..."""
    return python_dir(install) / parts.executable


def _parts(key: str | KeyParts) -> KeyParts:
    if isinstance(key, KeyParts):
        return key
    parts = parse_key(key)
    if parts is None:
        raise InstallError(f"{key} is not an installation key (like cpython-3.12.8-linux-x86_64-gnu)")
    return parts


# --------------------------------------------------------------------------------------------
# Reading and writing inside the install dir, never through a link
# --------------------------------------------------------------------------------------------


def _rel(install: Path, path: Path) -> str:
    return path.relative_to(install).as_posix() if path != install else ""


@contextlib.contextmanager
def _dir(install: Path, path: Path, what: str) -> Iterator[int]:
    """An fd of directory `path` (inside `install`), reached without following any symlink."""
    rel = _rel(install, path)
    try:
        root = open_root(install)
    except LinkInPath:
        raise InstallError(f"refusing to {what}: {install} is a symlink") from None
    try:
        fd = open_dir(root, rel)
    except LinkInPath as err:
        raise InstallError(f"refusing to {what}: {err.path} in {install} is a symlink, and the "
                           "fix-ups never write through one; the archive is not a sound "
                           "python-build-standalone build") from None
    except (NotADirectory, FileNotFoundError):
        raise InstallError(f"cannot {what}: {install} has no directory {rel}; the archive does "
                           "not have python-build-standalone's layout") from None
    finally:
        os.close(root)
    try:
        yield fd
    finally:
        os.close(fd)


def _write_if_changed(dir_fd: int, name: str, text: str, fsync: bool = True) -> bool:
    data = text.encode("utf-8")
    if read_file_at(dir_fd, name, MAX_FIXUP_READ) == data:
        return False
    st = lstat_at(dir_fd, name)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"{name} is a directory")
    mode = st.st_mode & 0o7777 if st is not None and stat.S_ISREG(st.st_mode) else 0o644
    write_atomic_at(dir_fd, name, data, mode, fsync=fsync)
    return True


# --------------------------------------------------------------------------------------------
# EXTERNALLY-MANAGED
# --------------------------------------------------------------------------------------------


def ensure_externally_managed(install: Path, key: str | KeyParts, *, fsync: bool = True) -> Path | None:
    """Write PEP 668's `EXTERNALLY-MANAGED` (uv's text) into the stdlib dir; None for emscripten."""
    parts = _parts(key)
    if parts.os == "emscripten" or parts.implementation == "pyodide":
        return None  # the stdlib is a zip there
    lib = stdlib_dir(install, parts)
    target = lib / "EXTERNALLY-MANAGED"
    with _dir(install, lib, f"write {target}") as fd:
        try:
            _write_if_changed(fd, target.name, EXTERNALLY_MANAGED, fsync)
        except OSError as err:
            raise InstallError(f"cannot write {target}: {err.strerror}; check the install dir is writable") from None
    return target


# --------------------------------------------------------------------------------------------
# sysconfig
# --------------------------------------------------------------------------------------------


def _find_sysconfig_name(lib_fd: int) -> str | None:
    with os.scandir(lib_fd) as entries:
        for entry in entries:
            if (entry.name.startswith("_sysconfigdata_") and entry.name.endswith(".py")
                    and entry.is_file(follow_symlinks=False)):
                return entry.name
    return None


def find_sysconfigdata(install: Path, key: str | KeyParts) -> Path | None:
    """`lib/python3.X{t}/_sysconfigdata_*.py`: a regular file, not a symlink (first in dir order)."""
    lib = stdlib_dir(install, _parts(key))
    if not _is_real_dir(lib):
        return None
    with _dir(install, lib, "read the sysconfig data") as fd:
        name = _find_sysconfig_name(fd)
    return lib / name if name else None


def ensure_sysconfig_patched(install: Path, key: str | KeyParts, final_prefix: Path | None = None, *,
                             fsync: bool = True,
                             parsed: tuple[str, dict[str, object]] | None = None) -> Path | None:
    """Patch `_sysconfigdata_*.py` for `final_prefix` (default: `install`), then `lib/pkgconfig/*.pc`.

    `parsed`: (file name, variables) of that file as already parsed, for a tree whose file is
    known to be unchanged since (core/tree_sysconfig.py); used when the name matches.

    Runs for CPython on Unix targets only (as uv). A CPython tree without its stdlib dir or
    sysconfig data is refused, as uv refuses it. Returns the patched file, or None when skipped.
    """
    parts = _parts(key)
    if sys.platform == "win32" or parts.os in ("windows", "emscripten") or parts.implementation != "cpython":
        return None
    # A path that is not UTF-8 (bytes the file system allows) is written as uv writes it, its
    # bad bytes as U+FFFD (Rust's to_string_lossy): the data file is UTF-8 source.
    real_prefix = os.fsencode(os.path.abspath(final_prefix or install)).decode("utf-8", "replace")
    lib = stdlib_dir(install, parts)
    what = f"patch sysconfig of {parts.key}"
    if not os.path.lexists(lib):
        raise InstallError(f"{parts.key} has no {lib.relative_to(install)} directory; "
                           "the archive is not a CPython build for this key")
    with _dir(install, lib, what) as fd:
        name = _find_sysconfig_name(fd)
        if name is None:
            raise InstallError(f"{parts.key} has no _sysconfigdata_*.py in {lib.relative_to(install)}; "
                               "the archive is not a CPython build for this key")
        try:
            data = read_file_at(fd, name, MAX_FIXUP_READ)
            if data is None:
                raise FileNotFoundError(errno.ENOENT, f"{name} went away")
            if parsed is not None and parsed[0] == name:
                values = parsed[1]
            else:
                values = parse_sysconfigdata(data.decode("utf-8"), name)
            _write_if_changed(fd, name, format_sysconfigdata(patch_sysconfig_vars(values, real_prefix)), fsync)
        except (OSError, UnicodeDecodeError) as err:
            raise InstallError(f"cannot patch sysconfig of {parts.key}: {err}") from None
    pkgconfig = python_dir(install) / "lib" / "pkgconfig"
    if os.path.lexists(pkgconfig):
        with _dir(install, pkgconfig, what) as fd:
            try:
                _patch_pkgconfig_dir(fd, fsync)
            except (OSError, UnicodeDecodeError) as err:
                raise InstallError(f"cannot patch sysconfig of {parts.key}: {err}") from None
    return lib / name


def _patch_pkgconfig_dir(fd: int, fsync: bool) -> None:
    with os.scandir(fd) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".pc") and e.is_file(follow_symlinks=False))
    for name in names:
        data = read_file_at(fd, name, MAX_FIXUP_READ)
        if data is None:
            continue
        new = patch_pkgconfig_text(data.decode("utf-8"))
        if new is not None:
            st = lstat_at(fd, name)
            write_atomic_at(fd, name, new.encode("utf-8"), st.st_mode & 0o7777 if st else 0o644, fsync=fsync)


# --------------------------------------------------------------------------------------------
# bin/python and BUILD
# --------------------------------------------------------------------------------------------


def ensure_python_link(install: Path, key: str | KeyParts) -> Path | None:
    """Add `bin/python -> python3.X` when missing (PBS before 20240726 lacks it); Unix targets only.

    The target is `python{M}.{m}` as uv links it, or the variant name (`python3.13t`) when
    only that exists.
    """
    parts = _parts(key)
    if parts.os == "windows" or sys.platform == "win32":
        return None
    bin_dir = python_dir(install) / "bin"
    if not os.path.lexists(bin_dir) or not (os.path.islink(bin_dir) or os.path.isdir(bin_dir)):
        return None
    link = bin_dir / "python"
    with _dir(install, bin_dir, f"add {link}") as fd:
        if lstat_at(fd, "python") is not None:
            return link
        name = f"python{parts.major}.{parts.minor}"
        if lstat_at(fd, name) is None:
            name += executable_suffix(parts.variant)
            if lstat_at(fd, name) is None:
                return None
        try:
            os.symlink(name, "python", dir_fd=fd)
        except FileExistsError:
            pass
        except OSError as err:
            raise InstallError(f"cannot add {link}: {err.strerror}; check the install dir is writable") from None
    return link


def ensure_build_file(install: Path, build: str | None, *, fsync: bool = True) -> Path | None:
    """Write `BUILD` (the PBS release, e.g. `20250115`) as uv does; nothing when unknown."""
    if not build:
        return None
    target = install / "BUILD"
    with _dir(install, install, f"write {target}") as fd:
        try:
            _write_if_changed(fd, "BUILD", build, fsync)
        except OSError as err:
            raise InstallError(f"cannot write {target}: {err.strerror}") from None
    return target


# --------------------------------------------------------------------------------------------
# The layout, and all fix-ups in order
# --------------------------------------------------------------------------------------------


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _listing(directory: Path, most: int = 6) -> str:
    try:
        with os.scandir(directory) as entries:
            names = sorted(e.name + ("/" if e.is_dir(follow_symlinks=False) else "") for e in entries)
    except OSError:
        return "nothing readable"
    if not names:
        return "nothing"
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def check_layout(install: Path, key: str | KeyParts) -> None:
    """The install dir has its stdlib where python-build-standalone puts it; else say what it holds.

    An archive of the wrong shape (two top-level directories, a different version inside)
    is named as such here, before any fix-up fails on a missing directory.
    """
    parts = _parts(key)
    if parts.os == "emscripten" or parts.implementation == "pyodide":
        return  # the stdlib is a zip there
    if os.path.islink(install):
        raise InstallError(f"refusing to fix up {parts.key}: {install} is a symlink, and the fix-ups "
                           "never write through one")
    lib = stdlib_dir(install, parts)
    rel = lib.relative_to(install).as_posix()
    path = install
    for part in rel.split("/"):
        path = path / part
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return  # `_dir` refuses it by name
        except OSError:
            break
    else:
        return
    raise InstallError(f"{parts.key}: the archive is not laid out as a python-build-standalone build "
                       f"(one top-level directory holding {rel}); it holds {_listing(install)}, "
                       "so it cannot be installed")


def apply_fixups(install: Path, key: str | KeyParts, *, build: str | None,
                 final_prefix: Path | None = None, staged: bool = False,
                 sysconfig: tuple[str, dict[str, object]] | None = None) -> None:
    """All of uv's fix-ups on `install` (staged or in place), in uv's order; safe to repeat.

    Every changed file is written as a new file renamed over the old name, never in place, so
    the inodes an install shares with a pristine tree (core/tree_store.py) keep their bytes.

    `staged`: `install` is a stage that only the commit's rename makes visible. Its rewritten
    files are then not fsynced one by one (five fsyncs were a fifth of a tree install's
    time). That loses no guarantee pytui gives: a crash before the commit leaves a stage that
    the next run deletes; and after it, the install's durability is that of its other files,
    which are either extracted without an fsync (as uv extracts) or hard links to a tree's
    inodes already on disk. An fsync of the fix-ups alone never made an install crash-proof;
    atomic visibility is the rename's job (docs/uv-compat.md#fix-ups). Fix-ups run on an
    install in place (`staged=False`) keep the fsync before each rename, as that is a live file.

    `sysconfig`: the sysconfig data already parsed (see `ensure_sysconfig_patched`).
    """
    fsync = not staged
    parts = _parts(key)
    check_layout(install, parts)
    ensure_externally_managed(install, parts, fsync=fsync)
    ensure_sysconfig_patched(install, parts, final_prefix, fsync=fsync, parsed=sysconfig)
    ensure_python_link(install, parts)
    ensure_build_file(install, build, fsync=fsync)

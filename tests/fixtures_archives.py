"""PBS-layout archives for tests and benchmarks: synthetic, malicious, and one made from this interpreter.

Plain functions (importable by bench scripts once `tests/` is on sys.path) and pytest fixtures:

    # in tests
    def test_x(archive_factory, http_server):
        made = archive_factory.pbs(version="3.12.8", kind="tar.zst")    # -> MadeArchive
        made = made.serve(http_server)                                 # url now on 127.0.0.1
        made.path, made.sha256, made.size, made.build                  # build.url == served url

    def test_e2e(base_prefix_archive):                                 # session-cached, slow to build
        base_prefix_archive.build.key   # e.g. cpython-3.11.7-linux-x86_64-gnu

    # in a script
    from fixtures_archives import make_pbs_archive, make_prefix_archive

Layouts (docs/uv-compat.md#archive-file-names): every archive has one top-level `python/`.
- `install_only` / `install_only_stripped`: `python/bin/python3.X`, `python/lib/python3.X/...`;
- `full`: the prefix lives in `python/install/...`, beside `python/PYTHON.json`, `python/build/`,
  `python/licenses/`;
- Windows (`.zip` or tar): `python/python.exe`, `python/Lib/...`, `python/DLLs/...`.
The synthetic `bin/python3.X` is a small shell script printing `Python X.Y.Z`.

The members and writers live in archive_writers.py, the synthetic archives and their builds in
archive_builds.py; this module adds the malicious archives, the one made from this interpreter
and the pytest fixtures, and re-exports the rest.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

try:  # the fixtures need pytest; bench scripts importing the functions do not
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

# Members and writers (archive_writers.py) and synthetic PBS archives and builds
# (archive_builds.py), re-exported: tests and bench scripts import them from here.
from archive_builds import (  # noqa: E402, F401
    PBS_RELEASES,
    MadeArchive,
    _finish,
    _rebase,
    make_build,
    make_pbs_archive,
    pbs_filename,
    pbs_prefix_members,
    pkgconfig_text,
    sysconfigdata_text,
    target_triple,
    uv_catalog_entry,
    write_uv_catalog,
)
from archive_writers import (  # noqa: E402, F401
    _MTIME,
    KINDS,
    Member,
    _tarinfo,
    _with_dirs,
    _write_zip,
    directory,
    executable,
    file,
    hardlink,
    kind_of,
    sha256_of,
    symlink,
    write_archive,
)

# --------------------------------------------------------------------------------------------
# Malicious archives
# --------------------------------------------------------------------------------------------

ATTACKS = ("dotdot", "absolute", "symlink_escape", "symlink_absolute", "symlink_chain",
           "hardlink_dotdot", "hardlink_absolute", "hardlink_via_symlink", "hardlink_to_symlink",
           "fifo", "chardev", "blockdev", "write_through_symlink")


def malicious_members(attack: str, outside: Path) -> list[Member]:
    """Members that try to write to (or link to) `outside`, an absolute directory beside the staging dir.

    Each list starts with a harmless `python/bin/python3.12`, so a refusing extractor has
    already written something inside the staging dir when it meets the attack.
    The staging dir is assumed to be `outside.parent / <stage>/<dest>` at most 2 levels below
    `outside.parent`; the `../` counts below escape from there.
    """
    outside = Path(outside)
    up = "../" * 6
    name = outside.name
    benign = [executable("python/bin/python3.12", "#!/bin/sh\n")]
    if attack == "dotdot":
        evil = [file(f"python/{up}{name}/pwned.txt", "pwned\n")]
    elif attack == "absolute":
        evil = [file(f"{outside}/pwned.txt", "pwned\n")]
    elif attack == "symlink_escape":
        evil = [symlink("python/lib/escape", f"../../{up}{name}"),
                file("python/lib/escape/pwned.txt", "pwned\n")]
    elif attack == "symlink_absolute":
        evil = [symlink("python/lib/escape", str(outside)),
                file("python/lib/escape/pwned.txt", "pwned\n")]
    elif attack == "symlink_chain":
        # `python/l -> .` is harmless on its own; `python/l/up -> ../..` looks like it stays
        # inside when read lexically (python/l/../.. = .) but resolves to python/../.. = outside.
        evil = [symlink("python/l", "."),
                symlink("python/l/up", "../.."),
                file(f"python/l/up/{name}/pwned.txt", "pwned\n")]
    elif attack == "hardlink_dotdot":
        evil = [hardlink("python/lib/passwd", f"{up}{name}/secret.txt")]
    elif attack == "hardlink_absolute":
        evil = [hardlink("python/lib/passwd", f"{outside}/secret.txt")]
    elif attack == "hardlink_via_symlink":
        # An in-tree symlink to a dir, then a hard link whose target path goes through it.
        evil = [file("python/lib/sub/data.txt", "data\n"),
                symlink("python/lib/ln", "sub"),
                hardlink("python/lib/passwd", "python/lib/ln/data.txt")]
    elif attack == "hardlink_to_symlink":
        # `python/a/b/s -> ../../x` stays inside; a hard link to it at `python/h` would be the
        # same link inode read from another dir: python/../../x, outside.
        evil = [symlink("python/a/b/s", f"../../{name}"),
                hardlink("python/h", "python/a/b/s")]
    elif attack == "write_through_symlink":
        # A symlink to a file outside, then a regular member of the same name: writing must
        # replace the link, never follow it.
        evil = [symlink("python/lib/target", f"{outside}/secret.txt"),
                file("python/lib/target", "overwritten\n")]
    elif attack in ("fifo", "chardev", "blockdev"):
        evil = [Member(f"python/dev/{attack}", attack)]
    else:
        raise ValueError(f"unknown attack {attack!r}; choose from {ATTACKS}")
    return benign + evil


def make_malicious_archive(dest_dir: Path, attack: str, outside: Path, *, kind: str = "tar.gz",
                           tar_format: str = "gnu") -> Path:
    """An archive that tries `attack` against `outside` (see `malicious_members`)."""
    members = malicious_members(attack, outside)
    path = Path(dest_dir) / f"evil-{attack}.{kind}"
    # No automatic parent dirs: they would contain `..` or absolute components.
    return write_archive(path, members, kind=kind, tar_format=tar_format, add_dirs=False)


# --------------------------------------------------------------------------------------------
# An archive made from the running interpreter's own prefix
# --------------------------------------------------------------------------------------------

# Large parts of the stdlib the end-to-end test never imports.
# Left out to keep the archive small. `distutils` (3.10, 3.11) stays: uv's interpreter query
# imports it on those versions, and without it uv does not list the install.
_SKIP_STDLIB = {"site-packages", "dist-packages", "test", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip",
                "pydoc_data", "__pycache__", "unittest"}


def host_platform() -> tuple[str, str, str]:
    """(os, arch, libc) of this machine in uv's display form (Linux and macOS)."""
    from pytui.core.ordering import host_arch_family

    if sys.platform == "darwin":
        return "macos", host_arch_family(), "none"
    libc = "musl" if "musl" in (platform.libc_ver()[0] or "").lower() else "gnu"
    return "linux", host_arch_family(), libc


def _prefix_members(prefix: Path, mm: str, *, with_tests: bool, with_pycache: bool) -> Iterator[Member]:
    """Walk the interpreter's prefix as PBS would package it (files read lazily, in order)."""
    bin_dir = prefix / "bin"
    exe = bin_dir / f"python{mm}"
    yield Member(f"bin/python{mm}", "file", exe.read_bytes(), 0o755)
    yield symlink(f"bin/python{mm.split('.')[0]}", f"python{mm}")
    lib = prefix / "lib"
    for entry in sorted(lib.iterdir()):
        if entry.name.startswith("libpython"):
            if entry.is_symlink():
                yield symlink(f"lib/{entry.name}", os.readlink(entry))
            elif entry.is_file() and not entry.name.endswith(".a"):
                yield Member(f"lib/{entry.name}", "file", entry.read_bytes(), 0o755)
    pkgconfig = lib / "pkgconfig"
    if pkgconfig.is_dir():
        for entry in sorted(pkgconfig.iterdir()):
            if entry.is_symlink():
                yield symlink(f"lib/pkgconfig/{entry.name}", os.readlink(entry))
            elif entry.suffix == ".pc":
                text = entry.read_text()
                text = text.replace(f"prefix={prefix}", "prefix=/install").replace(str(prefix), "${prefix}")
                yield file(f"lib/pkgconfig/{entry.name}", text)
    stdlib = lib / f"python{mm}"
    skip = set(_SKIP_STDLIB)
    if with_tests:
        skip -= {"test", "unittest", "lib2to3", "idlelib", "tkinter", "turtledemo", "pydoc_data"}
    if with_pycache:
        skip.discard("__pycache__")
    for root, dirs, files in os.walk(stdlib):
        rel_root = Path(root).relative_to(prefix).as_posix()
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("config-"))
        for name in sorted(files):
            full = Path(root) / name
            rel = f"{rel_root}/{name}"
            if full.is_symlink():
                target = os.readlink(full)
                if not os.path.isabs(target):
                    yield symlink(rel, target)
                    continue
                # A distribution's interpreter links out of its prefix (Debian's
                # sitecustomize.py -> /etc/python3.11/): pytui refuses such a member, as no PBS
                # archive has one, so the archive holds the file itself.
                if not full.is_file():
                    continue
            if name.endswith(".a"):
                continue
            data = full.read_bytes()
            if name.startswith("_sysconfigdata_") and name.endswith(".py"):
                # PBS builds with --prefix=/install; give the patch real work to do.
                data = data.replace(str(prefix).encode(), b"/install")
            mode = 0o755 if os.access(full, os.X_OK) else 0o644
            yield Member(rel, "file", data, mode)
    yield file(f"lib/python{mm}/site-packages/README.txt",
               "This directory exists so that 3rd party packages can be installed here.\n")


def make_prefix_archive(dest_dir: Path, *, prefix: Path | None = None, kind: str = "tar.gz",
                        build_date: str = "20250115", url: str | None = None,
                        with_tests: bool = False, with_pycache: bool = False,
                        level: int | None = None, flavor: str = "install_only") -> MadeArchive:
    """A PBS-layout archive of this interpreter's prefix (`sys.base_prefix`), install_only or full.

    Contains `bin/python3.X` (+ `python3` link, no `python` so the fix-up adds it), libpython
    when shared, `lib/pkgconfig`, and `lib/python3.X` with lib-dynload but without
    site-packages, tests, IDLE, Tk and `__pycache__` (unless asked), and with its
    `_sysconfigdata_*.py` rewritten to PBS's `/install` prefix. About 1,100 files (2,400 with
    tests). The Build's key is this machine's, so uv finds the install.
    """
    prefix = Path(prefix or sys.base_prefix)
    mm = f"{sys.version_info.major}.{sys.version_info.minor}"
    version = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    os_name, arch, libc = host_platform()
    build = make_build(version=version, build_date=build_date, os_name=os_name, arch=arch, libc=libc,
                       flavor=flavor, kind=kind, url=url)
    base = "python/install/" if flavor == "full" else "python/"
    members: list[Member] = [_rebase(m, base) for m in _prefix_members(
        prefix, mm, with_tests=with_tests, with_pycache=with_pycache)]
    if flavor == "full":
        members.insert(0, file("python/PYTHON.json", '{"version": "8"}\n'))
    path = write_archive(Path(dest_dir) / build.release_filename, members, kind=kind,
                         level=1 if level is None and kind == "tar.gz" else level)
    landmarks = (f"bin/python{mm}", f"lib/python{mm}/os.py", f"lib/python{mm}/lib-dynload")
    return _finish(path, build, kind, len(_with_dirs(members)), landmarks)


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@dataclass
class ArchiveFactory:
    """Writes archives into one directory (a test's tmp dir); see the module docstring."""

    directory: Path
    made: list[MadeArchive] = field(default_factory=list)

    def pbs(self, **kwargs: object) -> MadeArchive:
        """`make_pbs_archive` into this factory's directory (each call may use a new subdir)."""
        sub = self.directory / f"a{len(self.made)}"
        made = make_pbs_archive(sub, **kwargs)  # type: ignore[arg-type]
        self.made.append(made)
        return made

    def malicious(self, attack: str, outside: Path, **kwargs: object) -> Path:
        return make_malicious_archive(self.directory, attack, outside, **kwargs)  # type: ignore[arg-type]

    def custom(self, name: str, members: Iterable[Member], **kwargs: object) -> Path:
        return write_archive(self.directory / name, members, **kwargs)  # type: ignore[arg-type]


if pytest is not None:

    @pytest.fixture
    def archive_factory(tmp_path: Path) -> ArchiveFactory:
        """Synthetic PBS archives in this test's tmp dir: `.pbs(**kw)`, `.malicious(attack, outside)`."""
        directory = tmp_path / "archives"
        directory.mkdir(exist_ok=True)
        return ArchiveFactory(directory)

    @pytest.fixture(scope="session")
    def base_prefix_archive(tmp_path_factory: pytest.TempPathFactory) -> MadeArchive:
        """This interpreter's prefix as a PBS install_only tar.gz (built once per session, ~2 s)."""
        return make_prefix_archive(tmp_path_factory.mktemp("prefix-archive"), kind="tar.gz")


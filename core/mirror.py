"""`cache export-mirror`: the cached archives laid out as a `file://` mirror, plus uv's catalog for it.

Layout: `DEST/<release tag>/<release file name, with +>` (what uv reads for
`UV_PYTHON_INSTALL_MIRROR=file://DEST`, docs/uv-compat.md#download-urls-and-mirrors) and `DEST/download-metadata.json` in uv's format. The JSON
keeps the python-build-standalone GitHub URLs, because uv refuses a mirror for any other URL; the
mirror setting maps them to DEST. So both
    UV_PYTHON_INSTALL_MIRROR=file://DEST UV_PYTHON_DOWNLOADS_JSON_URL=DEST/download-metadata.json uv python install
    pytui --mirror file://DEST --downloads-json DEST/download-metadata.json install
work offline.

All or nothing: every archive is first copied (and re-hashed) to a temporary name beside its
target, then the catalog; only when all of them are written are they renamed into place. A
failure (a full or read-only disk, DEST a file) removes the temporary files and any directory
this run created, so DEST is as it was; exporting nothing creates nothing. Each temporary
file is locked until it is renamed, so the next export removes what a killed one left (no
clean-up runs on SIGTERM or kill -9), never the copy of an export running now.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from pytui.core.errors import CacheError
from pytui.core.fs_errors import NotRegularFile, cause, open_regular, reason, remedy
from pytui.core.keys import TYPE_CHECKING, is_digits
from pytui.core.models import Build, CachedArchive
from pytui.core.paths import real_path
from pytui.core.progress import ByteCounter, CancelToken, ProgressCallback, no_progress
from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

if TYPE_CHECKING:
    from typing import Any, BinaryIO

    from pytui.core.cache import ArchiveCache
    from pytui.core.catalog import Catalog

METADATA_NAME = "download-metadata.json"
_READ_SIZE = 1024 * 1024
# An existing DEST/download-metadata.json bigger than this is not merged. It names only the
# archives a mirror holds: uv's whole catalog of 5530 builds written so is 3.1 MB, and 16 MiB
# is ~30,000 builds. Its JSON is decoded whole, and short members cost ~13x their bytes:
# 64 MiB of `"k":0,` took 767 MB and 29.5 s to merge (load 16-20); 16 MiB bounds that to ~200 MB.
MAX_METADATA_BYTES = 16 * 1024 * 1024
# What killed exports left of one file, looked at by each export at most (each costs an open
# and a lock): thousands (hostile, or long neglected) take several exports to remove, as
# cache_import.MAX_CLEANED_BY_IMPORT bounds an import's.
MAX_CLEANED_BY_EXPORT = 64
_ALTERNATIVE = "pass another directory to export into"


class MirrorError(CacheError):
    """The mirror could not be written (DEST unusable, full, read-only, the cache itself)."""


@dataclass(slots=True)
class ExportReport:
    """What `export_mirror` wrote."""

    root: Path
    metadata: Path
    exported: list[Build] = field(default_factory=list)
    # Archives left out, with why (not a python-build-standalone URL, failed its hash...).
    skipped: list[tuple[CachedArchive, str]] = field(default_factory=list)
    bytes_written: int = 0
    # Why DEST's download-metadata.json was replaced instead of merged (None: merged, or none).
    metadata_replaced: str | None = None
    # Archives in the cache that the catalog lists no build of (downloaded under another one).
    unlisted: int = 0


# -- uv's JSON format, written back -----------------------------------------------------------
_JSON_OS = {"macos": "darwin"}
_JSON_ARCH = {"x86": "i686", "riscv64gc": "riscv64", "armv5te": "armv5tel"}


def uv_json_entry(build: Build) -> tuple[str, dict[str, Any]]:
    """A build as uv's download-metadata.json has it: (JSON key, entry). Inverse of the parser."""
    name = "cpython" if build.implementation == "pyodide" else build.implementation
    os_name = _JSON_OS.get(build.os, build.os)
    family, _, level = build.arch.partition("_v") if build.arch.startswith("x86_64_v") else (build.arch, "", "")
    family = _JSON_ARCH.get(family, family)
    arch_variant = f"v{level}" if level else None
    variant = None if build.variant == "default" else build.variant
    key = (f"{name}-{build.version}{'' if variant is None else '+' + variant}-{os_name}-"
           f"{family}{'_' + arch_variant if arch_variant else ''}-{build.libc}")
    entry = {
        "name": name, "arch": {"family": family, "variant": arch_variant}, "os": os_name,
        "libc": build.libc, "major": build.major, "minor": build.minor, "patch": build.patch,
        "prerelease": build.prerelease, "url": build.url, "sha256": build.sha256,
        "variant": variant, "build": build.build,
    }
    return key, entry


def copy_hashing(src: BinaryIO, out: BinaryIO, cancel: CancelToken, on_bytes: Any = None) -> str:
    """Copy into `out` (closed at the end) while hashing; return the sha256."""
    hasher = hashlib.sha256()
    with out:
        while chunk := src.read(_READ_SIZE):
            cancel.check("copy")
            hasher.update(chunk)
            out.write(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return hasher.hexdigest()


def temp_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.{id(final):x}.tmp")


def _is_temp_of(final: Path) -> Callable[[str], bool]:
    """Whether a name in `final`'s directory is a `temp_name` of it."""
    prefix = f".{final.name}."

    def is_temp(name: str) -> bool:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            return False
        pid, _, hex_id = name[len(prefix):-len(".tmp")].partition(".")
        return is_digits(pid) and bool(hex_id) and all(c in "0123456789abcdef" for c in hex_id)
    return is_temp


def _remove_stale_temps(final: Path) -> None:
    """Remove the temporary copies of `final` an export killed by SIGTERM or kill -9 left (a
    hidden partial archive of hundreds of MiB, which no later export removed), at most
    MAX_CLEANED_BY_EXPORT of them; an export running now holds a lock on its copy and keeps it."""
    from pytui.core.cache_import import remove_unlocked

    remove_unlocked(final.parent, _is_temp_of(final), limit=MAX_CLEANED_BY_EXPORT)


def _hash_of(path: Path) -> str | None:
    """sha256 of a regular file at `path`, or None when there is none (or it cannot be read)."""
    try:
        with open_regular(path) as f:
            hasher = hashlib.sha256()
            while chunk := f.read(_READ_SIZE):
                hasher.update(chunk)
            return hasher.hexdigest()
    except OSError:
        return None


class _Writer:
    """Directories and temporary files one export made, so a failure can take them back."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.made_dirs: list[Path] = []
        self.temps: list[tuple[Path, Path]] = []  # (temporary, final)
        self.locks: list[int] = []  # a locked descriptor of each temporary file, until it is renamed

    def create(self, final: Path) -> BinaryIO:
        """A new temporary file for `final`, locked until `commit` or `undo` (so another export
        into DEST does not take it for a killed export's and remove it)."""
        from pytui.core.cache_import import try_lock

        tmp = temp_name(final)
        out = open(tmp, "xb")  # noqa: SIM115 - the caller closes it
        self.temps.append((tmp, final))
        held = os.dup(out.fileno())  # the lock lives on after `out` is closed
        self.locks.append(held)
        try_lock(held)
        return out

    def _release(self) -> None:
        for fd in self.locks:
            os.close(fd)
        self.locks.clear()

    def mkdirs(self, path: Path) -> None:
        missing = []
        current = path
        while not os.path.isdir(current):
            missing.append(current)
            if current.parent == current:
                break
            current = current.parent
        for directory in reversed(missing):
            try:
                directory.mkdir()
            except FileExistsError:
                if not os.path.isdir(directory):
                    raise NotADirectoryError(20, "Not a directory", str(directory)) from None
                continue
            self.made_dirs.append(directory)

    def undo(self) -> None:
        for temp, _ in self.temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        self._release()
        for directory in reversed(self.made_dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()

    def commit(self) -> None:
        # A directory where a file goes cannot be replaced by a rename: found before the first
        # rename, so nothing is half exported (a FIFO or a link there is replaced, not opened).
        for _temp, final in self.temps:
            if os.path.isdir(final) and not os.path.islink(final):
                raise IsADirectoryError(errno.EISDIR, "Is a directory", str(final))
        for temp, final in self.temps:
            os.replace(temp, final)
        self.temps.clear()
        self._release()


def export_mirror(cache: ArchiveCache, dest_dir: Path, catalog: Catalog, *,
                  progress: ProgressCallback = no_progress,
                  cancel: CancelToken | None = None) -> ExportReport:
    """Lay `cache`'s verified python-build-standalone archives out as a mirror in `dest_dir`.

    Entries of an existing DEST/download-metadata.json whose files are still there are kept,
    so several caches can be exported into one mirror. An archive already in DEST with the
    right bytes is left as it is. Each archive is re-hashed while copied; one that fails is
    skipped (run `pytui cache verify`).
    """
    cancel = cancel or CancelToken()
    dest = Path(dest_dir).absolute()
    # A realpath, not Path.resolve: a symlink loop (DEST -> DEST) makes resolve raise
    # RuntimeError on Python 3.11, a traceback; realpath leaves the loop for mkdir to name.
    # real_path: a link on the way this user may not read (another's /proc/PID/root) is left
    # for mkdir to name too (os.path.realpath raises there on Python 3.10-3.12).
    if real_path(dest) == real_path(cache.root):
        raise MirrorError(f"cannot export the mirror into the cache itself ({dest}); "
                          "pick another directory")
    report = ExportReport(root=dest, metadata=dest / METADATA_NAME)
    planned = _plan(cache, catalog, dest, report)
    if not planned:
        return report  # nothing to export: nothing is created
    total = sum(archive.size for archive, _, _ in planned)
    counter = ByteCounter(progress, "export", total)
    writer = _Writer(dest)
    try:
        writer.mkdirs(dest)
        entries = _existing_mirror_entries(report.metadata, dest, report)
        for archive, build, target in planned:
            why = _export_one(writer, archive, build, target, cancel, counter.advance)
            if why is not None:
                report.skipped.append((archive, why))
                continue
            key, entry = uv_json_entry(build)
            entries[key] = entry
            report.exported.append(build)
            report.bytes_written += archive.size
        if not report.exported:
            writer.undo()
            return report
        text = json.dumps(dict(sorted(entries.items(), reverse=True)), indent=2) + "\n"
        _remove_stale_temps(report.metadata)
        with writer.create(report.metadata) as out:
            out.write(text.encode("utf-8"))
        writer.commit()
    except OSError as err:
        writer.undo()
        raise MirrorError(f"cannot export the mirror into {dest}: {_problem(err, dest)}; "
                          "nothing was exported") from None
    except BaseException:
        writer.undo()
        raise
    return report


def _problem(err: OSError, dest: Path) -> str:
    """Why DEST is unusable and what to do; a file in DEST's way (a file where a release
    directory goes, a directory where an archive or the catalog goes) is named, not DEST."""
    blocker = Path(err.filename) if isinstance(err.filename, str) else None
    if err.errno in (errno.ENOTDIR, errno.EISDIR) and blocker is not None and blocker != dest \
            and dest in blocker.parents:
        kind = "a directory" if err.errno == errno.EISDIR else "not a directory"
        return f"{blocker} is {kind}, where the mirror needs {'a file' if kind == 'a directory' else 'one'}; " \
               f"remove it or {_ALTERNATIVE}"
    return f"{reason(err, dest)}; {remedy(err, _ALTERNATIVE, dest)}"


def _plan(cache: ArchiveCache, catalog: Catalog, dest: Path,
          report: ExportReport) -> list[tuple[CachedArchive, Build, Path]]:
    """(archive, build, target) for every exportable archive; the others go to `report.skipped`."""
    planned: list[tuple[CachedArchive, Build, Path]] = []
    for archive in cache.list(catalog):
        build = archive.build
        if archive.unlisted:
            report.unlisted += 1
        if archive.state != "ok" or build is None:
            continue
        if not build.url.startswith(CPYTHON_DOWNLOADS_URL_PREFIX):
            report.skipped.append((archive, "not a python-build-standalone release URL"))
            continue
        relative = unquote(build.url[len(CPYTHON_DOWNLOADS_URL_PREFIX):])
        if ".." in Path(relative).parts or Path(relative).is_absolute() or not relative:
            report.skipped.append((archive, f"unsafe path {relative}"))
            continue
        planned.append((archive, build, dest / relative))
    return planned


def _export_one(writer: _Writer, archive: CachedArchive, build: Build, target: Path,
                cancel: CancelToken, advance: Callable[[int], None]) -> str | None:
    """Copy one archive to a temporary name beside `target`; None, or why it was skipped.
    OSError for the destination's failures (the caller undoes everything)."""
    writer.mkdirs(target.parent)
    _remove_stale_temps(target)
    if build.sha256 and _hash_of(target) == build.sha256:
        advance(archive.size)  # already exported with these bytes
        return None
    try:
        src = open_regular(archive.path)
    except FileNotFoundError:
        return "removed from the cache meanwhile"
    except OSError as err:
        raise MirrorError(f"cannot read {archive.path} in the cache: {cause(err)}; "
                          "nothing was exported") from None
    with src:
        digest = copy_hashing(src, writer.create(target), cancel, advance)
    if build.sha256 and digest != build.sha256:
        tmp, _ = writer.temps.pop()
        os.close(writer.locks.pop())
        tmp.unlink()
        return f"corrupt in the cache (sha256 {digest})"
    return None


def _existing_mirror_entries(metadata: Path, dest: Path,
                             report: ExportReport) -> dict[str, dict[str, Any]]:
    """The entries of DEST's catalog whose files are still there. One that cannot be read as
    a catalog (another tool's file, a damaged or hostile one) is replaced by the new one; why
    is kept in `report.metadata_replaced` for the one warning line."""
    try:
        with open_regular(metadata) as f:
            data = f.read(MAX_METADATA_BYTES + 1)
    except FileNotFoundError:
        return {}
    except NotRegularFile as err:
        report.metadata_replaced = f"it is {err.kind}, not a regular file"
        return {}
    except OSError as err:
        report.metadata_replaced = f"it could not be read ({cause(err)})"
        return {}
    if len(data) > MAX_METADATA_BYTES:
        report.metadata_replaced = f"it is larger than {MAX_METADATA_BYTES >> 20} MiB"
        return {}
    from pytui.core.json_bounds import TooManyFloats, float_counter, too_many_containers

    if too_many_containers(data):
        report.metadata_replaced = "it holds more JSON arrays and objects than a uv download-metadata.json could"
        return {}
    try:
        doc = json.loads(data, parse_float=float_counter())
    except TooManyFloats:
        report.metadata_replaced = "it holds more numbers with a fraction or an exponent than pytui reads"
        return {}
    except RecursionError:
        report.metadata_replaced = "its JSON is nested too deeply"
        return {}
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        report.metadata_replaced = "it is not valid JSON"
        return {}
    if not isinstance(doc, dict):
        report.metadata_replaced = "it is not a JSON object (uv's download-metadata.json format)"
        return {}
    kept = {}
    for key, entry in doc.items():
        url = entry.get("url") if isinstance(entry, dict) else None
        if isinstance(key, str) and isinstance(url, str) and url.startswith(CPYTHON_DOWNLOADS_URL_PREFIX):
            relative = unquote(url[len(CPYTHON_DOWNLOADS_URL_PREFIX):])
            if ".." not in Path(relative).parts and not Path(relative).is_absolute() \
                    and os.path.isfile(dest / relative):
                kept[key] = entry
    return kept

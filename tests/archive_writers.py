"""Archive members and the writers that put them into tar (.gz, .zst) and zip files, for tests
and benchmarks (fixtures_archives.py re-exports all of it)."""

from __future__ import annotations

import hashlib
import io
import stat
import tarfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KINDS = ("tar.gz", "tar.zst", "tar", "zip")
# A fixed mtime keeps archives byte-identical between runs (stable sha256 within a session).
_MTIME = 1_736_899_200  # 2025-01-15



# --------------------------------------------------------------------------------------------
# Members: what goes into an archive
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """One archive member. `kind`: file, dir, symlink, hardlink, fifo, chardev, blockdev."""

    name: str
    kind: str = "file"
    data: bytes = b""
    mode: int = 0o644
    # Symlink / hard-link target (as stored in the archive).
    target: str = ""


def file(name: str, data: bytes | str = b"", mode: int = 0o644) -> Member:
    return Member(name, "file", data.encode() if isinstance(data, str) else data, mode)


def executable(name: str, data: bytes | str = b"") -> Member:
    return file(name, data, 0o755)


def directory(name: str) -> Member:
    return Member(name.rstrip("/"), "dir", mode=0o755)


def symlink(name: str, target: str) -> Member:
    return Member(name, "symlink", mode=0o777, target=target)


def hardlink(name: str, target: str) -> Member:
    return Member(name, "hardlink", target=target)


def _with_dirs(members: Iterable[Member]) -> list[Member]:
    """Add parent directory entries (as real PBS tarballs have) before their first child."""
    out: list[Member] = []
    seen: set[str] = set()
    for member in members:
        parts = member.name.strip("/").split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if parent not in seen and not member.name.startswith("/") and ".." not in parts[:depth]:
                seen.add(parent)
                out.append(directory(parent))
        if member.kind == "dir":
            if member.name in seen:
                continue
            seen.add(member.name)
        out.append(member)
    return out


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def kind_of(filename: str) -> str:
    for kind in ("tar.gz", "tar.zst", "tar", "zip"):
        if filename.endswith("." + kind):
            return kind
    if filename.endswith(".tgz"):
        return "tar.gz"
    raise ValueError(f"unknown archive kind: {filename}")


def _tarinfo(member: Member, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(member.name + ("/" if member.kind == "dir" else ""))
    info.mtime = mtime
    info.mode = member.mode
    info.uname = info.gname = "root"
    if member.kind == "file":
        info.size = len(member.data)
    elif member.kind == "dir":
        info.type = tarfile.DIRTYPE
    elif member.kind == "symlink":
        info.type = tarfile.SYMTYPE
        info.linkname = member.target
    elif member.kind == "hardlink":
        info.type = tarfile.LNKTYPE
        info.linkname = member.target
    elif member.kind == "fifo":
        info.type = tarfile.FIFOTYPE
    elif member.kind == "chardev":
        info.type = tarfile.CHRTYPE
        info.devmajor, info.devminor = 1, 3
    elif member.kind == "blockdev":
        info.type = tarfile.BLKTYPE
        info.devmajor, info.devminor = 7, 0
    else:
        raise ValueError(member.kind)
    return info


def write_archive(path: Path, members: Iterable[Member], *, kind: str | None = None,
                  tar_format: str = "gnu", level: int | None = None, add_dirs: bool = True,
                  mtime: int = _MTIME) -> Path:
    """Write `members` (in order) as `path`; the kind comes from the file name unless given.

    `tar_format`: "gnu" (GNU longname headers for long names, as PBS tarballs), "pax" or "ustar".
    `level`: compression level (gzip default 6, zstd default 3); low values build faster.
    """
    path = Path(path)
    kind = kind or kind_of(path.name)
    members = _with_dirs(members) if add_dirs else list(members)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "zip":
        _write_zip(path, members, level)
        return path
    fmt = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT, "ustar": tarfile.USTAR_FORMAT}[tar_format]
    with open(path, "wb") as raw:
        if kind == "tar.gz":
            import gzip

            out: io.BufferedIOBase = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                   compresslevel=6 if level is None else level)  # type: ignore[assignment]
        elif kind == "tar.zst":
            import zstandard

            # With a content checksum, as the zstd CLI writes one by default: a frame without it
            # decodes some corrupt blocks to other bytes and no error (test_extract's corrupt
            # archive then depends on where its flipped bytes land).
            out = zstandard.ZstdCompressor(level=3 if level is None else level,  # type: ignore[assignment]
                                           write_checksum=True).stream_writer(raw, closefd=False)
        elif kind == "tar":
            out = raw  # type: ignore[assignment]
        else:
            raise ValueError(kind)
        with tarfile.open(fileobj=out, mode="w|", format=fmt) as tar:
            for member in members:
                info = _tarinfo(member, mtime)
                tar.addfile(info, io.BytesIO(member.data) if member.kind == "file" else None)
        if out is not raw:
            out.close()
    return path


def _write_zip(path: Path, members: list[Member], level: int | None) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=6 if level is None else level) as zf:
        for member in members:
            date = time.gmtime(_MTIME)[:6]
            if member.kind == "dir":
                info = zipfile.ZipInfo(member.name + "/", date)
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
                zf.writestr(info, b"")
            elif member.kind == "file":
                info = zipfile.ZipInfo(member.name, date)
                info.external_attr = (stat.S_IFREG | member.mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, member.data)
            elif member.kind == "symlink":
                info = zipfile.ZipInfo(member.name, date)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, member.target.encode())
            else:
                raise ValueError(f"zip archives cannot hold a {member.kind}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()



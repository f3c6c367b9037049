"""zip archives (Windows builds) through the same stage writer as tar; bodies in bounded pieces."""

from __future__ import annotations

import os
import stat
import struct
import zlib
from collections.abc import Callable

from pytui.core.errors import ExtractError
from pytui.core.member_policy import MAX_MEMBERS, Refused, clean_name
from pytui.core.progress import CancelToken
from pytui.core.stage_tree import StageTree
from pytui.core.tar_headers import MAX_MEMBER_SIZE, MAX_NAME_BYTES
from pytui.core.tar_reader import refused_line
from pytui.core.zip_end import read_zip_end

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from typing import BinaryIO

_PIECE = 1 << 20
# zipfile reads the whole central directory and makes an object of every entry before the first
# member is seen (~400 bytes each: 2 million entries in a 200 MB zip took 1 GB), so its size and
# entry count are checked first. A PBS zip's is well under 1 MiB; this holds MAX_MEMBERS entries
# of 80-byte names.
MAX_CENTRAL_DIRECTORY_BYTES = 128 << 20
# A central directory entry's fixed part: the name, extra and comment lengths at 28, 30, 32.
_ENTRY = struct.Struct("<4s24xHHH12x")
_ENTRY_SIGNATURE = b"PK\x01\x02"
# General-purpose flag bit 0: the member is encrypted (zipfile then raises RuntimeError).
_ENCRYPTED = 0x1
# The compression methods read: stored (0) and deflate (8), which zipfile decompresses at most
# a read's worth at a time. bzip2 (12) and lzma (14) it decompresses each read's input whole:
# 1 GiB of zeros is 785 bytes of bzip2, and extracting it took 2.1 GB. PBS and PyPy zips are
# deflated.
_READ_METHODS = (0, 8)
_METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstd", 95: "xz",
                 98: "ppmd"}


def extract_zip(source: BinaryIO, tree: StageTree, archive: str,
                report_bytes: Callable[[int], None], cancel: CancelToken | None) -> None:
    import zipfile

    member = "(the central directory)"
    try:
        _check_central_directory(source)
        with zipfile.ZipFile(source) as zf:
            done = 0
            for info in zf.infolist():
                member = info.filename
                if not member:  # zipfile cuts a name at a NUL; its `is_dir` fails on ''
                    raise Refused("(a member)", "has an empty name")
                name = clean_name(member.replace("\\", "/"))
                mode = info.external_attr >> 16
                _check_member(info, member)
                if name:
                    tree.count(name)
                if info.is_dir():
                    if name:
                        tree.directory(name)
                elif stat.S_ISLNK(mode):
                    if not name:
                        raise Refused(member, "is a link named like the archive root")
                    if info.file_size > MAX_NAME_BYTES:
                        raise Refused(member, f"is a symlink with a target longer than {MAX_NAME_BYTES} bytes")
                    with zf.open(info) as body:
                        target = body.read(MAX_NAME_BYTES + 1)
                    tree.symlink(name, target.decode("utf-8", "surrogateescape"))
                elif not name:
                    raise Refused(member, "is a file named like the archive root")
                elif mode and not stat.S_ISREG(mode) and stat.S_IFMT(mode):
                    raise Refused(member, "is a special file; devices and fifos are not allowed")
                else:
                    _write_member(zf, info, tree.create(name, mode))
                    tree.files += 1
                done += info.compress_size
                if cancel is not None:
                    cancel.check(f"extraction of {archive}")
                report_bytes(done)
    except Refused as refused:
        raise ExtractError(refused_line(archive, refused)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as err:
        raise ExtractError(f"cannot extract {archive}: the zip is corrupt or unsupported ({err})",
                           data_fault=True) from None
    except OSError as err:
        raise ExtractError(f"cannot extract {archive}: writing {member!r} failed: {err.strerror or err}") from None


def _check_member(info: object, member: str) -> None:
    """Refuse what zipfile would fail on without a line of ours, or let through unbounded."""
    if info.flag_bits & _ENCRYPTED:  # type: ignore[attr-defined]  # a zipfile.ZipInfo
        raise Refused(member, "is encrypted; PBS archives never are")
    method = info.compress_type  # type: ignore[attr-defined]  # a zipfile.ZipInfo
    if method not in _READ_METHODS:
        name = _METHOD_NAMES.get(method, f"method {method}")
        raise Refused(member, f"is compressed with {name}; pytui reads stored and deflated zip "
                              "members, as PBS and PyPy zips are")
    size = info.file_size  # type: ignore[attr-defined]  # zipfile is imported lazily, so typed loosely
    if size > MAX_MEMBER_SIZE or size < 0:
        raise Refused(member, f"claims a size of {size} bytes, more than the {MAX_MEMBER_SIZE} allowed")


def _check_central_directory(fp: BinaryIO) -> None:
    """Refuse a central directory larger than MAX_CENTRAL_DIRECTORY_BYTES or listing more than
    MAX_MEMBERS entries, before zipfile reads it. The directory is found as zipfile finds it
    (core/zip_end.py, which refuses an impossible end) and walked with its arithmetic, so both
    see the same entries; anything that is not an entry ends the walk (zipfile then says the
    zip is corrupt)."""
    end = read_zip_end(fp)
    size = end.size
    if size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise Refused("(the central directory)", f"is {size} bytes, more than the "
                                                 f"{MAX_CENTRAL_DIRECTORY_BYTES} allowed")
    if end.entries > MAX_MEMBERS:
        raise _too_many()
    fp.seek(end.start)
    data = fp.read(size)
    at = entries = 0
    while at + _ENTRY.size <= len(data):
        signature, name, extra, comment = _ENTRY.unpack_from(data, at)
        if signature != _ENTRY_SIGNATURE:
            break
        entries += 1
        if entries > MAX_MEMBERS:
            raise _too_many()
        at += _ENTRY.size + name + extra + comment
    fp.seek(0)


def _too_many() -> Refused:
    return Refused("(the central directory)", f"lists more than the {MAX_MEMBERS} members "
                                              "an archive may hold")


def _write_member(zf: object, info: object, fd: int) -> None:
    """The body in pieces of at most 1 MiB (zipfile bounds each read's output), checked by its CRC."""
    try:
        with zf.open(info) as body:  # type: ignore[attr-defined]  # a zipfile.ZipFile, typed loosely to keep zipfile imported lazily
            while True:
                piece = body.read(_PIECE)
                if not piece:
                    break
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view):]
    finally:
        os.close(fd)

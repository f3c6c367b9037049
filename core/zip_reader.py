"""zip archives (Windows builds) through the same stage writer as tar; bodies in bounded pieces."""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Callable

from pytui.core.errors import ExtractError
from pytui.core.member_policy import Refused, clean_name
from pytui.core.progress import CancelToken
from pytui.core.stage_tree import StageTree
from pytui.core.tar_headers import MAX_MEMBER_SIZE, MAX_NAME_BYTES
from pytui.core.tar_reader import refused_line

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from typing import BinaryIO

_PIECE = 1 << 20


def extract_zip(source: str | BinaryIO, tree: StageTree, archive: str,
                report_bytes: Callable[[int], None], cancel: CancelToken | None) -> None:
    import zipfile

    member = "(the central directory)"
    try:
        with zipfile.ZipFile(source) as zf:
            done = 0
            for info in zf.infolist():
                member = info.filename
                name = clean_name(member.replace("\\", "/"))
                mode = info.external_attr >> 16
                if info.file_size > MAX_MEMBER_SIZE or info.file_size < 0:
                    raise Refused(member, f"claims a size of {info.file_size} bytes, more than the "
                                          f"{MAX_MEMBER_SIZE} allowed")
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
        raise ExtractError(f"cannot extract {archive}: the zip is corrupt or unsupported ({err}); "
                           "delete the archive and download it again") from None
    except OSError as err:
        raise ExtractError(f"cannot extract {archive}: writing {member!r} failed: {err.strerror or err}") from None


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

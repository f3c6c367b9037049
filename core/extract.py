"""Unpack PBS archives (tar.gz, tar.zst, tar, zip) safely and fast, from a file or a stream.

The parts, one job each: `core/decompress.py` (bounded decompression on a second thread),
`core/tar_headers.py` (strict header parsing), `core/member_policy.py` (names and link
targets as text), `core/stage_tree.py` (writing into the stage through directory fds, never
through a link), `core/tar_reader.py` and `core/zip_reader.py` (the member loops).

Safety: nothing is ever written outside `dest`, whatever links the archive holds: every
write is made relative to a directory reached from `dest` without following any symlink,
and every symlink must really resolve (through the links already in the tree) inside the
tree — and, once the tree is complete, those in the installed prefix inside that prefix.
Refused with `ExtractError` (one line naming the archive and the member): absolute names,
`..` components, members whose path passes through a symlink, symlinks leaving the tree,
symlink loops, hard links to anything but a regular file already extracted, devices,
fifos, other special members, damaged or out-of-bounds headers (negative or huge sizes,
over-long names and pax records), and archives with no members.

Layout: like uv, the single top-level directory (`python/`) is stripped, and `install/`
inside it is used when present (full archives); `extract_archive` returns that prefix.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from pytui.core.decompress import READ_SIZE, Producer, SourceFailed, gzip_module
from pytui.core.errors import ExtractError
from pytui.core.member_policy import Refused
from pytui.core.nofollow import lstat_at
from pytui.core.progress import CancelToken, Progress, ProgressCallback, Throttle
from pytui.core.stage_tree import StageTree
from pytui.core.tar_reader import decode_failure, extract_tar, refused_line
from pytui.core.zip_reader import extract_zip

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pytui.core.zstd_process import ProcessProducer

KINDS = ("tar.gz", "tar.zst", "tar", "zip")
# Threads creating small files while the member loop reads on (0: the loop writes every file).
WRITER_THREADS = 4
# The name bench scripts know ISA-L/zlib detection by.
_gzip_module = gzip_module


def archive_kind(name: str) -> str:
    """`tar.gz`, `tar.zst`, `tar` or `zip` from an archive's file name (as uv detects it)."""
    lowered = name.lower()
    for kind in ("tar.gz", "tar.zst", "tar", "zip"):
        if lowered.endswith("." + kind):
            return kind
    if lowered.endswith(".tgz"):
        return "tar.gz"
    raise ExtractError(f"cannot extract {name}: unsupported archive type "
                       "(pytui reads .tar.gz, .tar.zst, .tar and .zip)")


def _prefix(tree: StageTree) -> str:
    """uv's strip rule: the single top-level directory, then `install/` inside it if present."""
    top = tree.single_top_dir() or ""
    install = f"{top}/install" if top else "install"
    st = lstat_at(tree.root_fd, install)
    if st is not None and (st.st_mode & 0o170000) == 0o040000:
        return install
    return top


def _finish(tree: StageTree, dest: Path, archive: str) -> Path:
    """The tree is complete: refuse an empty archive or a link leaving the install dir."""
    if tree.members == 0:
        raise ExtractError(f"cannot extract {archive}: it holds no files or directories (an empty "
                           "archive)", data_fault=True)
    prefix = _prefix(tree)
    try:
        tree.check_links(prefix)
    except Refused as refused:
        raise ExtractError(refused_line(archive, refused)) from None
    return dest / prefix if prefix else dest


# Protocol, BinaryIO: `typing` is imported for type checkers only (it costs a cold install a few ms).
if TYPE_CHECKING:
    from typing import BinaryIO, Protocol

    class Readable(Protocol):
        """What a stream source needs: `read(n)` (a hashing or downloading wrapper will do)."""

        def read(self, size: int = ..., /) -> bytes: ...


def extract_archive(source: str | os.PathLike[str] | BinaryIO | Readable, dest: Path, *,  # noqa: C901 - path or stream, tar or zip, one cleanup path
                    kind: str | None = None,
                    progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
                    total: int | None = None, name: str | None = None, threaded: bool = True,
                    zstd_process: bool = True, on_decoder: Callable[[str], None] | None = None) -> Path:
    """Unpack `source` (a path, or a binary stream read to EOF) into `dest`; return the prefix.

    `kind` is `tar.gz`, `tar.zst`, `tar` or `zip`; by default it comes from the file name
    (`name`, or the source path). `dest` should be a fresh, empty directory (a stage);
    it is created if missing. Progress reports `Progress("extract", compressed bytes read,
    total)`, throttled; `total` defaults to the file size for a path. `cancel` is checked
    between members (raises Cancelled). A stream is always read to its end, even past the
    tar end marker, so a hashing wrapper sees every byte. tar.zst is decompressed by a `zstd`
    child process when one is found and `zstd_process` (`core/zstd_process.py`), else
    in-process; `on_decoder` is told which (for `install --verbose`).
    """
    path = os.fspath(source) if isinstance(source, (str, os.PathLike)) else None
    is_path = path is not None
    archive = name or (os.path.basename(path) if path is not None else getattr(source, "name", "archive"))
    archive = os.path.basename(str(archive))
    kind = kind or archive_kind(archive)
    if kind not in KINDS:
        raise ExtractError(f"cannot extract {archive}: unsupported archive type {kind!r}")
    dest = Path(dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExtractError(f"cannot extract {archive}: cannot create {dest}: {err.strerror}") from None
    handle: BinaryIO | None = None
    if path is not None:
        try:
            handle = open(path, "rb", buffering=0)  # noqa: SIM115 - closed below
            if total is None:
                total = os.fstat(handle.fileno()).st_size
        except OSError as err:
            raise ExtractError(f"cannot extract {archive}: cannot read it: {err.strerror}") from None
        stream: BinaryIO = handle
    else:
        # A non-seekable reader is only read(); zip spools it to a file first (_extract_zip_source).
        stream = source  # type: ignore[assignment]  # a BinaryIO or a Readable: both have read()

    throttle = Throttle(progress) if progress is not None else None
    started = time.monotonic()

    def send(done: int, final: bool = False) -> None:
        if throttle is None:
            return
        elapsed = time.monotonic() - started
        speed = done / elapsed if elapsed > 0 else None
        throttle(Progress("extract", done, (total or done) if final else total, speed))

    try:
        if cancel is not None:
            cancel.check(f"extraction of {archive}")
        try:
            tree = StageTree(os.path.abspath(dest), writer_threads=WRITER_THREADS if kind != "zip" else 0)
        except OSError as err:
            raise ExtractError(f"cannot extract {archive}: cannot open {dest}: {err.strerror}") from None
        with tree:
            if kind == "zip":
                _extract_zip_source(stream, is_path, tree, archive, send, cancel)
                send(total or 0, final=True)
                return _finish(tree, dest, archive)
            producer = _producer(stream, kind, threaded, zstd_process, cancel, archive)
            last = [-1]

            def report() -> None:
                consumed = producer.consumed
                if consumed != last[0]:
                    last[0] = consumed
                    send(consumed)

            try:
                if on_decoder is not None:
                    on_decoder(producer.describe())
                extract_tar(producer, tree, archive, report if throttle is not None else _noop, cancel)
                producer.drain()
            except SourceFailed as failed:
                raise failed.error from None
            finally:
                producer.close()
            if producer.decode_error is not None and producer.decode_error_member <= 1:
                raise decode_failure(archive, producer.decode_error)
            send(producer.consumed, final=True)
            return _finish(tree, dest, archive)
    finally:
        if handle is not None:
            handle.close()


def _noop() -> None:
    pass


def _producer(stream: BinaryIO, kind: str, threaded: bool, zstd_process: bool,
              cancel: CancelToken | None, archive: str) -> Producer | ProcessProducer:
    """Started: a `zstd -d` child for tar.zst when there is one, else in-process decoding."""
    if kind == "tar.zst" and zstd_process and hasattr(os, "posix_spawn"):
        from pytui.core.zstd_process import ProcessProducer, zstd_binary

        binary = zstd_binary()
        if binary is not None:
            child = ProcessProducer(stream.read, binary, cancel=cancel, archive=archive)
            try:
                child.start()
                return child
            except OSError:
                pass  # not executable after all, no fds left...: in-process, nothing read yet
    producer = Producer(stream.read, kind, threaded)
    producer.start()
    return producer


def _extract_zip_source(stream: BinaryIO, is_path: bool, tree: StageTree, archive: str,
                        send: Callable[..., None], cancel: CancelToken | None) -> None:
    """zip needs its central directory (at the end): a stream is spooled to an unnamed temp file."""
    if is_path or _seekable(stream):
        extract_zip(stream, tree, archive, send, cancel)
        return
    import tempfile

    with tempfile.TemporaryFile(dir=tree.dest) as spool:
        while True:
            piece = stream.read(READ_SIZE)
            if not piece:
                break
            spool.write(piece)
        spool.seek(0)
        extract_zip(spool, tree, archive, send, cancel)


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False

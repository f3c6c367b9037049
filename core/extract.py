"""Unpack PBS archives (tar.gz, tar.zst, tar, zip) safely and fast, from a file or a stream.

The tar path is a lean member loop over decompressed chunks: tar headers (ustar, GNU
longname/longlink, pax) parsed here, file bodies written with `os.open`/`os.write` straight
from the decompressor's buffers, no per-member chmod/utime (only the executable bit is kept,
as uv keeps it). Decompression runs on a second thread (zlib and zstandard release the GIL),
so inflating and writing overlap.

Safety: nothing is ever written outside `dest`. Refused with `ExtractError` (one line naming
the archive and the member): absolute names, `..` components, members whose path passes
through a symlink, symlinks whose target is absolute or leaves the tree, hard links to
anything but a regular file inside the tree, devices, fifos and other special members.
Files are opened with O_NOFOLLOW|O_EXCL, so a member never writes through a link.

Layout: like uv, the single top-level directory (`python/`) is stripped, and `install/`
inside it is used when present (full archives); `extract_archive` returns that prefix.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import queue
import stat
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from pytui.core.errors import Cancelled, ExtractError
from pytui.core.progress import CancelToken, Progress, ProgressCallback, Throttle

KINDS = ("tar.gz", "tar.zst", "tar", "zip")
# Compressed bytes read per step; decompressed chunks are a few times larger.
READ_SIZE = 256 * 1024
_QUEUE_DEPTH = 16
_BLOCK = 512
_ZERO_BLOCK = bytes(_BLOCK)
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
_REGULAR = frozenset((b"0", b"\0", b"7", b""))
_SPECIAL = {b"3": "character device", b"4": "block device", b"6": "fifo"}


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


class _SourceFailed(Exception):
    """Reading the source failed (a network or disk error): re-raised unchanged to the caller."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


class _Refused(Exception):
    """A member was refused; turned into ExtractError with the archive's name."""

    def __init__(self, member: str, reason: str) -> None:
        super().__init__(member, reason)
        self.member = member
        self.reason = reason


# --------------------------------------------------------------------------------------------
# Decompression (producer thread)
# --------------------------------------------------------------------------------------------


_GZIP_MODULE: object | None = None


def _gzip_module() -> object:
    """zlib, or ISA-L's drop-in `isal_zlib` when installed (inflates about 2x faster)."""
    global _GZIP_MODULE
    if _GZIP_MODULE is None:
        try:
            from isal import isal_zlib

            _GZIP_MODULE = isal_zlib
        except ImportError:
            _GZIP_MODULE = zlib
    return _GZIP_MODULE


class _Decoder:
    """Compressed chunks in, decompressed chunks out; concatenated gzip members and zstd frames."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.members = 0
        self._new()

    def _new(self) -> None:
        self.members += 1
        if self.kind == "tar.gz":
            self._obj = _gzip_module().decompressobj(16 + zlib.MAX_WBITS)
        elif self.kind == "tar.zst":
            import zstandard

            self._obj = zstandard.ZstdDecompressor().decompressobj()
        else:
            self._obj = None

    def decode(self, data: bytes) -> bytes:
        if self._obj is None:
            return data
        out = self._obj.decompress(data)
        # Concatenated gzip members / zstd frames: continue with a fresh decompressor.
        while self._obj.eof and self._obj.unused_data:
            rest = self._obj.unused_data
            if not rest.strip(b"\0"):
                break  # zero padding after the last member
            self._new()
            out += self._obj.decompress(rest)
        return out

    def flush(self) -> bytes:
        if self._obj is None or self.kind != "tar.gz":
            return b""
        return self._obj.flush()

    def complete(self) -> bool:
        return self._obj is None or bool(self._obj.eof)


class _Producer:
    """Reads the source to EOF (so a hashing wrapper sees every byte), decoding into a queue."""

    def __init__(self, read: Callable[[int], bytes], kind: str, threaded: bool) -> None:
        self.read = read
        self.decoder = _Decoder(kind)
        self.consumed = 0
        self.queue: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUE_DEPTH)
        self.stop = threading.Event()
        self.decode_error: Exception | None = None
        self.threaded = threaded
        self.thread: threading.Thread | None = None
        self._finished = False

    # -- producer side
    def start(self) -> None:
        if self.threaded:
            self.thread = threading.Thread(target=self._run, name="pytui-extract-read", daemon=True)
            self.thread.start()

    def _put(self, item: bytes | BaseException | None) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _step(self) -> bytes | None:
        """Read and decode one chunk; b'' when it decoded to nothing, None at EOF."""
        data = self.read(READ_SIZE)
        if not data:
            if self.decode_error is None:
                out = self.decoder.flush()
                if not self.decoder.complete():
                    self.decode_error = EOFError("compressed stream ends early")
                return out or None
            return None
        self.consumed += len(data)
        if self.decode_error is not None:
            return b""  # keep reading to EOF for the hash, output is lost anyway
        try:
            return self.decoder.decode(data)
        except Exception as err:  # zlib.error, zstandard.ZstdError
            self.decode_error = err
            return b""

    def _run(self) -> None:
        try:
            while not self.stop.is_set():
                out = self._step()
                if out is None:
                    break
                if out and not self._put(out):
                    return
            self._put(None)
        except BaseException as err:  # a read error from the source (network, disk)
            self._put(err)

    # -- consumer side
    def next_chunk(self) -> bytes | None:
        if self._finished:
            return None
        if self.threaded:
            item = self.queue.get()
        else:
            while True:
                try:
                    item = self._step()
                except BaseException as err:
                    item = err
                if item != b"":
                    break
        if item is None:
            self._finished = True
            return None
        if isinstance(item, BaseException):
            self._finished = True
            raise _SourceFailed(item)
        return item

    def drain(self) -> None:
        """Let the producer finish reading the source; discard what is left."""
        while self.next_chunk() is not None:
            pass

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            # Unblock a producer waiting on a full queue. One blocked in a slow `read` of a
            # network stream is left to finish on its own (a daemon thread that only reads):
            # the caller closing the stream ends it.
            deadline = time.monotonic() + 2.0
            while self.thread.is_alive() and time.monotonic() < deadline:
                with contextlib.suppress(queue.Empty):
                    self.queue.get(timeout=0.05)
            self.thread.join(timeout=max(0.0, deadline - time.monotonic()))


# --------------------------------------------------------------------------------------------
# The tar member loop (consumer)
# --------------------------------------------------------------------------------------------


class _Truncated(Exception):
    pass


class _Chunks:
    """The decompressed stream as chunks, with a read position."""

    __slots__ = ("buf", "end", "next_chunk", "pos", "view")

    def __init__(self, next_chunk: Callable[[], bytes | None]) -> None:
        self.next_chunk = next_chunk
        self.buf = b""
        self.view = memoryview(b"")
        self.pos = 0
        self.end = 0

    def _fetch(self) -> None:
        chunk = self.next_chunk()
        if chunk is None:
            raise _Truncated
        self.buf = chunk
        self.view = memoryview(chunk)
        self.pos = 0
        self.end = len(chunk)

    def read(self, n: int) -> bytes:
        pos = self.pos
        if self.end - pos >= n:
            self.pos = pos + n
            return self.buf[pos:pos + n]
        parts = [self.buf[pos:]]
        need = n - (self.end - pos)
        while need:
            self._fetch()
            if self.end >= need:
                parts.append(self.buf[:need])
                self.pos = need
                need = 0
            else:
                parts.append(self.buf)
                need -= self.end
                self.pos = self.end
        return b"".join(parts)

    def write_to(self, fd: int, n: int) -> None:
        while n:
            avail = self.end - self.pos
            if not avail:
                self._fetch()
                continue
            take = avail if avail < n else n
            written = os.write(fd, self.view[self.pos:self.pos + take])
            self.pos += written
            n -= written

    def skip(self, n: int) -> None:
        while n:
            avail = self.end - self.pos
            if not avail:
                self._fetch()
                continue
            take = avail if avail < n else n
            self.pos += take
            n -= take


def _octal(field: bytes) -> int:
    if field[:1] in (b"\x80", b"\xff"):
        # GNU base-256 for values that do not fit in octal.
        value = int.from_bytes(field[1:], "big")
        return value - (1 << (8 * (len(field) - 1))) if field[0] == 0xFF else value
    field = field.split(b"\0", 1)[0].strip()
    return int(field, 8) if field else 0


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _parse_pax(data: bytes, member: str) -> dict[str, str]:
    records: dict[str, str] = {}
    pos = 0
    size = len(data)
    while pos < size:
        if data[pos] == 0:
            break
        space = data.find(b" ", pos)
        if space < 0:
            raise _Refused(member, "has a malformed pax header")
        try:
            length = int(data[pos:space])
        except ValueError:
            raise _Refused(member, "has a malformed pax header") from None
        if length <= 0:
            raise _Refused(member, "has a malformed pax header")
        record = data[space + 1:pos + length - 1]
        key, _, value = record.partition(b"=")
        records[key.decode("utf-8", "replace")] = _text(value)
        pos += length
    return records


def _clean_name(raw: str) -> str:
    """Validate and normalise a member name; '' for the archive root itself."""
    name = raw
    if "\0" in name:
        raise _Refused(raw, "has a NUL byte in its name")
    if name.startswith("/"):
        raise _Refused(raw, "has an absolute path")
    if ".." in name and ".." in name.split("/"):
        raise _Refused(raw, "has a '..' component")
    if "//" in name or "./" in name or name.endswith("/.") or name == "." or name.endswith("/"):
        name = "/".join(part for part in name.split("/") if part not in ("", "."))
    return name


class _TarWriter:
    """Applies tar members to `dest`, keeping track of what is a directory and what a symlink."""

    def __init__(self, dest: str) -> None:
        self.dest = dest
        self.dirs: set[str] = {""}
        self.symlinks: set[str] = set()
        self.first_top: str | None = None
        self.single_top = True
        self.files = 0

    def top(self, name: str) -> None:
        top = name.split("/", 1)[0]
        if self.first_top is None:
            self.first_top = top
        elif top != self.first_top:
            self.single_top = False

    def parent(self, name: str) -> None:
        """Make sure the parent dirs of `name` exist as real directories we made."""
        parent = name.rpartition("/")[0]
        if parent in self.dirs:
            return
        parts = parent.split("/")
        path = ""
        for part in parts:
            path = f"{path}/{part}" if path else part
            if path in self.dirs:
                continue
            if path in self.symlinks:
                raise _Refused(name, f"passes through the symlink {path}")
            full = f"{self.dest}/{path}"
            try:
                os.mkdir(full)
            except FileExistsError:
                if not stat.S_ISDIR(os.lstat(full).st_mode):
                    raise _Refused(name, f"needs {path} to be a directory") from None
            self.dirs.add(path)

    def clear(self, name: str, full: str) -> None:
        """A later member replaces an earlier one of the same name (never a directory)."""
        st = os.lstat(full)
        if stat.S_ISDIR(st.st_mode):
            raise _Refused(name, "would replace a directory")
        os.unlink(full)
        self.symlinks.discard(name)

    def create(self, name: str, mode: int) -> int:
        """Open a new regular file for writing (replacing an earlier member of that name)."""
        self.parent(name)
        full = f"{self.dest}/{name}"
        perm = 0o777 if mode & 0o111 else 0o666
        try:
            return os.open(full, _FILE_FLAGS, perm)
        except FileExistsError:
            self.clear(name, full)
            return os.open(full, _FILE_FLAGS, perm)

    def file(self, name: str, mode: int, size: int, chunks: _Chunks) -> None:
        fd = self.create(name, mode)
        try:
            if size:
                chunks.write_to(fd, size)
        finally:
            os.close(fd)
        self.files += 1

    def directory(self, name: str) -> None:
        if name in self.dirs:
            return
        if name in self.symlinks:
            raise _Refused(name, "is a directory replacing a symlink")
        self.parent(name)
        full = f"{self.dest}/{name}"
        try:
            os.mkdir(full)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(full).st_mode):
                raise _Refused(name, "is a directory replacing a file") from None
        self.dirs.add(name)

    def symlink(self, name: str, target: str) -> None:
        if not target:
            raise _Refused(name, "is a symlink with an empty target")
        if target.startswith("/"):
            raise _Refused(name, f"is a symlink to the absolute path {target}")
        if "\0" in target:
            raise _Refused(name, "is a symlink with a NUL byte in its target")
        parent = name.rpartition("/")[0]
        resolved = posixpath.normpath(posixpath.join(parent, target)) if parent else posixpath.normpath(target)
        if resolved == ".." or resolved.startswith("../"):
            raise _Refused(name, f"is a symlink pointing outside the archive ({target})")
        if name in self.dirs:
            raise _Refused(name, "is a symlink replacing a directory")
        self.parent(name)
        full = f"{self.dest}/{name}"
        try:
            os.symlink(target, full)
        except FileExistsError:
            self.clear(name, full)
            os.symlink(target, full)
        self.symlinks.add(name)

    def hardlink(self, name: str, target_raw: str) -> None:
        try:
            target = _clean_name(target_raw)
        except _Refused as refused:
            raise _Refused(name, f"is a hard link to {target_raw!r} ({refused.reason})") from None
        if not target:
            raise _Refused(name, "is a hard link to the archive root")
        if target in self.symlinks:
            raise _Refused(name, f"is a hard link to the symlink {target}")
        for index in range(len(target)):
            if target[index] == "/" and target[:index] in self.symlinks:
                raise _Refused(name, f"is a hard link through the symlink {target[:index]}")
        source = f"{self.dest}/{target}"
        try:
            st = os.lstat(source)
        except FileNotFoundError:
            raise _Refused(name, f"is a hard link to {target}, which is not in the archive before it") from None
        if not stat.S_ISREG(st.st_mode):
            raise _Refused(name, f"is a hard link to {target}, which is not a regular file")
        self.parent(name)
        full = f"{self.dest}/{name}"
        try:
            os.link(source, full, follow_symlinks=False)
        except FileExistsError:
            self.clear(name, full)
            os.link(source, full, follow_symlinks=False)
        self.files += 1


def _extract_tar(producer: _Producer, dest: str, archive: str, report: Callable[[], None],
                 cancel: CancelToken | None) -> _TarWriter:
    chunks = _Chunks(producer.next_chunk)
    writer = _TarWriter(dest)
    long_name: str | None = None
    long_link: str | None = None
    pax: dict[str, str] = {}
    global_pax: dict[str, str] = {}
    member = "(header)"
    zero_blocks = 0
    cancelled = cancel._event.is_set if cancel is not None else None  # noqa: SLF001 - hot loop
    read = chunks.read
    try:
        while True:
            header = read(_BLOCK)
            if header == _ZERO_BLOCK:
                zero_blocks += 1
                if zero_blocks == 2:
                    break
                continue
            zero_blocks = 0
            checksum = _octal(header[148:156])
            if checksum != sum(header) - sum(header[148:156]) + 256:
                raise _Refused(member if member != "(header)" else "(first member)",
                               "is followed by a damaged tar header (checksum mismatch)")
            type_flag = header[156:157]
            size = _octal(header[124:136])
            if type_flag in (b"L", b"K", b"x", b"g"):
                data = read(size)
                chunks.skip(-size % _BLOCK)
                if type_flag == b"L":
                    long_name = _text(data.split(b"\0", 1)[0])
                elif type_flag == b"K":
                    long_link = _text(data.split(b"\0", 1)[0])
                elif type_flag == b"x":
                    pax = _parse_pax(data, member)
                else:
                    global_pax.update(_parse_pax(data, member))
                continue

            if long_name is not None:
                raw_name = long_name
            elif "path" in pax:
                raw_name = pax["path"]
            else:
                raw_name = _text(header[:100].split(b"\0", 1)[0])
                if header[257:262] == b"ustar":
                    prefix = header[345:500].split(b"\0", 1)[0]
                    if prefix:
                        raw_name = f"{_text(prefix)}/{raw_name}"
            member = raw_name
            if pax:
                if "size" in pax:
                    size = int(pax["size"])
                if any(key.startswith("GNU.sparse") for key in pax):
                    raise _Refused(member, "is a sparse file, which PBS archives never contain")
            name = _clean_name(raw_name)

            if type_flag in _REGULAR:
                if raw_name.endswith("/") and type_flag != b"7":
                    # Old tars mark directories only by a trailing slash.
                    if name:
                        writer.top(name)
                        writer.directory(name)
                    chunks.skip(size + (-size % _BLOCK))
                elif not name:
                    raise _Refused(member, "is a file named like the archive root")
                else:
                    writer.top(name)
                    writer.file(name, _octal(header[100:108]), size, chunks)
                    chunks.skip(-size % _BLOCK)
            elif type_flag == b"5":
                if name:
                    writer.top(name)
                    writer.directory(name)
            elif type_flag == b"2" or type_flag == b"1":
                if not name:
                    raise _Refused(member, "is a link named like the archive root")
                if long_link is not None:
                    target = long_link
                elif "linkpath" in pax:
                    target = pax["linkpath"]
                else:
                    target = _text(header[157:257].split(b"\0", 1)[0])
                writer.top(name)
                if type_flag == b"2":
                    writer.symlink(name, target)
                else:
                    writer.hardlink(name, target)
            elif type_flag in _SPECIAL:
                raise _Refused(member, f"is a {_SPECIAL[type_flag]}; devices and fifos are not allowed")
            else:
                raise _Refused(member, f"has the unsupported tar type {type_flag.decode('latin-1')!r}")
            long_name = long_link = None
            if pax:
                pax = {}
            if cancelled is not None and cancelled():
                raise Cancelled(f"extraction of {archive} cancelled")
            report()
    except _Truncated:
        if producer.decode_error is not None:
            raise ExtractError(f"cannot extract {archive}: the compressed data is corrupt "
                               f"({producer.decode_error}); delete the archive and download it again") from None
        raise ExtractError(f"cannot extract {archive}: it ends in the middle of {member} (truncated "
                           "download?); delete the archive and download it again") from None
    except _Refused as refused:
        raise ExtractError(f"refusing to extract {archive}: member {refused.member!r} {refused.reason}") from None
    except ValueError as err:
        raise ExtractError(f"cannot extract {archive}: damaged tar header after {member!r} ({err})") from None
    except OSError as err:
        raise ExtractError(f"cannot extract {archive}: writing {member!r} failed: "
                           f"{err.strerror or err}") from None
    return writer


# --------------------------------------------------------------------------------------------
# zip (Windows builds)
# --------------------------------------------------------------------------------------------


def _extract_zip(source: str | BinaryIO, dest: str, archive: str, report_bytes: Callable[[int], None],
                 cancel: CancelToken | None) -> _TarWriter:
    import zipfile

    writer = _TarWriter(dest)
    member = "(directory)"
    try:
        with zipfile.ZipFile(source) as zf:
            done = 0
            for info in zf.infolist():
                member = info.filename
                name = _clean_name(member.replace("\\", "/"))
                mode = info.external_attr >> 16
                if name:
                    writer.top(name)
                if info.is_dir():
                    if name:
                        writer.directory(name)
                elif stat.S_ISLNK(mode):
                    writer.symlink(name, zf.read(info).decode("utf-8", "surrogateescape"))
                elif not name:
                    raise _Refused(member, "is a file named like the archive root")
                elif mode and not stat.S_ISREG(mode) and stat.S_IFMT(mode):
                    raise _Refused(member, "is a special file; devices and fifos are not allowed")
                else:
                    fd = writer.create(name, mode)
                    try:
                        with zf.open(info) as body:
                            while True:
                                piece = body.read(1 << 20)
                                if not piece:
                                    break
                                view = memoryview(piece)
                                while view:
                                    view = view[os.write(fd, view):]
                    finally:
                        os.close(fd)
                    writer.files += 1
                done += info.compress_size
                if cancel is not None:
                    cancel.check(f"extraction of {archive}")
                report_bytes(done)
    except _Refused as refused:
        raise ExtractError(f"refusing to extract {archive}: member {refused.member!r} {refused.reason}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        raise ExtractError(f"cannot extract {archive}: the zip is corrupt or unsupported ({err}); "
                           "delete the archive and download it again") from None
    except OSError as err:
        raise ExtractError(f"cannot extract {archive}: writing {member!r} failed: {err.strerror or err}") from None
    return writer


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _prefix(dest: Path, writer: _TarWriter) -> Path:
    """uv's strip rule: the single top-level directory, then `install/` inside it if present."""
    root = dest
    top = writer.first_top
    if top is not None and writer.single_top and top in writer.dirs:
        root = dest / top
    install = root / "install"
    if install.is_dir() and not install.is_symlink():
        root = install
    return root


def extract_archive(source: str | os.PathLike[str] | BinaryIO, dest: Path, *, kind: str | None = None,
                    progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
                    total: int | None = None, name: str | None = None, threaded: bool = True) -> Path:
    """Unpack `source` (a path, or a binary stream read to EOF) into `dest`; return the prefix.

    `kind` is `tar.gz`, `tar.zst`, `tar` or `zip`; by default it comes from the file name
    (`name`, or the source path). `dest` should be a fresh, empty directory (a stage);
    it is created if missing. Progress reports `Progress("extract", compressed bytes read,
    total)`, throttled; `total` defaults to the file size for a path. `cancel` is checked
    between members (raises Cancelled). A stream is always read to its end, even past the
    tar end marker, so a hashing wrapper sees every byte.
    """
    is_path = isinstance(source, (str, os.PathLike))
    archive = name or (os.path.basename(os.fspath(source)) if is_path else getattr(source, "name", "archive"))
    archive = os.path.basename(str(archive))
    kind = kind or archive_kind(archive)
    if kind not in KINDS:
        raise ExtractError(f"cannot extract {archive}: unsupported archive type {kind!r}")
    dest = Path(dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExtractError(f"cannot extract {archive}: cannot create {dest}: {err.strerror}") from None
    dest_str = os.path.abspath(dest)
    handle: BinaryIO | None = None
    if is_path:
        try:
            handle = open(os.fspath(source), "rb", buffering=0)  # noqa: SIM115 - closed below
            if total is None:
                total = os.fstat(handle.fileno()).st_size
        except OSError as err:
            raise ExtractError(f"cannot extract {archive}: cannot read it: {err.strerror}") from None
        stream: BinaryIO = handle
    else:
        stream = source  # type: ignore[assignment]

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
        if kind == "zip":
            writer = _extract_zip_source(stream, is_path, dest_str, archive, send, cancel)
            send(total or 0, final=True)
            return _prefix(dest, writer)
        producer = _Producer(stream.read, kind, threaded)
        last = [-1]

        def report() -> None:
            consumed = producer.consumed
            if consumed != last[0]:
                last[0] = consumed
                send(consumed)

        producer.start()
        try:
            writer = _extract_tar(producer, dest_str, archive, report if throttle is not None else _noop, cancel)
            producer.drain()
        except _SourceFailed as failed:
            raise failed.error from None
        finally:
            producer.close()
        if producer.decode_error is not None and producer.decoder.members <= 1:
            raise ExtractError(f"cannot extract {archive}: the compressed data is corrupt "
                               f"({producer.decode_error}); delete the archive and download it again")
        send(producer.consumed, final=True)
        return _prefix(dest, writer)
    finally:
        if handle is not None:
            handle.close()


def _noop() -> None:
    pass


def _extract_zip_source(stream: BinaryIO, is_path: bool, dest: str, archive: str,
                        send: Callable[..., None], cancel: CancelToken | None) -> _TarWriter:
    """zip needs its central directory (at the end): a stream is spooled to an unnamed temp file."""
    if is_path or _seekable(stream):
        return _extract_zip(stream, dest, archive, send, cancel)
    import tempfile

    with tempfile.TemporaryFile(dir=dest) as spool:
        while True:
            piece = stream.read(READ_SIZE)
            if not piece:
                break
            spool.write(piece)
        spool.seek(0)
        return _extract_zip(spool, dest, archive, send, cancel)  # type: ignore[arg-type]


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False

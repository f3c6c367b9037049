"""tar.zst decompression in a separate `zstd -d` process, as GNU tar does it.

In-process, the zstandard reader shares the GIL with the tar loop and its writer threads, and
the loop waits for decompressed data about half the time (bench/extract.py). A child `zstd`
runs on another core with no GIL: a feeder thread copies the source (the hashing download
stream or cached file) into its stdin, and the tar loop reads its stdout straight from the
pipe (`os.read` releases the GIL), so no extra thread hands chunks over.

The child is bounded like the in-process decoder: its output is counted and it is killed past
`MAX_OUTPUT_BYTES`; its window is capped at `WINDOW_LIMIT_MB` (libzstd's default for the
in-process reader too); only zstd frames are accepted (the CLI would also inflate gzip or xz);
its exit status and stderr are checked at EOF; a cancel kills it at once, and closing the
producer kills it in every case. `PYTUI_ZSTD` may name any program, so the child is not trusted
to behave: it runs in a process group of its own (a kill reaches whatever it started), one that
neither takes its input nor writes output for `CHILD_STALL` seconds is killed, and one that
closes its output is given `EXIT_WAIT` seconds to exit. When the binary is missing (or `PYTUI_ZSTD=0`), or it cannot
be started, `core/decompress.py` decompresses in-process instead; `describe()` says which.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from collections.abc import Callable

from pytui.core.decompress import READ_SIZE, SourceFailed, _Source
from pytui.core.errors import Cancelled
from pytui.core.progress import CancelToken

# The most decompressed bytes a tar stream may have (the largest PBS archives unpack to a few
# GiB; one member may claim 64 GiB, core/tar_headers.MAX_MEMBER_SIZE).
MAX_OUTPUT_BYTES = 1 << 37
# zstd's -M: the largest window (MiB: zstd's MB suffix is 2**20) a frame may ask for; libzstd's default limit.
WINDOW_LIMIT_MB = 128
# Pipe buffers (the kernel's default is 64 KiB: one read per 64 KiB of output).
PIPE_BYTES = 1 << 20
# Most bytes read from the child's stdout at once, and kept from its stderr.
OUT_CHUNK = 1 << 20
MAX_STDERR = 4096
# Seconds to wait for the child to exit once its stdout closed, before it is killed.
EXIT_WAIT = 10.0
# Seconds the child may hold input it was given (or all of it, at the end) without taking any
# of it or writing anything; a real zstd writes within milliseconds. A stalled *source* (the
# network) is not the child's fault: the download's own timeouts bound that.
CHILD_STALL = 60.0
# zstd frame magic, and the mask/value of skippable frames' magic (little-endian).
_ZSTD_MAGIC = 0xFD2FB528
_SKIPPABLE_MASK, _SKIPPABLE = 0xFFFFFFF0, 0x184D2A50

_binary_cache: dict[str, str | None] = {}


def zstd_binary(env: dict[str, str] | os._Environ[str] | None = None) -> str | None:
    """The `zstd` to run: `PYTUI_ZSTD` (a path; `0`/`off` = none), else the first on PATH."""
    env = os.environ if env is None else env
    chosen = env.get("PYTUI_ZSTD", "").strip()
    if chosen.lower() in ("0", "off", "no", "false", "none"):
        return None
    key = chosen or env.get("PATH", os.defpath)
    if key in _binary_cache:
        return _binary_cache[key]
    found: str | None = None
    candidates = [chosen] if chosen else [os.path.join(d, "zstd") for d in key.split(os.pathsep) if d]
    for candidate in candidates:
        if os.path.isabs(candidate) and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            found = candidate
            break
    _binary_cache[key] = found
    return found


class ZstdFailed(Exception):
    """The child reported corrupt data (or was stopped by a bound); the message says how."""


class ZstdChildFault(ZstdFailed):
    """The child itself misbehaved (hung, would not exit): not the archive's fault."""

    child_fault = True


def _is_zstd_start(head: bytes) -> bool:
    if len(head) < 4:
        return False
    magic = int.from_bytes(head[:4], "little")
    return magic == _ZSTD_MAGIC or (magic & _SKIPPABLE_MASK) == _SKIPPABLE


def _pipe() -> tuple[int, int]:
    read_fd, write_fd = os.pipe()  # both close-on-exec (PEP 446)
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import fcntl

        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    return read_fd, write_fd


class ProcessProducer:
    """The `core/decompress.Producer` interface over a `zstd -d` child process."""

    def __init__(self, read: Callable[[int], bytes], binary: str, *, cancel: CancelToken | None = None,
                 max_output: int | None = None, archive: str = "archive") -> None:
        self.source = _Source(read)
        self.binary = binary
        self.archive = archive
        self.cancel = cancel
        self.max_output = MAX_OUTPUT_BYTES if max_output is None else max_output
        self.decode_error: Exception | None = None
        self.decode_error_member = 0
        self.produced = 0
        self.pid = 0
        self._out = -1
        self._stdin = -1
        self._err = -1
        self._feeder: threading.Thread | None = None
        self._stop = threading.Event()
        # When the child last took input or gave output, and whether it has input waiting
        # (the feeder blocked writing, or all of it given): both threads write them.
        self._progress = 0.0
        self._holding = False
        self._stderr = b""
        self._finished = False
        self._reaped = False
        self._unregister: contextlib.ExitStack | None = None

    @property
    def consumed(self) -> int:
        return self.source.consumed

    def describe(self) -> str:
        return f"{self.binary} -d (a separate process)"

    def start(self) -> None:
        """Start the child and the feeder; OSError when the child cannot be started."""
        in_r, in_w = _pipe()
        out_r, out_w = _pipe()
        err_r, err_w = os.pipe()
        actions = [(os.POSIX_SPAWN_DUP2, in_r, 0), (os.POSIX_SPAWN_DUP2, out_w, 1),
                   (os.POSIX_SPAWN_DUP2, err_w, 2)]
        argv = [self.binary, "-d", "-c", "-q", "--no-progress", f"-M{WINDOW_LIMIT_MB}MB"]
        try:
            # The child's environment is empty: ZSTD_CLEVEL/ZSTD_NBTHREADS must not steer it.
            self.pid = os.posix_spawn(self.binary, argv, {}, file_actions=actions,
                                      setsigdef=(signal.SIGPIPE,), setpgroup=0)
        except BaseException:
            for fd in (in_r, in_w, out_r, out_w, err_r, err_w):
                os.close(fd)
            raise
        for fd in (in_r, out_w, err_w):
            os.close(fd)
        self._stdin, self._out, self._err = in_w, out_r, err_r
        if self.cancel is not None:
            stack = contextlib.ExitStack()
            stack.enter_context(self.cancel.while_blocking(self._kill))
            self._unregister = stack
        self._feeder = threading.Thread(target=self._feed, name="pytui-zstd-feed", daemon=True)
        self._feeder.start()

    # -- the feeder thread: source -> the child's stdin; then its stderr
    def _feed(self) -> None:
        stdin = self._stdin
        head: bytes | None = b""  # the first bytes, held until the frame magic can be checked
        try:
            while not self._stop.is_set():
                data = self.source.read(READ_SIZE)
                if not data:
                    if head:
                        self.decode_error = ZstdFailed("not zstd data (too short for a frame)")
                    break
                if stdin < 0:
                    continue  # the child stopped reading: keep reading the source for its hash
                if head is not None:
                    head += data
                    if len(head) < 4:
                        continue
                    data, head = head, None
                    if not _is_zstd_start(data):
                        self.decode_error = ZstdFailed("not zstd data (unknown frame descriptor)")
                        self._close_stdin()
                        stdin = -1
                        continue
                view = memoryview(data)
                self._progress, self._holding = time.monotonic(), True
                try:
                    while view:
                        view = view[os.write(stdin, view):]
                        self._progress = time.monotonic()
                except OSError:  # EPIPE: the child exited (corrupt data, killed); its status says why
                    self._close_stdin()
                    stdin = -1
                self._holding = False
        except BaseException:  # noqa: BLE001 - the source's own error, kept in source.error for the reader
            self._kill()
        finally:
            self._close_stdin()
            # All the input given (or the child gone): it must now write or exit.
            self._progress, self._holding = time.monotonic(), True
            self._read_stderr()

    def _close_stdin(self) -> None:
        fd, self._stdin = self._stdin, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read_stderr(self) -> None:
        fd, self._err = self._err, -1
        if fd < 0:
            return
        kept = b""
        with contextlib.suppress(OSError):
            while piece := os.read(fd, 65536):  # drained to EOF, only the start kept
                if len(kept) < MAX_STDERR:
                    kept += piece[:MAX_STDERR - len(kept)]
        os.close(fd)
        self._stderr = kept

    # -- the consumer side (the tar loop's thread)
    def _wait_for_output(self) -> bool:
        """Block until the child's stdout is readable (or at EOF); kill a child that holds
        input without taking any or writing anything for CHILD_STALL seconds (False then:
        its output is not read again, in case something it started holds it open)."""
        poller = select.poll()
        poller.register(self._out, select.POLLIN | select.POLLHUP | select.POLLERR)
        wait_ms = int(min(CHILD_STALL / 4, 1.0) * 1000) or 1
        while not poller.poll(wait_ms):
            if self._holding and time.monotonic() - self._progress > CHILD_STALL:
                self._kill()
                if self.decode_error is None:
                    self.decode_error = ZstdChildFault(
                        f"{self.binary} made no progress for {CHILD_STALL:g} s (took no input and "
                        "wrote nothing) and was killed")
                return False
        return True

    def next_chunk(self) -> bytes | None:
        if self._finished:
            return None
        try:
            data = os.read(self._out, OUT_CHUNK) if self._wait_for_output() else b""
        except OSError as err:
            self._kill()
            raise SourceFailed(err) from None
        if data:
            self._progress = time.monotonic()
            self.produced += len(data)
            if self.produced > self.max_output:
                self._kill()
                self._finish()
                self.decode_error = ZstdFailed(f"it decompresses to more than {self.max_output} bytes")
                self.decode_error_member = 1
                return None
            return data
        self._finish()
        return None

    def _finish(self) -> None:
        """stdout closed: wait for the feeder (the source read to its end) and the child."""
        self._finished = True
        if self.cancel is not None and self.cancel.cancelled:
            # Killed by the cancel: the feeder may be blocked in a read; close() ends the rest.
            raise Cancelled(f"extraction of {self.archive} cancelled")
        # The child first (a child that closed its output but lives on, not reading its input,
        # would keep the feeder blocked writing), then the feeder, reading the source to its end.
        status = self._reap(EXIT_WAIT)
        if self._feeder is not None:
            self._feeder.join()
        if self.source.error is not None:
            raise SourceFailed(self.source.error)
        if self.decode_error is None and status != 0:
            detail = self._stderr.decode("utf-8", "replace").strip().splitlines()
            text = detail[-1].strip() if detail else f"exit status {status}"
            self.decode_error = ZstdFailed(f"zstd: {text[:300]}")
        if self.decode_error is not None:
            self.decode_error_member = 1

    def _kill(self) -> None:
        """SIGKILL the child's process group (the child and anything it started); only while
        the child is not reaped, so its id still names that group."""
        if self.pid and not self._reaped:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)

    def _reap(self, timeout: float) -> int:
        """The child's exit status (negative: killed by that signal), killing it after `timeout`."""
        if not self.pid or self._reaped:
            return 0
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() >= deadline:
                self._kill()
                _, status = os.waitpid(self.pid, 0)
                if self.decode_error is None:
                    self.decode_error = ZstdChildFault(
                        f"{self.binary} closed its output but did not exit within {timeout:g} s "
                        "and was killed")
                break
            self._stop.wait(delay)
            delay = min(delay * 2, 0.05)
        self._reaped = True
        return os.waitstatus_to_exitcode(status)

    def drain(self) -> None:
        while self.next_chunk() is not None:
            pass

    def close(self) -> None:
        """Stop everything: the child killed and reaped, the pipes closed. Safe to call twice."""
        self._stop.set()
        if not self._reaped:
            self._kill()
            with contextlib.suppress(ChildProcessError):
                self._reap(EXIT_WAIT)
        if self._unregister is not None:
            self._unregister.close()
            self._unregister = None
        fd, self._out = self._out, -1
        if fd >= 0:
            os.close(fd)
        # stdin and stderr belong to the feeder, which closes them (closing them here could
        # let it write into a reused fd number).
        if self._feeder is not None:
            # A feeder blocked writing returns (EPIPE) now that the child is gone; one blocked in
            # a slow network read is left to finish (a daemon that only reads; the caller
            # closing the stream ends it), as in core/decompress.Producer.close.
            self._feeder.join(timeout=2.0)

"""Small new files written by a few threads: creating a file is mostly waiting on the filesystem.

The member loop hands over batches of (parent directory fd, name, permissions, body); a worker
creates each file with O_EXCL|O_NOFOLLOW relative to that fd — the same call the loop would
make — writes it and closes it. `os.open`/`os.write` release the GIL, so several creations wait
at once while the loop parses the next headers. Batches (BATCH files, at most BATCH_BYTES) keep
the hand-over cheap; at most QUEUE_DEPTH batches wait. The caller (`StageTree`) keeps the order
that matters: it flushes before anything that touches a name still being written, and keeps the
directory fds it handed over open until then.
"""

from __future__ import annotations

import os
import queue
import stat
import threading

from pytui.core.member_policy import Refused
from pytui.core.nofollow import NEW_FILE_FLAGS

# Files up to this size go to the writer threads; larger ones stream from the decompressor.
SMALL_FILE = 256 * 1024
BATCH = 32
BATCH_BYTES = 1 << 20
QUEUE_DEPTH = 8
THREADS = 4

_Item = tuple[int, str, int, "bytes | memoryview", str]


class WriteFailed(Exception):
    """Writing member `member` failed with the OSError `error`."""

    def __init__(self, member: str, error: OSError) -> None:
        super().__init__(member, error)
        self.member = member
        self.error = error


def write_new_file(dir_fd: int, base: str, perm: int, data: bytes | memoryview, name: str) -> None:
    """Create `base` in `dir_fd` (replacing a file or link of that name, never a directory)."""
    try:
        fd = os.open(base, NEW_FILE_FLAGS, perm, dir_fd=dir_fd)
    except FileExistsError:
        if stat.S_ISDIR(os.stat(base, dir_fd=dir_fd, follow_symlinks=False).st_mode):
            raise Refused(name, "would replace a directory") from None
        os.unlink(base, dir_fd=dir_fd)
        fd = os.open(base, NEW_FILE_FLAGS, perm, dir_fd=dir_fd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class FileWriters:
    """THREADS workers creating small files; `flush()` waits for all and raises the first failure."""

    def __init__(self, threads: int = THREADS) -> None:
        self._queue: queue.Queue[list[_Item] | None] = queue.Queue(QUEUE_DEPTH)
        self._batch: list[_Item] = []
        self._batch_bytes = 0
        self._error: BaseException | None = None
        self._stopping = False
        self._threads = [threading.Thread(target=self._run, name=f"pytui-extract-write-{index}", daemon=True)
                         for index in range(threads)]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        get, done = self._queue.get, self._queue.task_done
        while True:
            batch = get()
            if batch is None:
                done()
                return
            try:
                for dir_fd, base, perm, data, name in batch:
                    if self._error is not None or self._stopping:
                        break
                    try:
                        write_new_file(dir_fd, base, perm, data, name)
                    except Refused as refused:
                        self._error = self._error or refused
                    except OSError as err:
                        self._error = self._error or WriteFailed(name, err)
            except BaseException as err:  # noqa: BLE001 - handed to the loop's thread
                self._error = self._error or err
            finally:
                done()

    def submit(self, dir_fd: int, base: str, perm: int, data: bytes | memoryview, name: str) -> None:
        """Write a file; `dir_fd` must stay open until the next `flush()`."""
        self._batch.append((dir_fd, base, perm, data, name))
        self._batch_bytes += len(data)
        if len(self._batch) >= BATCH or self._batch_bytes >= BATCH_BYTES:
            self._send()

    def _send(self) -> None:
        if self._error is not None:
            self._batch = []
            self.flush()
        if self._batch:
            self._queue.put(self._batch)
            self._batch = []
            self._batch_bytes = 0

    def flush(self) -> None:
        if self._batch:
            self._send()
        self._queue.join()
        error = self._error
        if error is not None:
            raise error

    def close(self) -> None:
        """Stop the threads; files not yet written are skipped (the stage is being abandoned)."""
        self._stopping = True
        self._batch = []
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()

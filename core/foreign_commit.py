"""A download stopped when another process commits the same archive to the cache meanwhile.

uv and pytui share the cache dir, and uv takes no pytui lock: while pytui downloads an archive,
`uv python install` of the same build may download it too and rename the whole file into place.
pytui went on to its last byte (a minute on a slow line) and then found the build installed. A
watcher thread looks for the committed file every `LOOK_EVERY` seconds while the download runs
and, once it is there, stops the download through its own cancel token (which shuts a blocked
read at once); the caller uses the committed file, which the install re-hashes as it reads it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pytui.core.progress import CancelToken

# Seconds between two looks for the committed file: an os.stat each, for the download's length.
LOOK_EVERY = 1.0


class Watch:
    """What the watcher saw; `token` is the download's cancel token."""

    def __init__(self, token: CancelToken) -> None:
        self.token = token
        self.committed = False


@contextmanager
def stop_when_committed(final: str, cancel: CancelToken) -> Iterator[Watch]:
    """A cancel token for the download of `final`: cancelled with `cancel`, or once `final` is a
    regular file (`Watch.committed` then says which). The watcher ends with the block."""
    watch = Watch(CancelToken())
    done = threading.Event()

    def look() -> None:
        while not done.wait(LOOK_EVERY):
            if os.path.isfile(final):
                watch.committed = True
                watch.token.cancel()
                return

    watcher = threading.Thread(target=look, name="pytui-commit-watch", daemon=True)
    with cancel.while_blocking(watch.token.cancel):
        # No thread to be had (a pids limit): the download runs to its end, as before.
        with contextlib.suppress(RuntimeError):
            watcher.start()
        try:
            yield watch
        finally:
            done.set()
            if watcher.is_alive():
                watcher.join()

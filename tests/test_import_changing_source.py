"""`pytui cache import FILE` reads the source to the size it stat'd when it began, never past:
a file another thread writes to while it is imported is refused in one line naming the change,
and what the cache held stays byte for byte; a FIFO or /dev/zero is refused before a read."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from cli_harness import run_main
from fixtures_archives import file, write_uv_catalog
from pytui.core.cache import ArchiveCache
from pytui.core.catalog import Catalog
from pytui.core.errors import CacheError
from pytui.core.progress import Progress

PAYLOAD = file("lib/python3.12/payload.bin", os.urandom(50_000))


@pytest.fixture
def made(archive_factory):
    return archive_factory.pbs(version="3.12.8", build_date="20250115", extra=[PAYLOAD])


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())} if root.exists() else {}


class Appender:
    """Another thread appending to `path` from the moment `start` is called: once (`endless`
    False, `start` returns when the bytes are written) or until `stop` (the import is over)."""

    def __init__(self, path: Path, *, endless: bool) -> None:
        self.path, self.endless = path, endless
        self.wrote, self.stop = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with open(self.path, "ab", buffering=0) as out:
            while True:
                out.write(b"\0" * 65536)
                self.wrote.set()
                if not self.endless or self.stop.is_set():
                    return

    def start(self, progress: Progress) -> None:
        if not self.thread.is_alive() and not self.wrote.is_set():
            self.thread.start()
            assert self.wrote.wait(60)  # the file is longer now, before the import reads on
            if not self.endless:
                self.thread.join()

    def close(self) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()


@pytest.mark.parametrize("endless", [False, True], ids=["appended-once", "appended-endlessly"])
@pytest.mark.parametrize("cached_already", [False, True], ids=["new", "cached-already"])
def test_a_source_growing_as_it_is_imported_is_refused_in_one_line(made, tmp_path, endless,
                                                                   cached_already):
    """It was hashed to its end: appended once, its sha256 matched no build (a wrong cause);
    appended endlessly, it was read until PYTUI_MAX_ARCHIVE_BYTES. Now the bytes read are the
    size stat'd at the start, and the line says the file changed."""
    cache = ArchiveCache(tmp_path / "cache")
    source = tmp_path / "growing.tar.gz"
    shutil.copy(made.path, source)
    if cached_already:  # hashed first to see whether the cache holds it
        cache.root.mkdir()
        shutil.copy(made.path, cache.path_for(made.build))
    before = _snapshot(cache.root)
    appender = Appender(source, endless=endless)
    try:
        with pytest.raises(CacheError) as err:
            cache.import_file(source, Catalog([made.build], source="test catalog"),
                              progress=appender.start, max_bytes=made.size + 64 * 1024 * 1024)
    finally:
        appender.close()
    message = str(err.value)
    assert message.startswith(f"cannot import {source}: it changed while it was read "
                              f"({made.size} bytes when the import began, "), message
    assert message.endswith("; nothing was imported; import it again once nothing writes to it")
    assert "\n" not in message
    assert _snapshot(cache.root) == before  # no copy, no temp, the cached archive as it was


def test_a_source_shrinking_as_it_is_imported_is_refused(made, tmp_path):
    cache = ArchiveCache(tmp_path / "cache")
    source = tmp_path / "shrinking.tar.gz"
    shutil.copy(made.path, source)

    def truncate(progress: Progress) -> None:
        os.truncate(source, 10)

    with pytest.raises(CacheError, match=rf"it changed while it was read \({made.size} bytes "
                                         r"when the import began, 10 now\)"):
        cache.import_file(source, Catalog([made.build], source="test catalog"), progress=truncate)
    assert _snapshot(cache.root) == {}


def test_a_source_rewritten_in_place_at_its_size_is_refused(made, tmp_path):
    cache = ArchiveCache(tmp_path / "cache")
    source = tmp_path / "rewritten.tar.gz"
    shutil.copy(made.path, source)
    first = os.stat(source)

    def rewrite(progress: Progress) -> None:
        with open(source, "r+b") as f:
            f.write(b"x")
        os.utime(source, ns=(first.st_atime_ns, first.st_mtime_ns + 1_000_000_000))

    with pytest.raises(CacheError, match=r"it changed while it was read \(it was written to meanwhile\)"):
        cache.import_file(source, Catalog([made.build], source="test catalog"), progress=rewrite)
    assert _snapshot(cache.root) == {}


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_an_endless_source_is_refused_before_a_read(made, tmp_path, monkeypatch, capsys, kind):
    cache = ArchiveCache(tmp_path / "cache")
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    monkeypatch.setenv("UV_PYTHON_CACHE_DIR", str(cache.root))
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(catalog))
    source = tmp_path / "pipe" if kind == "fifo" else Path("/dev/zero")
    if kind == "fifo":
        os.mkfifo(source)  # no writer: an open that blocked, or a read, would hang the test
    code, out, err = run_main(capsys, "cache", "import", str(source))
    what = "a FIFO" if kind == "fifo" else "a character device"
    assert (code, out) == (1, "")
    assert err == (f"error: cannot import {source}: it is {what}, not a regular file; "
                   "pass an archive file\n"), err
    assert _snapshot(cache.root) == {}


@pytest.mark.parametrize("name", ["release", "uv-cache"])
def test_a_copy_not_yet_whole_under_its_catalog_name_is_said_as_such(made, tmp_path, name):
    """A copy read between two writes (stat'd and read whole, but not the whole archive yet) was
    said as 'matches no build in the catalog; pass --downloads-json with a catalog that lists it'
    though the catalog lists an archive of that very name. Now the line says the file is another
    or not whole, and to import it again once it is whole."""
    cache = ArchiveCache(tmp_path / "cache")
    filename = made.build.release_filename if name == "release" else made.build.cache_filename
    source = tmp_path / filename
    source.write_bytes(made.path.read_bytes()[: made.size // 2])
    with pytest.raises(CacheError) as err:
        cache.import_file(source, Catalog([made.build], source="test catalog"))
    message = str(err.value)
    assert message.startswith(f"cannot import {source}: its sha256 "), message
    assert (f"is not the {made.build.sha256} the catalog (test catalog) gives {made.build.key}'s "
            "archive of that name: the file is another, or not whole (cut short, or still being "
            "written); import it again once it is whole") in message, message
    assert "--downloads-json" not in message
    assert _snapshot(cache.root) == {}


def test_a_file_of_another_name_matching_no_build_still_points_at_another_catalog(made, tmp_path):
    cache = ArchiveCache(tmp_path / "cache")
    source = tmp_path / "something-else.tar.gz"
    source.write_bytes(made.path.read_bytes()[: made.size // 2])
    with pytest.raises(CacheError, match=r"matches no build in the catalog \(test catalog\); pass "
                                         r"--downloads-json with a catalog that lists it$"):
        cache.import_file(source, Catalog([made.build], source="test catalog"))

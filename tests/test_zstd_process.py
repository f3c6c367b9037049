"""core/zstd_process: tar.zst through a real `zstd -d` child, bounded, checked and killed like
the in-process decoder, and the in-process fallback when there is no binary."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import threading
from pathlib import Path

import pytest
from cli_harness import tree_contents
from pytui.core import zstd_process
from pytui.core.errors import Cancelled, ExtractError
from pytui.core.extract import extract_archive
from pytui.core.progress import CancelToken

needs_zstd = pytest.mark.skipif(shutil.which("zstd") is None, reason="no zstd binary on PATH")


def _children() -> set[int]:
    """This process's live child pids (every thread's), from /proc."""
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


class CountingReader:
    """A stream source that counts what was read (a hashing download stands in this place)."""

    def __init__(self, data: bytes, piece: int = 65536) -> None:
        self.data, self.pos, self.piece = data, 0, piece

    def read(self, n: int = -1) -> bytes:
        n = min(self.piece, n if n >= 0 else len(self.data))
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out


def _decoder_of(path: Path | CountingReader, dest: Path, **kwargs: object) -> str:
    used: list[str] = []
    extract_archive(path, dest, on_decoder=used.append, **kwargs)  # type: ignore[arg-type]
    return used[0]


@needs_zstd
def test_child_and_in_process_make_the_same_tree(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.zst")
    before = _children()
    used = _decoder_of(made.path, tmp_path / "child")
    assert "separate process" in used and used.startswith(zstd_process.zstd_binary() or "?")
    assert _decoder_of(made.path, tmp_path / "inproc", zstd_process=False) == "zstandard (in-process)"
    assert tree_contents(tmp_path / "child") == tree_contents(tmp_path / "inproc")
    assert _children() <= before  # the child was reaped


@needs_zstd
def test_a_stream_is_read_to_its_end_in_small_pieces(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.zst")
    data = made.path.read_bytes() + b""
    reader = CountingReader(data, piece=3)  # less than the frame magic at a time
    assert "separate process" in _decoder_of(reader, tmp_path / "out", kind="tar.zst", name="a.tar.zst")
    assert reader.pos == len(data)


def test_no_binary_means_in_process(tmp_path: Path, archive_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    made = archive_factory.pbs(kind="tar.zst")
    monkeypatch.setenv("PYTUI_ZSTD", "0")
    assert _decoder_of(made.path, tmp_path / "a") == "zstandard (in-process)"
    monkeypatch.setenv("PYTUI_ZSTD", str(tmp_path / "no-such-zstd"))
    assert _decoder_of(made.path, tmp_path / "b") == "zstandard (in-process)"
    # Executable but not a program: the spawn fails and nothing was read yet, so in-process.
    fake = tmp_path / "fake-zstd"
    fake.write_bytes(b"\x00\x01 not an executable\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PYTUI_ZSTD", str(fake))
    assert _decoder_of(made.path, tmp_path / "c") == "zstandard (in-process)"
    assert (tmp_path / "c" / "python" / "bin" / "python3.12").is_file()


@needs_zstd
def test_output_past_the_limit_kills_the_child(tmp_path: Path, archive_factory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    made = archive_factory.pbs(kind="tar.zst")
    monkeypatch.setattr(zstd_process, "MAX_OUTPUT_BYTES", 4096)
    before = _children()
    with pytest.raises(ExtractError, match="decompresses to more than 4096 bytes"):
        extract_archive(made.path, tmp_path / "out")
    assert _children() <= before


@needs_zstd
def test_corrupt_data_is_named_and_every_byte_still_read(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.zst")
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    data[len(data) // 2 + 1] ^= 0xFF
    reader = CountingReader(bytes(data))
    with pytest.raises(ExtractError, match=r"corrupt|ends in the middle|checksum|zstd") as caught:
        extract_archive(reader, tmp_path / "out", kind="tar.zst", name="bad.tar.zst")
    assert "\n" not in str(caught.value)
    assert reader.pos == len(data)


@needs_zstd
def test_gzip_named_tar_zst_is_refused(tmp_path: Path, archive_factory) -> None:
    # The zstd CLI can inflate gzip too; a .tar.zst must hold zstd frames, as in-process.
    made = archive_factory.pbs(kind="tar")
    fake = tmp_path / "x.tar.zst"
    fake.write_bytes(gzip.compress(made.path.read_bytes()))
    with pytest.raises(ExtractError, match="not zstd data"):
        extract_archive(fake, tmp_path / "out")
    with pytest.raises(ExtractError):
        extract_archive(fake, tmp_path / "out2", zstd_process=False)


@needs_zstd
def test_cancel_while_waiting_for_data_kills_the_child(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.zst")
    data = made.path.read_bytes()
    cancel = CancelToken()
    release = threading.Event()
    gave_half = threading.Event()

    class Stalling:
        """Gives half the archive, then blocks until released (a stalled network)."""

        def __init__(self) -> None:
            self.pos = 0

        def read(self, n: int = -1) -> bytes:
            if self.pos >= len(data) // 2:
                gave_half.set()
                release.wait()
                return b""
            out = data[self.pos:min(len(data) // 2, self.pos + n)]
            self.pos += len(out)
            return out

    before = _children()
    canceller = threading.Thread(target=lambda: (gave_half.wait(), cancel.cancel()))
    canceller.start()
    try:
        with pytest.raises(Cancelled):
            extract_archive(Stalling(), tmp_path / "out", kind="tar.zst", name="a.tar.zst", cancel=cancel)
        assert _children() <= before
    finally:
        release.set()
        canceller.join()


@needs_zstd
def test_a_source_error_is_raised_unchanged(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.zst")
    data = made.path.read_bytes()

    class Failing:
        def __init__(self) -> None:
            self.pos = 0

        def read(self, n: int = -1) -> bytes:
            if self.pos > len(data) // 3:
                raise ConnectionResetError("peer reset")
            out = data[self.pos:self.pos + min(n, 4096)]
            self.pos += len(out)
            return out

    before = _children()
    with pytest.raises(ConnectionResetError):
        extract_archive(Failing(), tmp_path / "out", kind="tar.zst", name="a.tar.zst")
    assert _children() <= before


def test_zstd_binary_lookup(tmp_path: Path) -> None:
    fake = tmp_path / "zstd"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert zstd_process.zstd_binary({"PATH": f"/nonexistent{os.pathsep}{tmp_path}"}) == str(fake)
    assert zstd_process.zstd_binary({"PATH": "/nonexistent-only"}) is None
    assert zstd_process.zstd_binary({"PYTUI_ZSTD": "off", "PATH": str(tmp_path)}) is None
    assert zstd_process.zstd_binary({"PYTUI_ZSTD": "relative/zstd"}) is None


def _fake_zstd(tmp_path: Path, body: str) -> Path:
    fake = tmp_path / "fake-zstd"
    fake.write_text("#!/bin/sh\n" + body + "\n")
    fake.chmod(0o755)
    return fake


def _zstd_looking(size: int) -> CountingReader:
    """`size` bytes that start with the zstd frame magic (what the child is fed)."""
    return CountingReader(b"\x28\xb5\x2f\xfd" + bytes(size - 4))


def _extract_in_thread(reader: CountingReader, dest: Path) -> BaseException | None:
    """Run the extraction in a thread and wait for it (an event, bounded so that a hang fails
    the test instead of the run)."""
    done = threading.Event()
    outcome: list[BaseException | None] = [None]

    def run() -> None:
        try:
            extract_archive(reader, dest, kind="tar.zst", name="a.tar.zst")
        except BaseException as err:  # noqa: BLE001 - handed to the test
            outcome[0] = err
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(120), "the extraction hung on a child that does not behave"
    return outcome[0]


@pytest.mark.parametrize(("script", "why"), [
    # Closes its output at once and lives on without reading its input.
    ("exec 1>&-\nexec sleep 1000", "did not exit"),
    # Keeps its output open and never reads nor writes.
    ("exec sleep 1000", "made no progress"),
    # Fills its stderr pipe before reading anything (blocks there for ever).
    ("head -c 1000000 /dev/zero >&2\nexec cat", "made no progress"),
])
def test_a_child_that_hangs_is_killed_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                script: str, why: str) -> None:
    monkeypatch.setenv("PYTUI_ZSTD", str(_fake_zstd(tmp_path, script)))
    monkeypatch.setattr(zstd_process, "EXIT_WAIT", 0.5)
    monkeypatch.setattr(zstd_process, "CHILD_STALL", 1.0)
    before = _children()
    reader = _zstd_looking(8 << 20)  # more than the pipes hold
    err = _extract_in_thread(reader, tmp_path / "out")
    assert isinstance(err, ExtractError) and why in str(err) and "\n" not in str(err), err
    assert "PYTUI_ZSTD=0" in str(err) and "corrupt" not in str(err)
    assert reader.pos == len(reader.data)  # the source was still read to its end (its hash)
    assert _children() <= before


def test_a_child_writing_garbage_or_endless_output_is_refused(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zstd_process, "MAX_OUTPUT_BYTES", 16 << 20)
    before = _children()
    for n, script in enumerate(["cat >/dev/null; head -c 300000 /dev/urandom",
                                "cat >/dev/null & exec cat /dev/zero"]):
        monkeypatch.setenv("PYTUI_ZSTD", str(_fake_zstd(tmp_path, script)))
        err = _extract_in_thread(_zstd_looking(1 << 20), tmp_path / f"out{n}")
        assert isinstance(err, ExtractError) and "\n" not in str(err), err
    assert _children() <= before

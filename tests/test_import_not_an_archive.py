"""`pytui cache import` of things that are no archive file, each one line naming it and what it
is, the cache byte for byte as before (attacker31): a Unix socket said `no such device or
address` (the ENXIO of opening it), and a file of size 0 (empty, or /proc's, whose text is read
only past a size it does not give) said that the empty string's sha256 matches no build."""

from __future__ import annotations

import socket
from pathlib import Path

from cli_harness import run_main, snapshot


def _import(capsys, path: Path | str) -> str:
    code, out, err = run_main(capsys, "cache", "import", str(path))
    assert (code, out, err.count("\n")) == (1, "", 1), (code, out, err)
    return err.rstrip("\n")


def test_sockets_and_files_of_size_0_are_said_as_what_they_are(tmp_path, capsys, monkeypatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "kept").write_bytes(b"as it was")
    monkeypatch.setenv("UV_PYTHON_CACHE_DIR", str(cache))
    monkeypatch.setenv("PYTUI_STATE_DIR", str(tmp_path / "state"))
    before = snapshot(cache)
    listening = socket.socket(socket.AF_UNIX)
    try:
        listening.bind(str(tmp_path / "sock"))
        assert _import(capsys, tmp_path / "sock") == (
            f"error: cannot import {tmp_path / 'sock'}: it is a socket, not a regular file; pass an archive file")
    finally:
        listening.close()
    (tmp_path / "empty.tar.gz").write_bytes(b"")
    zero = ("its size is 0 bytes (an empty file, or a /proc or /sys file, which gives no size), so it "
            "is no archive; pass an archive file")
    assert _import(capsys, tmp_path / "empty.tar.gz") == f"error: cannot import {tmp_path / 'empty.tar.gz'}: {zero}"
    assert _import(capsys, "/proc/self/status") == f"error: cannot import /proc/self/status: {zero}"
    assert snapshot(cache) == before

"""Names in the archive cache dir are other people's text: anyone can drop a file there, and
`pytui cache list` / `verify` / `purge` print its name. An ESC sequence must not reach the
terminal, a newline must not forge a row, and a byte that is not UTF-8 must not make the
output invalid UTF-8 (`--json` must stay parseable); each is shown escaped (app/safe_text.py)
and the JSON reads back to the file's bytes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pytui.app.cli import main

HOSTILE = [
    b"evil\x1b]0;pwned\x07\x1b[2J.tar.gz",  # sets the window title, clears the screen
    b"line\nforged  ok  1 B  fake.tar.gz",  # a second row
    "rtl\u202egz.rat.tar.gz".encode(),  # shows its name reversed
    b"x\xff.tar.gz",  # not UTF-8
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    root.mkdir()
    for name in HOSTILE:
        with open(os.path.join(os.fsencode(root), name), "wb") as f:
            f.write(b"not an archive")
    monkeypatch.setenv("UV_PYTHON_CACHE_DIR", str(root))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "root"))
    return root


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _printed_safely(text: str, lines: int) -> None:
    text.encode("utf-8")  # strict: a surrogate escape (an undecodable byte) would raise
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert len(text.splitlines()) == lines, text


def test_cache_list_escapes_every_name(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "cache", "list")
    assert code == 0
    _printed_safely(out, len(HOSTILE) + 1)
    assert "evil\\x1b]0;pwned\\x07\\x1b[2J.tar.gz" in out and "line\\nforged" in out
    assert "rtl\\u202egz" in out and "x\\xff.tar.gz" in out


def test_cache_list_json_is_utf8_and_reads_back_to_the_names(cache: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "cache", "list", "--json")
    assert code == 0
    _printed_safely(out, 1)
    rows = json.loads(out.encode("utf-8"))
    assert sorted(os.fsencode(row["file"]) for row in rows) == sorted(HOSTILE)
    assert all(os.fsencode(row["path"]) == os.fsencode(cache) + b"/" + os.fsencode(row["file"]) for row in rows)


def test_purge_and_verify_escape_every_name(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "cache", "purge", "--all", "--dry-run")
    assert code == 0
    _printed_safely(out + err, len(HOSTILE) + 1)
    assert sorted(os.listdir(os.fsencode(cache))) == sorted(HOSTILE)
    code, out, err = _run(capsys, "cache", "verify")
    _printed_safely(out + err, 1)
    code, out, err = _run(capsys, "cache", "purge", "--all")
    assert code == 0
    _printed_safely(out + err, len(HOSTILE) + 1)
    assert os.listdir(cache) == []

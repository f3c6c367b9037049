"""`pytui envs` prints names from other people's directories and pyvenv.cfg files: what it
prints must not steer the terminal (escape sequences), forge rows (newlines), or crash on a
name that is not UTF-8 (a strict UTF-8 stdout). JSON stays valid UTF-8 and keeps the path."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from cli_harness import Pytui
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app.safe_text import json_text, shown

NAMES = [b"bad\xff", b"esc\x1b[31mRED\x1b]0;TITLE\x07", b"new\nline", "rtl\u202egpj.exe".encode()]


def _venvs(top: Path) -> None:
    for name in NAMES:
        venv = os.path.join(os.fsencode(top), name, b".venv")
        os.makedirs(venv)
        with open(os.path.join(venv, b"pyvenv.cfg"), "wb") as f:
            f.write(b"home = /nonexistent/\x1b]52;c;cHduZWQ=\x07/bin\n")


def _run(pytui: Pytui, *args: str) -> subprocess.CompletedProcess[bytes]:
    # PYTHONIOENCODING=utf-8: a strict UTF-8 stdout, as in a UTF-8 desktop locale.
    return subprocess.run(pytui.argv(*args), env=pytui.env(PYTHONIOENCODING="utf-8"),
                          capture_output=True, timeout=120, cwd=pytui.tmp)


def test_names_from_scanned_directories_are_printed_safely(pytui: Pytui, tmp_path: Path) -> None:
    top = tmp_path / "scanned"
    _venvs(top)
    text = _run(pytui, "envs", "--scan", str(top))
    assert text.returncode == 0 and b"Traceback" not in text.stderr, text.stderr
    out = text.stdout.decode("utf-8")  # valid UTF-8
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    lines = out.splitlines()
    assert len(lines) == len(NAMES)  # one row each: no forged row
    assert any("bad\\xff" in line for line in lines) and any("new\\nline" in line for line in lines)

    js = _run(pytui, "envs", "--json", "--scan", str(top))
    assert js.returncode == 0 and b"Traceback" not in js.stderr, js.stderr
    doc = json.loads(js.stdout.decode("utf-8"))
    assert b"\x1b" not in js.stdout
    got = sorted(os.fsencode(env["path"]) for env in doc)
    assert got == sorted(os.path.join(os.fsencode(top), name, b".venv") for name in NAMES)


# High surrogates never come from a file name (surrogateescape makes only U+DC80..U+DCFF), and
# JSON would join one with a following low surrogate escape into one character.
@given(st.text(st.characters(codec=None, exclude_categories=())).map(
    lambda text: re.sub("[\ud800-\udbff]", "", text)))
@settings(max_examples=300)
def test_shown_is_printable_and_json_text_reads_back(text: str) -> None:
    assert shown(text).isprintable()
    assert shown(text) == text or not text.isprintable()
    out = json_text({"path": text})
    out.encode("utf-8")  # valid UTF-8: no lone surrogate left raw
    assert json.loads(out) == {"path": text}
    assert all(ch.isprintable() for ch in out)

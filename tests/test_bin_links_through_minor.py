"""Bin links written through the minor-version link (`<bin>/python3.12 -> <root>/cpython-3.12-
.../bin/python3.12`) when that link points outside the root, and the bin dir from
`$XDG_DATA_HOME/../bin` the directory uv names (shown normalised)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cli_harness import Pytui, minor_of


def test_uninstall_all_leaves_no_dangling_link_through_a_minor_link_outside_the_root(
        pytui: Pytui, tmp_path) -> None:
    """The minor-version link pointing outside the root (at nothing): `uninstall --all` removed
    that link but left `<bin>/python3.12`, written through it, dangling. Now it goes too, and
    bin entries that are not uv's or pytui's (a dangling `python3` elsewhere, a file) stay."""
    made = pytui.add("3.12.8")
    assert pytui.run("install", "3.12").returncode == 0
    minor_link, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    assert os.readlink(link).startswith(str(minor_link)), os.readlink(link)
    os.unlink(minor_link)
    os.symlink(tmp_path / "elsewhere" / made.build.key, minor_link)
    os.symlink(tmp_path / "nowhere" / "python3.12", pytui.bin / "python3")
    (pytui.bin / "python").write_bytes(b"keep me\n")

    result = pytui.run("uninstall", "--all")

    assert result.returncode == 0 and "warning" not in result.stderr, str(result)
    assert not os.path.lexists(minor_link) and not os.path.lexists(link), os.listdir(pytui.bin)
    assert f"{made.build.key} (python3.12)" in result.stderr, result.stderr
    assert os.readlink(pytui.bin / "python3") == str(tmp_path / "nowhere" / "python3.12")
    assert (pytui.bin / "python").read_bytes() == b"keep me\n"


def test_a_link_through_a_minor_link_that_still_leads_somewhere_is_kept(pytui: Pytui, tmp_path) -> None:
    """The minor-version link pointing outside the root at an install that exists: as uv,
    uninstalling the root's own patch keeps that link and the bin link that runs through it."""
    made = pytui.add("3.12.8")
    assert pytui.run("install", "3.12").returncode == 0
    minor_link, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    elsewhere = tmp_path / "elsewhere" / made.build.key
    (elsewhere / "bin").mkdir(parents=True)
    (elsewhere / "bin" / "python3.12").write_bytes(b"#!/bin/sh\n")
    os.unlink(minor_link)
    os.symlink(elsewhere, minor_link)

    result = pytui.run("uninstall", "--all")

    assert result.returncode == 0, str(result)
    assert os.readlink(minor_link) == str(elsewhere)
    assert os.path.exists(link) and os.readlink(link).startswith(str(minor_link))


@pytest.mark.uv
def test_the_xdg_data_bin_dir_is_the_one_uv_names(pytui: Pytui, tmp_path) -> None:
    """`$XDG_DATA_HOME/../bin` when XDG_DATA_HOME is missing, a symlink, or a symlink loop:
    pytui once resolved the whole path, then used it as written (`/link/../bin`, as uv prints
    it); it names the directory the kernel takes that for (`/real/bin`), normalised."""
    uv = os.path.join(os.path.dirname(sys.executable), "uv")
    if not os.path.exists(uv):
        pytest.skip("uv is not installed beside the test interpreter")
    (tmp_path / "real" / "share").mkdir(parents=True)
    os.symlink(tmp_path / "real" / "share", tmp_path / "link")
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    for data_home in (tmp_path / "missing" / "share", tmp_path / "link", tmp_path / "loop-a"):
        env = pytui.env(XDG_DATA_HOME=str(data_home), UV_NO_CONFIG="1")
        for name in ("UV_PYTHON_BIN_DIR", "XDG_BIN_HOME"):
            env.pop(name, None)
        by_uv = subprocess.run([uv, "python", "dir", "--bin"], env=env, capture_output=True, text=True,
                               timeout=60)
        by_pytui = subprocess.run(pytui.argv("dir", "--bin"), env=env, capture_output=True, text=True,
                                  timeout=60)
        assert by_uv.returncode == 0 and by_pytui.returncode == 0, (by_uv.stderr, by_pytui.stderr)
        assert by_uv.stdout == f"{data_home}/../bin\n", by_uv.stdout
        # The same directory, shown normalised where it can be: `..` after the symlink is the
        # target's parent (`real/bin`), a missing dir's is its text's; a loop stays as written.
        want = {tmp_path / "missing" / "share": tmp_path / "missing" / "bin",
                tmp_path / "link": tmp_path / "real" / "bin",
                tmp_path / "loop-a": tmp_path / "loop-a" / ".." / "bin"}[data_home]
        assert by_pytui.stdout == f"{want}\n", (by_pytui.stdout, by_uv.stdout)

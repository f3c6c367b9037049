"""A member name (or a symlink's target) deeper than any real build: refused before any of its
directories is made (core/member_policy.MAX_DEPTH).

A 4 KiB name holds 2,000 nested directories; every member's directories are opened one
component at a time from the stage, so such a member took an install 10-13 s for a 45 KB
archive (uv accepts it too). A python-build-standalone build's deepest member has 10-11
components; the bound is 128. An install of such an archive is one line, and the root, the bin
dir and what was cached before stay as they were.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from fixtures_archives import directory, file, symlink, write_archive
from pytui.core.errors import ExtractError
from pytui.core.extract import extract_archive
from pytui.core.member_policy import MAX_DEPTH

DEEP = "lib/" + "a/" * 2_000 + "f.txt"  # 4,011 bytes: within the 4 KiB name bound


def test_an_install_of_an_archive_2000_directories_deep_is_refused_in_one_line(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")  # an earlier install and its cached archive and tree
    cached_before = snapshot(pytui.cache)
    pytui.add("3.11.9", extra=[file(DEEP, "x")])
    before = snapshot(pytui.root, pytui.bin)

    result = pytui.run("install", "3.11", timeout=300)

    line = assert_clean_failure(result)
    # The first member past the bound (the writer adds each directory before what it holds).
    assert "refusing to extract" in line and f"has {MAX_DEPTH + 1} path components (pytui " \
        f"unpacks at most {MAX_DEPTH}, ten times what a python-build-standalone build holds)" \
        in line and line.endswith("; nothing was installed"), line
    assert len(line) < 600, line
    assert snapshot(pytui.root, pytui.bin) == before
    assert snapshot(pytui.cache).items() >= cached_before.items()
    assert pytui.temp_left() == []


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_a_member_past_the_depth_bound_makes_none_of_its_directories(tmp_path: Path, kind: str) -> None:
    path = write_archive(tmp_path / f"deep.{kind}", [directory("python"), file("python/" + DEEP, "x")],
                         add_dirs=False)
    dest = tmp_path / "out"

    with pytest.raises(ExtractError) as caught:
        extract_archive(path, dest)

    assert "has 2,003 path components" in str(caught.value)
    assert not os.path.lexists(dest / "python" / "lib")


def test_a_member_at_the_depth_bound_is_unpacked(tmp_path: Path) -> None:
    name = "python/" + "a/" * (MAX_DEPTH - 2) + "f.txt"
    assert len(name.split("/")) == MAX_DEPTH
    path = write_archive(tmp_path / "deep.tar.gz", [file(name, "x"),
                                                     symlink("python/up", "a/" * (MAX_DEPTH - 1) + "..")])

    prefix = extract_archive(path, tmp_path / "out")

    assert (prefix.parent / name).read_text() == "x"


def test_a_symlink_whose_target_is_past_the_depth_bound_is_refused(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "deep.tar.gz", [file("python/x", "x"),
                                                     symlink("python/up", "a/" * MAX_DEPTH + "x")])

    with pytest.raises(ExtractError) as caught:
        extract_archive(path, tmp_path / "out")

    assert f"member 'python/up' is a symlink whose target has {MAX_DEPTH + 1} path components" \
        in str(caught.value)

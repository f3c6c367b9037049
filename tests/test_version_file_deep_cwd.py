"""The version-file search from a deep cwd grows with its depth, not with its square:
`pytui install` with no request from a 4,000-deep cwd took 4.6 s (1.6 s at load 5; uv 0.13.9
stops there at once, unable to read a `uv.toml` whose path is past the kernel's bound): each
parent's version file was stat'ed by its whole path, so the kernel walked every parent again,
and each parent's Path was built whole. Counted here (the paths given to stat), not timed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytui.core import version_file as vf


def _deep(base: Path, levels: int, name_length: int) -> list[Path]:
    """`levels` nested directories under `base`, each name `name_length` bytes; made by
    descriptors (the deepest paths are longer than the kernel takes)."""
    places = [base]
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(levels):
            name = f"{level:03d}".ljust(name_length, "d")
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
            places.append(places[-1] / name)
    finally:
        os.close(fd)
    return places


def _write_in(places: list[Path], level: int, name: str, text: str) -> None:
    """A file in places[level], written through descriptors (its path may be too long)."""
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in places[level].parts[1:]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, text.encode())
        os.close(out)
    finally:
        os.close(fd)


def test_the_search_from_a_deep_cwd_stats_names_not_whole_paths(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """50 levels of 100-byte names: the cwd's path is ~5,000 bytes, past what the kernel takes
    (4,095): a version file deeper than that is one uv cannot open, and is not looked for; one
    above it is the nearest. No stat is given a path of more than one name (each was given
    the whole path, which the kernel walks from the root again)."""
    places = _deep(tmp_path, 50, 100)
    cwd = places[-1]
    shallow = places[3] / ".python-version"
    shallow.write_text("3.11\n")
    _write_in(places, 45, ".python-version", "3.13\n")  # its path: past 4,095 bytes
    assert len(os.fsencode(str(places[45] / ".python-version"))) > vf.PATH_MAX_BYTES
    reachable = places[30]
    assert len(os.fsencode(str(reachable / ".python-versions"))) < vf.PATH_MAX_BYTES
    stats: list[object] = []
    real_stat = os.stat

    def counted_stat(path, *args, **kwargs):
        stats.append(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(vf.os, "stat", counted_stat)
    assert vf.find_version_file({}, cwd=str(cwd)) == shallow
    _write_in(places, 30, ".python-versions", "3.12\n")
    assert vf.find_version_file({}, cwd=str(cwd)) == reachable / ".python-versions"
    assert stats and all(b"/" not in os.fsencode(path) for path in stats  # type: ignore[arg-type]
                         if isinstance(path, (str, bytes))), [str(p)[:80] for p in stats][:3]
    # And from a cwd within reach, the same answer as a stat of each whole path gives.
    assert vf.find_version_file({}, cwd=str(places[20])) == vf._nearest_by_paths(places[20]) == shallow

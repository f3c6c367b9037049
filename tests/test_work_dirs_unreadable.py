"""`--project` and `--directory` on a path pytui cannot enter: one rule, the same cause for both
(app/work_dirs.py). `--project` said "does not exist" for a directory on the way that nobody may
search, and for a path through a file, where `--directory` said "permission denied" and "not a
directory"; for a project directory that is itself unsearchable it went on to a line about its
uv.toml. (uv 0.13.9 says `Project directory … does not exist` for the first two and fails on
DIR/uv.toml for the last, and stops: exit 2.)

"Unreadable" needs permission bits that bind: as root, the run drops CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH (`run_as_a_user`, skipped where they cannot be dropped); a path through a
file needs no such thing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Pytui


def _says(pytui: Pytui, flag: str, path: Path, *, as_user: bool) -> str:
    run = pytui.run_as_a_user if as_user else pytui.run
    done = run(flag, str(path), "list", "3.12")
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, str(done)
    return lines[0]


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "locked"
    (path / "sub").mkdir(parents=True)
    path.chmod(0)
    yield path
    path.chmod(0o755)


def test_a_path_through_a_file_is_said_alike(pytui: Pytui, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    path = tmp_path / "afile" / "x"

    project = _says(pytui, "--project", path, as_user=False)
    directory = _says(pytui, "--directory", path, as_user=False)

    assert project == f"error: project directory {path}: not a directory; name an existing " \
        "directory (--project / UV_PROJECT; uv stops too)"
    assert directory == f"error: --directory {path}: not a directory; name an existing directory " \
        "(uv stops too)"


@pytest.mark.parametrize("below", [True, False], ids=["a-directory-on-the-way", "the-directory-itself"])
def test_an_unsearchable_directory_is_said_alike(pytui: Pytui, locked: Path, below: bool) -> None:
    path = locked / "sub" if below else locked

    project = _says(pytui, "--project", path, as_user=True)
    directory = _says(pytui, "--directory", path, as_user=True)

    assert project == f"error: project directory {path}: permission denied; name an existing " \
        "directory (--project / UV_PROJECT; uv stops too)"
    assert directory == f"error: --directory {path}: permission denied; name an existing " \
        "directory (uv stops too)"
    assert os.stat(locked).st_mode & 0o777 == 0

"""Where `pytui install` with no request stops looking for a version file, and how it reads
UV_NO_CONFIG, beside the real `uv python install` (0.13.9; crates/uv-python's
version_files.rs). uv's install gives the search no stop (`uv run` and `uv sync` stop at the
workspace root): a `.python-version` above a project's `pyproject.toml` is read by both.
UV_NO_CONFIG is clap's boolish flag: `yes`, `TRUE`, `on` turn the files off, `0`, `false`
leave them on, and any other value (`2`, ` 1`, an empty one) is refused, exit 2, by both
(3e1a859; here beside uv's install, the version file's reader)."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_install_version_file
from cli_harness import Pytui
from test_install_version_file import _both, _keys
from test_uv_interop import UV

# The scene of test_install_version_file: its two builds and a project dir with a src/ in it.
project = test_install_version_file.project

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]


def test_a_version_file_above_the_project_root_is_read_as_uv_reads_it(pytui: Pytui, project: Path) -> None:
    (pytui.tmp / ".python-version").write_text("3.12.3\n")
    (project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    ours, theirs = _both(pytui, project / "src")
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == ["cpython-3.12.3-linux-x86_64-gnu"]


@pytest.mark.parametrize(("value", "read"), [("yes", False), ("TRUE", False), ("on", False),
                                             ("0", True), ("false", True)])
def test_uv_no_config_words(pytui: Pytui, project: Path, value: str, read: bool) -> None:
    (project / ".python-version").write_text("3.12.3\n")
    ours, theirs = _both(pytui, project, UV_NO_CONFIG=value)
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    want = "cpython-3.12.3-linux-x86_64-gnu" if read else "cpython-3.13.1-linux-x86_64-gnu"
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == [want]


@pytest.mark.parametrize("value", ["2", " 1", ""])
def test_a_value_uv_does_not_read_as_a_boolean_is_refused(pytui: Pytui, project: Path, value: str) -> None:
    (project / ".python-version").write_text("3.12.3\n")
    ours, theirs = _both(pytui, project, UV_NO_CONFIG=value)
    assert theirs.returncode == 2 and "value was not a boolean" in theirs.stderr, theirs.stderr
    assert ours.returncode == 2, ours.stderr
    assert ours.stderr.splitlines() == [
        f"error: invalid value `{value}` for UV_NO_CONFIG (--no-config): value was not a boolean"], \
        ours.stderr
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == []

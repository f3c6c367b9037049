"""A bin dir that is not a directory (UV_PYTHON_BIN_DIR naming a file, /dev/null): the install
goes ahead (exit 0, as uv) and one warning says the bin dir is not a directory and what to do;
it said "Executable already exists at FILE/python3.12 but is not managed by uv or pytui; use
--force to replace it", and with --force "could not be replaced: Not a directory"."""

from __future__ import annotations

import pytest
from cli_harness import Pytui


@pytest.mark.parametrize("force", [False, True])
def test_a_bin_dir_that_is_a_file_is_one_warning_saying_so(pytui: Pytui, tmp_path, force) -> None:
    made = pytui.add("3.12.8")
    afile = tmp_path / "not-a-dir"
    afile.write_bytes(b"keep me\n")
    result = pytui.run("install", "3.12", *(["--force"] if force else []), UV_PYTHON_BIN_DIR=str(afile))
    assert result.returncode == 0, str(result)
    assert (pytui.root / made.build.key).is_dir()
    warnings = [line for line in result.stderr.splitlines() if str(afile) in line
                and "PATH" not in line]
    assert len(warnings) == 1, result.stderr
    assert "is not a directory" in warnings[0] and "UV_PYTHON_BIN_DIR" in warnings[0], warnings
    assert "--force" not in warnings[0] and "already exists" not in warnings[0], warnings
    assert afile.read_bytes() == b"keep me\n"

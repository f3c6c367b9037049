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


@pytest.mark.uv
@pytest.mark.parametrize("variable", ["XDG_BIN_HOME", "XDG_DATA_HOME"])
def test_a_relative_xdg_dir_is_ignored_as_uv_ignores_it(pytui: Pytui, tmp_path, variable) -> None:
    """The XDG base-directory rule (a relative path is invalid and ignored), as uv applies it
    to the bin dir: both tools link into ~/.local/bin. pytui linked into the current directory
    (`./relative/python3.12`, or `./bin/python3.12` from XDG_DATA_HOME's `../bin`)."""
    import os
    import subprocess
    import sys

    uv = os.path.join(os.path.dirname(sys.executable), "uv")
    if not os.path.exists(uv):
        pytest.skip("uv is not installed beside the test interpreter")
    made = pytui.add("3.12.8")
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()
    for tool, argv, root in (("pytui", pytui.argv("install", "3.12"), tmp_path / "proot"),
                             ("uv", [uv, "python", "install", made.build.key], tmp_path / "uroot")):
        env = pytui.env(HOME=str(home), UV_PYTHON_INSTALL_DIR=str(root), UV_NO_CONFIG="1",
                        UV_CACHE_DIR=str(tmp_path / "uv-cache"), **{variable: "relative"})
        for name in ("UV_PYTHON_BIN_DIR", "XDG_BIN_HOME", "XDG_DATA_HOME"):
            if name != variable:
                env.pop(name, None)
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (tool, done.stdout, done.stderr)
        assert os.listdir(cwd) == [], (tool, os.listdir(cwd))
        link = home / ".local" / "bin" / "python3.12"
        assert os.path.islink(link), (tool, done.stderr)
        assert os.readlink(link).startswith(str(root)), (tool, os.readlink(link))
        os.unlink(link)


def test_a_symlink_loop_at_the_xdg_bin_dir_is_one_warning(pytui: Pytui, tmp_path) -> None:
    """`$XDG_DATA_HOME/../bin` a symlink loop: every command (even `pytui list`) ended in a
    'RuntimeError: Symlink loop' traceback from Path.resolve (Python 3.11) while working out
    the bin dir. Now `list` works, and an install goes ahead with one warning about the bin dir."""
    import os

    made = pytui.add("3.12.8")
    (tmp_path / "xdg" / "share").mkdir(parents=True)
    os.symlink("bin", tmp_path / "xdg" / "bin")
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg" / "share"), "UV_PYTHON_BIN_DIR": "", "XDG_BIN_HOME": ""}  # empty: unset
    listed = pytui.run("list", "3.12", **env)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, str(listed)
    bin_dir = tmp_path / "xdg" / "bin"  # uv's `share/../bin`, normalised
    assert pytui.run("dir", "--bin", **env).stdout == f"{bin_dir}\n"
    result = pytui.run("install", "3.12", **env)
    assert "Traceback" not in result.stderr, str(result)
    assert (pytui.root / made.build.key).is_dir(), str(result)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:") and "PATH" not in line]
    assert len(warnings) == 1 and str(bin_dir) in warnings[0], result.stderr
    assert result.returncode == 0, str(result)


def test_a_bin_entry_that_is_a_directory_says_what_to_do_with_force(pytui: Pytui) -> None:
    """`install --force` over a bin entry that is a directory: the install goes ahead (exit 0)
    and the one warning says what to do next, not only the cause; the directory is left."""
    made = pytui.add("3.12.8")
    entry = pytui.bin / "python3.12"
    entry.mkdir(parents=True)
    (entry / "keep").write_bytes(b"keep me\n")
    result = pytui.run("install", "3.12", "--force")
    assert result.returncode == 0, str(result)
    assert (pytui.root / made.build.key).is_dir()
    warnings = [line for line in result.stderr.splitlines() if str(entry) in line]
    assert len(warnings) == 1, result.stderr
    assert "could not be replaced" in warnings[0], warnings
    assert warnings[0].endswith("remove it and install again, or install with --no-bin"), warnings
    assert (entry / "keep").read_bytes() == b"keep me\n"


@pytest.mark.parametrize("already", [False, True])
def test_a_read_only_bin_dir_is_one_warning_saying_what_to_do(pytui: Pytui, already) -> None:
    """A bin dir on a read-only filesystem: the install goes ahead (exit 0, as uv) and the
    warning said only `cannot link …/python3.12 for KEY: Read-only file system`, no next step;
    also when a request already installed has its link restored."""
    from fixtures_fs import mounted

    made = pytui.add("3.12.8")
    with mounted() as mounts:
        mounts.tmpfs(pytui.bin)
        if already:
            pytui.call("install", "3.12")
            (pytui.bin / "python3.12").unlink()
        mounts.remount(pytui.bin, "ro")
        result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert (pytui.root / made.build.key).is_dir()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")
                and "PATH" not in line]
    assert len(warnings) == 1, result.stderr
    assert "Read-only file system" in warnings[0], warnings
    assert warnings[0].endswith(f"check that {pytui.bin} is writable, or install with --no-bin"), warnings

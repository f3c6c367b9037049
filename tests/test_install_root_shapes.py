"""An install root that is a file, a symlink to a file or a symlink to nothing: every command
that reads the root says so in one line (the path, what is there, what to do) and writes
nothing. Before, `pytui list --only-installed` printed nothing and exited 0 ("0 interpreters"
in the TUI), `uninstall` said no install matched. uv fails the same listing (`Failed to read
Python installation directory … Not a directory`); a missing root is still "nothing
installed", as for uv."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from test_uv_list_parity import find_uv

SHAPES = ["file", "link to a file", "dangling link"]


def odd_root(tmp: Path, shape: str) -> Path:
    root = tmp / "odd-root"
    if shape == "file":
        root.write_bytes(b"precious")
    elif shape == "link to a file":
        (tmp / "a-file").write_bytes(b"precious")
        root.symlink_to("a-file")
    else:
        root.symlink_to(tmp / "nowhere")
    return root


def as_found(pytui: Pytui, root: Path) -> tuple:
    """The odd root (its link and what it leads to), the cache and the bin dir, byte for byte
    (the state dir's parsed catalog is not the root's business)."""
    st = os.lstat(root)
    target = pytui.tmp / "a-file"
    return (st.st_ino, st.st_mode, st.st_mtime_ns, os.readlink(root) if root.is_symlink() else None,
            root.read_bytes() if root.is_file() else None,
            target.read_bytes() if target.exists() else None, os.path.lexists(pytui.tmp / "nowhere"),
            snapshot(pytui.cache, pytui.bin))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("command", [("list", "--only-installed"), ("list",), ("uninstall", "3.12"),
                                     ("install", "3.12"), ("cache", "purge", "--installed"),
                                     ("upgrade",)])
def test_a_root_that_is_no_directory_is_one_line_and_nothing_is_written(
        pytui: Pytui, shape: str, command: tuple[str, ...]) -> None:
    pytui.add("3.12.8")
    root = odd_root(pytui.tmp, shape)
    before = as_found(pytui, root)
    result = pytui.run(*command, UV_PYTHON_INSTALL_DIR=str(root))
    line = assert_clean_failure(result)
    assert f"the install root {root} " in line, line
    assert "--install-dir or UV_PYTHON_INSTALL_DIR" in line, line
    if shape == "dangling link":
        assert f"symbolic link to {pytui.tmp / 'nowhere'}, which does not exist" in line, line
    else:
        assert "is not a directory" in line and "a regular file" in line, line
    assert as_found(pytui, root) == before


def test_a_missing_root_is_nothing_installed(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    result = pytui.run("list", "--only-installed", UV_PYTHON_INSTALL_DIR=str(pytui.tmp / "absent"))
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", str(result)
    assert not os.path.lexists(pytui.tmp / "absent")


def test_envs_still_lists_with_a_root_that_is_a_file_and_says_why_no_pin_resolves(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    root = odd_root(pytui.tmp, "file")
    home = pytui.tmp / "home"
    home.mkdir(exist_ok=True)
    (home / ".python-version").write_text("3.12\n")
    result = pytui.run("envs", HOME=str(home), UV_PYTHON_INSTALL_DIR=str(root))
    assert result.returncode == 0, str(result)
    assert ".python-version" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and f"the install root {root} is not a directory" in warnings[0], str(result)


@pytest.mark.uv
def test_uv_also_refuses_to_list_a_root_that_is_a_file(tmp_path: Path) -> None:
    uv = find_uv()
    if uv is None:
        pytest.skip("the uv binary is not installed")
    root = odd_root(tmp_path, "file")
    env = {**os.environ, "UV_PYTHON_INSTALL_DIR": str(root), "UV_NO_CONFIG": "1", "UV_OFFLINE": "1",
           "UV_PYTHON_PREFERENCE": "only-managed", "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
           "HOME": str(tmp_path)}
    done = subprocess.run([uv, "python", "list", "--only-installed"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0 and "Not a directory" in done.stderr, done.stderr


@pytest.mark.parametrize("shape", SHAPES)
def test_pytui_dir_prints_a_root_that_is_no_directory_with_a_warning(pytui: Pytui, shape: str) -> None:
    # uv prints the path and exits 0 (kept, as `cd "$(pytui dir)"` scripts read it); pytui
    # printed nothing more, so the cd failed with no word of why.
    root = odd_root(pytui.tmp, shape)
    result = pytui.run("dir", UV_PYTHON_INSTALL_DIR=str(root))
    assert result.returncode == 0 and result.stdout == f"{root}\n", str(result)
    assert result.stderr.startswith(f"warning: the install root {root} "), str(result)
    assert len(result.stderr.splitlines()) == 1, str(result)
    assert "--install-dir or UV_PYTHON_INSTALL_DIR" in result.stderr, str(result)
    for command in (("cache", "dir"), ("dir", "--cache")):
        result = pytui.run(*command, UV_PYTHON_CACHE_DIR=str(root))
        assert result.returncode == 0 and result.stdout == f"{root}\n", str(result)
        assert result.stderr.startswith(f"warning: the cache dir {root} "), str(result)
        assert result.stderr.rstrip().endswith("--cache-dir or UV_PYTHON_CACHE_DIR"), str(result)
    # A directory says nothing more.
    assert pytui.run("dir", UV_PYTHON_INSTALL_DIR=str(pytui.tmp)).stderr == ""


def test_cache_list_names_a_cache_dir_that_links_to_nothing(pytui: Pytui) -> None:
    # It listed as empty (`no archives in …`), as if the archives were gone.
    pytui.add("3.12.8")
    link = pytui.tmp / "cache-link"
    link.symlink_to(pytui.tmp / "nowhere")
    for args in (("cache", "list"), ("cache", "list", "--json")):
        result = pytui.run(*args, UV_PYTHON_CACHE_DIR=str(link))
        assert result.returncode == 0, str(result)
        assert result.stderr == (f"warning: the cache dir {link} is a symbolic link to "
                                 f"{pytui.tmp / 'nowhere'}, which does not exist; remove the link or "
                                 "create that directory, or pass another directory with "
                                 "--cache-dir or UV_PYTHON_CACHE_DIR\n"), str(result)
        assert result.stdout == ("[]\n" if "--json" in args else ""), str(result)
    assert not os.path.lexists(pytui.tmp / "nowhere") and link.is_symlink()

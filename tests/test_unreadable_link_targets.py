"""A link whose target passes through a link this user may not read (another user's process's
/proc/PID/root or cwd: `readlink` is refused, EACCES) in a place pytui resolves paths. Python
3.10-3.12's os.path.realpath raises there (3.13's does not), and the whole command failed with
the last-resort line (`error: /proc/1/root: permission denied; check that path …`): one venv in
the home directory whose pyvenv.cfg said `home = /proc/1/root/usr/bin` stopped `pytui envs`
(and the TUI's Environments view, and the safety check of `pytui uninstall`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui, key_of, run_main
from test_cache_cli import env  # noqa: F401 - the fixture

UNREADABLE = "/proc/1/root"


def _unreadable() -> bool:
    try:
        os.readlink(UNREADABLE)
    except PermissionError:
        return True
    except OSError:
        return False
    return False


pytestmark = pytest.mark.skipif(not _unreadable(), reason=f"{UNREADABLE} is readable here")


def _venv_through_it(home: Path) -> Path:
    venv = home / "proj" / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {UNREADABLE}/usr/bin\nversion = 3.12.8\n")
    (venv / "bin" / "python").symlink_to(f"{UNREADABLE}/usr/bin/python3")
    return venv


def test_envs_lists_a_venv_whose_home_passes_an_unreadable_link(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    venv = _venv_through_it(home)
    done = pytui.run("envs", "--rescan")
    assert done.returncode == 0, str(done)
    assert "Traceback" not in done.stderr and "error:" not in done.stderr, str(done)
    assert str(venv.parent) in done.stdout or "proj" in done.stdout, str(done)


def test_uninstall_checks_environments_past_it(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    assert pytui.run("install", "3.12").returncode == 0
    _venv_through_it(Path(os.environ["HOME"]))
    done = pytui.run("uninstall", "3.12")
    assert done.returncode == 0, str(done)
    assert not (pytui.root / key_of("3.12.8")).exists()


def test_install_beside_a_bin_link_through_it(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.bin.mkdir(parents=True, exist_ok=True)
    (pytui.bin / "python3.11").symlink_to(f"{UNREADABLE}/usr/bin/python3")
    done = pytui.run("install", "3.12")
    assert done.returncode == 0, str(done)
    assert "Traceback" not in done.stderr, str(done)
    assert (pytui.bin / "python3.12").is_symlink()
    assert pytui.run("list", "--only-installed").returncode == 0


def test_uninstall_with_a_root_past_it_says_the_roots_line(pytui: Pytui) -> None:
    """As `pytui list` says it (the root lock's name was resolved first, and failed)."""
    root = f"{UNREADABLE}/uv/python"
    pytui.add("3.12.8")
    listed = pytui.run("list", "--only-installed", UV_PYTHON_INSTALL_DIR=root)
    done = pytui.run("uninstall", "3.12", UV_PYTHON_INSTALL_DIR=root)
    assert done.returncode == listed.returncode == 1, (str(done), str(listed))
    assert done.stderr == listed.stderr == (
        # The directory that refuses is named, as for any root below one (core/fs_errors.reason).
        f"error: cannot list the install root {root}: permission denied by {UNREADABLE}; fix its permissions or "
        "pass another with --install-dir or UV_PYTHON_INSTALL_DIR\n"), (str(done), str(listed))


@pytest.mark.parametrize("name", ["python3.12", "python3"])  # the link pytui makes, one it does not
def test_a_bin_link_of_the_installed_minor_through_it(pytui: Pytui, name: str) -> None:
    pytui.add("3.12.8")
    assert pytui.run("install", "3.12").returncode == 0
    link = pytui.bin / name
    if link.is_symlink():
        link.unlink()
    link.symlink_to(f"{UNREADABLE}/usr/bin/python3")
    """A link another program made where pytui's would go is not pytui's to replace (`use
    --force`), as one to /usr/bin/python3 is; through the unreadable link, the reinstall ended
    with the last-resort line after its swap, its `.linking` record left in .temp/."""
    for args in (("install", "3.12"), ("list", "--only-installed"), ("install", "--reinstall", "3.12"),
                 ("upgrade",), ("uninstall", "3.12")):
        done = pytui.run(*args)
        assert done.returncode == 0, str(done)
        assert "check that path" not in done.stderr and "Traceback" not in done.stderr, str(done)
        if args[0] == "install" and "--reinstall" in args and name == "python3.12":
            assert f"Executable already exists at {link} but is not managed by uv or pytui" in done.stderr
            assert pytui.temp_left() == []
    assert os.readlink(link) == f"{UNREADABLE}/usr/bin/python3"


def test_export_mirror_into_a_destination_past_it_is_one_line(env, capsys) -> None:  # noqa: F811
    """As a destination that is a symlink loop is (test_mirror_hostile): the export's check
    that DEST is not the cache resolved it first, and ended with the last-resort line."""
    dest = f"{UNREADABLE}/mirror"
    code, out, err = run_main(capsys, "cache", "export-mirror", dest)
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith(f"error: cannot export the mirror into {dest}: "), err
    assert "nothing was exported" in err

"""What `pytui uninstall` says it frees and does to bin links, against real installs from the
loopback server: an install hard-linked from the tree kept in the cache frees only its own
files; uninstalling the newest patch re-points `pythonX.Y` to the remaining patch and says so;
`--dry-run` shows the plan (and what would break) and exits 0 having removed nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cli_harness import Pytui, key_of, minor_of
from pytui.app.progress_board import human_bytes
from pytui.core.root_tree import footprint


def _du_freed(path: Path) -> int:
    """Bytes deleting `path` frees, counted independently of pytui: every entry but files
    with a hard link outside `path` (`find -links 1` style, one link each)."""
    total = os.lstat(path).st_size
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            st = os.lstat(os.path.join(dirpath, name))
            if st.st_nlink == 1 or os.path.isdir(os.path.join(dirpath, name)) \
                    or os.path.islink(os.path.join(dirpath, name)):
                total += st.st_size
    return total


def test_uninstall_counts_only_unshared_bytes_and_moves_the_bin_link(pytui: Pytui) -> None:
    pytui.add("3.12.7", payload=True)
    pytui.add("3.12.8", payload=True)
    pytui.call("install", "3.12.7")
    pytui.call("install", "3.12.8")
    newest = pytui.root / key_of("3.12.8")
    assert os.readlink(pytui.bin / "python3.12") == str(pytui.root / minor_of("3.12.8") / "bin" / "python3.12")
    size = footprint(newest)
    # Most of the install is hard links into its tree kept in the cache.
    assert size.shared > 200_000 and size.freed == _du_freed(newest) < size.shared
    payload = newest / "lib" / "python3.12" / "payload.bin"
    assert os.stat(payload).st_nlink == 2

    dry = pytui.run("uninstall", "3.12.8", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert (f"Would uninstall 1 version ({human_bytes(size.freed)} would be freed; "
            f"{human_bytes(size.shared)} stay in the cache's kept tree)") in dry.stderr
    assert newest.is_dir()

    gone = pytui.run("uninstall", "3.12.8")
    assert gone.returncode == 0, str(gone)
    assert (f"({human_bytes(size.freed)} freed; {human_bytes(size.shared)} stay in the cache's "
            "kept tree)") in gone.stderr
    # The newest patch went, 3.12.7 stays: python3.12 runs it now, and the output says so.
    assert f" - {key_of('3.12.8')} (python3.12 now runs {key_of('3.12.7')})" in gone.stderr
    ran = subprocess.run([pytui.bin / "python3.12"], capture_output=True, text=True, timeout=30)
    assert ran.stdout.strip() == "Python 3.12.7"
    # The tree kept the blocks: its payload is now its only link.
    kept = [p for p in (pytui.cache / "trees").glob("*/tree/lib/python3.12/payload.bin")]
    assert sorted(os.stat(p).st_nlink for p in kept) == [1, 2]

    last = pytui.run("uninstall", "3.12.7")
    assert last.returncode == 0, str(last)
    assert f" - {key_of('3.12.7')} (python3.12)" in last.stderr  # the last patch: the link goes, as uv
    assert not os.path.lexists(pytui.bin / "python3.12")


def test_dry_run_shows_what_would_break_and_exits_0(pytui: Pytui, tmp_path: Path) -> None:
    pytui.add("3.12.8")
    pytui.add("3.11.9")
    pytui.call("install", "3.12.8", "3.11.9")
    projects = tmp_path / "projects"
    venv = projects / "p" / ".venv"
    venv.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {pytui.root / key_of('3.12.8') / 'bin'}\n")
    before = pytui.state()
    for args in (["3.12"], ["--all"]):
        dry = pytui.run("uninstall", *args, "--dry-run", "--scan", str(projects))
        assert dry.returncode == 0, str(dry)
        assert "error:" not in dry.stderr and "Traceback" not in dry.stderr
        warning = next(line for line in dry.stderr.splitlines() if "would break" in line)
        assert warning.startswith("warning:") and str(venv.parent) in warning
        assert "without --dry-run this refuses" in warning
        assert f" - {key_of('3.12.8')} (" in dry.stderr and "would be freed" in dry.stderr
        assert (f" - {key_of('3.11.9')} (" in dry.stderr) == (args == ["--all"])
    assert pytui.state() == before
    refused = pytui.run("uninstall", "3.12", "--scan", str(projects))
    assert refused.returncode == 1 and "nothing was removed" in refused.stderr
    assert pytui.state() == before


def test_install_force_replaces_a_link_of_another_root(pytui: Pytui, tmp_path: Path) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12.8")
    link = pytui.bin / "python3.12"
    first = os.readlink(link)
    other = tmp_path / "other-root"
    moved = {"UV_PYTHON_INSTALL_DIR": str(other)}
    second = pytui.run("install", "3.12.8", **moved)
    assert second.returncode == 0, str(second)
    # The link belongs to the first root: said so, with advice that works.
    assert (f"warning: Executable already exists at {link} and is managed by another install root "
            f"({pytui.root}); use --force to replace it") in second.stderr
    assert os.readlink(link) == first
    forced = pytui.run("install", "--force", "3.12.8", **moved)
    assert forced.returncode == 0, str(forced)
    assert "is already installed" in forced.stderr and f" + {key_of('3.12.8')} (python3.12)" in forced.stderr
    assert os.path.realpath(link).startswith(str(other))
    # A file no uv or pytui made: named as such; --force replaces it on a fresh install too.
    link.unlink()
    link.write_text("#!/bin/sh\necho mine\n")
    pytui.add("3.11.9")
    (pytui.bin / "python3.11").write_text("#!/bin/sh\necho mine\n")
    kept = pytui.run("install", "3.11.9")
    assert "but is not managed by uv or pytui; use --force to replace it" in kept.stderr
    assert (pytui.bin / "python3.11").read_text().endswith("mine\n")
    pytui.run("uninstall", "3.11.9")
    replaced = pytui.run("install", "-f", "3.11.9")
    assert replaced.returncode == 0 and "Executable already exists" not in replaced.stderr, str(replaced)
    ran = subprocess.run([pytui.bin / "python3.11"], capture_output=True, text=True, timeout=30)
    assert ran.stdout.strip() == "Python 3.11.9"

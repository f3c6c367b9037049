"""A kept tree pytui cannot open (mode 000, or another user's: a `sudo pytui install` run with
the user's cache dir) is no tree to install from, and no tree pytui removed.

Before: `Path.is_file` on its manifest raised EACCES, and every `install` of that build failed
with "…/manifest.json: permission denied; check that path" although the verified archive was
in the cache; `cache verify` said "changed: … removed, the next install extracts the archive
again" while the tree stayed (its lock could not be taken, which read as "another run is
removing it"); `cache purge --all` said "freed … (2 files, 2 kept trees)" with the tree there.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cli_harness import Pytui, drop_dac_override, key_of


@pytest.fixture
def locked_tree(pytui: Pytui):
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    (tree,) = pytui.trees()
    path = pytui.cache / "trees" / tree
    os.chmod(path, 0)
    probe = subprocess.run([sys.executable, "-c", f"import os; os.listdir({str(path)!r})"],
                           capture_output=True, preexec_fn=drop_dac_override if os.geteuid() == 0 else None)
    if probe.returncode == 0:
        os.chmod(path, 0o755)
        pytest.skip("directory permissions are not enforced for this process")
    yield path
    os.chmod(path, 0o755)


def test_install_goes_on_from_the_archive(pytui: Pytui, locked_tree) -> None:
    done = pytui.run_as_a_user("install", "--reinstall", "3.12")
    assert done.returncode == 0, str(done)
    assert "Traceback" not in done.stderr
    assert (pytui.root / key_of("3.12.8") / "bin").is_dir()
    assert locked_tree.is_dir()  # not pytui's to remove here


def test_verify_says_the_tree_could_not_be_removed(pytui: Pytui, locked_tree) -> None:
    done = pytui.run_as_a_user("cache", "verify")
    assert "Traceback" not in done.stderr
    assert "removed, the next install" not in done.stderr, str(done)
    assert "could not be removed: permission denied" in done.stderr, str(done)
    assert locked_tree.is_dir()


def test_purge_says_the_tree_it_could_not_remove_and_does_not_count_it(pytui: Pytui, locked_tree) -> None:
    done = pytui.run_as_a_user("cache", "purge", "--all")
    assert done.returncode == 1, str(done)
    assert "Traceback" not in done.stderr
    (error,) = done.errors
    assert "cannot remove the unpacked tree" in error and "permission denied" in error, str(done)
    # Neither `freed … (1 file)` nor the archive's `removed … (…, 1.8 KiB + its kept tree …)`.
    assert not [line for line in done.stdout.splitlines() if "kept tree" in line], str(done)
    assert locked_tree.is_dir()


def test_purge_says_a_tree_it_moved_aside_but_could_not_empty(pytui: Pytui) -> None:
    """A tree pytui can open and rename but not empty (another user's files: a `sudo` run with
    umask 022) went to `trees/.old-…` and was counted as removed."""
    from immutable_dir import immutable

    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    (tree,) = pytui.trees()
    with immutable(pytui.cache / "trees" / tree / "tree" / "bin", pytui.cache):
        done = pytui.run("cache", "purge", "--all")
    assert done.returncode == 1, str(done)
    (error,) = done.errors
    assert "cannot remove the unpacked tree" in error, str(done)
    # The disk's own cause (an immutable directory: EPERM), not "permission denied" whatever it was.
    assert "operation not permitted" in error and "permission denied" not in error, error
    # Neither `freed … (1 file)` nor the archive's `removed … (…, 1.8 KiB + its kept tree …)`.
    assert not [line for line in done.stdout.splitlines() if "kept tree" in line], str(done)


def test_verify_says_why_a_changed_tree_it_moved_aside_was_not_emptied(pytui: Pytui) -> None:
    """attacker30: said as "permission denied" whatever kept it there."""
    from immutable_dir import immutable

    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    (tree,) = pytui.trees()
    with open(pytui.cache / "trees" / tree / "tree" / "lib" / "python3.12" / "site.py", "a") as f:
        f.write("# edited in place\n")
    with immutable(pytui.cache / "trees" / tree / "tree" / "bin", pytui.cache):
        done = pytui.run("cache", "verify")
    assert done.returncode == 1 and "Traceback" not in done.stderr, str(done)
    [line] = [line for line in done.stderr.splitlines() if line.startswith("changed:")]
    assert "could not be removed: operation not permitted" in line, line

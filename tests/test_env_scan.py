"""The scan's walk (core/envwalk.py, core/envwalk_recheck.py); its stored state is
tests/test_env_scan_state.py's.

A warm scan checks the stored walk (one lstat per recorded directory) instead of listing. Each
test changes the tree in a way that could fool it, then checks the warm result against a cold
scan of the same tree: the same environments, and the same recorded tree, node for node.
"""

from __future__ import annotations

import os
import random
import shutil
from array import array
from pathlib import Path

import pytest
from env_scan_helpers import assert_as_cold, make_projects, paths, run, stored
from envs_helpers import make_venv, settle
from pytui.core import envwalk, envwalk_recheck
from pytui.core.envs import STATE_FILE


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    return make_projects(tmp_path)


def test_a_warm_scan_lists_nothing_and_leaves_the_file_alone(tmp_path: Path, projects: Path) -> None:
    first = run(tmp_path, projects)
    assert first.listed == 38 and first.reused == 0
    assert paths(first) == {str(projects / "a1" / "b2" / ".venv"), str(projects / "a2" / ".python-version")}
    second = run(tmp_path, projects)
    assert (second.listed, second.reused) == (0, 38)
    assert second.environments == first.environments
    # The second scan wrote the file once more (the state dir it made is now left out too).
    state = tmp_path / "state" / STATE_FILE
    before = state.stat()
    assert run(tmp_path, projects).environments == first.environments
    after = state.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_times_before_1970_and_past_2262_are_kept_and_compared(tmp_path: Path, projects: Path) -> None:
    """Times are kept as unsigned 64-bit words: one before 1970 (negative) and one past 2262 (too
    big for a signed word: stored through the masked path) are recorded as they are and found
    unchanged by the next scan."""
    odd = {projects / "a0": -5, projects / "a1" / "b1": 10_500_000_000}  # seconds: 1969, 2302
    for directory, seconds in odd.items():
        os.utime(directory, (seconds, seconds))
    settle()
    run(tmp_path, projects)
    kept = stored(tmp_path, projects)
    for directory in odd:
        at = kept.paths.index(str(directory.relative_to(projects)))
        assert kept.mtimes[at] == directory.stat().st_mtime_ns & ((1 << 64) - 1)
    warm = run(tmp_path, projects)
    assert (warm.listed, warm.reused) == (0, len(kept))
    assert_as_cold(tmp_path, projects, warm)


def test_a_venv_added_deep_is_found_listing_only_what_changed(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    make_venv(projects / "a3" / "b1" / "c" / "new" / ".venv")
    warm = run(tmp_path, projects)
    assert str(projects / "a3" / "b1" / "c" / "new" / ".venv") in paths(warm)
    assert warm.listed == 3  # c (its mtime moved), and the two new directories
    assert_as_cold(tmp_path, projects, warm)


def test_a_venv_added_below_a_directory_whose_mtime_was_put_back(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    parent = projects / "a0" / "b0" / "c"
    before = parent.stat()
    make_venv(parent / ".venv")
    os.utime(parent, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert parent.stat().st_mtime_ns == before.st_mtime_ns  # looks unchanged; its ctime moved
    warm = run(tmp_path, projects)
    assert str(parent / ".venv") in paths(warm)
    assert_as_cold(tmp_path, projects, warm)


def test_a_removed_venv_and_a_removed_subtree_are_gone(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    shutil.rmtree(projects / "a1" / "b2" / ".venv")
    shutil.rmtree(projects / "a2")
    warm = run(tmp_path, projects)
    assert paths(warm) == set()
    assert_as_cold(tmp_path, projects, warm)


def test_a_pyvenv_cfg_edited_in_place_with_its_size_and_mtime_kept_is_read_again(
        tmp_path: Path, projects: Path) -> None:
    cfg = projects / "a1" / "b2" / ".venv" / "pyvenv.cfg"
    first = run(tmp_path, projects)
    assert {e.path.name: e.status for e in first.environments}[".venv"] == "ok"
    before = cfg.stat()
    old = cfg.read_bytes()
    new = b"home = /nonexistent\n"
    new += b"#" * (len(old) - len(new) - 1) + b"\n"
    assert len(new) == len(old)
    with open(cfg, "r+b") as f:
        f.write(new)
    os.utime(cfg, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = cfg.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    warm = run(tmp_path, projects)
    assert warm.listed == 0  # no directory changed
    venv = next(e for e in warm.environments if e.path.name == ".venv")
    assert venv.status == "broken" and "/nonexistent" in (venv.error or "")


def test_a_directory_replaced_by_a_symlink_is_not_followed(tmp_path: Path, projects: Path) -> None:
    outside = tmp_path / "outside"
    make_venv(outside / "proj" / ".venv")
    (outside / "proj" / ".python-version").write_text("3.12\n")
    run(tmp_path, projects)
    # One near the root (holding the pin), one deep (with its parent's mtime put back).
    shutil.rmtree(projects / "a2")
    (projects / "a2").symlink_to(outside)
    deep_parent = projects / "a0" / "b0"
    before = deep_parent.stat()
    (deep_parent / "c").rmdir()
    (deep_parent / "c").symlink_to(outside / "proj")
    os.utime(deep_parent, ns=(before.st_atime_ns, before.st_mtime_ns))
    # And a venv inside the tree that a followed link would reach twice.
    (projects / "a3" / "b3" / "c" / "loop").symlink_to(projects)
    warm = run(tmp_path, projects)
    assert paths(warm) == {str(projects / "a1" / "b2" / ".venv")}
    assert not any(p.startswith(str(projects / "a2")) for p in stored(tmp_path, projects).paths)
    assert_as_cold(tmp_path, projects, warm)


def test_a_root_replaced_by_another_directory_is_walked_afresh(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    projects.rename(tmp_path / "old-projects")
    make_venv(projects / "x" / ".venv")
    warm = run(tmp_path, projects)
    assert paths(warm) == {str(projects / "x" / ".venv")}
    assert warm.reused == 0
    assert_as_cold(tmp_path, projects, warm)


def test_depth_limit_and_skipped_names_hold_on_a_warm_scan(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    make_venv(projects / "a0" / "b0" / "c" / "d" / "e" / ".venv")       # depth 6: found
    make_venv(projects / "a0" / "b0" / "c" / "d" / "e" / "f" / ".venv")  # depth 7: too deep
    make_venv(projects / "a1" / "node_modules" / "pkg" / ".venv")
    make_venv(projects / "a1" / ".git" / ".venv")
    warm = run(tmp_path, projects)
    assert paths(warm) == {str(projects / "a1" / "b2" / ".venv"), str(projects / "a2" / ".python-version"),
                           str(projects / "a0" / "b0" / "c" / "d" / "e" / ".venv")}
    assert_as_cold(tmp_path, projects, warm)


def test_a_warm_scan_cut_short_says_partial_and_the_next_one_finishes(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    make_venv(projects / "a3" / "b3" / "c" / ".venv")
    cut = run(tmp_path, projects, cancelled=lambda: True)
    assert cut.partial and "time budget" in (cut.reason or "")
    done = run(tmp_path, projects)
    assert str(projects / "a3" / "b3" / "c" / ".venv") in paths(done)
    assert_as_cold(tmp_path, projects, done)


def test_a_cold_scan_cut_short_records_where_it_stopped(tmp_path: Path) -> None:
    root = tmp_path / "wide"
    for i in range(700):
        (root / f"d{i:03}").mkdir(parents=True)
    make_venv(root / "d699" / "v")
    calls = iter(range(10 ** 6))
    cut = run(tmp_path, root, cancelled=lambda: next(calls) >= 1)  # stops at the second look
    assert cut.partial and paths(cut) == set()
    unlisted = [i for i, f in enumerate(stored(tmp_path, root).flags) if f & envwalk.UNLISTED]
    assert unlisted and stored(tmp_path, root).paths[unlisted[-1]] == "d699"
    done = run(tmp_path, root)
    assert paths(done) == {str(root / "d699" / "v")}
    assert_as_cold(tmp_path, root, done)


_OPERATIONS = ("mkdir", "rmtree", "venv", "unvenv", "pin", "unpin", "symlink", "rename", "touch-back")


def _mutate(rng: random.Random, root: Path, outside: Path) -> str:
    dirs = sorted(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink())
    target = rng.choice(dirs) if dirs else root
    op = rng.choice(_OPERATIONS)
    if op == "mkdir":
        (target / f"n{rng.randrange(1000)}").mkdir(exist_ok=True)
    elif op == "rmtree" and target != root:
        shutil.rmtree(target)
    elif op == "venv" and not (target / "v").exists():
        make_venv(target / "v")
    elif op == "unvenv":
        for cfg in root.rglob("pyvenv.cfg"):
            cfg.unlink()  # the venv becomes a plain directory, walked into from now on
            break
    elif op == "pin":
        (target / ".python-version").write_text("3.12\n")
    elif op == "unpin":
        for pin in root.rglob(".python-version"):
            pin.unlink()
            break
    elif op == "symlink" and target != root:
        shutil.rmtree(target)
        target.symlink_to(outside)
    elif op == "rename" and target != root and target.parent != root:
        target.rename(root / f"moved{rng.randrange(1000)}")
    elif op == "touch-back":  # a change whose parent's mtime is then put back
        parent = target
        before = parent.stat()
        (parent / f"t{rng.randrange(1000)}").mkdir(exist_ok=True)
        os.utime(parent, ns=(before.st_atime_ns, before.st_mtime_ns))
    return op


@pytest.mark.parametrize("seed", range(4))
def test_a_warm_scan_matches_a_cold_one_after_random_changes(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    root = tmp_path / "tree"
    outside = tmp_path / "outside"
    make_venv(outside / "v")
    for path in ("a/b/c", "a/d", "e/f/g/h", "i"):
        (root / path).mkdir(parents=True)
    make_venv(root / "a" / "b" / "v")
    run(tmp_path, root)
    for _ in range(12):
        done = [_mutate(rng, root, outside) for _ in range(rng.randrange(1, 4))]
        warm = run(tmp_path, root)
        try:
            assert_as_cold(tmp_path, root, warm)
        except AssertionError as err:
            raise AssertionError(f"after {done} (seed {seed}): {err}") from err


def test_a_scan_pauses_the_garbage_collector_and_leaves_it_as_it_was(tmp_path: Path, projects: Path) -> None:
    import gc

    was_enabled = gc.isenabled()  # other tests run commands in-process that turn it off
    try:
        gc.enable()
        run(tmp_path, projects)
        assert gc.isenabled()
        gc.disable()
        run(tmp_path, projects)
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_changed_nodes_are_found_across_blocks() -> None:
    """The warm check compares blocks of 4,096 first; a change at any place is still found."""
    n = 3 * envwalk_recheck._DIFF_BLOCK + 5
    old = array("Q", range(n))
    now = array("Q", old)
    picks = [0, envwalk_recheck._DIFF_BLOCK - 1, envwalk_recheck._DIFF_BLOCK, 2 * envwalk_recheck._DIFF_BLOCK + 7, n - 1]
    for i in picks:
        now[i] += 1
    assert list(envwalk_recheck._differing(now, old, n)) == picks
    assert list(envwalk_recheck._differing(now, old, envwalk_recheck._DIFF_BLOCK)) == picks[:2]
    flags = bytearray([1]) * n
    flags[5] = flags[n - 1] = 0
    assert list(envwalk_recheck._zeros(flags)) == [5, n - 1]

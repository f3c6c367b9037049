"""What a pytui killed while it kept or discarded a pristine tree leaves in `<cache>/trees/`:
a half-kept `.tmp-…` tree or a half-removed `.old-…` one (SIGTERM, SIGHUP and kill -9 run no
clean-up). Nothing removed them (the whole tree's bytes, for ever, counted in the cache total
and outside every listing, `cache purge --all` included). Now the next install that keeps a
tree and `cache purge --all` remove them, and never the work of a pytui still running.

Each scene is a real `pytui` process whose step under test is hooked (tests/step_hook.py) to
kill itself there, or to wait for the test's word, so no interleaving depends on time.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, assert_installed, cache_name, finish, reading_stderr, wait_for
from fixtures_archives import MadeArchive, file
from step_hook import killed_at, paused_at, resume

# Steps: `write_sysconfig` runs once the tree is linked and its manifest written, before the
# rename that keeps it; `unshared_size` once a discarded tree was renamed aside.
KEEPING = "pytui.core.tree_store.write_sysconfig"
DISCARDING = "pytui.core.tree_store.unshared_size"


def leftovers(pytui: Pytui) -> list[str]:
    return [name for name in pytui.trees() if name.startswith(".")]


def build(pytui: Pytui) -> MadeArchive:
    many = [file(f"lib/python3.12/many/m{i}.py", f"x = {i}\n") for i in range(50)]
    return pytui.add("3.12.8", extra=many)


def test_a_tree_half_kept_by_a_killed_install_is_removed_by_the_next_install(pytui: Pytui) -> None:
    made = build(pytui)
    killed_at(pytui, KEEPING, "install", "3.12")
    [left] = leftovers(pytui)
    assert left.startswith(".tmp-") and (pytui.cache / "trees" / left / "tree" / "bin").is_dir()
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert_installed(pytui, made)
    assert pytui.trees() == [made.build.sha256]
    assert pytui.temp_left() == []


def test_cache_purge_all_removes_a_half_kept_tree_and_says_so(pytui: Pytui) -> None:
    build(pytui)
    killed_at(pytui, KEEPING, "install", "3.12")
    [left] = leftovers(pytui)
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0, str(purged)
    assert f"removed trees/{left} (left by an interrupted pytui" in purged.stdout, str(purged)
    assert pytui.trees() == [] and pytui.cached() == []


def test_a_tree_half_removed_by_a_killed_purge_goes_with_the_next_purge(pytui: Pytui) -> None:
    made = build(pytui)
    pytui.call("install", "3.12")
    assert pytui.trees() == [made.build.sha256]
    killed_at(pytui, DISCARDING, "cache", "purge", "--all")
    [left] = leftovers(pytui)
    assert left.startswith(".old-")
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0, str(purged)
    assert f"removed trees/{left} (left by an interrupted pytui" in purged.stdout, str(purged)
    assert "nothing to remove" not in purged.stdout and "freed " in purged.stdout, str(purged)
    assert pytui.trees() == []


def test_the_tree_a_running_install_is_keeping_is_left_to_it(pytui: Pytui) -> None:
    made = build(pytui)
    proc = paused_at(pytui, KEEPING, "install", "3.12")
    [working] = leftovers(pytui)
    purged = pytui.run("cache", "purge", "--all")  # the archive goes; the tree in the making stays
    assert purged.returncode == 0 and working not in purged.stdout, str(purged)
    assert leftovers(pytui) == [working]
    code, _, err = resume(proc)
    assert code == 0, err
    assert_installed(pytui, made)
    assert cache_name(made) not in pytui.cached()
    # Its archive was purged meanwhile: the install removes the tree it made, which was left
    # for the next purge, counted in `cache list`'s total and listed in no row
    # (tests/test_keep_beside_purge.py).
    assert pytui.trees() == [] and leftovers(pytui) == []


def test_purging_one_archive_removes_what_killed_runs_left_of_its_tree_and_no_other(pytui: Pytui) -> None:
    # Before, `cache purge NAME` left the half-kept tree of that very archive (only --all and
    # the next keep removed it); the sha256 in the name now says whose it is.
    other = pytui.add("3.13.1")
    pytui.call("install", "3.13")
    made = build(pytui)
    killed_at(pytui, KEEPING, "install", "3.12")
    [left] = leftovers(pytui)
    assert left.startswith(f".tmp-{made.build.sha256}-"), left
    kept = pytui.run("cache", "purge", cache_name(other))
    assert kept.returncode == 0 and left not in kept.stdout, str(kept)
    assert leftovers(pytui) == [left]
    dry = pytui.run("cache", "purge", "--dry-run", cache_name(made))
    assert dry.returncode == 0, str(dry)
    assert f"would remove trees/{left} (left by an interrupted pytui" in dry.stdout, str(dry)
    # The killed install held the archive's lock (core/job_archive.take_turn): its lock file
    # is that archive's leftover too, and goes with it (the other archive's purge left it).
    lock = f"{cache_name(made)}.part.lock (left by a killed download or install"
    assert f"would remove {lock}" in dry.stdout, str(dry)
    assert "2 leftovers of killed runs" in dry.stdout and leftovers(pytui) == [left], str(dry)
    purged = pytui.run("cache", "purge", cache_name(made))
    assert purged.returncode == 0, str(purged)
    assert f"removed trees/{left} (left by an interrupted pytui" in purged.stdout, str(purged)
    assert f"removed {lock}" in purged.stdout, str(purged)
    assert leftovers(pytui) == [] and pytui.cached() == []


def test_a_dry_run_counts_only_the_leftovers_the_removal_would_remove(pytui: Pytui) -> None:
    # A live run's tree in the making (its lock held) was counted by the previews, then rightly
    # left by the removal; now the dry run, the TUI's preview and the removal use one rule.
    build(pytui)
    pytui.add("3.13.1")
    proc = paused_at(pytui, KEEPING, "install", "3.13")
    [working] = leftovers(pytui)
    killed_at(pytui, KEEPING, "install", "3.12")  # its keep leaves the live run's alone
    [dead] = [name for name in leftovers(pytui) if name != working]
    dry = pytui.run("cache", "purge", "--all", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert f"would remove trees/{dead}" in dry.stdout and working not in dry.stdout, str(dry)
    purged = pytui.run("cache", "purge", "--all")
    assert f"removed trees/{dead}" in purged.stdout and working not in purged.stdout, str(purged)
    assert leftovers(pytui) == [working]
    code, _, err = resume(proc)
    assert code == 0, err


def test_an_install_removes_a_bounded_number_of_leftovers_and_purge_all_the_rest(pytui: Pytui) -> None:
    """A cache dir holding thousands of leftovers (a hostile or long-neglected one) does not make
    each install try them all: an install removes MAX_CLEANED_BY_KEEP, `cache purge --all` the rest."""
    from pytui.core.tree_store import MAX_CLEANED_BY_KEEP

    made = build(pytui)
    trees = pytui.cache / "trees"
    trees.mkdir(parents=True)
    for i in range(MAX_CLEANED_BY_KEEP + 6):
        (trees / f".tmp-{i:064x}-1-0").mkdir()
    done = pytui.run("install", "3.12")
    assert done.returncode == 0, str(done)
    assert_installed(pytui, made)
    assert len(leftovers(pytui)) == 6
    assert pytui.run("cache", "purge", "--all").returncode == 0
    assert leftovers(pytui) == []


def test_names_that_are_no_leftover_do_not_use_up_an_installs_bound(pytui: Pytui) -> None:
    """Regular files (or links) named `.tmp-…` are no tree a run left: never removed (nothing of
    pytui's), they counted toward an install's MAX_CLEANED_BY_KEEP, so a few dozen of them listed
    first kept every install from removing a real leftover."""
    from pytui.core.tree_store import MAX_CLEANED_BY_KEEP

    made = build(pytui)
    trees = pytui.cache / "trees"
    trees.mkdir(parents=True)
    for i in range(30 * MAX_CLEANED_BY_KEEP):
        (trees / f".tmp-{i:064x}-junk").write_bytes(b"not a tree")
    (trees / f".old-{'e' * 64}-dead").mkdir()  # what a killed discard left
    done = pytui.run("install", "3.12")
    assert done.returncode == 0, str(done)
    assert_installed(pytui, made)
    assert not (trees / f".old-{'e' * 64}-dead").exists()
    assert len(os.listdir(trees)) == 30 * MAX_CLEANED_BY_KEEP + 1  # the junk, and the new tree


def test_a_purges_preview_that_tries_the_work_dirs_lock_does_not_make_an_install_not_keep_its_tree(
        pytui: Pytui) -> None:
    """A preview (`cache purge --dry-run`, the TUI's P) tries each `.tmp-…` dir's lock and lets
    it go. Tried between an install's mkdir of its work dir and its own lock, it made the
    install give up keeping its tree, saying nothing: the next install of that build extracted
    the archive again. The install now makes another work dir under a new name (and waits for
    no lock: whoever holds one may hold it for as long as it likes)."""
    import fcntl

    made = build(pytui)
    proc = paused_at(pytui, "pytui.core.dir_hold.hold_dir", "install", "3.12",
                     when="args[0].name.startswith('.tmp-')")
    assert proc.stdin is not None and proc.stdout is not None
    [work] = leftovers(pytui)
    held = os.open(pytui.cache / "trees" / work, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the preview's try
        proc.stdin.write("go\n")
        proc.stdin.flush()
        # It tries another work dir (it gave up before, and ended with no tree kept).
        assert proc.stdout.readline().strip() == "paused", resume(proc)
        assert work not in leftovers(pytui)  # the one tried is removed, empty
        [again] = leftovers(pytui)
        code, _, err = resume(proc)
    finally:
        os.close(held)  # the preview lets it go
    assert code == 0 and "Traceback" not in err, err
    assert again != work
    assert_installed(pytui, made)
    assert [name for name in pytui.trees() if not name.startswith(".")] == [made.sha256], pytui.trees()
    assert leftovers(pytui) == []


def test_a_purge_that_removes_an_installs_fresh_work_dir_does_not_make_it_not_keep_its_tree(
        pytui: Pytui) -> None:
    """`cache purge --all` between an install's mkdir of its work dir and its lock finds a
    `.tmp-…` dir nobody holds, a killed run's by its look, and removes it; the install then
    gave up keeping its tree, saying nothing. It now makes another and keeps the tree. (The
    purge takes the archive too; it is imported again before the install goes on, since a tree
    is kept only beside its archive: tests/test_keep_beside_purge.py.)"""
    made = build(pytui)
    proc = paused_at(pytui, "pytui.core.dir_hold.hold_dir", "install", "3.12",
                     when="args[0].name.startswith('.tmp-')")
    [work] = leftovers(pytui)
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0 and work in purged.stdout, str(purged)
    assert leftovers(pytui) == []
    pytui.call("cache", "import", str(made.path))
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert_installed(pytui, made)
    assert [name for name in pytui.trees() if not name.startswith(".")] == [made.sha256], pytui.trees()
    assert leftovers(pytui) == []


def test_an_install_whose_tree_another_install_kept_meanwhile_does_not_say_it_could_not_keep_it(
        pytui: Pytui) -> None:
    """Two installs of one build (into two roots, one cache) both extracted it and both kept its
    tree; the second to rename its work dir into place found the first's there (ENOTEMPTY) and
    `install -v` said `its tree could not be kept in the cache (directory not empty)` beside
    the tree kept. Now the second waits on the archive's lock for the first (core/job_archive
    .take_turn) and links the tree it kept: nothing is said of a tree not kept, one tree."""
    made = build(pytui)
    proc = paused_at(pytui, KEEPING, "install", "-v", "3.12")
    other = pytui.popen("--install-dir", str(pytui.tmp / "root2"), "install", "--no-bin", "-v", "3.12")
    said, reader = reading_stderr(other)
    try:
        wait_for(lambda: any("waiting for another pytui process" in line for line in said),
                 "the second install waiting for the first one's", other)
    finally:
        code, _, err = resume(proc)
    other.stderr = None  # read by the thread above
    ended = finish(other)
    reader.join(60)
    text = "".join(said)
    assert ended.returncode == 0 and "could not be kept" not in text, text
    assert "unpacked by the pristine tree kept in the cache" in text, text
    assert code == 0 and "Traceback" not in err, err
    assert "could not be kept" not in err and "unpacked by" in err, err
    assert_installed(pytui, made)
    assert pytui.trees() == [made.sha256]


def test_an_install_whose_tree_a_purge_removes_while_it_links_does_not_call_it_changed(
        pytui: Pytui) -> None:
    """`cache purge --all` in another shell while an install links the kept tree: the linker
    finds a directory gone and the install warned `the unpacked tree kept for KEY changed (… is
    no longer a directory); removed, extracting the archive again` — nobody changed it, it was
    purged. The install goes on from the archive (downloaded again) and says nothing of it."""
    made = build(pytui)
    pytui.call("install", "3.12")
    assert made.sha256 in pytui.trees()
    proc = paused_at(pytui, "pytui.core.tree_link._Linker/_run", "install", "--reinstall", "3.12")
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0 and pytui.trees() == [], str(purged)
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert "changed" not in err, err
    assert_installed(pytui, made)


def test_two_installs_that_cannot_take_the_archive_lock_keep_one_tree_and_leave_no_stage(
        pytui: Pytui) -> None:
    """The race of two keeps of one tree, reachable now only when the archive's lock cannot be
    taken: core/job_archive.take_turn passes over a cache dir that cannot hold it (here the
    lock's name passes the filesystem's limit, the archive's cache name fitting it: a catalog
    whose URL names a 244-character file, tests/test_cache_name_too_long.py; a directory at the
    lock's name, as this test had it, now ends the install), so both installs of the cached
    archive unpack it and keep its tree. The first is held with its tree
    made but not yet renamed into place; the second, not waiting, keeps its own and installs;
    the first's rename then finds that tree there (ENOTEMPTY) and takes it as kept. One tree, no
    `.tmp-` work dir, no stage in either root, nothing said of a tree not kept."""
    from test_cache_name_too_long import renamed_long

    made = build(pytui)
    renamed_long(pytui, made, 244)
    assert pytui.call("cache", "import", str(made.path)).returncode == 0
    [name] = pytui.cached()
    assert len(name) <= 255 < len(name + ".part.lock")
    proc = paused_at(pytui, KEEPING, "install", "-v", "3.12")  # its tree made, not yet in place
    try:
        [work] = leftovers(pytui)
        assert work.startswith(f".tmp-{made.sha256}-")
        root2 = pytui.tmp / "root2"
        other = pytui.run("--install-dir", str(root2), "install", "--no-bin", "-v", "3.12")
        assert other.returncode == 0 and "waiting" not in other.stderr, str(other)
        assert "could not be kept" not in other.stderr and "unpacked by" in other.stderr \
            and "pristine tree" not in other.stderr, str(other)  # it unpacked the archive itself
        assert pytui.trees() == sorted([made.sha256, work])  # the first's work dir, held, kept
    finally:
        code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert "could not be kept" not in err and "unpacked by" in err, err
    assert pytui.trees() == [made.sha256]  # the first's work dir removed, its tree not kept twice
    assert_installed(pytui, made)
    assert pytui.temp_left() == []
    assert sorted(os.listdir(root2 / ".temp")) == []  # no stage left in the second root either
    assert (root2 / made.build.key / "bin").is_dir()
    check = pytui.run("cache", "verify")
    assert check.returncode == 0 and "1 unpacked tree ok" in check.stdout, str(check)

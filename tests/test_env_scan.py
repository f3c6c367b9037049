"""The scan's walk and its stored state (core/envwalk.py, core/env_state.py).

A warm scan checks the stored walk (one lstat per recorded directory) instead of listing. Each
test changes the tree in a way that could fool it, then checks the warm result against a cold
scan of the same tree: the same environments, and the same recorded tree, node for node. A bad
state file, however it is bad (damaged, or well-formed but describing something impossible),
is discarded and rebuilt.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest
from envs_helpers import make_venv, settle
from pytui.core import env_state, envwalk, envwalk_recheck
from pytui.core.env_state import StoredScan, StoredWalk
from pytui.core.envs import MAX_DEPTH, STATE_FILE, scan


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    """38 directories (4 x 4 x 1 below the root, and a venv) and a pin, settled."""
    root = tmp_path / "projects"
    for a in range(4):
        for b in range(4):
            (root / f"a{a}" / f"b{b}" / "c").mkdir(parents=True)
    make_venv(root / "a1" / "b2" / ".venv")
    (root / "a2" / ".python-version").write_text("3.12\n")
    settle()
    return root


def run(tmp_path: Path, root: Path, **options):
    return scan(tmp_path / "install", tmp_path / "state", os.environ, roots=[root], **options)


def found(result) -> list[tuple[str, str, str]]:
    return sorted((str(e.path), e.kind, e.status) for e in result.environments)


def stored(tmp_path: Path, root: Path) -> envwalk.Tree:
    return env_state.load_state(tmp_path / "state" / STATE_FILE).walks[str(root)].tree


def assert_as_cold(tmp_path: Path, root: Path, warm) -> None:
    """The warm scan found what a cold one finds now, and kept the tree a cold walk records."""
    assert not warm.partial
    assert found(warm) == found(run(tmp_path, root, use_state=False))
    fresh = envwalk.walk(str(root), max_depth=MAX_DEPTH, deadline=float("inf")).tree
    kept = stored(tmp_path, root)
    # ctimes are left out: a walk puts those changed within its settle window to 0.
    assert kept.paths == fresh.paths
    assert (kept.inos, kept.mtimes, kept.flags) == (fresh.inos, fresh.mtimes, fresh.flags)


def paths(result) -> set[str]:
    return {str(e.path) for e in result.environments}


# -- the warm path -----------------------------------------------------------------------------


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


# -- the state file ----------------------------------------------------------------------------


def _header(data: bytes) -> tuple[dict, bytes]:
    at = len(env_state.MAGIC)
    size = int.from_bytes(data[at:at + 8], "little")
    return json.loads(data[at + 8:at + 8 + size]), data[at + 8 + size:]


def _with_header(data: bytes, change: Callable[[dict], None]) -> bytes:
    header, body = _header(data)
    change(header)
    raw = json.dumps(header).encode()
    return env_state.MAGIC + len(raw).to_bytes(8, "little") + raw + body


def _forged(data: bytes, change: Callable[[envwalk.Tree], None], depth: int = MAX_DEPTH) -> bytes:
    """A well-formed file (right digest) whose one walk is `change`d."""
    state = env_state._parse(data)
    assert state is not None and len(state.walks) == 1
    (root, walk), = state.walks.items()
    change(walk.tree)
    return env_state.encode_state(StoredScan({root: StoredWalk(depth, walk.skip, walk.tree)},
                                             state.cfg, state.pins))


def _set(field: str, index: int, value) -> Callable[[envwalk.Tree], None]:
    def change(tree: envwalk.Tree) -> None:
        getattr(tree, field)[index] = value
    return change


def _add_path(*added: str) -> Callable[[envwalk.Tree], None]:
    """Record more directories, the tree kept in canonical order (so only the check meant fires)."""
    def change(tree: envwalk.Tree) -> None:
        nodes = list(zip(tree.paths, tree.inos, tree.mtimes, tree.ctimes, tree.flags, strict=True))
        nodes += [(path, 1, 1, 1, 0) for path in added]
        nodes.sort(key=lambda node: node[0].replace("/", "\x00"))
        tree.paths[:] = [node[0] for node in nodes]
        for k, name in enumerate(("inos", "mtimes", "ctimes"), start=1):
            getattr(tree, name)[:] = array("Q", [node[k] for node in nodes])
        tree.flags[:] = bytes(node[4] for node in nodes)
    return change


def _swap(tree: envwalk.Tree) -> None:
    tree.paths[1], tree.paths[2] = tree.paths[2], tree.paths[1]


def _old_format(_data: bytes) -> bytes:
    return json.dumps({"format": "pytui-envs-2", "walks": {}, "cfg": {}}).encode()


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda d: b"",
    "truncated": lambda d: d[:len(d) // 2],
    "one bit flipped in the body": lambda d: d[:-3] + bytes([d[-3] ^ 1]) + d[-2:],
    "the old JSON format": _old_format,
    "a header length past the end": lambda d: env_state.MAGIC + (1 << 62).to_bytes(8, "little") + d[21:],
    "a header that is not JSON": lambda d: env_state.MAGIC + (5).to_bytes(8, "little") + b"{nope",
    "a header nested 100,000 deep": lambda d: env_state.MAGIC + (100000).to_bytes(8, "little") + b"[" * 100000,
    "another byte order": lambda d: _with_header(d, lambda h: h.update(byteorder="middle")),
    "a depth given as text": lambda d: _with_header(d, lambda h: h["walks"][0].update(depth="6")),
    "a relative root": lambda d: _with_header(d, lambda h: h["walks"][0].update(root="projects")),
    "a node count off by one": lambda d: _with_header(d, lambda h: h["walks"][0].update(
        nodes=h["walks"][0]["nodes"] + 1)),
    "an unknown header field": lambda d: _with_header(d, lambda h: h.update(extra=1)),
    "a cfg reading of the wrong type": lambda d: _with_header(d, lambda h: h["cfg"].update(
        {"/x": [[1, 2, 3, 4], {"home": 5}]})),
    "a pin text too long": lambda d: _with_header(d, lambda h: h["pins"].update({"/x": [[1, 2, 3, 4], "3" * 500]})),
    "a path with ..": lambda d: _forged(d, _add_path("a3/../../etc")),
    "an absolute path": lambda d: _forged(d, _set("paths", 1, "/etc")),
    "paths out of order": lambda d: _forged(d, _swap),
    "a path whose parent is not recorded": lambda d: _forged(d, _add_path("zz/top")),
    "a path deeper than its walk": lambda d: _forged(d, _add_path(*("a0/b0/c/d/e/f/g"[:n] for n in (9, 11, 13, 15)))),
    "a skipped name": lambda d: _forged(d, _add_path("a3/node_modules")),
    "an unknown flag": lambda d: _forged(d, _set("flags", 1, 99)),
    "something recorded below a venv": lambda d: _forged(d, _set("flags", 1, envwalk.VENV)),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_bad_state_file_is_discarded_and_rebuilt(tmp_path: Path, projects: Path,
                                                  damage: Callable[[bytes], bytes]) -> None:
    good = run(tmp_path, projects)
    state = tmp_path / "state" / STATE_FILE
    state.write_bytes(damage(state.read_bytes()))
    env_state.forget()  # as a new process finds it (this one remembers what it wrote)
    again = run(tmp_path, projects)
    assert found(again) == found(good)
    assert again.reused == 0  # nothing of it was used
    # Said in one line, naming the file and what happens instead.
    assert len(again.warnings) == 1 and again.warnings[0].startswith(f"ignored {state}: ")
    assert again.warnings[0].endswith("; the whole tree is walked again")
    assert "\n" not in again.warnings[0] and len(again.warnings[0]) < 300
    assert run(tmp_path, projects).listed == 0  # ...and a good one was written


def test_a_state_file_past_its_size_bound_is_not_read(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    state = tmp_path / "state" / STATE_FILE
    with open(state, "r+b") as f:
        f.truncate(env_state.STATE_MAX_BYTES + 1)  # sparse: cheap to make
    env_state.forget()
    again = run(tmp_path, projects)
    assert again.reused == 0 and again.listed == 38
    assert again.warnings == [f"ignored {state}: larger than 64 MiB; the whole tree is walked again"]


def test_a_symlinked_state_file_is_not_followed(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    state = tmp_path / "state" / STATE_FILE
    elsewhere = tmp_path / "elsewhere.bin"
    state.rename(elsewhere)
    state.symlink_to(elsewhere)
    env_state.forget()
    again = run(tmp_path, projects)
    assert again.reused == 0
    assert again.warnings == [f"ignored {state}: it is a symlink; the whole tree is walked again"]
    assert not state.is_symlink() and elsewhere.read_bytes().startswith(env_state.MAGIC)


def test_a_walk_is_used_only_for_what_it_describes(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    # Another root, another depth: walked on their own.
    sub = run(tmp_path, projects / "a1")
    assert sub.reused == 0 and paths(sub) == {str(projects / "a1" / "b2" / ".venv")}
    shallow = run(tmp_path, projects, max_depth=1)
    assert shallow.reused == 0 and paths(shallow) == {str(projects / "a2" / ".python-version")}


def test_the_old_state_file_is_removed_when_a_new_one_is_written(tmp_path: Path, projects: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "envs-scan.json").write_text("{}")
    run(tmp_path, projects)
    assert not (tmp_path / "state" / "envs-scan.json").exists()
    assert (tmp_path / "state" / STATE_FILE).is_file()


def test_a_directory_recorded_as_unreadable_is_tried_again(tmp_path: Path, projects: Path) -> None:
    """Permissions change without moving a directory's mtime: one that could not be listed is
    listed again by every scan (here the state says so; as root nothing is unreadable)."""
    make_venv(projects / "a0" / "b0" / "c" / ".venv")
    settle()
    run(tmp_path, projects)
    state = tmp_path / "state" / STATE_FILE

    def unreadable(tree: envwalk.Tree) -> None:
        at = tree.paths.index("a0/b0/c")
        assert tree.paths[at + 1] == "a0/b0/c/.venv"
        for name in ("paths", "inos", "mtimes", "ctimes", "flags"):
            del getattr(tree, name)[at + 1]
        tree.flags[at] = envwalk.UNREADABLE

    state.write_bytes(_forged(state.read_bytes(), unreadable))
    env_state.forget()
    warm = run(tmp_path, projects)
    assert warm.unreadable == [] and str(projects / "a0" / "b0" / "c" / ".venv") in paths(warm)
    assert warm.listed == 2  # c and its venv; everything else checked only
    assert_as_cold(tmp_path, projects, warm)


def test_a_stored_walk_at_its_depth_limit_is_read_with_its_sort_keys(tmp_path: Path, projects: Path) -> None:
    """The depth check sits exactly at the limit (it looks at the parents only), and the sort
    keys the reader derived while checking are kept for the next walk."""
    run(tmp_path, projects)
    data = (tmp_path / "state" / STATE_FILE).read_bytes()
    chain = ["a0/b0/c/d", "a0/b0/c/d/e", "a0/b0/c/d/e/f"]  # the last one 6 levels down
    parsed = env_state._parse(_forged(data, _add_path(*chain)))
    assert parsed is not None
    tree = parsed.walks[str(projects)].tree
    assert "a0/b0/c/d/e/f" in tree.paths
    assert tree.keys() == [path.replace("/", "\x00") for path in tree.paths]
    assert env_state._parse(_forged(data, _add_path(*chain, "a0/b0/c/d/e/f/g"))) is None


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


def test_odd_names_keep_their_order_and_keys_through_the_state_file(tmp_path: Path) -> None:
    """Names that sort around `/` (`-`, `.`, space), non-ASCII ones and bytes that are not
    UTF-8: the keys the reader derives from the stored bytes are the paths' own."""
    root = tmp_path / "odd"
    for name in ("a", "a-b", "a.b", "a b", "ä", "a/x", "a/x-y/z", "a-b/c"):
        (root / name).mkdir(parents=True)
    os.mkdir(os.fsencode(root) + b"/a/\xff\xfe")
    make_venv(root / "a" / "x" / "v")
    settle()
    cold = run(tmp_path, root)
    env_state.forget()  # read back from the file
    tree = stored(tmp_path, root)
    assert tree.keys() == [path.replace("/", "\x00") for path in tree.paths]
    assert "a/\udcff\udcfe" in tree.paths
    warm = run(tmp_path, root)
    assert (warm.listed, found(warm)) == (0, found(cold))
    assert_as_cold(tmp_path, root, warm)

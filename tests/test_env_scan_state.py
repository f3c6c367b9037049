"""The scan's stored state (core/env_state.py): a bad state file, however it is bad (damaged,
or well-formed but describing something impossible), is discarded and rebuilt; a good one is
used only for the walk it describes and read back as it was written.
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest
from env_scan_helpers import (
    assert_as_cold,
    assert_header_refused_unread,
    found,
    make_projects,
    paths,
    run,
    stored,
)
from envs_helpers import make_venv, settle
from pytui.core import env_state, envwalk
from pytui.core.env_state import StoredScan, StoredWalk
from pytui.core.envs import MAX_DEPTH, STATE_FILE


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    return make_projects(tmp_path)


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
    # Lone surrogates: valid JSON, but no file name or file's text decodes to one (`os` and the
    # terminal raise UnicodeEncodeError for it).
    "a root with a lone surrogate": lambda d: _with_header(d, lambda h: h["walks"][0].update(root="/\ud800")),
    "a cfg reading with a lone surrogate": lambda d: _with_header(d, lambda h: h["cfg"].update(
        {"/x": [[1, 2, 3, 4], {"home": "/\ud800"}]})),
    "a cfg path with a lone surrogate": lambda d: _with_header(d, lambda h: h["cfg"].update(
        {"/\ud800": [[1, 2, 3, 4], {"home": "/x"}]})),
    "a pin text with a lone surrogate": lambda d: _with_header(d, lambda h: h["pins"].update(
        {"/x": [[1, 2, 3, 4], "3.12\ud800"]})),
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


def test_a_header_past_its_bound_is_not_decoded(tmp_path: Path, projects: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The header is JSON decoded whole before it is checked: 16 MiB of `"ab",` (then its
    bound) took a scan to 303 MB. Its bound is now 4 MiB (86 MB at worst), what 10,000
    readings and more take; a header past it is not decoded."""
    strings = (5 * 1024 * 1024) // 5
    assert_header_refused_unread(tmp_path, projects, b"[" + b",".join([b'"ab"'] * strings) + b"]",
                                 monkeypatch)


def test_a_scan_with_more_readings_than_the_header_holds_keeps_its_walks(
        tmp_path: Path, projects: Path) -> None:
    """Past the header's bound, the readings are left out of the state, not the walks: the
    state written is one the next scan reads."""
    run(tmp_path, projects)
    state = env_state.load_state(tmp_path / "state" / STATE_FILE)
    ident = (12345678, 1_700_000_000_123_456_789, 1_700_000_000_123_456_789, 2049)
    pins = {f"/home/someone/projects/p{n:06d}/.python-version": (ident, "3.12") for n in range(60_000)}
    data = env_state.encode_state(StoredScan(state.walks, state.cfg, pins))

    loaded = env_state._parse(data)

    assert loaded is not None and loaded.pins == {} and loaded.cfg == {}
    assert {root: walk.tree.paths for root, walk in loaded.walks.items()} == \
        {root: walk.tree.paths for root, walk in state.walks.items()}
    few = dict(list(pins.items())[:1000])  # within the bound: kept as they were
    assert env_state._parse(env_state.encode_state(StoredScan(state.walks, state.cfg, few))).pins == few

"""What the envs scan's own state files may cost to decode (core/json_bounds.decode_cost).

Both are JSON decoded whole before a value is checked: the quick scan's `envs-quick.json`
(sealed by a CRC-32, which anyone rewriting it recomputes) and the header of `envs-scan.bin`.
Past 1 MiB, one that would cost more than a few times its size is refused unread, as damaged:
8 MiB of `"ab",` with a valid CRC took `pytui envs` to 157 MB, and a 4 MiB header of them 86 MB.
Files shaped as a scan writes them, at the bounds their readers declare, still pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from env_scan_helpers import assert_header_refused_unread, found, make_projects, run
from pytui.core import env_quick_state, env_state, envwalk
from pytui.core.env_quick_state import (
    MAX_HOT_DIRS,
    MAX_WATCHED_NAMES,
    QUICK_FILE,
    QuickRoot,
    QuickState,
    Watched,
    encode_quick,
    read_quick,
)
from pytui.core.envs import QUICK, STATE_FILE
from pytui.core.json_bounds import FREE_BYTES
from pytui.core.sealed import seal
from test_env_quick_hostile import _found, _project
from test_env_quick_hostile import _run as _run_quick


def _decoded_sizes(monkeypatch: pytest.MonkeyPatch, module) -> list[int]:
    sizes: list[int] = []
    real_loads = json.loads
    monkeypatch.setattr(module.json, "loads",
                        lambda data, **kw: sizes.append(len(data)) or real_loads(data, **kw))
    return sizes


def _short_strings(size: int) -> bytes:
    return b"[" + b",".join([b'"ab"'] * ((size - 2) // 5)) + b"]"


def test_a_planted_quick_file_of_short_strings_is_refused_before_it_is_decoded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, venv = _project(tmp_path)
    path = tmp_path / "state" / QUICK_FILE
    planted = _short_strings(env_quick_state.QUICK_MAX_BYTES - 16)
    path.write_bytes(seal(planted))
    sizes = _decoded_sizes(monkeypatch, env_quick_state)

    again = _run_quick(tmp_path, root, QUICK)

    assert [size for size in sizes if size >= len(planted)] == []
    assert _found(again) == {str(venv): "broken"} and not again.quick
    assert again.warnings == [f"ignored {path}: it holds more values for its size than pytui "
                              "writes (damaged or planted); the whole tree is checked instead"]


def test_a_quick_file_at_its_bounds_is_read(tmp_path: Path) -> None:
    """The densest file a scan writes: every watched directory pytui keeps at the first two
    levels, named by one or two letters, and every name it keeps, two or three letters each."""
    left = MAX_WATCHED_NAMES - 64
    watched = {"": Watched(2, 1_700_000_000_000_000_000, 1_700_000_000_000_000_000, 0,
                           [f"{n:x}" for n in range(64)])}
    for n in range(MAX_HOT_DIRS - 1):
        rel = f"{n % 64:x}/{n // 64:x}" if n >= 64 else f"{n:x}"
        count = left // (MAX_HOT_DIRS - 1 - n)
        left -= count
        names = [f"{k:x}" for k in range(16, 16 + count)]
        watched[rel] = Watched(n + 3, 1_700_000_000_000_000_000, 1_700_000_000_000_000_000, 0, names)
    state = QuickState(1_700_000_000.0, 500_000, "/root/.local/share/uv/python", 6, "",
                       roots={"/home/someone": QuickRoot(2, watched)})
    data = encode_quick(state)
    assert len(data) > FREE_BYTES and not env_quick_state.too_costly(data[:-9])
    path = tmp_path / QUICK_FILE
    path.write_bytes(data)

    read = read_quick(path)

    assert read is not None and sum(len(w.names) for w in read.roots["/home/someone"].watched.values()) \
        == MAX_WATCHED_NAMES


def test_an_envs_scan_header_of_short_strings_at_its_bound_is_not_decoded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header = _short_strings(env_state.HEADER_MAX_BYTES)
    assert len(header) <= env_state.HEADER_MAX_BYTES
    assert_header_refused_unread(tmp_path, make_projects(tmp_path), header, monkeypatch)


def test_an_envs_scan_header_near_its_bound_of_real_readings_is_read(
        tmp_path: Path) -> None:
    projects = make_projects(tmp_path)
    run(tmp_path, projects)
    kept = env_state.load_state(tmp_path / "state" / STATE_FILE)
    ident = (1234567, 1_700_000_000_123_456_789, 1_700_000_000_123_456_789, 2049)
    pins = {f"/home/someone/p{n:05d}/.python-version": (ident, "3.12") for n in range(40_000)}
    data = env_state.encode_state(env_state.StoredScan(kept.walks, kept.cfg, pins))
    size = int.from_bytes(data[len(env_state.MAGIC):len(env_state.MAGIC) + 8], "little")
    assert FREE_BYTES < size <= env_state.HEADER_MAX_BYTES

    loaded = env_state._parse(data)

    assert loaded is not None and loaded.pins == pins


def _flat_tree(n: int) -> envwalk.Tree:
    """A walk of a root and `n - 1` directories below it, as a walk records them."""
    from array import array

    paths = ["", *(f"{i:07d}" for i in range(1, n))]
    ones = array("Q", [1]) * n
    return envwalk.Tree(paths, array("Q", range(n)), ones, ones, bytearray(n))


def test_walks_past_their_total_bound_are_not_checked(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every node is checked at ~300 bytes of peak memory: a planted file of 2,000,000 (within
    its 64 MB) took `pytui envs` to 684 MB and 7 s. All walks together are bounded now
    (STATE_MAX_TOTAL_NODES, lowered here to keep the test small); a file past it is refused
    with one line and the tree walked again."""
    monkeypatch.setattr(env_state, "STATE_MAX_TOTAL_NODES", 1_000, raising=False)
    projects = make_projects(tmp_path)
    good = run(tmp_path, projects)
    state = tmp_path / "state" / STATE_FILE
    walks = {f"/elsewhere/{n}": env_state.StoredWalk(6, "", _flat_tree(600)) for n in range(2)}
    planted = env_state.StoredScan(walks)
    monkeypatch.setattr(env_state, "STATE_MAX_TOTAL_NODES", 2_000, raising=False)  # as another writer would
    state.write_bytes(env_state.encode_state(planted))
    monkeypatch.setattr(env_state, "STATE_MAX_TOTAL_NODES", 1_000, raising=False)
    env_state.forget()

    again = run(tmp_path, projects)

    assert found(again) == found(good) and again.reused == 0
    assert again.warnings == [f"ignored {state}: not what pytui writes (truncated, damaged or "
                              "another version); the whole tree is walked again"]


def test_a_scan_with_more_nodes_than_the_bound_keeps_the_walks_within_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env_state, "STATE_MAX_TOTAL_NODES", 1_000, raising=False)
    walks = {f"/r/{n}": env_state.StoredWalk(6, "", _flat_tree(400)) for n in range(3)}

    loaded = env_state._parse(env_state.encode_state(env_state.StoredScan(walks)))

    assert loaded is not None and sorted(loaded.walks) == ["/r/0", "/r/1"]
    assert loaded.walks["/r/1"].tree.paths == walks["/r/1"].tree.paths


def test_a_scan_with_more_bytes_than_a_reader_takes_keeps_the_walks_within_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the node bound, long paths can pass STATE_MAX_BYTES (300,000 directories of
    231-byte paths wrote 77 MB), and every later scan refused the file with a warning and wrote
    it again; the walks past it are left out as past the node bound are (bounds lowered here)."""
    monkeypatch.setattr(env_state, "STATE_MAX_BYTES", 180_000)
    monkeypatch.setattr(env_state, "HEADER_MAX_BYTES", 20_000)
    walks = {f"/r/{n}": env_state.StoredWalk(6, "", _flat_tree(2_000)) for n in range(3)}  # 66 KB each
    state = tmp_path / STATE_FILE
    env_state.save_state(state, env_state.StoredScan(walks))
    env_state.forget()

    loaded, refused = env_state.read_state(state)

    assert refused is None and state.stat().st_size <= 180_000
    assert sorted(loaded.walks) == ["/r/0", "/r/1"]
    assert loaded.walks["/r/1"].tree.paths == walks["/r/1"].tree.paths

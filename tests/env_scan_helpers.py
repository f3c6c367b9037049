"""What tests/test_env_scan.py and tests/test_env_scan_state.py share: the tree they scan, a
scan of it with the state under the test's tmp dir, the check that a warm scan found and
recorded what a cold one does, and the check that a planted state header is refused unread
(tests/test_env_state_cost.py too)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from envs_helpers import make_venv, settle
from pytui.core import env_state, envwalk
from pytui.core.envs import MAX_DEPTH, STATE_FILE, scan


def make_projects(tmp_path: Path) -> Path:
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


def assert_header_refused_unread(tmp_path: Path, root: Path, header: bytes,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A state whose JSON header is `header`, planted after a scan of `root`, is never decoded
    whole (json.loads is given nothing as long): the next scan walks the whole tree again, finds
    what the first found and says so in one line."""
    good = run(tmp_path, root)
    state = tmp_path / "state" / STATE_FILE
    state.write_bytes(env_state.MAGIC + len(header).to_bytes(8, "little") + header)
    decoded: list[int] = []
    real_loads = env_state.json.loads
    monkeypatch.setattr(env_state.json, "loads", lambda data, **kw: decoded.append(len(data))
                        or real_loads(data, **kw))
    env_state.forget()

    again = run(tmp_path, root)

    assert [size for size in decoded if size >= len(header)] == []
    assert found(again) == found(good) and again.reused == 0
    assert again.warnings == [f"ignored {state}: not what pytui writes (truncated, damaged or "
                              "another version); the whole tree is walked again"]

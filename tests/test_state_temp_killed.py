"""`pytui list --refresh` killed (SIGKILL; the OOM killer) while it replaced the kept catalog,
between writing `.catalog.json.<hex>.tmp` in the state dir and renaming it into place, left that
temp there for good: a whole catalog (3 MB for uv's) per kill, which no later refresh or command
removed. Every file pytui replaces goes through core/atomic.write_atomic (the kept catalog and
its meta, the environment scan's state, the release-cycle dates, a remote --downloads-json, the
config); its temp now carries the writer's pid, and the next write of that file removes those
whose writer is gone.

The kill lands at the rename through tests/step_hook.py.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from cli_harness import Pytui
from pytui.core.atomic import write_atomic
from step_hook import killed_at

REPLACING_THE_CATALOG = "str(args[0]).endswith('.tmp') and '/.catalog.json.' in str(args[0])"


def _state_dir() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "pytui"


def _served_catalog(pytui: Pytui, version: str) -> str:
    """The harness's catalog with `version` added, served as the catalog a refresh fetches."""
    pytui.add(version)
    return pytui.server.add("/catalog.json", pytui.catalog.read_bytes())


class _Refreshing:
    """`pytui` for tests/step_hook.py with the kept catalog's source set (no --downloads-json)."""

    def __init__(self, pytui: Pytui, url: str) -> None:
        self.pytui, self.tmp = pytui, pytui.tmp
        self.extra = {"PYTUI_CATALOG_URL": url, "UV_PYTHON_DOWNLOADS_JSON_URL": ""}

    def env(self) -> dict[str, str]:
        return self.pytui.env(**self.extra)


REFRESH = ("list", "--refresh", "--only-downloads")


def test_a_refresh_killed_before_its_rename_leaves_nothing_after_the_next(pytui: Pytui) -> None:
    first = _Refreshing(pytui, _served_catalog(pytui, "3.12.8"))
    assert pytui.run(*REFRESH, **first.extra).returncode == 0
    kept = (_state_dir() / "catalog.json").read_bytes()
    changed = _Refreshing(pytui, _served_catalog(pytui, "3.12.9"))  # the refresh replaces the kept one
    killed_at(changed, "os.replace", *REFRESH, when=REPLACING_THE_CATALOG)  # type: ignore[arg-type]
    left = [name for name in os.listdir(_state_dir()) if name.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(".catalog.json."), left
    assert (_state_dir() / "catalog.json").read_bytes() == kept  # the old one, whole
    again = pytui.run(*REFRESH, **changed.extra)
    assert again.returncode == 0, str(again)
    assert (_state_dir() / "catalog.json").read_bytes() == pytui.catalog.read_bytes()  # the new one
    assert [name for name in os.listdir(_state_dir()) if name.endswith(".tmp")] == []


def test_only_a_killed_writers_temp_of_that_file_is_removed(tmp_path: Path) -> None:
    tmp_path = tmp_path / "state"
    tmp_path.mkdir()
    target = tmp_path / "catalog.json"
    dead = f".catalog.json.{4_194_305}-0123abcd.tmp"  # past Linux's largest pid: never running
    live = f".catalog.json.{os.getpid()}-89abcdef.tmp"  # this process: a write under way
    recent_old_form = ".catalog.json.0123abcd.tmp"  # pytui before the pid was in the name
    stale_old_form = ".catalog.json.89abcdef.tmp"
    others = [".catalog.json.notes.tmp", ".other.json.4194305-0123abcd.tmp"]
    for name in (dead, live, recent_old_form, stale_old_form, *others):
        (tmp_path / name).write_text("{}")
    two_hours_ago = time.time_ns() - 2 * 3600 * 10**9
    os.utime(tmp_path / stale_old_form, ns=(two_hours_ago, two_hours_ago))
    write_atomic(target, json.dumps({"new": True}).encode())
    assert sorted(os.listdir(tmp_path)) == sorted(["catalog.json", live, recent_old_form, *others])

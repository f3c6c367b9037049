"""The TUI's uninstall confirmation lists the environments that would break (the decision is
made without Textual from the app state; the scan fills `state.environments` in the background)."""

from __future__ import annotations

from pathlib import Path

from fixtures_archives import make_build
from pytui.app import decisions as d
from pytui.app import uninstall_decisions as du
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.environment import Environment
from pytui.core.models import Installation
from pytui.core.platform_detect import detect_host
from pytui.core.settings import Settings

HOST = detect_host()


def test_uninstall_confirmation_lists_what_would_break(tmp_path: Path) -> None:
    old, new = make_build(version="3.12.7"), make_build(version="3.12.8")
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path)})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog([old, new], source="test"), disk_listed=True)
    installs = [Installation(b, tmp_path / "root" / b.key, b.build) for b in (old, new)]
    state.installations.extend(installs)

    def texts(key: str) -> list[str]:
        asked = du.decide_uninstall(state, "installed", key)
        assert isinstance(asked, d.Confirm)
        return [line.text for line in asked.lines]

    # Not scanned yet: said plainly (the question is asked again once a scan ends).
    assert not any("Breaks" in t for t in texts(old.key))
    assert texts(old.key)[-1] == ("Environments: not checked yet (e, then r scans them); "
                                  "`pytui uninstall` checks them all.")
    state.envs_scanning = True
    assert texts(old.key)[-1].startswith("Environments: not checked yet: the scan is still "
                                         "running (this question changes when it ends)")
    state.envs_scanning = False
    state.set_environments([], partial=False, note="the environment scan failed: boom",
                           failed=True)
    assert texts(old.key)[-1].startswith("Environments: not checked (the environment scan failed")
    # A whole-tree result with nobody using it: nothing to say.
    state.set_environments([], partial=False, note="")
    assert not any("Environments" in t or "Breaks" in t for t in texts(old.key))
    pinned = [Environment(tmp_path / f"p{i}" / ".venv", "venv", old.key, "patch", "ok") for i in range(7)]
    follower = Environment(tmp_path / "f" / ".venv", "venv", new.key, "minor", "ok")
    state.environments = [*pinned, follower]
    lines = texts(old.key)
    assert "Breaks 7 environments:" in lines and "  ~/p0/.venv" in lines
    assert f"  and 2 more (pytui envs {old.key})" in lines
    # The follower moves to 3.12.7 when 3.12.8 goes: nothing breaks, nothing is added.
    assert not any("Breaks" in t for t in texts(new.key))
    state.envs_partial = True
    assert "Breaks 7 environments (the scan was partial):" in texts(old.key)


def test_a_question_is_decided_again_and_a_prune_checked_on_the_newest_result(tmp_path: Path) -> None:
    from pytui.app.purge_plan import outdated_plan

    old, new = make_build(version="3.12.7"), make_build(version="3.12.8")
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path)})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog([old, new], source="test"), disk_listed=True)
    state.installations.extend(Installation(b, tmp_path / "root" / b.key, b.build)
                               for b in (old, new))
    state.set_environments([], partial=False, note="")
    asked = du.decide_uninstall(state, "installed", old.key)
    assert isinstance(asked, d.Confirm) and asked.recheck is not None
    assert asked.recheck(state) == asked  # nothing new: the same question
    pinned = Environment(tmp_path / "p" / ".venv", "venv", old.key, "patch", "ok")
    state.set_environments([pinned], partial=False, note="")
    again = asked.recheck(state)
    assert isinstance(again, d.Confirm) and again != asked
    assert "Breaks 1 environment:" in [line.text for line in again.lines]
    # The outdated rule's plan, made when nobody used 3.12.7, is checked on the newest result.
    plan = outdated_plan(state.installations, [], sizes={}, busy=frozenset(), partial=False)
    assert [i.key for i, _ in plan.installs] == [old.key]
    assert du.prune_now_used(state, plan) == [old.key]
    state.set_environments([], partial=False, note="")
    assert du.prune_now_used(state, plan) == []

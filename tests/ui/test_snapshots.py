"""Snapshot tests of the key screens (pytest-textual-snapshot).

Deterministic by construction: a fixed catalog (fixed sha256s, GitHub URLs, nothing fetched),
a fixed host, files of fixed sizes in a tmp HOME shown as `~`, no ETA, no clock, animations
off (conftest sets TEXTUAL_ANIMATIONS=none). Update the baselines with `--snapshot-update`
only after looking at the report.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from fixtures_archives import make_build
from pytui.app.purge_screen import PurgeRulesModal
from pytui.app.screens import ConfirmModal
from pytui.core.catalog import Catalog
from pytui.core.keys import parse_key
from pytui.core.settings import Settings
from ui_helpers import HOST, wait_for

SIZE = (120, 36)
VERSIONS = (
    ("3.14.0rc2", "default"), ("3.13.7", "default"), ("3.13.7", "freethreaded"),
    ("3.13.6", "default"), ("3.12.11", "default"), ("3.11.13", "default"),
    ("3.10.18", "default"), ("3.9.23", "default"),
)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _world() -> tuple[Settings, Catalog, Path]:
    """A catalog of fixed builds; 3.12.11 installed and cached, 3.13.7 half downloaded, and
    an old build's archive nobody names any more."""
    home = Path(os.environ["HOME"])
    builds = [make_build(version=v, variant=var, build_date="20250818",
                         flavor="install_only_stripped", sha256=_sha(v + var))
              for v, var in VERSIONS]
    by_version = {(b.version, b.variant): b for b in builds}
    settings = Settings.resolve()
    cache = settings.cache_dir
    cache.mkdir(parents=True)
    installed = by_version[("3.12.11", "default")]
    (cache / installed.cache_filename).write_bytes(b"\0" * 31_000_000)
    partial = by_version[("3.13.7", "default")]
    part = cache / (partial.cache_filename + ".part")
    part.write_bytes(b"\0" * 12_000_000)
    (cache / (partial.cache_filename + ".part.json")).write_text(
        json.dumps({"url": partial.url, "total": 30_000_000}))
    (cache / "4f0c1a2b3-cpython-3.12.11-20250723-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz").write_bytes(b"\0" * 30_500_000)
    prefix = settings.install_root / installed.key
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "python3.12").write_bytes(b"\0" * 5_000_000)
    (prefix / "lib").mkdir()
    (prefix / "lib" / "libpython3.12.so").write_bytes(b"\0" * 60_000_000)
    (prefix / "BUILD").write_text("20250818\n")
    # Its links, as an install makes them (Details names any that are missing).
    minor = settings.install_root / parse_key(installed.key).minor_key  # type: ignore[union-attr]
    minor.symlink_to(prefix)
    settings.bin_dir.mkdir(parents=True, exist_ok=True)
    (settings.bin_dir / "python3.12").symlink_to(minor / "bin" / "python3.12")
    return settings, Catalog(builds, source="test catalog"), home


def _app():
    from pytui.app.tui import make_app

    settings, catalog, home = _world()
    return make_app(settings, catalog=catalog, host=HOST, refresh=False, show_eta=False,
                    clock=lambda: 1_755_600_000.0, home=home)


async def _settled(pilot) -> None:
    app = pilot.app
    # The environment scan fills the Installed pane's "Used by" column ("…" until then).
    await wait_for(pilot, lambda: app.state.disk_listed
                   and all(i.key in app.state.sizes for i in app.state.installations)
                   and app.state.cache_usage is not None
                   and app.state.environments is not None and not app.state.envs_scanning,
                   timeout=60, what="the listing, the sizes and the environment scan")
    app.clear_notifications()
    await pilot.pause()


def test_main_screen(snap_compare) -> None:
    assert snap_compare(_app(), run_before=_settled, terminal_size=SIZE)


def test_offline_mode(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("o")
        await _settled(pilot)

    assert snap_compare(_app(), run_before=run_before, terminal_size=SIZE)


def test_purge_rules_preview(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PurgeRulesModal) and pilot.app.screen.plan,
                       timeout=60, what="Purge by rule's preview")
        await pilot.pause()

    assert snap_compare(_app(), run_before=run_before, terminal_size=SIZE)


def test_uninstall_confirmation(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("tab", "tab")  # Available -> Cached -> Installed
        await pilot.press("u")
        # `u` checks the environments again; the question is drawn once that check is in.
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal) and pilot.app.screen.is_mounted
                       and not pilot.app.state.envs_scanning, timeout=60,
                       what="the question, the environment check in")
        await pilot.pause()

    assert snap_compare(_app(), run_before=run_before, terminal_size=SIZE)


def test_help_screen(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(_app(), run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("size", [(80, 24)], ids=["80x24"])
def test_small_terminal(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), run_before=_settled, terminal_size=size)


def test_help_screen_scrolled_at_80x24(snap_compare) -> None:
    """The help at 80x24 scrolled down a page with the keyboard: the dialog stays on screen."""
    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()

    assert snap_compare(_app(), run_before=run_before, terminal_size=(80, 24))


def _show_jobs(app) -> None:
    """A queued, a running, a failed and a done job, set directly (nothing is fetched): the
    failed and done ones end after the others started, and still sit below them."""
    state, builds = app.state, {b.version: b for b in app.state.catalog.builds}
    running = state.add_job("install", builds["3.13.6"].key, build=builds["3.13.6"])
    state.progress(running.job_id, "download", 12_000_000, 30_000_000, 2_400_000.0)
    done = state.add_job("install", builds["3.11.13"].key, build=builds["3.11.13"])
    failed = state.add_job("install", builds["3.10.18"].key, build=builds["3.10.18"])
    queued = state.add_job("install", builds["3.9.23"].key, build=builds["3.9.23"])
    for job in (running, done, failed, queued):
        app.renderer.job(job)
    state.progress(done.job_id, "finish", 1, 1)
    state.end_job(done.job_id, "done", summary="Installed")
    app.renderer.job(done)
    state.end_job(failed.job_id, "failed", error=(
        f"failed to install {failed.key}: HTTP 404 Not Found from the mirror; "
        "nothing was installed"))
    app.renderer.job(failed)


def test_jobs_panel(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settled(pilot)
        _show_jobs(pilot.app)
        await pilot.pause()

    assert snap_compare(_app(), run_before=run_before, terminal_size=SIZE)


def test_light_theme(snap_compare) -> None:
    """The light theme with the Installed pane focused and jobs in every state."""
    async def run_before(pilot) -> None:
        await _settled(pilot)
        pilot.app.theme = "textual-light"
        _show_jobs(pilot.app)
        await pilot.press("tab", "tab")  # Available -> Cached -> Installed
        await pilot.pause()

    assert snap_compare(_app(), run_before=run_before, terminal_size=SIZE)

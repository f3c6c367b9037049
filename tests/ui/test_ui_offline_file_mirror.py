"""The TUI offline with a `file://` mirror, as the README's machine with no network runs it
(`pytui --offline --mirror file://DIR --downloads-json …`): `i` installs a real archive the
mirror holds (progress through its phases, the Installed row, the interpreter's files), and
`i` on a build the mirror lacks is refused at once in one line, no job started and nothing on
disk changed (it started a job that then failed). No socket is opened."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fixtures_archives import MadeArchive, make_pbs_archive, write_uv_catalog
from pytui.app.messages import JobProgress
from pytui.core.settings import Settings
from ui_helpers import HOST, ready, toast_texts, wait_for

SIZE = (120, 36)


def _in_mirror(mirror: Path, made: MadeArchive) -> Path:
    """`made` laid out as export-mirror lays it (DIR/<release>/<file>, the `+` as it is)."""
    build = made.build
    path = mirror / build.build / build.release_filename
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(made.path, path)
    return path


def _tree(*roots: Path) -> dict[str, bytes | str]:
    """Every entry under `roots`: a file's bytes, a link's target, a directory as `dir`."""
    found: dict[str, bytes | str] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs:
                found[os.path.join(folder, name)] = "dir"
            for name in files:
                path = os.path.join(folder, name)
                found[path] = os.readlink(path) if os.path.islink(path) else Path(path).read_bytes()
    return found


async def test_offline_i_installs_from_a_file_mirror_and_refuses_what_it_lacks(
        tmp_path: Path, no_sockets: list[object]) -> None:
    home = Path(os.environ["HOME"])
    made = tmp_path / "made"
    held = make_pbs_archive(made / "held", version="3.13.1")
    lacked = make_pbs_archive(made / "lacked", version="3.11.11")
    mirror = home / "usb" / "pbs"
    in_mirror = _in_mirror(mirror, held)
    catalog = write_uv_catalog(mirror / "download-metadata.json", [held.build, lacked.build])
    settings = Settings.resolve(offline=True, mirror=mirror.as_uri(), downloads_json=str(catalog))
    from pytui.app.tui import make_app

    app = make_app(settings, host=HOST, refresh=False, show_eta=False, home=home)
    messages: list[object] = []
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages.append) as pilot:
        await ready(pilot)
        assert app.state.offline
        from pytui.widgets.available_table import AvailableTable
        from pytui.widgets.installed_table import InstalledTable

        table = app.query_one("#available", AvailableTable)
        table.focus()
        # The build the mirror lacks first: refused in one line, nothing started.
        before = _tree(settings.install_root, settings.cache_dir, settings.bin_dir, mirror)
        assert table.select_key(lacked.build.key)
        await pilot.press("i")
        await wait_for(pilot, lambda: any(n.title == "Not cached" for n in app._notifications),
                       what="the refusal")
        said = toast_texts(app, lambda n: n.title == "Not cached")
        assert said == [f"Offline: {lacked.build.key} is in neither the cache "
                        f"(~/{settings.cache_dir.relative_to(home)}) nor the mirror (~/usb/pbs). "
                        "Go online (o) or import its archive with `pytui cache import FILE`."], said
        assert not app.state.jobs
        assert _tree(settings.install_root, settings.cache_dir, settings.bin_dir, mirror) == before
        # The build the mirror holds installs from it.
        key = held.build.key
        assert table.select_key(key)
        await pilot.press("i")
        await wait_for(pilot, lambda: any(job.key == key for job in app.state.jobs.values()),
                       what="the install job")
        job = next(job for job in app.state.jobs.values() if job.key == key)
        await wait_for(pilot, lambda: job.ended, what="the install from the mirror")
        assert job.phase == "done", job.error
        phases = [m.phase for m in messages if isinstance(m, JobProgress) and m.job_id == job.job_id]
        assert "download" in phases and "extract" in phases, phases
        installed = app.query_one("#installed", InstalledTable)
        await wait_for(pilot, lambda: key in installed.row_keys, what="the Installed row")
        prefix = settings.install_root / key
        assert (prefix / "bin" / "python3.13").is_file()
        assert all((prefix / name).exists() for name in held.landmarks), held.landmarks
        # The archive came from the mirror (cached as uv names it), which is untouched.
        assert (settings.cache_dir / held.build.cache_filename).read_bytes() == held.path.read_bytes()
        assert in_mirror.read_bytes() == held.path.read_bytes()
    assert no_sockets == []


async def test_a_row_undims_when_its_archive_is_copied_into_the_mirror_while_shown(
        tmp_path: Path, no_sockets: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    """The dimming was derived only when the rows changed: an archive copied into the mirror
    while the app ran stayed dimmed until a view toggle, though `i` installed it. The disk
    watch's look stats the rows' mirror files: the row follows the mirror both ways."""
    from pytui.app import pytui_app
    from pytui.widgets.available_table import AvailableTable

    # The test waits on what the looks find, never on the interval; a short one keeps it quick.
    monkeypatch.setattr(pytui_app, "DISK_WATCH_INTERVAL", 0.05)
    home = Path(os.environ["HOME"])
    made = tmp_path / "made"
    held = make_pbs_archive(made / "held", version="3.13.1")
    lacked = make_pbs_archive(made / "lacked", version="3.11.11")
    mirror = home / "usb" / "pbs"
    _in_mirror(mirror, held)
    catalog = write_uv_catalog(mirror / "download-metadata.json", [held.build, lacked.build])
    settings = Settings.resolve(offline=True, mirror=mirror.as_uri(), downloads_json=str(catalog))
    from pytui.app.tui import make_app

    app = make_app(settings, host=HOST, refresh=False, show_eta=False, home=home)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.query_one("#available", AvailableTable)
        key = lacked.build.key

        def dimmed() -> bool:
            cells = table.cells_of(key)
            assert cells is not None
            return getattr(cells[1], "style", "") == "dim"

        assert dimmed() and not getattr(table.cells_of(held.build.key)[1], "style", "")
        copied = _in_mirror(mirror, lacked)
        await wait_for(pilot, lambda: not dimmed(), what="the row shown as installable")
        copied.unlink()
        await wait_for(pilot, dimmed, what="the row dimmed again")
    assert no_sockets == []

"""`o` while a download runs: offline mode keeps work started from now on off the network, and
the download already under way goes on (its connection is open; `c` cancels it). The Mode
notification said only "Offline: no network; only cached builds install." while the Jobs panel
kept downloading, so the header's OFFLINE read as a lie; it now names the download that goes on."""

from __future__ import annotations

from pytui.app.job_record import INSTALL
from pytui.app.job_view import offline_line
from pytui.app.state import AppState
from ui_helpers import (
    HOST,
    UiWorld,
    press_install,
    quit_answering_yes,
    ready,
    toast_texts,
    wait_for,
)


async def test_going_offline_names_the_download_that_goes_on(ui_world: UiWorld) -> None:
    build = ui_world.build("3.12.8")
    path = build.url.split(ui_world.server.base_url, 1)[1]
    ui_world.server.set_faults(path, rate=20_000)  # minutes: still downloading when `o` lands
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        job = next(iter(app.state.jobs.values()))
        await wait_for(pilot, lambda: job.phase == "download" and job.done > 0,
                       what="the download under way")
        await pilot.press("o")
        await wait_for(pilot, lambda: any(n.title == "Mode" for n in app._notifications),
                       what="the Mode notification")
        said = " ".join(toast_texts(app, lambda n: n.title == "Mode"))
        assert said == ("Offline: no network for what starts from now on; only cached builds "
                        f"install. The download of {build.key} already under way goes on (c "
                        "cancels it)."), said
        assert app.state.offline and job.phase == "download"
        ui_world.server.set_faults(path, rate=None)
        await quit_answering_yes(pilot)


def test_the_offline_line_counts_only_downloads_under_way(ui_world: UiWorld) -> None:
    state = AppState(ui_world.settings, HOST, ui_world.home)
    assert offline_line(state) == "Offline: no network; only cached builds install."
    one = state.add_job(INSTALL, "cpython-3.12.8-x", build=ui_world.build("3.12.8"))
    assert offline_line(state) == "Offline: no network; only cached builds install.", \
        "a queued job starts offline: nothing of it goes on"
    one.launched, one.phase = True, "resolve"
    two = state.add_job(INSTALL, "cpython-3.11.11-x", build=ui_world.build("3.11.11"))
    two.launched, two.phase = True, "download"
    assert offline_line(state).endswith("The downloads of 2 builds already under way go on (c "
                                        "cancels a job).")
    one.phase = two.phase = "extract"
    assert offline_line(state) == "Offline: no network; only cached builds install."


def test_a_launched_job_not_yet_started_is_named_and_not_said_refused(ui_world: UiWorld) -> None:
    """`i` then `o` within the moment before the job's thread reports its first phase (a first
    install's imports on a busy machine: a second or more): the job was launched with the
    downloader and went on to download, while the Mode notification said only "no network"
    and Details said "not cached: cannot be installed while offline" beside "job queued"."""
    from pytui.app.details_view import details
    from pytui.app.view_model import ViewModel
    from pytui.core.catalog import Catalog

    build = ui_world.build("3.12.8")
    state = AppState(ui_world.settings, HOST, ui_world.home)
    state.catalog = Catalog([build], source="t")
    state.offline = True
    job = state.add_job(INSTALL, build.key, build=build)

    def offline_field() -> str | None:
        shown = details(ViewModel(), state, "available", build.key)
        assert shown is not None
        return dict(shown.fields).get("offline")

    assert offline_field() == "not cached: cannot be installed while offline", \
        "not launched yet: it starts offline, and fails for want of the archive"
    job.launched = True  # phase still "queued": its thread has not reported yet
    assert offline_line(state).endswith(f"The download of {build.key} already under way goes on "
                                        "(c cancels it)."), offline_line(state)
    assert offline_field() is None


async def test_o_twice_leaves_only_the_mode_that_holds_on_screen(ui_world: UiWorld) -> None:
    """`o` then `o` again: the first toggle's toast stayed beside the second's, two modes at
    once (in tmux at 80x24, `Online: …` above `Offline: …` under an OFFLINE header). A Mode
    toast now takes the last one's place; History keeps both."""
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert not app.state.offline
        await pilot.press("o", "o")  # offline, then online again
        said = "Online: downloads and catalog refresh allowed."

        def modes() -> list[str]:
            return toast_texts(app, lambda notification: notification.title == "Mode")

        await wait_for(pilot, lambda: said in modes(), what="the second toggle's toast")
        assert modes() == [said], modes()
        kept = [entry.message for entry in app.history.entries if entry.title == "Mode"]
        assert len(kept) == 2 and kept[1] == said, kept

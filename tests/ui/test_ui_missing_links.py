"""An install whose links a killed run left out (SIGKILL, the OOM killer or a power cut between
an install's commit and its links) or a user removed: `<root>/cpython-3.11-…` and the bin dir's
`python3.11`. The TUI listed it as any other (Details: `· python3.11`) and `i` said "already
installed (u uninstalls it)", so a TUI-only user could not get `python3.11` back short of an
uninstall; `pytui install 3.11` restores both. Details now says what is missing, and `i`
restores them as the CLI does (an install job that finds the build installed; no download).
A bin link is missing only when a run meant to make it (core/link_repair.py): an install made
with --no-bin, or by uv for a venv, lacks nothing."""

from __future__ import annotations

import os

from pytui.core.jobs import InstallJob
from pytui.core.keys import parse_key
from pytui.core.link_repair import LinkChanges, record_linking
from pytui.widgets.format import short_path
from pytui.widgets.installed_table import InstalledTable
from ui_helpers import UiWorld, no_requests, press_install, ready, toast_texts, wait_for

VERSION = "3.11.11"


def _installed_without_links(ui_world: UiWorld) -> tuple[str, str, str]:
    """(key, its minor link's name, its bin name), installed and both links removed."""
    build = ui_world.build(VERSION)
    InstallJob(build, settings=ui_world.settings).run()
    parts = parse_key(build.key)
    assert parts is not None
    minor, name = parts.minor_key, parts.bin_names[0]
    os.unlink(ui_world.settings.install_root / minor)
    os.unlink(ui_world.settings.bin_dir / name)
    # What a run killed before its links leaves: the record that it meant to make them.
    record_linking(ui_world.settings.install_root, build.key)
    return build.key, minor, name


async def _select_installed(pilot, key: str) -> None:
    installed = pilot.app.query_one("#installed", InstalledTable)
    installed.focus()
    assert installed.select_key(key)
    await pilot.pause()


async def _press_i_without_requests(pilot, ui_world: UiWorld):
    """`i` on the highlighted install, which must need no download: the job once it ended."""
    app = pilot.app
    with no_requests(ui_world.server):
        await pilot.press("i")
        await wait_for(pilot, lambda: any(j.ended for j in app.state.jobs.values()),
                       what="the job's end")
    return next(iter(app.state.jobs.values()))


async def test_i_restores_the_links_a_killed_install_left_out(ui_world: UiWorld) -> None:
    key, minor, name = _installed_without_links(ui_world)
    app = ui_world.make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await _select_installed(pilot, key)
        from pytui.app.details_view import details

        shown = details(app.vm, app.state, "installed", key)
        assert shown is not None
        fields = dict(shown.fields)
        assert fields["install"].endswith(f"· {name}"), fields
        assert fields["links"] == f"missing: {minor}, {name}; i restores them", fields
        job = await _press_i_without_requests(pilot, ui_world)
        assert job.phase == "done", job.error
        assert job.summary == (f"{key} was already installed; its missing links were restored: "
                               f"{minor}, {name}"), job.summary
        root, bin_dir = ui_world.settings.install_root, ui_world.settings.bin_dir
        assert os.readlink(root / minor) == str(root / key)
        assert os.path.realpath(bin_dir / name) == str(root / key / "bin" / name)
        # Listed again: nothing missing any more, and `i` says so as before.
        await wait_for(pilot, lambda: not app.state.installation(key).extra, what="listed again")
        await pilot.press("i")
        # Its refusal proves `i` was handled: only then does "no new job" say anything.
        await wait_for(pilot, lambda: f"{key} is installed and up to date (u uninstalls it)."
                       in toast_texts(app), what="i's refusal")
        assert len(app.state.jobs) == 1


async def test_a_name_held_by_another_file_names_the_command_that_replaces_it(ui_world: UiWorld) -> None:
    """A `python3.11` in the bin dir that no uv or pytui install made: the install leaves it and
    says so, ending with the CLI's next step 'use --force to replace it'. The TUI has no
    --force; the line now names the command that has."""
    build = ui_world.build(VERSION)
    bin_dir = ui_world.settings.bin_dir
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / "python3.11").write_text("#!/bin/sh\necho mine\n")
    app = ui_world.make_app()
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        await wait_for(pilot, lambda: any(j.ended for j in app.state.jobs.values()),
                       timeout=60, what="the install's end")
        warned = [e.message for e in app.history.entries if e.outcome == "warning"]
        assert any(line.startswith(f"Executable already exists at {short_path(bin_dir / 'python3.11', ui_world.home)}")
                   and line.endswith(f"`pytui install --force {build.key}` replaces it")
                   for line in warned), warned
        assert not any("use --force" in line for line in warned), warned
    assert (bin_dir / "python3.11").read_text() == "#!/bin/sh\necho mine\n"


async def test_a_bin_dir_that_is_a_file_names_what_the_tui_user_can_set(ui_world: UiWorld) -> None:
    """The bin dir is a file: the install goes ahead without its link and says so, ending with
    the CLI's 'or pass --no-bin'; the TUI has no such option, the variable that does it is named."""
    build = ui_world.build(VERSION)
    bin_dir = ui_world.settings.bin_dir
    bin_dir.parent.mkdir(parents=True, exist_ok=True)
    bin_dir.write_text("not a directory")
    app = ui_world.make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        await wait_for(pilot, lambda: any(j.ended for j in app.state.jobs.values()),
                       timeout=60, what="the install's end")
        warned = [e.message for e in app.history.entries if e.outcome == "warning"]
        assert any(line.endswith("set UV_PYTHON_BIN_DIR to a directory, or start pytui with "
                                 "UV_PYTHON_INSTALL_BIN=0") for line in warned), warned
        assert not any("--no-bin" in line for line in warned), warned
    assert bin_dir.read_text() == "not a directory"


def test_an_install_another_process_made_meanwhile_is_said_so() -> None:
    # The TUI's i on a build uv (or another pytui) installed while the job downloaded it ended
    # `… was already installed`, as if the job had been pointless from the start.
    from pytui.app.job_bodies import install_summary

    key = "cpython-3.12.10-linux-x86_64-gnu"
    assert install_summary(key, "already", LinkChanges(), None) == (
        f"{key} was installed meanwhile by another uv or pytui process; nothing more to do")
    # Each link as it happened: restored, made for the first time, re-pointed (all read
    # "its missing links were restored").
    assert install_summary(key, "already", LinkChanges(["python3.12"]), None) == (
        f"{key} was already installed; its missing link was restored: python3.12")
    older = "cpython-3.12.7-linux-x86_64-gnu"
    assert install_summary(key, "already", LinkChanges(
            ["cpython-3.12-linux-x86_64-gnu"], ["python3.12"]), None) == (
        f"{key} was already installed; its missing link was restored: "
        "cpython-3.12-linux-x86_64-gnu; its link python3.12 was made (it had none)")
    assert install_summary(key, "already", LinkChanges(repointed=[
            ("cpython-3.12-linux-x86_64-gnu", older), ("python3.12", older)]), None) == (
        f"{key} was already installed; cpython-3.12-linux-x86_64-gnu was re-pointed to it (it "
        f"ran {older}); python3.12 was re-pointed to it (it ran {older})")
    # i on an install listed as lacking links that another process made while the job waited
    # for the root's lock: neither restored by this job nor installed meanwhile.
    assert install_summary(key, "already", None, None, listed=True) == (
        f"{key} was already installed; no link was missing by the time the job ran")
    assert install_summary(key, "installed", None, None, executables=" (python3.12)") == (
        f"Installed {key} (python3.12)")
    assert install_summary(key, "installed", None, "cpython-3.12-linux-x86_64-gnu") == (
        f"Installed {key}; cpython-3.12-linux-x86_64-gnu now points to it (environments made "
        "through it run the new patch)")


async def test_an_install_made_without_a_bin_link_says_so_as_a_fact_and_i_makes_it(ui_world: UiWorld) -> None:
    """`pytui install --no-bin 3.11`, then the TUI with bin links on: Details said `missing:
    python3.11; i restores it`, as if a killed run had left it out; then nothing at all, and `i`
    said "installed and up to date" (a uv run killed between its commit and its bin link looks
    the same: uv records nothing). Now it says there is no python3.11 in the bin dir, why that
    may be right, and that i makes it; i does, as `pytui install KEY` (no download)."""
    build = ui_world.build(VERSION)
    InstallJob(build, settings=ui_world.settings.replace(no_bin=True)).run()
    bin_dir = ui_world.settings.bin_dir
    assert not os.path.lexists(bin_dir / "python3.11")
    app = ui_world.make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        from pytui.app.details_view import details

        shown = details(app.vm, app.state, "installed", build.key)
        assert shown is not None
        fields = dict(shown.fields)
        assert "links" not in fields, shown.fields
        assert fields["bin"] == (
            f"no python3.11 in {short_path(bin_dir, ui_world.home)}: i makes it, as `pytui install "
            f"{build.key}` (uv makes none for --no-bin or a Python `uv run` downloaded; a uv run "
            "killed before its links leaves none)"), fields
        await _select_installed(pilot, build.key)
        job = await _press_i_without_requests(pilot, ui_world)
        assert job.phase == "done" and job.summary == (
            f"{build.key} was already installed; its link python3.11 was made (it had none)"), job
        root = ui_world.settings.install_root
        assert os.path.realpath(bin_dir / "python3.11") == str(root / build.key / "bin" / "python3.11")
        await wait_for(pilot, lambda: not app.state.installation(build.key).extra, what="listed again")
        shown = details(app.vm, app.state, "installed", build.key)
        assert shown is not None and "bin" not in dict(shown.fields), shown.fields


async def test_a_bin_link_into_an_older_patch_of_the_newest_install_is_said_and_i_repoints_it(
        ui_world: UiWorld, tmp_path) -> None:
    """`python3.12` left on 3.12.7's own interpreter (uv links a patch request so; a later
    --no-bin install, or a uv run killed before its links, leaves it) while 3.12.8 is the newest
    installed: Details said nothing and `i` said "installed and up to date", where `uv python
    install 3.12.8` re-points it. Now Details says what it runs and `i` points it here."""
    from fixtures_archives import make_pbs_archive

    older = make_pbs_archive(tmp_path / "older", version="3.12.7").serve(ui_world.server)
    settings = ui_world.settings
    InstallJob(older.build, settings=settings).run()
    InstallJob(ui_world.build("3.12.8"), settings=settings.replace(no_bin=True)).run()
    root, link = settings.install_root, settings.bin_dir / "python3.12"
    link.unlink()
    link.symlink_to(root / older.build.key / "bin" / "python3.12")  # as uv links a patch request
    key = ui_world.build("3.12.8").key
    app = ui_world.make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        from pytui.app.details_view import details

        shown = details(app.vm, app.state, "installed", key)
        assert shown is not None
        assert dict(shown.fields)["behind"] == (
            f"python3.12 runs {older.build.key}: i points it here, as `pytui install {key}` and "
            f"`uv python install {key}` do"), shown.fields
        await _select_installed(pilot, key)
        job = await _press_i_without_requests(pilot, ui_world)
        assert job.phase == "done" and job.summary == (
            f"{key} was already installed; python3.12 was re-pointed to it (it ran "
            f"{older.build.key})"), (job.error, job.summary)
        assert os.path.realpath(link) == str(root / key / "bin" / "python3.12")
        await wait_for(pilot, lambda: not app.state.installation(key).extra, what="listed again")

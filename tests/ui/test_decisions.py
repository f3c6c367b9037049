"""What i/Enter/u/p/c/q decide in each state, without an app (no Pilot, no Textual), and the
README's key table against the keymap."""

from __future__ import annotations

from pathlib import Path

from fixtures_archives import make_build
from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app import uninstall_decisions as du
from pytui.app.view_model import ViewModel
from pytui.core.models import CachedArchive
from pytui.widgets.format import short_path
from view_state import NEW, NOV_2026, OLD, a_cached_archive, a_state, an_installation


def test_install_decisions(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    new = builds[NEW]
    assert di.decide_install(state, vm, "available", new.key) == d.StartInstall(new)
    # Enter asks first, whatever came before it.
    asked = di.decide_install(state, vm, "available", new.key, ask=True)
    assert isinstance(asked, d.Confirm) and asked.then == d.StartInstall(new)
    # The URL the job downloads from first (uv's order: a mirror before the catalog's URL).
    from pytui.core.urls import download_urls
    first = download_urls(new, state.settings)[0]
    assert any(line.text.startswith(f"Downloads {first}") for line in asked.lines)
    assert isinstance(di.decide_install(state, vm, "available", None), d.Refuse)
    # Offline and not cached: refused, naming the build and the cache dir.
    state.offline = True
    refused = di.decide_install(state, vm, "available", new.key)
    assert isinstance(refused, d.Refuse) and refused.severity == "error"
    cache_dir = short_path(state.settings.cache_dir, state.home)  # `~/…` under the home
    assert new.key in refused.message and f"({cache_dir})" in refused.message
    a_cached_archive(state, new)
    assert di.decide_install(state, vm, "available", new.key) == d.StartInstall(new)
    state.offline = False
    # A job already on it.
    state.add_job("install", new.key, build=new)
    assert isinstance(di.decide_install(state, vm, "available", new.key), d.Refuse)


def test_i_on_installed_says_from_what_to_what(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    old, new = builds[OLD], builds[NEW]
    state.installations.append(an_installation(tmp_path, old))
    upgrade = di.decide_install(state, vm, "installed", old.key)
    assert isinstance(upgrade, d.Confirm) and upgrade.then == d.StartInstall(new)
    assert f"from {old.key} to {new.key}" in upgrade.lines[0].text
    # Up to date: says so, starts nothing.
    state.installations[:] = [an_installation(tmp_path, new)]
    assert isinstance(di.decide_install(state, vm, "installed", new.key), d.Refuse)
    assert isinstance(di.decide_install(state, vm, "available", new.key), d.Refuse)
    # The catalog has a newer build of the same version: a reinstall, said as such.
    state.installations[:] = [an_installation(tmp_path, new, build_date="20240101")]
    for pane in ("installed", "available"):
        again = di.decide_install(state, vm, pane, new.key)
        assert isinstance(again, d.Confirm)
        assert again.then == d.StartInstall(new, reinstall=True)
        assert f"from build 20240101 to build {new.build}" in again.lines[0].text


def test_uninstall_purge_cancel_quit_decisions(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    old = builds[OLD]
    installation = an_installation(tmp_path, old)
    state.installations.append(installation)
    state.sizes[old.key] = 2 * 1024 * 1024
    state.freeable[old.key] = 2 * 1024 * 1024
    asked = du.decide_uninstall(state, "installed", old.key)
    assert isinstance(asked, d.Confirm) and asked.then == d.StartUninstall(installation)
    assert any(line.strong and line.text == "Frees 2.0 MiB." for line in asked.lines)
    # Linked from the cache's kept tree: only its own files are freed, and the rest is said.
    # With its archive gone the tree is a row of its own: no archive to purge is named.
    state.freeable[old.key] = 512 * 1024
    linked = du.decide_uninstall(state, "installed", old.key)
    assert isinstance(linked, d.Confirm)
    assert any(line.strong and line.text == "Frees 512.0 KiB; 1.5 MiB stay in the cache's kept tree "
               "(purging that tree, its own row in Cached, frees them)." for line in linked.lines)
    assert isinstance(du.decide_uninstall(state, "available", builds[NEW].key), d.Refuse)
    archive = a_cached_archive(state, old)
    linked = du.decide_uninstall(state, "installed", old.key)
    assert isinstance(linked, d.Confirm)
    assert any(line.strong and line.text == "Frees 512.0 KiB; 1.5 MiB stay in the cache's kept tree "
               "(purging its archive frees them)." for line in linked.lines)
    purge = d.decide_purge(state, "cached", archive.name)
    assert isinstance(purge, d.Confirm) and purge.then == d.StartPurge((archive,))
    # Nothing runs: c has nothing to cancel, q quits at once.
    assert isinstance(d.decide_cancel(state, None, "available", None), d.Refuse)
    assert d.decide_quit(state) == d.Quit()
    # An uninstall runs: u again is refused, c cancels it, q asks first.
    job = state.add_job("uninstall", old.key, installation=installation)
    assert isinstance(du.decide_uninstall(state, "installed", old.key), d.Refuse)
    assert d.decide_cancel(state, None, "installed", old.key) == d.CancelJob(job.job_id)
    assert d.decide_cancel(state, job.job_id, "available", None) == d.CancelJob(job.job_id)
    quit_ = d.decide_quit(state)
    assert isinstance(quit_, d.Confirm) and quit_.then == d.Quit()
    assert "uninstall" in quit_.lines[0].text
    # Its no is not `Cancel`, which beside "Quitting cancels it" read as cancelling the job.
    assert quit_.deny == "Stay"
    # An install job reads the archive: purging it is refused while it runs.
    state.add_job("install", old.key, build=old)
    assert isinstance(d.decide_purge(state, "cached", archive.name), d.Refuse)
    state.end_job(job.job_id, "cancelled")
    assert d.decide_cancel(state, job.job_id, "available", None) == d.DismissJob(job.job_id)


def test_delete_is_the_focused_panes_own_removal(tmp_path, builds) -> None:
    # Delete did nothing at all (a file manager's key, lazygit's `d`).
    state = a_state(tmp_path, *builds.values())
    old = builds[OLD]
    installation = an_installation(tmp_path, old)
    state.installations.append(installation)
    archive = a_cached_archive(state, old)
    assert du.decide_delete(state, "installed", old.key) == \
        du.decide_uninstall(state, "installed", old.key)
    asked = du.decide_delete(state, "cached", archive.name)
    assert isinstance(asked, d.Confirm) and asked.then == d.StartPurge((archive,))
    for pane in ("available", "jobs"):
        said = du.decide_delete(state, pane, old.key)
        assert isinstance(said, d.Refuse) and "on Installed (3)" in said.message, said
    # On Available it names the keys that would act on this row, and only those.
    said = du.decide_delete(state, "available", old.key)
    assert isinstance(said, d.Refuse)
    assert said.message.endswith("; here u uninstalls this build and p purges its archive.")
    other = next(b for b in builds.values() if b.key != old.key)
    said = du.decide_delete(state, "available", other.key)
    assert isinstance(said, d.Refuse) and "here" not in said.message, said.message
    assert isinstance(du.decide_delete(state, "installed", None), d.Refuse)


def test_d_deletes_as_delete_does() -> None:
    # `d` did nothing (only Delete removed the highlighted install or archive), where lazygit
    # and k9s users reach for it; a laptop's Delete is a chord.
    from pytui.app.keymap import bound_keys

    bound = {key: k.action for k in bound_keys() for key in k.keys.split(",")}
    assert bound["d"] == bound["delete"] == "delete"


def test_readme_key_table_is_the_keymap() -> None:
    from pytui.app.keymap import KEYMAP, bound_keys, readme_table

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- keys:start -->", "<!-- keys:end -->"
    assert start in readme and end in readme, "README lost its key table markers"
    table = readme.split(start, 1)[1].split(end, 1)[0].strip()
    assert table == readme_table(), "README's key table differs from app/keymap.py"
    keys = [key for k in bound_keys() for key in k.keys.split(",")]
    assert len(keys) == len(set(keys)), "a key is bound twice"
    assert all(k.help or not k.show for k in KEYMAP)


def test_every_screen_over_the_main_one_binds_the_keymaps_keys() -> None:
    # Modal screens' keys lived in their own BINDINGS, outside app/keymap.py: the help and the
    # README's table did not list them (c's "stops a scan" was a phrase in e's line).
    from pytui.app import keymap
    from pytui.app.envs_screen import EnvironmentsScreen
    from pytui.app.key_bindings import screen_bindings
    from pytui.app.purge_screen import PurgeRulesModal
    from pytui.app.screens import ConfirmModal, HelpScreen, HistoryScreen

    screens = {keymap.ENVIRONMENTS: EnvironmentsScreen, keymap.PURGE_SCREEN: PurgeRulesModal,
               keymap.QUESTION: ConfirmModal, keymap.HELP: HelpScreen,
               keymap.HISTORY: HistoryScreen}
    assert set(screens) == set(keymap.SCREEN_KEYS) == set(keymap.SCREEN_TITLES)

    def said(bindings) -> list[tuple[str, str, str, bool, str | None]]:  # type: ignore[no-untyped-def]
        return [(b.key, b.action, b.description, b.show, b.key_display) for b in bindings]

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for name, screen in screens.items():
        assert said(screen.BINDINGS) == said(screen_bindings(name)), name
        keys = [key for k in keymap.SCREEN_KEYS[name] for key in k.keys.split(",")]
        assert len(keys) == len(set(keys)), f"a key is bound twice in {name}"
        assert all(k.help or not k.show for k in keymap.SCREEN_KEYS[name])
        # Each screen's keys are in the help (screen_help) and the README's table under its title.
        assert f"| **{keymap.SCREEN_TITLES[name]}** | |" in readme
        assert keymap.help_rows(keymap.SCREEN_KEYS[name])


def test_the_install_question_says_the_end_of_life_fact_then_asks(tmp_path) -> None:
    """Not the CLI's "installing … anyway" (said before the user answered): the fact, then
    the question, for the state's day."""
    old, current = make_build(version="3.8.20"), make_build(version="3.13.1")
    state = a_state(tmp_path, old, current).replace(clock=lambda: NOV_2026)
    vm = ViewModel()
    asked = di.decide_install(state, vm, "available", old.key, ask=True)
    assert isinstance(asked, d.Confirm)
    assert asked.lines[-1].text == ("Python 3.8 reached its end of life in 2024-10 and gets no "
                                    "security fixes. Install it anyway?")
    assert asked.lines[-1].strong and "anyway;" not in asked.lines[-1].text
    asked = di.decide_install(state, vm, "available", current.key, ask=True)
    assert isinstance(asked, d.Confirm) and not any("end of life" in x.text for x in asked.lines)
    # `i` asks too for an end-of-life version (and only for one).
    asked = di.decide_install(state, vm, "available", old.key)
    assert isinstance(asked, d.Confirm) and asked.lines[-1].text.endswith("Install it anyway?")
    assert di.decide_install(state, vm, "available", current.key) == d.StartInstall(current)




def test_the_install_question_names_where_it_downloads_from(tmp_path) -> None:
    """Astral's mirror first, GitHub if that fails (uv's order); a --mirror alone."""
    from pytui.core.settings import Settings

    build = make_build(version="3.12.8")  # a python-build-standalone release URL
    state = a_state(tmp_path, build)
    vm = ViewModel()
    asked = di.decide_install(state, vm, "available", build.key, ask=True)
    assert isinstance(asked, d.Confirm)
    [line] = [line.text for line in asked.lines if line.text.startswith("Downloads ")]
    assert line.startswith("Downloads https://releases.astral.sh/github/python-build-standalone/")
    assert line.endswith(" (if that fails, from github.com)")
    state.settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                      mirror="http://127.0.0.1:9/pbs",
                                      env={"HOME": str(tmp_path)})
    asked = di.decide_install(state, vm, "available", build.key, ask=True)
    assert isinstance(asked, d.Confirm)
    [line] = [line.text for line in asked.lines if line.text.startswith("Downloads ")]
    assert line.startswith("Downloads http://127.0.0.1:9/pbs/20250115/") and "fails" not in line


def test_the_quit_question_counts_only_jobs_that_have_not_settled(tmp_path, builds) -> None:
    """A job that ended (done, failed, cancelled) is not running: asked again once it ends, the
    quit question no longer counts it."""
    state = a_state(tmp_path, *builds.values())
    jobs = [state.add_job("install", b.key, build=b) for b in list(builds.values())[:2]]
    asked = d.decide_quit(state)
    assert isinstance(asked, d.Confirm) and asked.recheck is not None
    # What quitting cancels is named (newuser33: `(install)` said nothing of which).
    assert asked.lines[0].text == f"2 jobs are still running (install {jobs[0].key}, {jobs[1].key})."
    state.jobs[jobs[0].job_id].phase = "cancelling"  # cancelled, its thread not stopped yet
    assert asked.recheck(state) == asked
    state.end_job(jobs[0].job_id, "cancelled")
    one = asked.recheck(state)
    assert isinstance(one, d.Confirm) and one.lines[0].text == \
        f"1 job is still running (install {jobs[1].key})."
    for outcome in ("done", "failed"):
        state.end_job(jobs[1].job_id, outcome)
    none = one.recheck(state) if one.recheck else None
    assert isinstance(none, d.Confirm) and none.then == d.Quit()
    assert none.lines[0].text.startswith("No job is running now")
    assert not any("still running" in line.text for line in none.lines)
    # Asked now (nothing runs), q quits at once.
    assert d.decide_quit(state) == d.Quit()


def test_the_purge_question_says_what_goes_with_the_archive(tmp_path, builds) -> None:
    # `p` removes the archive's partial download and what killed runs left of its tree too
    # (core/cache_purge.remove_leftovers); the question says so only when the listing saw some.
    state = a_state(tmp_path, *builds.values())
    archive = a_cached_archive(state, builds[OLD])
    plain = d.decide_purge(state, "cached", archive.name)
    assert isinstance(plain, d.Confirm) and plain.then == d.StartPurge((archive,))
    assert not any("partial download" in ln.text or "killed run" in ln.text for ln in plain.lines)
    part = CachedArchive(archive.path.with_name(archive.name + ".part"), 300, builds[OLD], "partial",
                         leftovers=True)
    state.archives.append(part)
    both = d.decide_purge(state, "cached", archive.name)
    assert isinstance(both, d.Confirm) and both.then == d.StartPurge((archive, part))
    texts = [ln.text for ln in both.lines]
    assert "Frees 1.3 KiB." in texts, texts
    assert any(t.startswith("Its partial download goes too") for t in texts), texts
    assert any(t.startswith("What a killed run left of its tree goes too") for t in texts), texts


def test_an_archive_purged_since_the_listing_is_not_offered_as_cached(tmp_path, builds) -> None:
    """Another process (`pytui cache purge`, uv) removed the archive after the Cached pane listed
    it: Enter's question said "From the cached archive (…); no download." and the job then
    downloaded it; offline, `i` started a job that could only fail. Both now look at the file."""
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    new = builds[NEW]
    archive = a_cached_archive(state, new)
    asked = di.decide_install(state, vm, "available", new.key, ask=True)
    assert isinstance(asked, d.Confirm)
    assert any(line.text.startswith("From the cached archive") for line in asked.lines)
    archive.path.unlink()  # purged in another shell
    asked = di.decide_install(state, vm, "available", new.key, ask=True)
    assert isinstance(asked, d.Confirm)
    assert not any("cached archive" in line.text for line in asked.lines), asked.lines
    assert any(line.text.startswith("Downloads ") for line in asked.lines), asked.lines
    state.offline = True
    refused = di.decide_install(state, vm, "available", new.key)
    assert isinstance(refused, d.Refuse) and "is not in the cache" in refused.message


def test_an_archive_no_catalog_build_matches_says_what_to_do(tmp_path, builds) -> None:
    # `i` on it said only "… matches no build in the catalog; it cannot be installed."
    state = a_state(tmp_path, *builds.values())
    stray = CachedArchive(state.settings.cache_dir / "a3b60e81f-cpython-3.12.9-20250301-x86_64-"
                          "unknown-linux-gnu-install_only.tar.gz", 1000, None)
    state.archives.append(stray)
    refused = di.decide_install(state, ViewModel(), "cached", stray.name)
    assert isinstance(refused, d.Refuse)
    assert refused.message.startswith(f"{stray.name} matches no build in the catalog"), refused.message
    assert refused.message.endswith("start pytui with the catalog it came from (--downloads-json), "
                                    "or p purges it."), refused.message


def test_p_on_a_stopped_download_asks_about_a_partial_download(tmp_path, builds) -> None:
    # `p` on a `.part` row asked "Delete this cached archive?" and the answer said "Purged 1
    # archive": it is a stopped download (the pane counts it apart), which `i` can finish.
    from pytui.app.job_actions import purged_text

    state = a_state(tmp_path, *builds.values())
    build = builds[OLD]
    part = CachedArchive(state.settings.cache_dir / (build.cache_filename + ".part"), 300, build,
                         "partial", expected_size=1000)
    state.archives.append(part)
    question = d.decide_purge(state, "cached", build.cache_filename)
    assert isinstance(question, d.Confirm) and question.then == d.StartPurge((part,))
    assert question.title == "Delete this partial download?"
    assert "30% downloaded; i on it resumes the download from there instead." in \
        [ln.text for ln in question.lines]
    archive = a_cached_archive(state, builds[NEW])
    assert d.decide_purge(state, "cached", archive.name).title == "Delete this cached archive?"
    assert purged_text(1, 0) == "1 archive" and purged_text(0, 0) == "0 archives"
    assert purged_text(1, 1) == "1 partial download"
    assert purged_text(3, 1) == "2 archives and 1 partial download"


def test_purge_question_says_what_the_kept_tree_frees_once_measured(tmp_path, builds) -> None:
    """`p` on an archive with a kept tree: the tree's unshared bytes are measured in a thread;
    until then the question says they are being counted, then the whole sum, in place (a
    status line: the same answer, not a changed one). A user read the archive's 24.9 MiB as
    all of it while the purge then said `freed 98.8 MiB`."""
    state = a_state(tmp_path, *builds.values())
    archive = a_cached_archive(state, builds[OLD])
    archive.tree = True
    counting = d.decide_purge(state, "cached", archive.name)
    assert isinstance(counting, d.Confirm) and counting.recheck is not None
    frees = [line for line in counting.lines if line.text.startswith("Frees")]
    assert len(frees) == 1 and frees[0].status and "counting them" in frees[0].text, frees
    state.tree_freed[archive.name] = 3 * 1024 * 1024
    measured = counting.recheck(state)
    assert isinstance(measured, d.Confirm)
    texts = [line.text for line in measured.lines]
    total = d.human_size(archive.size + 3 * 1024 * 1024)
    assert f"Frees {total}: the archive and its kept tree's files that no install shares." in texts, texts
    assert d.same_answer(measured, counting)  # updated in place, not "changed"
    # The measure failed (the tree went, or could not be read): said, not "counting" for good.
    state.tree_freed[archive.name] = None
    failed = counting.recheck(state)
    assert isinstance(failed, d.Confirm)
    assert any(line.text.endswith("(they could not be counted).") for line in failed.lines), failed.lines


def test_a_listing_that_changed_drops_the_measured_trees(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    archive = a_cached_archive(state, builds[OLD])
    state.tree_freed[archive.name] = 1
    state.set_disk(list(state.archives), list(state.installations))  # the same listing
    assert state.tree_freed == {archive.name: 1}
    state.set_disk(list(state.archives), [an_installation(tmp_path, builds[OLD])])  # an install came
    assert state.tree_freed == {}


def test_c_with_nothing_to_cancel_says_so_rather_than_pointing_to_an_empty_panel(
        tmp_path, builds) -> None:
    """`4` then `c` on the empty Jobs panel answered `Highlight a job (Tab to the Jobs panel) or a
    build being installed.`: the user was on that panel, and it listed no job to highlight."""
    state = a_state(tmp_path, *builds.values())
    for pane, key in (("jobs", None), ("available", builds[NEW].key), ("installed", None)):
        said = d.decide_cancel(state, None, pane, key)
        assert said == d.Refuse("No job is running: nothing to cancel (i installs the highlighted "
                                "build).", severity="information"), said
    # Only ended jobs, none highlighted: c on one's row dismisses it.
    ended = state.add_job("install", builds[OLD].key, build=builds[OLD])
    state.end_job(ended.job_id, "done")
    said = d.decide_cancel(state, None, "available", builds[NEW].key)
    assert said == d.Refuse("No job is running: nothing to cancel (c on an ended job's row in the "
                            "Jobs panel, 4, dismisses it).", severity="information"), said
    # Two running, neither highlighted: which one is for the user to say.
    for build in builds.values():
        state.add_job("install", build.key, build=build)
    said = d.decide_cancel(state, None, "installed", None)
    assert isinstance(said, d.Refuse) and said.message.startswith(
        f"{len(builds)} jobs are running: highlight the one to cancel"), said


def test_i_p_and_y_with_nothing_to_act_on_say_where_to_go(tmp_path, builds) -> None:
    """i on the empty Jobs panel said `Nothing highlighted to install.` and p on a build with
    no archive `KEY has no archive in the cache.`, neither where to go, where u's refusals say
    `(3 jumps to Installed)` (newuser33, tmux)."""
    state = a_state(tmp_path, *builds.values())
    new = builds[NEW]
    assert di.decide_install(state, ViewModel(), "jobs", None) == d.Refuse(
        "Nothing is highlighted: highlight a build first (1 jumps to Available).")
    assert d.decide_purge(state, "available", new.key) == d.Refuse(
        f"{new.key} has no archive in the cache: p purges a cached archive, and this build has "
        "none (2 jumps to Cached).", title="Not cached")
    assert d.decide_copy(state, "jobs", None) == d.Refuse(
        "Nothing is highlighted: highlight a row first (1, 2 or 3 jumps to a pane).")
    # A filter that left the pane empty is what hides the rows: `1 jumps to Available` was
    # said on an emptied Available itself.
    state.installations.append(an_installation(tmp_path, new))
    a_cached_archive(state, new)
    state.view = state.view.replace(filter_text="xyz")
    hidden = d.Refuse("No row here matches the filter “xyz” (Esc clears it).")
    assert di.decide_install(state, ViewModel(), "available", None) == hidden
    assert du.decide_uninstall(state, "installed", None) == hidden
    assert d.decide_purge(state, "cached", None) == hidden
    # A pane with no rows at all: the filter hides nothing there, and is not blamed.
    state.set_disk([], [])
    said = du.decide_uninstall(state, "installed", None)
    assert isinstance(said, d.Refuse) and said.message.startswith("Nothing is installed in "), said
    assert di.decide_install(state, ViewModel(), "jobs", None) == d.Refuse(
        "Nothing is highlighted: highlight a build first (1 jumps to Available).")
    # An empty Installed or Cached pane itself: what fills it, as Details says (u, d, x, ! on
    # an empty Installed said `… (3 jumps to Installed)`).
    state.view = state.view.replace(filter_text="")
    state.set_disk([], [])
    root, cache = (short_path(p, state.home) for p in (state.settings.install_root,
                                                       state.settings.cache_dir))
    assert du.decide_uninstall(state, "installed", None) == d.Refuse(
        f"Nothing is installed in {root} yet: highlight a build on Available (1) and press i.")
    assert d.decide_purge(state, "cached", None) == d.Refuse(
        f"No archive in the cache ({cache}) yet: an install downloads its archive there.")
    # No catalog loaded (a --downloads-json that cannot be read): Available is empty for that.
    state.catalog, state.catalog_problem = None, True
    unloaded = "No catalog is loaded, so no build is listed (H says why)."
    assert di.decide_install(state, ViewModel(), "available", None) == d.Refuse(unloaded)
    from pytui.app.details_view import nothing_note
    assert nothing_note(state, "available") == unloaded
    # The empty Jobs panel says the same, not `press i` (which refuses with it).
    from pytui.app.details_view import NO_JOBS, empty_jobs_note
    from pytui.core.catalog import Catalog
    assert empty_jobs_note(state) == f"No jobs. {unloaded}"
    state.catalog, state.catalog_problem = Catalog([], source="none"), False
    assert empty_jobs_note(state) == NO_JOBS


def test_the_quit_question_counts_many_jobs_by_kind(tmp_path, builds) -> None:
    """Past QUIT_NAMES_JOBS running jobs the line counts them by kind (a dialog of keys)."""
    state = a_state(tmp_path, *builds.values())
    for build in builds.values():
        state.add_job("install", build.key, build=build)
    state.add_job("verify", "verify cache")
    count = len(builds) + 1
    assert count > d.QUIT_NAMES_JOBS
    asked = d.decide_quit(state)
    assert isinstance(asked, d.Confirm)
    assert asked.lines[0].text == f"{count} jobs are still running (install, verify).", asked.lines


def test_the_way_to_the_outdated_rule_is_written_once() -> None:
    """`P → Outdated` (the key and the rule's label in Purge by rule) was written out in three
    messages: `i` on an install whose newer patch is installed, its Details, the upgrade
    question. It is made once, from the keymap's key and the dialog's label."""
    import ast
    from pathlib import Path

    from pytui.app.keymap import key_display
    from pytui.app.purge_plan import OUTDATED, PRUNE_OUTDATED
    from pytui.app.purge_screen import PURGE_RULES

    label = next(label for rule, label, _ in PURGE_RULES if rule == OUTDATED)
    assert f"{key_display('purge_rules')} → {label}" == PRUNE_OUTDATED
    repo = Path(__file__).resolve().parents[2]
    written = [f"{path.relative_to(repo)}:{node.lineno}"
               for folder in ("app", "core", "widgets") for path in (repo / folder).glob("*.py")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and "→ Outdated" in node.value and path.name != "purge_plan.py"]
    assert written == [], written

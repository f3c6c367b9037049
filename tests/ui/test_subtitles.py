"""Pane subtitles (no Textual): a key named in one reads `key: what it does`, in every pane,
so `e` never reads as a count beside `0 interpreters`; the forms each pane offers, fullest first,
with the filter and the counts; the fullest form that fits is shown."""

from __future__ import annotations

import os
import re

from pytui.app.subtitles import envs_subtitle, key_hint
from pytui.app.view_model import ViewModel
from pytui.core.models import CachedArchive
from view_state import NEW, OLD, OTHER, a_cached_archive, a_download, a_state, an_installation

# A lone key followed by a word and no colon: `e environments`, `r rescan`.
_BARE_KEY = re.compile(r"(?:^|· )(?:[a-zA-Z/]|Esc) [a-z]")


def test_key_hints_read_key_colon_action(tmp_path, builds) -> None:
    assert key_hint("e", "environments") == "e: environments"
    state = a_state(tmp_path, *builds.values())
    state.disk_listed = True
    forms = ViewModel.installed_subtitles(state)
    assert forms[0] == "0 interpreters · e: environments"
    idle, scanning = envs_subtitle(scanning=False), envs_subtitle(scanning=True)
    assert idle == "r: rescan · /: filter · Esc: close"
    assert scanning == "scanning… · c: stop"
    for subtitle in (*forms, idle, scanning):
        assert not _BARE_KEY.search(subtitle), subtitle


def test_under_a_filter_a_download_is_counted_apart_too(tmp_path, builds) -> None:
    # Under a filter the count was of rows: a download of 3.13.1 beside 3.12.7's archive
    # read '1 of 2 archives', where the same pane unfiltered reads '1 archive · … · 1 downloading'.
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    a_cached_archive(state, builds[OLD])
    a_download(state, builds[OTHER])
    state.view = state.view.replace(filter_text="3.13")
    cached = vm.cache_rows(state)
    assert [row.state for row in cached] == ["downloading"]
    assert vm.cached_subtitles(state, 1, 1) == (
        "“3.13”: 0 of 1 archive · 1 downloading", "“3.13”: 0 of 1 archive",
        "0 of 1 archive · 1 downloading", "0 of 1 archive")
    state.view = state.view.replace(filter_text="3.12")
    assert vm.cached_subtitle(state, 1, 0) == "“3.12”: 1 of 1 archive"
    # The listing sees the `.part`: still one archive and one download.
    state.archives.append(CachedArchive(
        state.settings.cache_dir / (builds[OTHER].cache_filename + ".part"), 10, builds[OTHER]))
    state.view = state.view.replace(filter_text="3")
    assert len(vm.cache_rows(state)) == 2
    assert vm.cached_subtitle(state, 2, 1) == "“3”: 1 of 1 archive · 1 downloading"


def test_under_a_filter_every_pane_leads_with_the_filter_and_its_count(tmp_path, builds) -> None:
    # At 80 columns Cached kept `filter “3.13” · 0 of 3 archives` (its longer form fitted)
    # while Available and Installed read `“3.13”: …`: the panes side by side read differently.
    state = a_state(tmp_path, *builds.values())
    state.disk_listed = True
    vm = ViewModel()
    a_cached_archive(state, builds[OLD])
    state.view = state.view.replace(filter_text="3.13")
    subtitles = (*vm.available_subtitles(state, 1), *vm.cached_subtitles(state, 0),
                 *vm.installed_subtitles(state, 0))
    assert not [form for form in subtitles if "filter" in form], subtitles
    for forms in (vm.available_subtitles(state, 1), vm.cached_subtitles(state, 0),
                  vm.installed_subtitles(state, 0)):
        assert forms[0].startswith("“3.13”: "), forms


def test_a_stopped_download_is_counted_as_partial_not_as_an_archive(tmp_path, builds) -> None:
    # A download stopped with c leaves its `.part` (the Cached row `◐ 47%`): the pane read
    # '2 archives' for one archive and that `.part`, where a running one is counted apart.
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    a_cached_archive(state, builds[OLD])
    state.archives.append(CachedArchive(state.settings.cache_dir / (builds[OTHER].cache_filename + ".part"),
                                        470, builds[OTHER], state="partial", expected_size=1000))
    # uv's order, newest first: the 3.13.1 download above the 3.12.7 archive.
    assert [row.state for row in vm.cache_rows(state)] == ["partial", "ok"]
    assert vm.cached_subtitles(state) == ("1 archive · 1.4 KiB · 1 partial", "1 archive · 1 partial",
                                          "1 archive · 1.4 KiB", "1 archive")
    # Under a filter that keeps only the `.part`: none of the one archive, one partial.
    state.view = state.view.replace(filter_text="3.13")
    rows = vm.cache_rows(state)
    assert [row.state for row in rows] == ["partial"]
    assert vm.cached_subtitles(state, 1, 0, 1)[0] == "“3.13”: 0 of 1 archive · 1 partial"


def test_a_stopped_download_beside_its_complete_archive_does_not_hide_it(tmp_path, builds) -> None:
    # A download stopped (its `.part` kept), then the archive cached whole by uv or an import:
    # the two shared one row, the `.part`'s (`◐ 25%`, 1.0 KiB), so the complete archive was not
    # seen, while the subtitle counted `1 archive · 1 partial` for that one row.
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    archive = a_cached_archive(state, builds[OLD], size=4096)
    state.archives.append(CachedArchive(archive.path.with_name(archive.name + ".part"), 1024,
                                        builds[OLD], state="partial", expected_size=4096))
    rows = vm.cache_rows(state)
    assert [(row.name, row.state, row.size) for row in rows] == [(archive.name, "ok", 4096)], rows
    assert vm.cached_subtitles(state)[0] == "1 archive · 5.0 KiB"


def test_the_cached_total_is_the_headers_when_the_cache_holds_more(tmp_path, builds) -> None:
    # The header (the cache's measured size) read `4.0 KiB` for an empty cache where the pane
    # read `0 B`, and counted a `.part`'s resume note the pane did not: never two totals.
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    state.disk_listed = True
    state.cache_usage = 0
    assert vm.cached_subtitles(state)[0] == "0 archives · 0 B"
    a_cached_archive(state, builds[OLD], size=300_000)
    state.cache_usage = 300_000
    assert vm.cached_subtitles(state)[0] == "1 archive · 293.0 KiB"
    state.cache_usage = 300_000 + 350  # a resume note beside a `.part`
    assert vm.cached_subtitles(state) == (
        "1 archive · 293.3 KiB (incl. 350 B other files)", "1 archive · 293.3 KiB", "1 archive")
    state.cache_usage = 300_000 + 20  # too little to show: one total
    assert vm.cached_subtitles(state)[0] == "1 archive · 293.0 KiB"
    # A running download's `.part` is in the measure, not in the archives: not "other files".
    state.cache_usage = 300_000 + 500_000
    a_download(state, builds[OTHER])
    assert vm.cached_subtitles(state)[0] == "1 archive · 293.0 KiB · 1 downloading"


def test_the_cache_total_leaves_out_the_dirs_that_hold_it(tmp_path) -> None:
    # `du -sb` counts the cache dir and `trees/` themselves (4.0 KiB each on ext4), which
    # the header showed for an empty cache, and any other directory in it (two empty ones
    # read `8.0 KiB` beside `0 archives`); what they hold is counted, a hard link once. A kept
    # tree's directories are part of what it occupies.
    from pytui.core.cache import ArchiveCache

    cache = tmp_path / "cache"
    assert ArchiveCache(cache).disk_usage() == 0  # not made yet
    (cache / "trees").mkdir(parents=True)
    assert ArchiveCache(cache).disk_usage() == 0
    (cache / "a.tar.gz").write_bytes(b"x" * 1000)
    os.link(cache / "a.tar.gz", cache / "trees" / "same")
    (cache / "trees" / "sub").mkdir()
    (cache / "empty" / "emptier").mkdir(parents=True)
    assert ArchiveCache(cache).disk_usage() == 1000
    kept = cache / "trees" / ("c" * 64)
    (kept / "tree").mkdir(parents=True)  # no manifest: walked
    assert ArchiveCache(cache).disk_usage() == 1000 + kept.stat().st_size + (kept / "tree").stat().st_size


def test_files_whose_name_says_no_build_are_unknown_not_archives(tmp_path, builds) -> None:
    # `mystery-a.tar.gz` beside one archive: the pane read `2 archives · …` where
    # `pytui cache list` read `2 files, …`; both now count by core/cache_kinds: `1 unknown`.
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    a_cached_archive(state, builds[OLD], size=1024)
    for name in ("mystery-a.tar.gz", "mystery-b.tar.gz"):
        state.archives.append(CachedArchive(state.settings.cache_dir / name, 512, None, state="unknown"))
    assert vm.cached_subtitles(state) == ("1 archive · 2.0 KiB · 2 unknown", "1 archive · 2 unknown",
                                          "1 archive · 2.0 KiB", "1 archive")
    # Under a filter that keeps one of them: none of the one archive, one unknown.
    state.view = state.view.replace(filter_text="mystery-a")
    rows = vm.cache_rows(state)
    assert [row.state for row in rows] == ["unknown"]
    assert vm.cached_subtitles(state, 1, 0, 0, 1)[0] == "“mystery-a”: 0 of 1 archive · 1 unknown"


def test_cached_and_installed_subtitles_name_the_filter_and_count_what_it_keeps(
        tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    state.disk_listed = False
    # Before the disk is listed: no "0 archives" / "0 interpreters" (false statements).
    assert vm.cached_subtitle(state, 0) == "listing…"
    assert vm.installed_subtitle(state, 0) == "listing…"
    state.disk_listed = True
    a_cached_archive(state, builds[OLD])
    a_cached_archive(state, builds[OTHER])
    for version in (OLD, NEW):
        state.installations.append(an_installation(tmp_path / "root", builds[version]))
    state.view = state.view.replace(filter_text="3.13")
    cached, installed = vm.cache_rows(state), vm.installed_rows(state)
    assert len(cached) == 1 and installed == []
    # The filter and the count, then (a narrower pane) the count alone.
    assert vm.installed_subtitles(state, len(installed)) == ("“3.13”: 0 of 2 interpreters",
                                                             "0 of 2 interpreters")
    assert vm.cached_subtitles(state, len(cached)) == ("“3.13”: 1 of 2 archives",
                                                       "1 of 2 archives")
    state.view = state.view.replace(filter_text="")
    assert vm.installed_subtitles(state, 2) == ("2 interpreters · e: environments",
                                                "2 interpreters")
    assert vm.cached_subtitle(state, 2).startswith("2 archives · ")


def test_available_subtitle_forms_keep_the_filter_and_the_count(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    platform = state.host.platform
    shown = len(vm.available_rows(state))
    total = len(state.catalog)
    assert vm.available_subtitles(state, shown) == (
        f"{platform} · newest patches · standard builds · {shown} of {total}",
        f"newest patches · standard builds · {shown} of {total}",
        f"{shown} of {total}")
    state.view = state.view.replace(filter_text="3.12")
    shown = len(vm.available_rows(state))
    assert vm.available_subtitles(state, shown) == (
        f"“3.12”: {shown} of {total} · {platform} · newest patches · standard builds",
        f"“3.12”: {shown} of {total} · newest patches · standard builds",
        f"“3.12”: {shown} of {total}")


def test_a_subtitle_shows_its_fullest_form_that_fits() -> None:
    from pytui.widgets.format import first_fitting

    forms = ("5.2 MiB: 3 archives 2.9 MiB + 2 trees 2.3 MiB", "5.2 MiB: 3 archives + 2 trees",
             "5.2 MiB incl. 2 trees")
    assert first_fitting(forms, 120) == forms[0]
    assert first_fitting(forms, len(forms[0])) == forms[0]
    assert first_fitting(forms, 34) == forms[1]  # a half-width pane at 80 columns
    assert first_fitting(forms, 25) == forms[2]
    assert first_fitting(forms, 10) == forms[2]  # the border cuts the shortest
    assert first_fitting(forms, 0) == forms[0]  # not laid out yet
    assert first_fitting((), 10) == ""


def test_at_80_columns_a_download_beside_stopped_ones_keeps_every_count(tmp_path, builds) -> None:
    """A download running and two stopped ones: the half-width Cached pane (34 cells at 80
    columns) read `1 archive · 3.4 KiB`, the download and the stopped ones not said. The
    size gives way first (the header has the total), then `downloading` to the rows' `↓`."""
    from pytui.widgets.format import first_fitting

    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    a_cached_archive(state, builds[OLD])
    a_download(state, builds[OTHER])
    for build in (builds[NEW], builds[OTHER]):
        state.archives.append(CachedArchive(
            state.settings.cache_dir / (build.cache_filename.replace(".tar", "-x.tar") + ".part"),
            470, build, state="partial", expected_size=1000))
    forms = vm.cached_subtitles(state)
    assert forms[0].endswith(" · 1 downloading · 2 partial"), forms
    shown = first_fitting(forms, 34)
    assert "1 archive" in shown and "2 partial" in shown and "1 ↓" in shown, forms
    assert first_fitting(forms, 120) == forms[0]



def test_a_half_width_pane_at_40_columns_shows_the_count_whole(tmp_path, builds) -> None:
    """At 40x12 Cached's subtitle was cut by its border to `0 archives · …`: its last form is
    the count alone (the header says the size). 14 cells: the pane's 20 less its border's."""
    from pytui.widgets.format import first_fitting

    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    assert first_fitting(vm.cached_subtitles(state), 14) == "0 archives"
    a_cached_archive(state, builds[OLD])
    assert first_fitting(vm.cached_subtitles(state), 14) == "1 archive"
    assert vm.cached_subtitles(state)[0].startswith("1 archive · ")
    # With a tree kept it read `191.6 KiB inc…`, its last form `191.6 KiB incl. 1 tree`.
    state.archives[0].tree = True
    state.cache_usage = 191 * 1024
    assert vm.cached_subtitles(state)[0].startswith("191.0 KiB: 1 archive ")
    assert first_fitting(vm.cached_subtitles(state), 14) == "1 archive"


def test_a_newer_pytuis_tree_is_counted_as_a_tree_in_every_form(tmp_path, builds) -> None:
    """Where the long words did not fit, the Cached subtitle read `2 archives · 67.4 KiB · 1
    newer pytui's` (and at 200 columns with other loose trees, `… · 1 newer pytui's · 1
    archive gone`): the row's State word, left without its noun. Now `1 newer pytui's tree`."""
    from pytui.app.subtitles import cached_subtitles
    from pytui.core.cache_kinds import ARCHIVE_GONE, NEWER_PYTUI
    from pytui.core.loose_trees import LooseTree

    state = a_state(tmp_path, *builds.values())
    a_cached_archive(state, builds[OLD])
    newer = LooseTree("ab" * 32, builds[OLD].key, "", NEWER_PYTUI, tmp_path / "newer", 1024, 1024)
    gone = LooseTree("cd" * 32, builds[NEW].key, "gone.tar.gz", ARCHIVE_GONE, tmp_path / "gone", 1024, 1024)
    for trees, said in (((newer,), "1 newer pytui's tree"), ((newer, newer), "2 newer pytui's trees"),
                        ((newer, gone), "1 newer pytui's tree · 1 archive gone")):
        state.loose_trees = trees
        forms = cached_subtitles(state)
        assert any(said in form for form in forms), forms
        assert not any(re.search(r"newer pytui's(?! tree)", form) for form in forms), forms


def test_a_newer_pytuis_tree_is_not_counted_as_unused(tmp_path, builds) -> None:
    """At 80 columns the subtitle read `2 archives · 1 unused tree` for a newer pytui's tree
    whose archive is cached: it is that archive's tree, kept for the newer pytui (newuser36)."""
    from pytui.app.subtitles import cached_subtitles
    from pytui.core.cache_kinds import ARCHIVE_GONE, NEWER_PYTUI
    from pytui.core.loose_trees import LooseTree

    state = a_state(tmp_path, *builds.values())
    a_cached_archive(state, builds[OLD])
    newer = LooseTree("ab" * 32, builds[OLD].key, "", NEWER_PYTUI, tmp_path / "newer", 1024, 1024)
    gone = LooseTree("cd" * 32, builds[NEW].key, "gone.tar.gz", ARCHIVE_GONE, tmp_path / "gone", 1024, 1024)
    state.loose_trees = (newer,)
    assert not any("unused" in form for form in cached_subtitles(state))
    state.loose_trees = (newer, gone)
    assert any("1 unused tree · 1 newer pytui's tree" in form for form in cached_subtitles(state))


def test_a_narrow_cached_subtitle_counts_the_rows_that_are_no_archive(tmp_path, builds) -> None:
    """At 80x24 (34 cells) and 100x30 the subtitle read `6.0 MiB: 7 archives + 5 trees` over
    rows among which were a stopped download, an unknown file and two kept trees no archive
    uses, none of them said (the kept trees of archives were, which have no rows). Where their
    words do not fit, they are counted together: `7 archives · 4 other rows`."""
    from pytui.app.subtitles import cached_subtitles
    from pytui.core.cache_kinds import ARCHIVE_GONE, NEWER_PYTUI
    from pytui.core.loose_trees import LooseTree
    from pytui.widgets.format import first_fitting

    state = a_state(tmp_path, *builds.values())
    for build in (builds[OLD], builds[NEW]):
        a_cached_archive(state, build)
        state.archives[-1].tree = True
    state.archives.append(CachedArchive(
        state.settings.cache_dir / (builds[OTHER].cache_filename + ".part"), 470, builds[OTHER],
        state="partial", expected_size=1000))
    state.archives.append(CachedArchive(state.settings.cache_dir / "mystery-a.tar.gz", 3000, None,
                                        state="unknown"))
    state.loose_trees = (LooseTree("ab" * 32, builds[OLD].key, "", NEWER_PYTUI, tmp_path / "newer", 1024, 1024),
                         LooseTree("cd" * 32, builds[NEW].key, "gone.tar.gz", ARCHIVE_GONE, tmp_path / "gone",
                                   1024, 1024))
    state.cache_usage = 9 * 1024 * 1024
    forms = cached_subtitles(state)
    for room in (34, 44, 54):
        shown = first_fitting(forms, room)
        assert ("4 other rows" in shown or
                all(word in shown for word in ("1 unknown", "1 partial", "newer pytui's tree"))), (room, forms)
    assert first_fitting(forms, 34) == "9.0 MiB: 2 archives · 4 other rows", forms


def test_the_very_first_download_is_said_alone(tmp_path, builds) -> None:
    """During the first download into an empty cache Cached read `0 archives · 0 B · 1
    downloading`: nothing is cached yet, the row says `↓`, the header the bytes. It reads
    `1 downloading` (narrower, `1 ↓`), a stopped one `1 partial`; once an archive is whole the
    counts come back."""
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    state.disk_listed = True
    state.cache_usage = 0
    a_download(state, builds[OTHER])
    assert vm.cached_subtitles(state) == ("1 downloading", "1 ↓")
    a_download(state, builds[NEW])
    assert vm.cached_subtitles(state)[0] == "2 downloading"
    stopped = a_state(tmp_path / "stopped", *builds.values())
    stopped.archives.append(CachedArchive(stopped.settings.cache_dir / (builds[OTHER].cache_filename + ".part"),
                                          470, builds[OTHER], state="partial", expected_size=1000))
    assert vm.cached_subtitles(stopped)[0] == "1 partial"
    a_cached_archive(state, builds[OLD], size=300_000)
    assert vm.cached_subtitles(state)[0] == "1 archive · 293.0 KiB · 2 downloading"

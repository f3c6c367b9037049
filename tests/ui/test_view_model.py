"""The TUI's state and view model without an app (no Pilot, no Textual): each pane's rows for
a given state, the details of each kind of row, subtitles. Job rows and their short errors are
in tests/ui/test_view_model_jobs.py; what the keys decide, in tests/ui/test_decisions.py."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fixtures_archives import make_build
from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app.state import AppState, ViewOptions
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.models import Build, CachedArchive
from pytui.core.settings import Settings
from view_state import NEW, OLD, OTHER, a_cached_archive, a_download, a_state, an_installation


def test_state_and_derivation_import_no_textual() -> None:
    code = ("import sys; import pytui.app.state, pytui.app.view_model, pytui.app.decisions, "
            "pytui.app.install_decisions, pytui.app.uninstall_decisions, pytui.app.keymap, "
            "pytui.app.gateway, pytui.app.history, pytui.widgets.rows; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_available_rows_newest_patch_with_what_the_user_has(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    assert [r.build.key for r in vm.available_rows(state)] == [builds[OTHER].key,
                                                                 builds[NEW].key]
    # An installed older patch is listed too, with its state.
    state.installations.append(an_installation(tmp_path, builds[OLD]))
    a_cached_archive(state, builds[OLD], 4321)
    rows = {r.build.key: r for r in vm.available_rows(state)}
    assert rows[builds[OLD].key].installed and rows[builds[OLD].key].cached
    assert rows[builds[OLD].key].size == 4321
    # A job on a build shows its percentage; offline dims what is not cached.
    job = state.add_job("install", builds[NEW].key, build=builds[NEW])
    state.progress(job.job_id, "download", 250, 1000)
    state.offline = True
    rows = {r.build.key: r for r in vm.available_rows(state)}
    assert rows[builds[NEW].key].progress == 25 and rows[builds[NEW].key].size == 1000
    assert rows[builds[OTHER].key].unavailable and not rows[builds[OLD].key].unavailable
    # The filter takes a request.
    state.view = ViewOptions(filter_text=">=3.13")
    assert [r.build.key for r in vm.available_rows(state)] == [builds[OTHER].key]


def test_cache_and_installed_rows(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    a_cached_archive(state, builds[OLD])
    installed = an_installation(tmp_path, builds[OLD])
    state.installations.append(installed)
    state.sizes[installed.key] = 5000
    a_download(state, builds[OTHER])
    cache = {r.name: r for r in vm.cache_rows(state)}
    assert cache[builds[OLD].cache_filename].state == "ok"
    assert cache[builds[OTHER].cache_filename].state == "downloading"
    assert cache[builds[OTHER].cache_filename].percent == 25
    [row] = vm.installed_rows(state)
    assert (row.key, row.size, row.update, row.busy) == (installed.key, 5000, NEW, "")
    state.add_job("uninstall", installed.key, installation=installed)
    assert vm.installed_rows(state)[0].busy == "queued…"


def test_the_cached_subtitle_counts_a_download_as_downloading(tmp_path, builds) -> None:
    # Two rows (an archive and a download) under '1 archive · 1000 B', then '2 archives' once
    # a listing saw the `.part`: the count followed the listing, not the rows.
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    a_cached_archive(state, builds[OLD])
    job = a_download(state, builds[OTHER])
    assert len(vm.cache_rows(state)) == 2
    assert vm.cached_subtitles(state) == ("1 archive · 1000 B · 1 downloading",
                                          "1 archive · 1 downloading", "1 archive · 1 ↓",
                                          "1 archive · 1000 B", "1 archive")
    # The listing sees its `.part`: the same words.
    part = CachedArchive(state.settings.cache_dir / (builds[OTHER].cache_filename + ".part"),
                         10, builds[OTHER])
    state.archives.append(part)
    assert vm.cached_subtitle(state) == "1 archive · 1000 B · 1 downloading"
    # Ended, its archive is one like the others.
    state.archives.remove(part)
    state.archives.append(CachedArchive(state.settings.cache_dir / builds[OTHER].cache_filename,
                                        40, builds[OTHER]))
    state.end_job(job.job_id, "done")
    assert vm.cached_subtitle(state) == "2 archives · 1.0 KiB"


def test_an_archive_with_a_kept_tree_is_marked(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    a_cached_archive(state, builds[OLD])
    with_tree = a_cached_archive(state, builds[NEW])
    with_tree.tree = True
    rows = {r.name: r for r in vm.cache_rows(state)}
    assert rows[builds[NEW].cache_filename].tree and not rows[builds[OLD].cache_filename].tree
    assert vm.cached_subtitle(state).endswith("· 1 with a tree")
    # Measured: the header's total (`… incl. trees`) first, then how it splits into archives
    # and trees; shorter forms keep the total, for a half-width pane at 80 columns.
    state.cache_usage = 2000 + 46 * 1024 * 1024
    assert vm.cached_subtitles(state) == ("46.0 MiB: 2 archives 2.0 KiB + 1 tree 46.0 MiB",
                                          "46.0 MiB: 2 archives + 1 tree",
                                          "46.0 MiB incl. 1 tree", "2 archives")
    assert vm.cached_subtitle(state) == vm.cached_subtitles(state)[0]
    # A stopped download beside them: at 80 columns its count stays before the trees' (the
    # pane read `… + 1 tree`, the `.part` row counted nowhere).
    state.archives.append(CachedArchive(state.settings.cache_dir / (
        builds[OTHER].cache_filename + ".part"), 1000, builds[OTHER], state="partial"))
    forms = vm.cached_subtitles(state)
    assert forms[1:3] == ("46.0 MiB: 2 archives + 1 tree · 1 partial",
                          "46.0 MiB: 2 archives · 1 partial"), forms
    from pytui.widgets.format import first_fitting

    assert first_fitting(forms, 36) == "46.0 MiB: 2 archives · 1 partial"
    state.archives.pop()
    from pytui.app.header_view import header_info
    from pytui.widgets.format import human_size
    assert human_size(header_info(state).cache_size) == "46.0 MiB"
    fields = dict(vm.details(state, "cached", builds[NEW].cache_filename).fields)
    assert fields["tree"].startswith("kept")
    assert "tree" not in dict(vm.details(state, "cached", builds[OLD].cache_filename).fields)


def test_details_for_each_pane(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    archive = a_cached_archive(state, builds[OLD])
    state.installations.append(an_installation(tmp_path, builds[OLD]))
    cached = vm.details(state, "cached", builds[OLD].cache_filename)
    assert cached.title == builds[OLD].key and "Cached" in cached.note
    assert ("archive", "~/cache/" + archive.name) in cached.fields
    installed = vm.details(state, "installed", builds[OLD].key)
    assert any(label == "update" and builds[NEW].key in value
               for label, value in installed.fields)
    assert vm.details(state, "available", None) is None
    header = vm.header(state)
    # The cache's size is measured on disk (as `pytui cache list`), not summed from the rows.
    assert header.install_root == "~/root" and header.cache_size is None
    state.cache_usage = 4321
    archive.tree = True
    header = vm.header(state)
    assert header.cache_size == 4321 and header.cache_trees


def test_history_log_is_appended_and_refuses_a_symlink(tmp_path) -> None:
    from pytui.app.history import LOG_NAME, History

    history = History(tmp_path / "state", clock=lambda: 0.0)
    history.add("install", "cpython-3.12.8-linux-x86_64-gnu", "failed",
                "failed to install …:\n HTTP 404")
    log = (tmp_path / "state" / LOG_NAME).read_text()
    assert log.count("\n") == 1 and "failed\tcpython-3.12.8" in log and "HTTP 404" in log
    evil = tmp_path / "evil"
    evil.mkdir()
    target = tmp_path / "target"
    (evil / LOG_NAME).symlink_to(target)
    planted = History(evil)
    planted.add("purge", "archives", "done", "Purged 1 archive")
    assert not target.exists() and "cannot write the history log" in planted.log_problem
    assert planted.entries[-1].message == "Purged 1 archive"


@pytest.mark.parametrize("view", [
    ViewOptions(), ViewOptions(all_versions=True),
    ViewOptions(all_versions=True, all_platforms=True, variants=True),
])
def test_available_filter_fast_path_is_the_simple_rule(tmp_path, uv_catalog_path, view) -> None:
    """With uv's catalog: for each filter typed and erased one key at a time, the rows are
    exactly the unfiltered rows that `matches` keeps, in the same order, and each row is what
    `available_row` derives for its build (installed, cached, a running job, offline)."""
    from pytui.app.filter import matches, parse_filter
    from pytui.core.catalog import parse_uv_json

    builds, _ = parse_uv_json(uv_catalog_path.read_bytes(), str(uv_catalog_path))
    state = a_state(tmp_path, *builds)
    state.view = view
    vm = ViewModel()
    everything = list(vm.visible_builds(state))
    state.installations.append(an_installation(tmp_path, everything[3]))
    a_cached_archive(state, everything[5], 777)
    job = state.add_job("install", everything[8].key, build=everything[8])
    state.progress(job.job_id, "download", 10, 40)
    state.failed_keys.add(everything[1].key)
    typed = "3.12 musl"
    texts = [typed[:n] for n in range(1, len(typed) + 1)] + ["3.13t >=3.13", "pypy", "3.1", ""]
    # The plain rule's answer for each text, derived once by a fresh view model: nothing the
    # selection reads changes in the loop below, and `offline` changes the rows, not the builds.
    unfiltered = ViewModel().visible_builds(with_view(state, filter_text=""))
    kept_by_rule: dict[str, list[Build]] = {}
    # The minors the rows can have: a bare `3.1` naming none of them is text.
    minors = frozenset((b.major, b.minor) for b in builds)
    for text in texts:
        terms = parse_filter(text.strip(), minors)
        kept_by_rule[text] = [b for b in unfiltered if matches(terms, b.key, b)]
    for offline in (False, True):
        state.offline = offline
        for text in texts:
            state.view = view.replace(filter_text=text.strip())
            expected = kept_by_rule[text]
            assert vm.visible_builds(state) == expected, text
            rows = vm.available_rows(state)
            assert rows == [vm.available_row(state, b) for b in expected], text


def with_view(state: AppState, **view: object) -> AppState:
    """The same state seen with other view options (the view model memoizes on the view)."""
    copy = state.replace()
    copy.view = state.view.replace(**view)
    return copy


def test_an_install_whose_newer_patch_is_installed_offers_nothing(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    old, new = builds[OLD], builds[NEW]
    state.installations += [an_installation(tmp_path, old), an_installation(tmp_path, new)]
    rows = {row.key: row for row in vm.installed_rows(state)}
    assert rows[old.key].update == f"{NEW} installed" and rows[old.key].update_installed
    assert rows[new.key].update == "" and not rows[new.key].update_installed
    # `i` refuses in one line, naming the newer patch and how to prune the old one.
    refused = di.decide_install(state, vm, "installed", old.key)
    assert isinstance(refused, d.Refuse) and "\n" not in refused.message
    assert f"newer patch {NEW} is already installed" in refused.message
    assert "P → Outdated" in refused.message
    fields = dict(vm.details(state, "installed", old.key).fields)
    assert fields["update"].startswith(f"{NEW} installed")


def test_an_empty_available_pane_says_why(tmp_path) -> None:
    """A catalog whose entries are all malformed: once its notification fades, the pane's
    subtitle still names the catalog and the cause (loaded as the app loads it)."""
    from pytui.app.gateway import CoreGateway
    from test_catalog import entry, uv_json

    path = tmp_path / "bad.json"
    path.write_bytes(uv_json(entry(sha256=123), entry(url=123)))
    state = a_state(tmp_path)
    state.settings = Settings.resolve(downloads_json=str(path), env={"HOME": str(tmp_path)})
    for _ in range(2):  # the second load reads the parsed-catalog cache: the same line
        state.catalog = CoreGateway().load_catalog(state.settings)
        subtitle = ViewModel().available_subtitle(state, 0)
        assert subtitle.startswith(f"no usable builds in {path}: all 2 entries are malformed")
        assert "sha256" in subtitle
    # A catalog that did not load at all points to the history.
    state.catalog, state.catalog_problem = Catalog([], source="none"), True
    # In the words the Cached and Installed subtitles point there with (it said `H shows why`).
    assert ViewModel().available_subtitle(state, 0) == "no catalog loaded (H: why)"
    # A catalog with builds, none of them for this view: the usual count.
    state.catalog, state.catalog_problem = Catalog([make_build(version=OLD)], source="t"), False
    assert ViewModel().available_subtitle(state, 0).endswith("0 of 1")


@pytest.mark.parametrize("text", ["3.13t", "freethreaded", "musl", "3.11.5", "3.12 musl",
                                  "aarch64 3.13t", "3.8.2"])
def test_a_filter_matching_only_hidden_builds_names_the_key_that_lists_them(
        tmp_path, uv_catalog_path, text) -> None:
    """The README's filter examples show no row in the default view (newest patch, standard
    builds, host platform): the subtitle says how many builds match and which toggles list
    them, and turning exactly those toggles on lists that many."""
    from pytui.app.filter_hint import WIDENINGS
    from pytui.core.catalog import parse_uv_json

    builds, _ = parse_uv_json(uv_catalog_path.read_bytes(), str(uv_catalog_path))
    state = a_state(tmp_path, *builds)
    state.view = ViewOptions(filter_text=text)
    vm = ViewModel()
    assert vm.available_rows(state) == []
    subtitle = vm.available_subtitle(state, 0)
    assert subtitle.startswith(f"“{text}”: 0 of {len(builds)} · ")
    shown, rest = subtitle.split(" · ", 1)[1].split(" more in ", 1)
    keys = rest.split(": Enter, then ")[1].split(", ")
    assert set(keys) <= {key for key, _ in WIDENINGS}
    toggles = {"f": "variants", "a": "all_versions", "A": "all_platforms"}
    widened = with_view(state, **{toggles[key]: True for key in keys})
    assert len(ViewModel().available_rows(widened)) == int(shown)


def test_a_filter_matching_nothing_anywhere_has_no_hint(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    state.view = ViewOptions(filter_text="musl")
    vm = ViewModel()
    assert vm.available_rows(state) == []
    assert vm.available_subtitle(state, 0).startswith("“musl”: 0 of 3 · ")
    # An older patch the view hides: `a` lists it.
    state.view = ViewOptions(filter_text=OLD)
    assert vm.available_subtitle(state, 0) == f"“{OLD}”: 0 of 3 · 1 more in all versions: Enter, then a"
    # Once Enter kept the filter (the table has the focus), the key acts at once.
    state.filter_kept = True
    assert vm.available_subtitle(state, 0) == f"“{OLD}”: 0 of 3 · 1 more in all versions: press a"
    state.filter_kept = False
    # Shown rows: no hint.
    state.view = ViewOptions(filter_text="3.12")
    assert "more in" not in vm.available_subtitle(state, len(vm.available_rows(state)))


def test_a_purge_preview_line_keeps_the_build_and_says_the_tree_goes() -> None:
    from pytui.app.purge_plan import preview_label

    name = "4f0c1a2b3-cpython-3.12.11-20250723-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    assert preview_label(name, with_tree=False, width=0) == name  # not laid out yet
    assert preview_label(name, with_tree=True, width=200) == name + " + its kept tree"
    line = preview_label(name, with_tree=True, width=60)
    assert line == "4f0c1a2b3-cpython-3.12.11-20250723-x86_64-u… + its kept tree"
    assert len(line) == 60
    assert preview_label(name, with_tree=False, width=40) == name[:39] + "…"
    # Too narrow for the name and the tree note: one line cut, never wider than the room.
    assert len(preview_label(name, with_tree=True, width=20)) == 20
    assert preview_label(name, with_tree=True, width=1) == "…"


def test_a_key_listed_twice_in_the_catalog_is_one_row_and_counted_once(tmp_path) -> None:
    """Two catalog entries of one key (different URLs): one row (the first entry's, as
    `Catalog.get`), and the subtitle's count agrees with the rows: 3 of 3, not 4 of 4."""
    first = make_build(version="3.12.8")
    twin = make_build(version="3.12.8", url=first.url.replace("20250115", "20250116"))
    others = [make_build(version=v) for v in ("3.13.1", "3.11.11")]
    state = a_state(tmp_path, first, twin, *others)
    assert first.key == twin.key and first.url != twin.url
    vm = ViewModel()
    for all_versions in (False, True):
        state.view = state.view.replace(all_versions=all_versions)
        rows = vm.available_rows(state)
        assert sorted(r.build.key for r in rows) == sorted({first.key, *(b.key for b in others)})
        assert next(r.build for r in rows if r.build.key == first.key).url == first.url
        subtitle = vm.available_subtitle(state, len(rows))
        assert subtitle.endswith("3 of 3"), subtitle
    assert vm.header(state).builds == 3  # the header counts builds the same way
    # Under a filter too, and with the build installed (kept beside the newest patch).
    state.view = state.view.replace(all_versions=False, filter_text="3.12")
    state.installations.append(an_installation(tmp_path / "root", first))
    rows = vm.available_rows(state)
    assert [r.build.key for r in rows] == [first.key]
    assert "1 of 3" in vm.available_subtitle(state, len(rows))


def test_the_view_model_reads_3_1_as_text_with_a_catalog_that_has_no_3_1(tmp_path) -> None:
    from fixtures_archives import make_build
    from pytui.app.state import AppState
    from pytui.app.view_model import ViewModel
    from pytui.core.catalog import Catalog
    from pytui.core.settings import Settings
    from ui_helpers import HOST

    builds = [make_build(version=v, sha256="ab" * 32) for v in ("3.12.8", "3.13.1", "3.9.23")]
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path)})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog(builds, source="test"), disk_listed=True)
    vm = ViewModel()
    for text, versions in (("3.1", ["3.13.1", "3.12.8"]), ("3.12", ["3.12.8"]), ("3.9", ["3.9.23"])):
        state.view = state.view.replace(filter_text=text)
        assert [row.build.version for row in vm.available_rows(state)] == versions, text


def test_an_older_build_of_the_patch_installed_is_marked_as_upgradable(tmp_path, builds) -> None:
    # Available marked the catalog's newer build of the installed patch `✓` (the same key),
    # as if that build were installed; `i` and `U` would replace the install with it.
    from pytui.widgets.available_table import state_text

    new = builds[NEW]
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    state.installations.append(an_installation(tmp_path, new, build_date="20200101"))
    row = next(r for r in vm.available_rows(state) if r.build.key == new.key)
    assert row.installed and row.newer_build and state_text(row).plain == "✓↑"
    a_cached_archive(state, new)
    row = next(r for r in vm.available_rows(state) if r.build.key == new.key)
    assert state_text(row).plain == "✓↑●"
    # Reinstalled with the catalog's build (the same key): installed as it is.
    state.installations[:] = [an_installation(tmp_path, new)]
    row = next(r for r in vm.available_rows(state) if r.build.key == new.key)
    assert not row.newer_build and state_text(row).plain == "✓●"
    # A newer build installed than the catalog lists (an older catalog): no arrow either.
    state.installations[:] = [an_installation(tmp_path, new, build_date="29990101")]
    row = next(r for r in vm.available_rows(state) if r.build.key == new.key)
    assert not row.newer_build and state_text(row).plain == "✓●"

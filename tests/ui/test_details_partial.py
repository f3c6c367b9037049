"""Details of a build whose download was stopped (no Textual): the `.part` it left and what
becomes of it. After `c` a newcomer saw `◐ 47%` in Available and no word about it in Details."""

from __future__ import annotations

from pytui.app.view_model import ViewModel
from pytui.core.cache_locks import PartHolder
from pytui.core.models import CachedArchive
from pytui.widgets.cache_table import state_text
from pytui.widgets.table_cells import FormText
from view_state import OTHER, a_download, a_state

# Another pytui downloading into the `.part`, as its lock's record says (core/turn_record.TREES).
DOWNLOADER = PartHolder("pid 42: pytui install 3.12", "trees")


def _stopped_part(state, build, size: int, expected: int) -> CachedArchive:
    part = CachedArchive(state.settings.cache_dir / (build.cache_filename + ".part"), size, build,
                         state="partial", expected_size=expected)
    state.archives.append(part)
    return part


def test_a_stopped_download_is_said_in_available_and_cached(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    _stopped_part(state, build, 470, 1000)
    vm = ViewModel()
    for pane, key in (("available", build.key), ("cached", build.cache_filename)):
        details = vm.details(state, pane, key)
        assert details is not None
        fields = dict(details.fields)
        assert fields["archive"].endswith(".part"), (pane, fields)
        assert fields["download"].startswith("47% downloaded (470 B), stopped: i resumes it"), \
            (pane, fields)
        assert "in Available, Cached" in details.note, (pane, details.note)


def test_a_running_download_says_its_job_not_the_resume(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    _stopped_part(state, build, 470, 1000)
    a_download(state, build)
    fields = dict(ViewModel().details(state, "available", build.key).fields)
    assert "download" not in fields
    assert fields["job"] == "download — press c to cancel"


def test_a_running_download_says_its_bytes_so_far(tmp_path, builds) -> None:
    """The listing saw the `.part` as the download started (16.0 KiB): Details said that for
    the whole download, beside a Cached row and a job row at 2.9 MiB."""
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    _stopped_part(state, build, 470, 1_000_000)
    a_download(state, build, done=300_000, total=1_000_000)
    for pane, key in (("available", build.key), ("cached", build.cache_filename)):
        details = ViewModel().details(state, pane, key)
        assert details is not None
        assert "293.0 KiB of 976.6 KiB" in details.note and "470 B" not in details.note, \
            (pane, details.note)


def test_a_partial_download_says_its_bytes_of_what(tmp_path, builds) -> None:
    """`build 20250818 · 820.3 KiB · in Available, Cached` read as a build of 820.3 KiB
    (newuser33, tmux: the download was 2.9 MiB); a stopped `.part` says of what too, and one
    whose size is not known says its bytes alone."""
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    part = _stopped_part(state, build, 470, 1000)
    note = ViewModel().details(state, "available", build.key).note
    assert " · 470 B of 1000 B · " in note, note
    part.expected_size = None
    note = ViewModel().details(state, "available", build.key).note
    assert " · 470 B · " in note, note


def test_an_unknown_expected_size_says_no_percent(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    _stopped_part(state, build, 470, 0)
    fields = dict(ViewModel().details(state, "available", build.key).fields)
    assert fields["download"].startswith("downloaded (470 B), stopped")


def test_a_part_another_process_writes_is_downloading_not_stopped(tmp_path, builds) -> None:
    """A `.part` whose lock another process held when listed (`state.held_parts`,
    core/cache_locks.held_parts: `pytui cache list`'s `downloading 47%`): the Cached row
    said `partial 47%` and Details `stopped: i resumes it`."""
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    part = _stopped_part(state, build, 470, 1000)
    state.set_disk(state.archives, state.installations, held_parts={part.name: DOWNLOADER})
    vm = ViewModel()
    row = next(r for r in vm.cache_rows(state) if r.name == build.cache_filename)
    assert (row.state, row.percent) == ("downloading", 47)
    fields = dict(vm.details(state, "cached", build.cache_filename).fields)
    assert fields["download"] == ("47% downloaded (470 B) when listed: another pytui process is downloading "
                                  f"it now (pid 42: pytui install 3.12; {part.name}.lock)")
    assert "1 downloading" in vm.cached_subtitles(state, 1, 1, 0, 0)[0]
    # Its lock let go (the other process ended or was killed): a look at the locks lists again.
    assert state.held_parts_changed(frozenset({part.name}), {})
    assert not state.held_parts_changed(frozenset({part.name}), {part.name: DOWNLOADER})
    # Its holder's record read since (it came between the lock and the record): listed again.
    assert state.held_parts_changed(frozenset({part.name}), {part.name: PartHolder(DOWNLOADER.words, None)})
    # A look that began before another listing is not judged against it.
    assert not state.held_parts_changed(frozenset(), {})


def test_a_look_finding_another_process_download_lists_again_and_not_for_our_own(
        tmp_path, builds) -> None:
    """Another process's `.part` grows without a directory changing: each look that finds one
    running lists the disk again (its row's size and percent stood still); this app's own
    download (a running job writes it) does not make every look a listing."""
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    part = _stopped_part(state, build, 470, 1000)
    assert state.foreign_download_moved(frozenset({part.name}))
    assert not state.foreign_download_moved(frozenset())  # held, not written: no listing
    a_download(state, build)  # now this app's job writes it
    assert not state.foreign_download_moved(frozenset({part.name}))


def test_the_questions_on_a_part_another_process_writes_do_not_call_it_stopped(tmp_path, builds) -> None:
    """Enter on its row asked `Resumes its stopped download (47% … kept)`, and `p` asked `Delete
    this partial download? … i on it resumes the download` and then kept it (`Kept …: another
    pytui process is downloading it now`): both read the row as stopped."""
    from pytui.app import decisions as d
    from pytui.app.install_decisions import decide_install

    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    part = _stopped_part(state, build, 470, 1000)
    part.path.parent.mkdir(parents=True, exist_ok=True)
    part.path.write_bytes(bytes(470))  # the question names a `.part` only while it is there
    state.set_disk(state.archives, state.installations, held_parts={part.name: DOWNLOADER})
    for pane, key in (("cached", build.cache_filename), ("available", build.key)):
        asked = decide_install(state, ViewModel(), pane, key, ask=True)
        assert isinstance(asked, d.Confirm), asked
        texts = [line.text for line in asked.lines]
        assert (f"Another pytui process is downloading it now (pid 42: pytui install 3.12; {part.name}.lock); "
                "47%, 470 B of it when listed: the install waits for that download and uses it, or resumes "
                "it if that process stops first") in texts, texts
        assert not any("stopped" in text for text in texts), texts
    refused = d.decide_purge(state, "cached", build.cache_filename)
    assert refused == d.Refuse(f"Kept {part.name}: another pytui process is downloading it now (pid 42: "
                               f"pytui install 3.12; {part.name}.lock); purge again once that download "
                               "ends.", severity="information",
                               title="Purge"), refused
    # Stopped (its lock let go): asked again as before.
    state.set_disk(state.archives, state.installations, held_parts={})
    assert d.decide_purge(state, "cached", build.cache_filename).title == "Delete this partial download?"
    asked = decide_install(state, ViewModel(), "cached", build.cache_filename, ask=True)
    assert any(line.text.startswith("Resumes its stopped download (47%, 470 B kept)") for line in asked.lines)


def test_available_shows_another_process_download_as_a_download(tmp_path, builds) -> None:
    """Available drew `◐ 47%` (a stopped download) where Cached says `↓ 47%`."""
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    part = _stopped_part(state, build, 470, 1000)
    vm = ViewModel()
    row = next(r for r in vm.available_rows(state) if r.build.key == build.key)
    assert (row.partial, row.progress) == (True, None)
    state.set_disk(state.archives, state.installations, held_parts={part.name: DOWNLOADER})
    row = next(r for r in vm.available_rows(state) if r.build.key == build.key)
    assert (row.partial, row.progress) == (False, 47)


def test_a_part_whose_holder_records_no_download_is_locked(tmp_path, builds) -> None:
    """A holder with no record of its own (a bare flock) or one that records a purge or a
    --no-cache install: `locked`, counted as such, and Available keeps its `◐` (nothing vouches
    for a download); it was `downloading` / `↓`."""
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    part = _stopped_part(state, build, 470, 1000)
    vm = ViewModel()
    for record in (None, "purge", "no-cache"):
        state.set_disk(state.archives, state.installations,
                       held_parts={part.name: PartHolder("pid 7: flock x", record)})
        row = next(r for r in vm.cache_rows(state) if r.name == build.cache_filename)
        assert (row.state, row.percent) == ("locked", 47), record
        cell = state_text(row)
        assert isinstance(cell, FormText) and (cell.plain, cell.short.plain) == ("locked 47%", "locked"), cell
        subtitle = vm.cached_subtitles(state, 1, 0, 0, 0, 1)[0]
        assert "1 locked" in subtitle and "downloading" not in subtitle and "partial" not in subtitle, subtitle
        available = next(r for r in vm.available_rows(state) if r.build.key == build.key)
        assert (available.partial, available.progress) == (True, None), record
        fields = dict(vm.details(state, "cached", build.cache_filename).fields)
        assert "is downloading" not in fields["download"], fields

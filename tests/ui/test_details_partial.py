"""Details of a build whose download was stopped (no Textual): the `.part` it left and what
becomes of it. After `c` a newcomer saw `◐ 47%` in Available and no word about it in Details."""

from __future__ import annotations

from pytui.app.view_model import ViewModel
from pytui.core.models import CachedArchive
from view_state import OTHER, a_download, a_state


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
    """A `.part` whose lock another process held when listed (`state.live_downloads`,
    core/cache_locks.live_downloads: `pytui cache list`'s `downloading 47%`): the Cached row
    said `partial 47%` and Details `stopped: i resumes it`."""
    state = a_state(tmp_path, *builds.values())
    build = builds[OTHER]
    part = _stopped_part(state, build, 470, 1000)
    state.set_disk(state.archives, state.installations, live_downloads=frozenset({part.name}))
    vm = ViewModel()
    row = next(r for r in vm.cache_rows(state) if r.name == build.cache_filename)
    assert (row.state, row.percent) == ("downloading", 47)
    fields = dict(vm.details(state, "cached", build.cache_filename).fields)
    assert fields["download"] == "47% downloaded (470 B) when listed: another process is downloading it now"
    assert "1 downloading" in vm.cached_subtitles(state, 1, 1, 0, 0)[0]
    # Its lock let go (the other process ended or was killed): a look at the locks lists again.
    assert state.live_downloads_changed(frozenset({part.name}), frozenset())
    assert not state.live_downloads_changed(frozenset({part.name}), frozenset({part.name}))
    # A look that began before another listing is not judged against it.
    assert not state.live_downloads_changed(frozenset(), frozenset())


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
    state.set_disk(state.archives, state.installations, live_downloads=frozenset({part.name}))
    for pane, key in (("cached", build.cache_filename), ("available", build.key)):
        asked = decide_install(state, ViewModel(), pane, key, ask=True)
        assert isinstance(asked, d.Confirm), asked
        texts = [line.text for line in asked.lines]
        assert ("Another process is downloading it now (47%, 470 B when listed): the install waits "
                "for that download and uses it, or resumes it if that process stops first") in texts, texts
        assert not any("stopped" in text for text in texts), texts
    refused = d.decide_purge(state, "cached", build.cache_filename)
    assert refused == d.Refuse(f"Kept {part.name}: another pytui process is downloading it now; "
                               "purge it once that download ends.", severity="information",
                               title="Purge"), refused
    # Stopped (its lock let go): asked again as before.
    state.set_disk(state.archives, state.installations, live_downloads=frozenset())
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
    state.set_disk(state.archives, state.installations, live_downloads=frozenset({part.name}))
    row = next(r for r in vm.available_rows(state) if r.build.key == build.key)
    assert (row.partial, row.progress) == (False, 47)

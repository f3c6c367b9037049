"""The Cached pane's short row labels (no Textual): at 80 columns the File column is gone and
the key is cut after its version, so two archives of one build read alike."""

from __future__ import annotations

from pytui.app.cached_labels import LABEL_CELLS, short_labels
from pytui.app.view_model import ViewModel
from pytui.core.models import CachedArchive
from view_state import OLD, a_cached_archive, a_state

TAIL = "-x86_64-unknown-linux-gnu-install_only.tar.gz"


def test_each_archive_of_one_version_says_what_tells_it_apart_in_one_word() -> None:
    names = [
        f"cc0aede5b-cpython-3.13.1-20250115{TAIL}",
        f"0123abcde-cpython-3.13.1-20241219{TAIL}",
        f"0123abcdf-cpython-3.13.1-20250212{TAIL}",  # a stopped download's final name
        "0123abcd0-cpython-3.13.1-20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz",
        f"4e3bf855b-cpython-3.12.8-20250115{TAIL}",
        "4e3bf855c-cpython-3.12.8-20250115-aarch64-unknown-linux-gnu-install_only.tar.gz",
        "4e3bf855d-cpython-3.13.1-20250115-x86_64-unknown-linux-gnu-freethreaded-install_only.tar.gz",
        f"none-cpython-3.11.9-20250115{TAIL}",
        "0badc0ffe-pypy3.10-v7.3.17-linux64.tar.bz2",
        "not-an-archive-name.tar.gz",
    ]
    assert short_labels(names) == [
        "3.13.1 cc0aede5b",  # its date and its flavor are each another's too: uv's hash prefix
        "3.13.1 20241219",
        "3.13.1 20250212",
        "3.13.1 stripped",
        "3.12.8 x86_64",
        "3.12.8 aarch64",
        "3.13.1t 20250115",  # free-threaded: another version label, alone of it
        "3.11.9 20250115",
        "pypy-3.10 7.3.17",
        "not-an-archive-…",  # no build in its name: its start
    ]
    # One word after the version: the Key column keeps 18 cells at 80 columns.
    assert all(len(label) <= 18 for label in short_labels(names))


def test_names_only_the_extension_tells_apart_say_it() -> None:
    names = [f"none-cpython-3.11.9-20250115{TAIL}",
             f"none-cpython-3.11.9-20250115{TAIL}".replace(".tar.gz", ".tar.zst")]
    assert short_labels(names) == ["3.11.9 tar.gz", "3.11.9 tar.zst"]


def test_names_nothing_else_tells_apart_say_where_they_differ() -> None:
    # A hostile name that once read as the same version (FULLWIDTH DIGIT ONE is a digit to
    # int()) is no build now that versions take ASCII digits only, as uv reads them: its label
    # is its name's start, apart from the build's.
    names = [f"none-cpython-3.11.9-20250115{TAIL}", f"none-cpython-3.１1.9-20250115{TAIL}"]
    assert short_labels(names) == ["3.11.9 20250115", "none-cpython-3.…"]
    # Two names that give no build and start alike say where they differ.
    names = [f"none-cpython-3.１1.9-20250115{TAIL}", f"none-cpython-3.１1.9-20250116{TAIL}"]
    labels = short_labels(names)
    assert len(set(labels)) == 2 and all("…" in label for label in labels), labels


def test_a_label_with_wide_characters_takes_no_more_cells_than_the_bound() -> None:
    # `…hon-3.１1.9-202…` was 16 characters and 17 cells (LABEL_CELLS counted characters): the
    # Key column, which never cuts a label, was a cell wider than the pane's layout allows.
    from rich.cells import cell_len

    names = ["ｍｙｓｔｅｒｙ-ａｂ.tar.gz",  # 10 characters, 19 cells: its start
             "ｍｙｓｔｅｒｙ-ｘ１.tar.gz", "ｍｙｓｔｅｒｙ-ｘ２.tar.gz",  # alike to the last
             "mystery-１２３４５６７８９.tar.gz", "mystery-１２３４５６７８0.tar.gz",
             f"none-cpython-3.１1.9-20250115{TAIL}", f"none-cpython-3.11.9-20250115{TAIL}"]
    labels = short_labels(names)
    assert all(cell_len(label) <= LABEL_CELLS for label in labels), labels
    assert len(set(labels)) == len(labels), labels
    assert labels[0] == "…ｓｔｅｒｙ-ａｂ"  # where it differs from `ｍｙｓｔｅｒｙ-ｘ１`
    assert short_labels([names[0]]) == ["ｍｙｓｔｅｒｙ-…"]  # alone: 7 wide, `-` and `…`


def test_names_that_say_no_build_are_told_apart_in_a_few_cells() -> None:
    # Each showed `—` as its key: at 80 columns (no File column) two such rows of one size read
    # `unknown  4.9 KiB  —` twice.
    names = ["mystery-a.tar.gz", "mystery-b.tar.gz.part", "mystery.zip", "mystery.tar.gz",
             f"cpython-3.13.1+20250115{TAIL}",  # a release asset under its GitHub name
             "python-3.13.1-linux-build-20250101.tar.gz", "python-3.13.1-linux-build-20250202.tar.gz",
             f"cc0aede5b-cpython-3.13.1-20250115{TAIL}"]
    labels = short_labels(names)
    assert labels == ["mystery-a", "mystery-b", "mystery.zip", "mystery.tar.gz", "cpython-3.13.1+…",
                      "…-20250101", "…-20250202", "3.13.1 20250115"]
    assert all(len(label) <= LABEL_CELLS for label in labels)


def test_every_label_is_unlike_the_others_even_for_names_alike_once_on_one_line() -> None:
    # A newline is shown as `\u2424` (a name is one line): these two are written alike.
    names = ["odd\nname.tar.gz", "odd\u2424name.tar.gz"]
    assert short_labels(names) == ["odd\u2424name.tar.gz #1", "odd\u2424name.tar.gz #2"]


def test_the_cached_rows_carry_their_labels(tmp_path, builds) -> None:
    # Two archives of one build, one of them a stopped download of another date: both read
    # `cpython-3.1…-li…` at 80 columns.
    state = a_state(tmp_path, *builds.values())
    archive = a_cached_archive(state, builds[OLD])
    older = archive.name.replace(builds[OLD].build or "", "20200101")
    assert older != archive.name
    state.archives.append(CachedArchive(state.settings.cache_dir / (older + ".part"), 10, None,
                                        state="partial"))
    rows = ViewModel().cache_rows(state)
    assert len(rows) == 2 and len({row.label for row in rows}) == 2
    assert sorted(row.label.split()[-1] for row in rows) == sorted(["20200101", builds[OLD].build])


def test_two_rows_whose_names_say_no_build_read_apart_in_the_key_column(tmp_path, builds) -> None:
    from pytui.widgets.cache_table import _cells

    state = a_state(tmp_path, *builds.values())
    for name in ("mystery-a.tar.gz", "mystery-b.tar.gz"):
        state.archives.append(CachedArchive(state.settings.cache_dir / name, 5000, None, state="unknown"))
    rows = ViewModel().cache_rows(state)
    assert [(row.build_key, row.label) for row in rows] == [(None, "mystery-a"), (None, "mystery-b")]
    # The Key cell says it (dim: no key) where `—` stood, so the File column is not needed.
    assert [_cells(row)[1][2].plain for row in rows] == ["mystery-a", "mystery-b"]


def _steps(names: list[str]) -> int:
    """The lines Python runs labelling `names` (an exact count, no clock)."""
    import sys

    from pytui.core.cache_names import parse_cache_name

    parse_cache_name.cache_clear()  # names parsed before would cost nothing: each count parses all
    count = 0

    def tracer(frame, event, arg):  # noqa: ANN001, ANN202 - sys.settrace's signature
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        short_labels(names)
    finally:
        sys.settrace(None)
    return count


def test_thousands_of_archives_of_one_version_are_labelled_in_linear_work() -> None:
    """Each row was compared with every other row of its version: 4,000 archives of one
    version took 4.8 s, paid on the UI thread on every job's progress and filter keystroke."""
    def names(count: int) -> list[str]:
        return [f"{index:09x}-cpython-3.13.1-20250115{TAIL}" for index in range(count)]

    labels = short_labels(names(3))
    assert labels == ["3.13.1 000000000", "3.13.1 000000001", "3.13.1 000000002"]
    # Twice the rows, about twice the work (it was four times).
    assert _steps(names(400)) < 2.5 * _steps(names(200))


def test_the_cached_rows_parse_each_file_name_once(tmp_path, monkeypatch) -> None:
    # Cached rows are made again on every job progress update: with thousands of archives,
    # parsing each name twice per listing (its key, its label) took half of it.
    import pytui.core.cache_names as cache_names

    parsed: list[str] = []
    real = cache_names.parse_archive_name

    def counting(name: str):  # noqa: ANN202 - whatever the real one returns
        parsed.append(name)
        return real(name)

    monkeypatch.setattr(cache_names, "parse_archive_name", counting)
    cache_names.parse_cache_name.cache_clear()
    state = a_state(tmp_path)
    names = [f"{index:09x}-cpython-3.13.{index % 7}-2025011{index % 5}{TAIL}" for index in range(300)]
    state.archives.extend(CachedArchive(state.settings.cache_dir / name, 10, None) for name in names)
    vm = ViewModel()
    for _update in range(3):
        assert len(vm.cache_rows(state)) == len(names)
    assert len(parsed) == len(names)

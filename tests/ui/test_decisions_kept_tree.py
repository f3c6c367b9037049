"""The install question names where the files come from: with the archive's unpacked tree kept
in the cache, the install links that tree (`link KEY from the tree kept in the cache`, as the
CLI says), and the question said "From the cached archive (18.4 MiB); no download." as if it
extracted the archive (newuser38, reinstalling a damaged install in tmux)."""

from __future__ import annotations

from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app.view_model import ViewModel
from view_state import NEW, a_cached_archive, a_state


def _source_lines(asked: object) -> list[str]:
    assert isinstance(asked, d.Confirm), asked
    return [line.text for line in asked.lines if line.text.startswith("From the ")]


def test_the_install_question_says_a_kept_tree_is_linked(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    archive = a_cached_archive(state, builds[NEW], size=19_296_287)
    plain = _source_lines(di.decide_install(state, ViewModel(), "available", builds[NEW].key, ask=True))
    assert plain == ["From the cached archive (18.4 MiB); no download."]
    archive.tree = True
    linked = _source_lines(di.decide_install(state, ViewModel(), "available", builds[NEW].key, ask=True))
    assert linked == ["From the unpacked tree kept in the cache (beside its 18.4 MiB archive): "
                      "linked, no download, no extraction."], linked


def test_with_trees_turned_off_the_question_says_the_archive_is_extracted(tmp_path, builds) -> None:
    """PYTUI_NO_TREES=1: the job extracts the cached archive and leaves the kept tree unused, so
    the question says the archive, not the tree (review38 saw it say 'linked')."""
    state = a_state(tmp_path, *builds.values())
    archive = a_cached_archive(state, builds[NEW], size=19_296_287)
    archive.tree = True
    state.settings.no_trees = True
    said = _source_lines(di.decide_install(state, ViewModel(), "available", builds[NEW].key, ask=True))
    assert said == ["From the cached archive (18.4 MiB); no download."], said

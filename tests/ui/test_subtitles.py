"""Pane subtitles (no Textual): a key named in one reads `key: what it does`, in every pane,
so `e` never reads as a count beside `0 interpreters`."""

from __future__ import annotations

import re

from pytui.app.subtitles import envs_subtitle, key_hint
from pytui.app.view_model import ViewModel
from view_state import a_state

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

"""Paths named in History and toast lines are written from `~`, as the panes write them
(widgets/format.home_shortened); a cancelled download's `.part` read `/root/.cache/…`."""

from __future__ import annotations

from pathlib import Path

from pytui.app.history import History
from pytui.widgets.format import home_shortened

HOME = Path("/home/me")


def test_each_path_under_the_home_is_written_from_tilde() -> None:
    said = "kept in /home/me/.cache/x.part for the next attempt; see /home/me (or /home/me/y)"
    assert home_shortened(said, HOME) == "kept in ~/.cache/x.part for the next attempt; see ~ (or ~/y)"
    assert home_shortened("PATH=/home/me/bin:/home/me/.local/bin", HOME) == "PATH=~/bin:~/.local/bin"


def test_only_a_path_that_starts_with_the_home_is_shortened() -> None:
    for said in ("/home/meg/x", "/srv/home/me/x", "file:///home/me/x", "/home/me.bak",
                 "run rm '/home/me/a b'", 'in "/home/me/x"'):  # a quoted path may be a command
        assert home_shortened(said, HOME) == said
    assert home_shortened("/x/y", Path("/")) == "/x/y"


def test_history_entries_and_the_log_problem_say_tilde(tmp_path: Path) -> None:
    history = History(None, home=tmp_path)
    entry = history.add("install", "x", "cancelled", f"kept in {tmp_path}/.cache/a.part")
    assert entry.message == "kept in ~/.cache/a.part"


def test_the_purge_previews_note_names_pipxs_shared_venv_from_tilde(tmp_path: Path) -> None:
    """Purge by rule → Outdated, when the install goes that pipx's shared libraries venv uses:
    the note named the venv as `/home/me/.local/share/pipx/shared` beside `kept …: used directly
    by 1 environment (~/code/.venv)`, and the uninstall question's `~/…`."""
    from pytui.app.purge_plan import OUTDATED, PurgePlan
    from pytui.app.purge_screen import _kept_text

    note = (f"pipx's shared libraries venv {HOME}/.local/share/pipx/shared uses cpython-3.12.7-x: "
            "pipx rebuilds it on its default Python at its next install or upgrade.")
    said = _kept_text(PurgePlan(OUTDATED, note=note), HOME)
    assert said == ("pipx's shared libraries venv ~/.local/share/pipx/shared uses cpython-3.12.7-x: "
                    "pipx rebuilds it on its default Python at its next install or upgrade."), said

"""Pilot tests at 80x24: a toast's rendered lines end between words, or after a `/` of a
path (Textual folds a word wider than the toast anywhere: `…/uv/main/crat` / `es/uv-python`)."""

from __future__ import annotations

import os
import socket
import sys

import pytest
from pytui.app.toast_text import short_url, shorten_urls, toast_text_width
from textual.geometry import Region
from textual.widgets._toast import Toast
from ui_helpers import HOST, UiWorld, open_purge_rules, ready, wait_for

SMALL = (80, 24)
BREAKS = "/-_+."


def _toast_lines(app, title: str) -> tuple[list[str], str]:
    """The rendered lines of the toast titled `title`, and the message it was given."""
    toast = next(t for t in app.screen.query(Toast) if t._notification.title == title)
    width, height = toast.region.size
    assert toast.size.width == toast_text_width(app.size.width)
    lines = [strip.text for strip in toast.render_lines(Region(0, 0, width, height))]
    return lines, toast._notification.message


def _said(app, title: str) -> str:
    """The text the toast titled `title` was given (its paths from `~`), its URLs shortened."""
    return shorten_urls(next(said for shown, said in app._toasts if shown.title == title))


def _assert_no_word_cut(lines: list[str], title: str, message: str, said: str) -> None:
    """Each word on screen is a word of the title or the message as given (which breaks a
    long path only after a `/` or a `-`): a word Textual folded would be neither. The message
    is `said` with line breaks: at its spaces (pytui wraps a toast itself) or, inside a word,
    after one of BREAKS."""
    words = set(title.split()) | set(message.split())
    shown = [word for line in lines for word in line.replace("▌", " ").split()]
    assert shown, lines
    assert set(shown) <= words, (set(shown) - words, lines)
    at = 0
    for index, char in enumerate(message):
        if char == "\n" and said[at:at + 1].isspace():
            while said[at:at + 1].isspace():
                at += 1
        elif char == "\n":
            assert message[index - 1] in BREAKS, message[:index]
        else:
            assert said[at:at + 1] == char, (message[:index + 1], said)
            at += 1
    assert at == len(said), (message, said)


async def _wait_toast(pilot, app, title: str) -> None:
    await wait_for(pilot, lambda: any(t._notification.title == title
                                      for t in app.screen.query(Toast)), what=title)
    await pilot.pause()


@pytest.mark.parametrize("size", [SMALL, (120, 36)])
async def test_y_on_an_available_row_names_host_and_file(ui_world: UiWorld, size) -> None:
    app = ui_world.make_app()
    url = ui_world.build("3.13.1").url
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("y")
        title = "Copied the download URL (y)"
        await _wait_toast(pilot, app, title)
        lines, message = _toast_lines(app, title)
        _assert_no_word_cut(lines, title, message, _said(app, title))
        assert app.clipboard == url
        assert "".join(message.split()).startswith("".join(short_url(url).split()))
        # The whole URL in History.
        assert app.history.entries[-1].message == url


async def test_y_on_an_install_shows_its_path_cut_after_a_slash(ui_world: UiWorld) -> None:
    executable = ui_world.installed_dir("3.11.11") / "bin" / "python3.11"
    executable.parent.mkdir(parents=True)
    executable.symlink_to(os.path.realpath(sys.executable))
    (ui_world.installed_dir("3.11.11") / "BUILD").write_text(ui_world.build("3.11.11").build or "")
    app = ui_world.make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("3", "y")
        title = "Copied the install dir (y)"
        await _wait_toast(pilot, app, title)
        lines, message = _toast_lines(app, title)
        _assert_no_word_cut(lines, title, message, _said(app, title))
        assert "".join(message.split("\n")) == str(ui_world.installed_dir("3.11.11"))


async def test_a_failed_refresh_names_the_catalog_by_host_and_file(tmp_path) -> None:
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings

    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/astral-sh/uv/main/crates/uv-python/download-metadata.json"
    app = make_app(Settings.resolve(catalog_url=url), host=HOST, refresh=True, show_eta=False)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any("could not refresh" in entry.message
                                          for entry in app.history.entries), what="the failure")
        await _wait_toast(pilot, app, "Catalog")
        lines, message = _toast_lines(app, "Catalog")
        _assert_no_word_cut(lines, "Catalog", message, _said(app, "Catalog"))
        assert f"127.0.0.1:{port}/…/download-metadata.json" in message.replace("\n", "") and url not in message
        # History keeps the whole line, the whole URL in it.
        assert url in app.history.entries[-1].message


async def test_a_toast_is_worded_again_when_the_screen_narrows(ui_world: UiWorld) -> None:
    # Worded for 120 columns, the path's pieces were wider than the toast at 80, and Textual
    # folded one inside a name.
    path = "/home/someone/.local/share/uv/python/cpython-3.12.8-linux-x86_64-gnu/lib/python3.12"
    title = "A long path"
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        app.notify(f"cannot write {path}: denied", title=title, timeout=600, markup=False)
        await _wait_toast(pilot, app, title)
        wide, _message = _toast_lines(app, title)
        await pilot.resize_terminal(*SMALL)
        await wait_for(pilot, lambda: next(t for t in app.screen.query(Toast)
                                           if t._notification.title == title).size.width
                       == toast_text_width(SMALL[0]), what="the toast at 80 columns")
        await pilot.pause()
        lines, message = _toast_lines(app, title)
        _assert_no_word_cut(lines, title, message, _said(app, title))
        assert len(lines) > len(wide)
        assert _said(app, title) == f"cannot write {path}: denied"


def _toasts(app) -> list[Toast]:
    return list(app.screen.query(Toast))


async def test_no_toast_covers_a_dialogs_buttons_at_80x24(ui_world: UiWorld) -> None:
    """A toast on screen (a copy's, a finished job's) sat on the purge dialog's Purge/Cancel
    until it faded. It goes when the dialog opens (History keeps it); one raised while the
    dialog asks waits, and shows once the dialog closed."""
    from pytui.app.purge_screen import PurgeRulesModal
    from textual.widgets import Button

    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("2", "y")
        title = "Copied the archive path (y)"
        await _wait_toast(pilot, app, title)
        await open_purge_rules(pilot)
        await pilot.pause()
        assert not _toasts(app) and not list(app._notifications)
        # Nor does the screen below keep drawing it around the dialog.
        await wait_for(pilot, lambda: not list(app.screen_stack[0].query(Toast)),
                       what="the toast gone below the dialog")
        assert app.history.entries[-1].title == "archive path"  # what the toast said is kept
        app.notify("cpython-3.13.1-linux-x86_64-gnu", title="Installed")
        await pilot.pause()
        assert not _toasts(app) and not list(app._notifications)
        buttons = [button.region for button in app.screen.query(Button)]
        assert buttons and all(region.bottom <= SMALL[1] for region in buttons)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PurgeRulesModal), what="closed")
        await _wait_toast(pilot, app, "Installed")
        assert [t._notification.title for t in _toasts(app)] == ["Installed"]


async def test_a_toast_raised_while_a_question_asks_waits_for_the_answer(ui_world: UiWorld) -> None:
    from pytui.app.screens import ConfirmModal

    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("2", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        app.notify("the catalog was refreshed", title="Catalog")
        await pilot.pause()
        assert not _toasts(app)
        await pilot.press("n")
        await _wait_toast(pilot, app, "Catalog")


async def test_a_questions_news_stays_below_its_lines_when_a_status_line_changes(
        ui_world: UiWorld) -> None:
    from pytui.app.screens import ConfirmModal

    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await pilot.press("2", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        modal._changed_under_yes()
        title, lines = modal.question
        modal.ask_again(title, [*lines, "a status line"], changed=False)
        await pilot.pause()
        order = [child.id or ("line" if child.has_class("dialog-line") else "")
                 for child in modal.query_one(".confirm-dialog").children]
        assert order.count("line") == len(lines) + 1
        assert order.index("dialog-news") > max(i for i, name in enumerate(order) if name == "line")


async def test_no_toast_covers_the_history_or_the_help(ui_world: UiWorld) -> None:
    """At 80x24 a job's toast covered History's newest lines, the ones it points to."""
    from pytui.app.screens import HelpScreen, HistoryScreen

    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await ready(pilot)
        for key, screen_type in (("H", HistoryScreen), ("question_mark", HelpScreen)):
            await pilot.press("2", "y")
            await _wait_toast(pilot, app, "Copied the archive path (y)")
            await pilot.press(key)
            await wait_for(pilot, lambda t=screen_type: isinstance(app.screen, t), what=key)
            await pilot.pause()
            assert not _toasts(app) and not list(app._notifications)
            await pilot.press("escape")
            await wait_for(pilot, lambda t=screen_type: not isinstance(app.screen, t),
                           what="closed")


FREED = ("cpython-3.10.16-linux-x86_64-gnu (python3.10), 55.6 KiB freed; 97.9 KiB stay in "
         "the cache's kept tree")


@pytest.mark.parametrize("size", [SMALL, (40, 24)])
async def test_a_size_stays_whole_on_a_toasts_line(ui_world: UiWorld, size) -> None:
    # Textual wraps at any space, a no-break one too: the uninstall toast read `…; 97.9` /
    # `KiB stay in the cache's kept tree` at 80 and at 40 columns.
    app = ui_world.make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        app.notify(FREED, title="Uninstalled", timeout=600, markup=False)
        await _wait_toast(pilot, app, "Uninstalled")
        lines, message = _toast_lines(app, "Uninstalled")
        _assert_no_word_cut(lines, "Uninstalled", message, _said(app, "Uninstalled"))
        for whole in ("55.6 KiB", "97.9 KiB"):
            assert any(whole in line for line in lines), lines

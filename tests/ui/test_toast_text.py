"""The wording rules of a toast (app/toast_text.py), without Textual."""

from __future__ import annotations

from pytui.app.toast_text import (
    break_long_words,
    copied_message,
    short_url,
    shorten_urls,
    toast_message,
    toast_text_width,
    wrap_whole_sizes,
)

URL = ("https://github.com/astral-sh/python-build-standalone/releases/download/20250115/"
       "cpython-3.12.8%2B20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz")
NAME = "cpython-3.12.8+20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"


def test_a_toast_gets_half_the_screen_up_to_textuals_width() -> None:
    assert toast_text_width(80) == 36
    assert toast_text_width(120) == 56
    assert toast_text_width(200) == 57
    # The rack's scrollbar is two cells: Textual's toast text is 36 cells at 81 columns. Under
    # 60 columns the rack has none (app.tcss): 37 at 40 (35 when the panes showed through it).
    assert toast_text_width(81) == 36
    assert toast_text_width(40) == 37


def test_a_url_is_its_host_and_its_unquoted_file_name() -> None:
    assert short_url(URL) == f"github.com/…/{NAME}"
    assert short_url("http://127.0.0.1:8123/catalog.json") == "127.0.0.1:8123/catalog.json"
    assert short_url("https://user:secret@example.org/a/b.json") == "example.org/…/b.json"
    assert short_url("not a url") == "not a url"


def test_a_url_in_a_sentence_keeps_the_sentence_punctuation() -> None:
    said = shorten_urls("could not refresh from https://example.org/uv/main/download.json: "
                        "refused (see https://example.org/a/b.txt).")
    assert said == ("could not refresh from example.org/…/download.json: refused "
                    "(see example.org/…/b.txt).")


def test_a_long_word_breaks_after_a_slash_into_lines_of_its_own() -> None:
    path = "/home/someone/.cache/pytui/python/cpython-3.12.8-linux-x86_64-gnu/bin/python3.12"
    said = break_long_words(f"cannot write {path}: denied", 37)
    pieces = said.split("\n")
    assert "".join(pieces) == f"cannot write {path}: denied"
    assert all(len(word) <= 37 for word in said.split())
    assert all(piece.endswith("/") for piece in pieces[:-1])


def test_a_file_name_without_a_slash_breaks_after_a_dash() -> None:
    pieces = break_long_words(NAME, 37).split("\n")
    assert "".join(pieces) == NAME
    assert all(len(piece) <= 37 and piece[-1] in "-_+." for piece in pieces[:-1])


def test_short_words_are_left_as_they_are() -> None:
    line = "Cache verified: 1 archive ok"
    assert toast_message(line, 80) == line


def test_the_copied_url_names_host_and_file_and_where_the_whole_url_is() -> None:
    said = copied_message(URL)
    assert said.startswith(f"github.com/…/{NAME} ")
    assert "clipboard" in said and "History" in said
    assert copied_message("/home/someone/python") == "/home/someone/python"


def test_a_wide_word_is_cut_by_cells_after_a_slash() -> None:
    """A CJK path's pieces fit the toast in cells (each character two), and each ends after a
    `/`: counted by characters they were twice as wide, and Textual folded them mid-name."""
    from rich.cells import cell_len

    path = "/home/用户/项目/很长的目录名字/虚拟环境/另一个很长的目录/bin/python3.12"
    lines = break_long_words(path, 20).split("\n")
    assert "".join(lines) == path
    assert all(cell_len(line) <= 20 for line in lines), lines
    assert all(line.endswith("/") for line in lines[:-1]), lines


def test_a_toast_is_wrapped_at_spaces_never_inside_a_size() -> None:
    said = ("cpython-3.10.16-linux-x86_64-gnu (python3.10), 55.6 KiB freed; 97.9 KiB stay in "
            "the cache's kept tree, at 1.2 MiB/s (512 B)")
    for width in (20, 36, 56):
        lines = toast_message(said, width * 2 + 7).split("\n")
        assert all(len(line) <= toast_text_width(width * 2 + 7) for line in lines), lines
        assert " ".join(lines) == said
        for whole in ("55.6 KiB", "97.9 KiB", "1.2 MiB/s", "(512 B)"):
            assert any(whole in line for line in lines), (whole, lines)


def test_a_size_wider_than_the_line_breaks_at_its_space() -> None:
    assert wrap_whole_sizes("x 1023.9 KiB", 7) == "x\n1023.9\nKiB"
    assert wrap_whole_sizes("5 Builds here", 8) == "5 Builds\nhere"

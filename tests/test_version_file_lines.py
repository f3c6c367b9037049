"""core/env_files.version_file_lines reads a version file's requests as uv does (version_files.rs:
`str::lines`, then Rust's trim): a line ends at `\\n` only. Python's `splitlines` also ended one at
a form feed, NEL or U+2028, so `3.13\\x0c3.12` was two requests to pytui and none to uv."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pytui.core.env_files import PIN_TEXT_MAX, parse_pin, version_file_lines
from pytui.core.keys import RUST_WHITESPACE

# A request's text: anything on one line, odd line ends of other systems included.
_TEXT = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=40)
_REQUEST = _TEXT.map(lambda text: text.strip(RUST_WHITESPACE)).filter(
    lambda text: bool(text) and not text.startswith("#"))
_FILLER = st.sampled_from(["", "   ", "# a comment", " \t# indented comment", "\r"])
_END = st.sampled_from(["\n", "\r\n"])


@given(st.lists(st.tuples(st.lists(_FILLER, max_size=2), _REQUEST, _END), max_size=6))
def test_requests_come_back_whole_whatever_they_hold(lines: list[tuple[list[str], str, str]]) -> None:
    data = "".join("".join(f + "\n" for f in filler) + f"  {request} " + end
                   for filler, request, end in lines).encode()
    assert list(version_file_lines(data)) == [request for _, request, _ in lines]


def test_only_a_newline_ends_a_line() -> None:
    for end in ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
        assert list(version_file_lines(f"3.12{end}3.11\n3.10\n".encode())) == [f"3.12{end}3.11", "3.10"]
    assert list(version_file_lines(b"# pin\r\n\r\n 3.12 \r\n")) == ["3.12"]
    assert parse_pin(b"#\x0c3.11\n3.12\n") == "3.12"  # a comment to uv, whole


def test_a_long_line_is_one_request_whole_not_its_first_200_characters(tmp_path) -> None:
    """Cut at PIN_TEXT_MAX, a 201-character line asked for something else: `>=3.0,` + spaces +
    `==3.12.10` (PEP 440 allows the spaces) was read `>=3.0,==3.12.1` by `pytui install` (uv,
    which cuts nothing, installs 3.12.10). The environment scan's pin keeps its bound."""
    from pytui.core.requests import PythonRequest
    from pytui.core.version_file import version_requests

    line = ">=3.0," + " " * (PIN_TEXT_MAX - 6 - 8) + "==3.12.10"
    (tmp_path / ".python-version").write_text(line + "\n")
    [text] = version_requests(tmp_path / ".python-version")
    assert text == line
    assert str(PythonRequest.parse(text)).endswith("==3.12.10"), PythonRequest.parse(text)
    assert parse_pin(line.encode()) == line[:PIN_TEXT_MAX]

"""Property tests of what the downloader parses from outside: the state beside a `.part` and the
range headers a server sends. Any input gives a result or None, never an exception."""

from __future__ import annotations

import json
import re

from hypothesis import example, given
from hypothesis import strategies as st
from pytui.core.download_body import _load_state, clean_validator, validate_part_state
from pytui.core.download_response import content_range as _content_range
from pytui.core.download_response import unsatisfied_total as _unsatisfied_total

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=6),
    max_leaves=20,
)
FIELDS = st.fixed_dictionaries({}, optional={
    "url": JSON, "etag": JSON, "last_modified": JSON, "total": JSON, "sha256": JSON})


@given(st.one_of(JSON, FIELDS))
def test_any_state_is_accepted_with_the_right_types_or_refused(doc: object) -> None:
    state = validate_part_state(doc)
    if state is None:
        return
    for name in ("url", "etag", "last_modified"):
        value = state[name]
        assert value is None or (isinstance(value, str) and value.isascii() and value.isprintable())
    assert state["total"] is None or (type(state["total"]) is int and state["total"] >= 0)
    assert state["sha256"] is None or len(state["sha256"]) == 64


@given(st.binary(max_size=300))
def test_any_bytes_in_the_state_file_load_or_are_refused(tmp_path_factory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("state") / "a.part.json"
    path.write_bytes(raw)
    state, bad = _load_state(path)
    assert (state is None) == bad or state is None
    if state is not None:
        assert validate_part_state(json.loads(raw)) == state


@given(st.text(max_size=60))
def test_range_headers_parse_or_are_none(text: str) -> None:
    span = _content_range(text)
    assert span is None or all(isinstance(n, int) for n in span[:2])
    total = _unsatisfied_total(text)
    assert total is None or isinstance(total, int)
    assert clean_validator(text) in (None, text)


# What a Content-Range reads as: ASCII digits of at most 19 (int() would also take `1_0`, `+1`,
# ` 1` and `１`, and raise past 4300 digits).
_RANGE = re.compile(r"bytes ([0-9]{1,19})-([0-9]{1,19})/([0-9]{1,19}|\*|)")
_RANGE_PIECES = ["bytes ", "bytes */", "0", "9", "12", "-", "/", "*", " ", "_", "+", "1_0", "+1",
                 "\uff11", "\u0661", "\u00b2", "9" * 19, "9" * 20, "1" * 4400]


@given(st.lists(st.sampled_from(_RANGE_PIECES), max_size=7).map("".join))
@example("bytes 0-0")  # no `/`: once read as (0, 0, None)
def test_a_range_is_read_from_ascii_digits_only(text: str) -> None:
    match = _RANGE.fullmatch(text)
    expected = (int(match[1]), int(match[2]), int(match[3]) if match[3] not in ("", "*") else None) \
        if match else None
    assert _content_range(text) == expected, repr(text)
    total = text[len("bytes */"):] if text.startswith("bytes */") else ""
    assert _unsatisfied_total(text) == (int(total) if re.fullmatch(r"[0-9]{1,19}", total) else None)


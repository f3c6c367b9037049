"""Property tests of the tar reader (Hypothesis): any bytes give a result or one clean error.

No traceback, no hang, nothing written outside the stage — for any 512-byte block, any pax
body, and any byte string extracted as a tar. Examples are bounded (a few seconds in all) and
derandomized, so the suite is the same on every run; blocks are built both from raw bytes and
from header-shaped parts with a correct checksum, so the field parsers are reached, not just
the checksum test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from hostile_archives import END, base256, octal, padded, pax_record, tar_header
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core.errors import ExtractError
from pytui.core.extract import extract_archive
from pytui.core.tar_headers import MAX_MEMBER_SIZE, HeaderError, parse_header, parse_pax
from test_hostile_archives import HANG_LIMIT, within

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)
SLOW = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TYPES = [b"0", b"\0", b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"L", b"K", b"x", b"g", b"S", b"V", b"Z"]

size_fields = st.one_of(
    st.integers(0, 1 << 20).map(octal),
    st.integers(-(1 << 87), 1 << 87).map(base256),
    st.binary(min_size=12, max_size=12),
)
names = st.one_of(
    st.sampled_from(["python/a", "python/", "python/../x", "/etc/x", "python/l", "python//./b", ".", ""]),
    st.text(max_size=120).map(lambda t: t.replace("\0", "")),
)


@st.composite
def header_blocks(draw: st.DrawFn) -> bytes:
    """A header with plausible parts and a correct checksum (or, sometimes, raw bytes)."""
    if draw(st.booleans()):
        return draw(st.binary(min_size=512, max_size=512))
    return tar_header(draw(names).encode("utf-8", "surrogateescape")[:100], type_flag=draw(st.sampled_from(TYPES)),
                      size_field=draw(size_fields), link=draw(st.sampled_from(["", "a", "..", "../..", "/x", "l"])))


@st.composite
def pax_bodies(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    records = draw(st.lists(st.tuples(st.sampled_from(["path", "linkpath", "size", "mtime", "GNU.sparse.x", ""]),
                                      st.binary(max_size=40)), max_size=5))
    body = b"".join(pax_record(key, value) for key, value in records)
    if draw(st.booleans()) and body:
        cut = draw(st.integers(0, len(body) - 1))
        body = body[:cut] + draw(st.binary(max_size=8)) + body[cut + 1:]
    return body


@FAST
@given(header_blocks())
def test_any_header_block_parses_or_is_refused(block: bytes) -> None:
    try:
        header = parse_header(block)
    except HeaderError as err:
        assert err.reason and "\n" not in err.reason
        return
    assert 0 <= header.size <= MAX_MEMBER_SIZE


@FAST
@given(st.binary(max_size=600))
def test_any_length_of_bytes_is_a_header_or_an_error(data: bytes) -> None:
    with contextlib.suppress(HeaderError):
        parse_header(data)


@FAST
@given(pax_bodies())
def test_any_pax_body_parses_or_is_refused(body: bytes) -> None:
    try:
        records = parse_pax(body)
    except HeaderError as err:
        assert err.reason and "\n" not in err.reason
        return
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in records.items())


@st.composite
def tar_streams(draw: st.DrawFn) -> bytes:
    """A sequence of members built from hostile parts, sometimes cut or followed by garbage."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=3000))
    out = b""
    for _ in range(draw(st.integers(1, 5))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            out += draw(header_blocks())
            out += padded(draw(st.binary(max_size=700)))
        elif choice == 1:
            body = draw(pax_bodies())
            out += tar_header("././@PaxHeader", type_flag=draw(st.sampled_from([b"x", b"g"])), size=len(body))
            out += padded(body)
        elif choice == 2:
            body = draw(st.binary(max_size=200))
            out += tar_header("././@LongLink", type_flag=draw(st.sampled_from([b"L", b"K"])), size=len(body))
            out += padded(body)
        else:
            data = draw(st.binary(max_size=600))
            out += tar_header(draw(names).encode("utf-8", "surrogateescape")[:100], size=len(data)) + padded(data)
    if draw(st.booleans()):
        out += END
    if draw(st.booleans()):
        out = out[:draw(st.integers(0, len(out)))]
    return out


@SLOW
@given(tar_streams())
def test_any_byte_string_extracts_or_is_one_clean_error(data: bytes) -> None:
    base = Path(tempfile.mkdtemp(prefix="pytui-prop-"))
    try:
        archive = base / "any.tar"
        archive.write_bytes(data)
        stage = base / "stage"
        try:
            within(HANG_LIMIT, lambda: extract_archive(archive, stage))
        except ExtractError as err:
            assert "\n" not in str(err) and "any.tar" in str(err)
        assert sorted(os.listdir(base)) == ["any.tar", "stage"]
        for path in stage.rglob("*"):
            if path.is_symlink():
                try:
                    resolved = path.resolve()
                except (RuntimeError, OSError):
                    continue
                assert resolved == stage or stage in resolved.parents
    finally:
        shutil.rmtree(base)

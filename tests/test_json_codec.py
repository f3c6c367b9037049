"""core/json_codec.py reads and writes JSON as the json package does, without importing it:
the same value for every document, the same error for every text that is not one (json's own,
raised by json), the same text written."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytui.core import json_codec

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text())
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(), inner, max_size=4)),
                       max_leaves=20)
_SPACES = st.text(" \t\n\r", max_size=3)


def _same(text: str | bytes, **kwargs: object) -> None:
    """json_codec.loads gives what json.loads gives: the value, or an error of the same type
    and message."""
    try:
        expected = json.loads(text, **kwargs)  # type: ignore[arg-type]  # why: parse_float only
    except (ValueError, RecursionError, TypeError) as err:
        with pytest.raises(type(err)) as got:
            json_codec.loads(text, **kwargs)  # type: ignore[arg-type]  # why: parse_float only
        assert str(got.value) == str(err)
        return
    assert repr(json_codec.loads(text, **kwargs)) == repr(expected)  # type: ignore[arg-type]  # why: parse_float only


@given(_VALUES, _SPACES, _SPACES, st.booleans())
def test_every_document_reads_as_json_reads_it(value: object, before: str, after: str, as_bytes: bool) -> None:
    text = before + json.dumps(value, ensure_ascii=False) + after
    _same(text.encode("utf-8", "surrogatepass") if as_bytes else text)


@given(st.one_of(st.text(max_size=40), st.binary(max_size=40),
                 st.lists(st.sampled_from(['{', '}', '[', ']', '"a"', ':', ',', '1', '1.5', 'NaN', '-Infinity',
                                           'true', 'null', ' ', '\ufeff', '"\\ud800"', '"\\u00e9"', 'x']),
                          max_size=12).map("".join)))
def test_every_other_text_fails_or_reads_as_in_json(text: str | bytes) -> None:
    _same(text)


@pytest.mark.parametrize("text", [b"\xef\xbb\xbf{}", '\ufeff{}', "{}".encode("utf-16"), "[1]".encode("utf-32-le"),
                                  b'["\xed\xa0\x80"]', b'"\xff"', "[" * 100_000, "{} {}", "", "  "])
def test_byte_order_marks_other_encodings_and_errors_are_json_s(text: str | bytes) -> None:
    _same(text)


def test_parse_float_is_called_as_json_calls_it() -> None:
    seen: list[str] = []
    assert json_codec.loads('[1.5, 2, "3.5", 1e3]', parse_float=lambda s: seen.append(s) or 0.0) == [0.0, 2, "3.5", 0.0]
    assert seen == ["1.5", "1e3"]
    assert math.isnan(json_codec.loads("NaN"))  # type: ignore[arg-type]  # why: a float


@given(_VALUES, st.sampled_from([(", ", ": "), (",", ":"), (",\n    ", ": ")]), st.booleans(), st.booleans())
def test_every_value_is_written_as_json_writes_it(value: object, separators: tuple[str, str], sort_keys: bool,
                                                   ensure_ascii: bool) -> None:
    try:
        expected = json.dumps(value, separators=separators, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    except TypeError as err:  # keys of different types sorted
        with pytest.raises(TypeError):
            json_codec.dumps(value, separators=separators, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
        assert err
        return
    assert json_codec.dumps(value, separators=separators, sort_keys=sort_keys, ensure_ascii=ensure_ascii) == expected


def test_what_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    for value in ({"a": {1, 2}}, [object()], {(1, 2): 3}):
        with pytest.raises(TypeError) as theirs:
            json.dumps(value)
        with pytest.raises(TypeError) as ours:
            json_codec.dumps(value)
        assert type(ours.value) is type(theirs.value)


def test_a_process_without_json_reads_documents_and_errors_without_importing_it_until_an_error() -> None:
    """Where json was never imported, the C scanner cannot raise its error (Python 3.11 raised
    a SystemError): the error is json's, and a document read imports no json at all."""
    import subprocess
    import sys

    code = ("import sys\nfrom pytui.core import json_codec\n"
            "assert json_codec.loads(b'{\"a\": [1, 2.5, null]}') == {'a': [1, 2.5, None]}\n"
            "assert json_codec.dumps({'b': 1, 'a': 'x'}, sort_keys=True) == '{\"a\": \"x\", \"b\": 1}'\n"
            "assert 'json' not in sys.modules, sorted(m for m in sys.modules if 'json' in m)\n"
            "try:\n    json_codec.loads('{\"a\" 1}')\nexcept ValueError as err:\n"
            "    print(type(err).__name__, err)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "JSONDecodeError Expecting ':' delimiter: line 1 column 6 (char 5)"


def test_a_json_module_of_another_shape_leaves_the_work_to_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """A later Python whose `_json` wants other arguments: json reads and writes, no error."""
    import types

    def other(*_args: object) -> object:
        raise TypeError("make_* takes other arguments")

    monkeypatch.setattr(json_codec, "_json", types.SimpleNamespace(make_scanner=other, make_encoder=other))
    assert json_codec.loads('{"a": [1, 2.5]}') == {"a": [1, 2.5]}
    assert json_codec.dumps({"b": 1, "a": "x"}, sort_keys=True) == '{"a": "x", "b": 1}'


def test_a_string_is_written_as_json_writes_it_without_importing_json() -> None:
    """A lone string (the parsed-catalog cache's stamp, written and read on the way to the
    first screen) went to json.dumps, and importing json compiles six regular expressions."""
    import subprocess
    import sys

    texts = ["stamp", "ü \n\t\"\\ \x00 \u2028 😀", ""]
    code = ("import sys\nfrom pytui.core import json_codec\n"
            f"for text in {texts!r}:\n"
            "    print(ascii(json_codec.dumps(text)), ascii(json_codec.dumps(text, ensure_ascii=False)))\n"
            "print('json' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = [f"{ascii(json.dumps(text))} {ascii(json.dumps(text, ensure_ascii=False))}" for text in texts]
    assert done.stdout.splitlines() == [*expected, "False"]

"""JSON read and written by the C scanner and encoder the `json` package itself runs, without
importing that package: its import compiles six regular expressions, ~2 ms of a ~85 ms install
from a kept tree, which reads three JSON documents (the parsed-catalog entry, the manifest, the
kept sysconfig data) and writes one (the sysconfig data), all through here.

`loads` gives what `json.loads` gives for every input: a document the C scanner reads whole is
returned as it read it; anything else (malformed, extra data, a byte order mark, bytes not in
UTF-8) is handed to `json.loads`, which raises its own error (or reads what it accepts). Where
CPython's `_json` is missing or differs, both functions are `json`'s.
"""

from __future__ import annotations

from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

# json's white space (`json.decoder.WHITESPACE`).
_SPACE = " \t\n\r"
_CONSTANTS = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}

try:
    import _json
except ImportError:  # (not CPython)
    _json = None  # type: ignore[assignment]  # why: another interpreter; json does the work


class _Decoding:
    """What `_json.make_scanner` reads from a `json.JSONDecoder`: json's defaults."""

    __slots__ = ("memo", "object_hook", "object_pairs_hook", "parse_constant", "parse_float", "parse_int",
                 "strict")

    def __init__(self, parse_float: Callable[[str], object] | None) -> None:
        self.strict = True
        self.object_hook = None
        self.object_pairs_hook = None
        self.parse_float = parse_float or float
        self.parse_int = int
        self.parse_constant = _CONSTANTS.__getitem__
        self.memo: dict[str, str] = {}


def _json_loads(data: str | bytes, parse_float: Callable[[str], object] | None) -> object:
    import json

    return json.loads(data, parse_float=parse_float)


def loads(data: str | bytes, *, parse_float: Callable[[str], object] | None = None) -> object:
    """`json.loads(data, parse_float=parse_float)`."""
    if _json is None:
        return _json_loads(data, parse_float)
    text = data
    if isinstance(data, (bytes, bytearray)):
        # json reads UTF-16 and UTF-32 too (a NUL in the first four bytes) and refuses a BOM:
        # both are left to it. `surrogatepass`, as json decodes.
        if b"\x00" in data[:4] or data[:3] == b"\xef\xbb\xbf":
            return _json_loads(data, parse_float)
        try:
            text = data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return _json_loads(data, parse_float)
    if not isinstance(text, str) or text.startswith("\ufeff"):
        return _json_loads(data, parse_float)
    start = len(text) - len(text.lstrip(_SPACE))
    try:
        scan = _json.make_scanner(_Decoding(parse_float))  # type: ignore[arg-type]  # why: the stub wants a JSONDecoder; it reads these attributes
    except (TypeError, AttributeError):  # a `_json` that wants more than json 3.10-3.13 gives it
        return _json_loads(data, parse_float)
    try:
        value, end = scan(text, start)
    except (StopIteration, SystemError):
        # Malformed: json says where, in its words. (Python 3.11's scanner raises its
        # JSONDecodeError only when json.decoder is imported, a SystemError otherwise.)
        return _json_loads(data, parse_float)
    if text[end:].strip(_SPACE):
        return _json_loads(data, parse_float)  # extra data after the document
    return value


def _not_serializable(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: object, *, separators: tuple[str, str] = (", ", ": "), sort_keys: bool = False,
          ensure_ascii: bool = True) -> str:
    """`json.dumps(value, separators=separators, sort_keys=sort_keys, ensure_ascii=ensure_ascii)`
    (no indent: with one json runs its pure-Python encoder; call json for that)."""
    encode = None
    if _json is not None and isinstance(value, str):
        # What json.JSONEncoder.encode does with a string (the parsed-catalog cache's stamp,
        # read on the way to the first screen: `json`'s import compiles six expressions).
        return (_json.encode_basestring_ascii if ensure_ascii else _json.encode_basestring)(value)
    if _json is not None:
        item_separator, key_separator = separators
        try:
            encode = _json.make_encoder({}, _not_serializable,
                                        _json.encode_basestring_ascii if ensure_ascii else _json.encode_basestring,
                                        None, key_separator, item_separator, sort_keys, False, True)
        except (TypeError, AttributeError):  # a `_json` that wants other arguments than 3.10-3.13's
            encode = None
    if encode is None:
        import json

        return json.dumps(value, separators=separators, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    return "".join(encode(value, 0))

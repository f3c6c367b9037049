"""Bounds on what decoding a JSON document costs, checked before or while it is decoded.

A file's size bounds its bytes, not its decoded objects: an empty array is 3 bytes of JSON
(`[],`) and ~64 as a Python list, a float 4 (`1e5,`) and 32, so 42 MB of arrays took 1.2 GB to
decode. pytui's JSON inputs (uv's catalog, a tree's manifest, a mirror's download-metadata.json)
hold few arrays and objects for their size and no floats; more than these bounds is refused.
(Short strings and ints are not bounded here: `"ab",` decodes to ~13.5x its JSON and `1000,`
to ~7x, measured, so a catalog near its 256 MiB size bound could take some GB. Counting
values would refuse compact real catalogs long before it bounded that: ~16 bytes a value
in uv's catalog written compact, less from a mirror with short URLs. A catalog large enough to
be decoded entry by entry bounds each entry instead: core/catalog_parse.MAX_ENTRY_CHARS.
pytui's own state files, the envs scan's, hold few values for their size: `decode_cost`
estimates what one costs decoded, and core/env_quick_state and core/env_state refuse one past
a few times its size.)
"""

from __future__ import annotations

from collections.abc import Callable

# JSON bytes a document holds for each array or object in it, at least: uv's catalog has one
# object per ~225 bytes (the entry, its `arch`) and no arrays; a manifest a few arrays in all.
# (Brackets inside strings count too: a bound, not a parse.)
MIN_BYTES_PER_CONTAINER = 64
# A document smaller than this is not held to that: decoded whole it costs ~20 MB at worst (and
# one nested too deep is said as that, by the decoder).
FREE_BYTES = 1 << 20
# Numbers with a fraction or an exponent a document may hold (none of pytui's inputs has one).
MAX_FLOATS = 100_000


# What decoding a value costs at least, by what its text shows (tracemalloc, CPython 3.11, 64-bit):
# each value or member (a `,` or `:` before it) ~40 bytes, an int past 256 with its slot in a
# list (`1000,` decodes to ~41); a string ~24 more (`"ab",` to ~64); an array or object ~28 more
# (`[],` to ~67). For pytui's own state files, whose values are few and long for their size.
COST_PER_VALUE = 40
COST_PER_STRING = 24
COST_PER_CONTAINER = 28


class TooManyFloats(Exception):
    """Not a ValueError: a caller that falls back on a decode error must not decode it again."""


def too_many_containers(data: bytes | str) -> bool:
    """Whether `data` holds more `[` and `{` than `MIN_BYTES_PER_CONTAINER` allows: two
    counting passes in C, before anything is decoded."""
    if len(data) < FREE_BYTES:
        return False
    bound = len(data) // MIN_BYTES_PER_CONTAINER
    if isinstance(data, bytes):
        return data.count(b"[") + data.count(b"{") > bound
    return data.count("[") + data.count("{") > bound


def decode_cost(data: bytes) -> int:
    """About what decoding `data` whole takes in memory (within ~0.7-1x of what tracemalloc
    measures for each kind of value; quotes, commas and brackets inside strings count too: a
    bound, not a parse), from six counting passes in C before anything is decoded."""
    values = data.count(b",") + data.count(b":")
    strings = data.count(b'"') // 2
    containers = data.count(b"[") + data.count(b"{")
    return COST_PER_VALUE * values + COST_PER_STRING * strings + COST_PER_CONTAINER * containers


def too_costly(data: bytes, ratio: int, allowance: int = 0) -> bool:
    """Whether decoding `data` (past FREE_BYTES) would cost more than `ratio` times its size
    plus `allowance` by `decode_cost`, or hold more objects than MIN_BYTES_PER_CONTAINER allows
    (an object with members costs ~2x what `decode_cost` says: `{"ab":{}},` decodes to ~27x)."""
    return len(data) > FREE_BYTES and (
        decode_cost(data) > ratio * len(data) + allowance
        or data.count(b"{") > len(data) // MIN_BYTES_PER_CONTAINER)


def float_counter() -> Callable[[str], float]:
    """json's `parse_float` for one document, raising `TooManyFloats` past MAX_FLOATS (called
    for floats only: free for a document that has none)."""
    left = [MAX_FLOATS]

    def parse(text: str) -> float:
        left[0] -= 1
        if left[0] < 0:
            raise TooManyFloats
        return float(text)

    return parse

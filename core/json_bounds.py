"""Bounds on what decoding a JSON document costs, checked before or while it is decoded.

A file's size bounds its bytes, not its decoded objects: an empty array is 3 bytes of JSON
(`[],`) and ~64 as a Python list, a float 4 (`1e5,`) and 32, so 42 MB of arrays took 1.2 GB to
decode. pytui's JSON inputs (uv's catalog, a tree's manifest, a mirror's download-metadata.json)
hold few arrays and objects for their size and no floats; more than these bounds is refused.
(Short strings and ints are not bounded here: `"ab",` decodes to ~13.5x its JSON and `1000,`
to ~7x, measured, so a catalog near its 256 MiB size bound could take some GB. Counting
values would refuse compact real catalogs long before it bounded that: ~16 bytes a value
in uv's catalog written compact, less from a mirror with short URLs. A catalog large enough to
be decoded entry by entry bounds each entry instead: core/catalog_parse.MAX_ENTRY_CHARS.)
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

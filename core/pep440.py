"""PEP 440 versions and specifiers, the subset Python versions use (docs/uv-compat.md#request-grammar).

`Version` is a release with an optional pre-release (post, dev and local parts are refused, as
uv refuses them in a Python request); `Specifier` is one clause of `>=3.11,<3.13`.
"""

from __future__ import annotations

from pytui.core.keys import RUST_WHITESPACE, TYPE_CHECKING, _fields, is_digits

_PRE_SPELLINGS = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc",
                  "pre": "rc", "preview": "rc"}
_PRE_RANK = {"a": 0, "b": 1, "rc": 2}
# Compiled on first use (re caches them): `pytui list` without a request never needs them.
# Digits are ASCII only, as uv's parser reads them (a pattern's `\d` takes any script's).
_PEP440 = (
    r"^v?(?P<release>[0-9]+(?:\.[0-9]+)*)"
    r"(?:[-_.]?(?P<pre>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>[0-9]*))?"
    r"(?P<post>(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?"
    r"(?P<dev>[-_.]?dev[-_.]?[0-9]*)?"
    r"(?P<local>\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$"
)
# uv trims a version of ASCII whitespace (Rust's `is_ascii_whitespace`: no vertical tab) and
# a specifier's parts of Unicode whitespace (`char::is_whitespace`, which, unlike `str.isspace`,
# leaves out U+001C..U+001F).
_ASCII_SPACE = " \t\n\x0c\r"
_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_CHARS = frozenset(RUST_WHITESPACE)
_SPECIFIER = rf"^[{_SPACE}]*(~=|===|==|!=|<=|>=|<|>)[{_SPACE}]*([^{_SPACE}]+?)[{_SPACE}]*$"
# A number of more than 20 digits (u64, uv's widest version part) is no version part, and
# never reaches int() (which refuses 4300+).
_MAX_NUMBER_DIGITS = 20


class Version(tuple):
    """A PEP 440 release with an optional pre-release; `sort_key` orders as PEP 440 does.

    The request types are tuples with named fields as core/keys.py makes them, not dataclasses:
    `pytui list` parses a request on every run, and `dataclasses` would import `inspect`
    (collections.namedtuple compiles each class's `__new__` from source at import).
    """

    __slots__ = ()
    _fields = ("release", "pre")
    if TYPE_CHECKING:
        release: tuple[int, ...]
        pre: tuple[str, int] | None

    def __new__(cls, release: tuple[int, ...], pre: tuple[str, int] | None = None) -> Version:
        return tuple.__new__(cls, (release, pre))

    @classmethod
    def parse(cls, text: str) -> Version | None:
        """A version, or None if `text` is not PEP 440 or has a post, dev or local part."""
        text = text.strip(_ASCII_SPACE)
        # Answered without the pattern where the answer is plain, so that `install 3.12` or
        # a full key compiles no pattern (~2 ms): the pattern needs ASCII text starting with
        # `v` or a digit, and a dotted run of digits is a release and nothing else.
        if not text.isascii():
            return None
        text = text.lower()
        first = text[:1]
        if first != "v" and not is_digits(first):
            return None
        parts = text.split(".")
        if all(map(is_digits, parts)):
            if any(len(part) > _MAX_NUMBER_DIGITS for part in parts):
                return None
            return cls(tuple(int(part) for part in parts))
        return cls._parse_with_pattern(text)

    @classmethod
    def _parse_with_pattern(cls, text: str) -> Version | None:
        import re  # here: the fast paths above, which a key's version takes, need no pattern

        text = text.strip(_ASCII_SPACE)
        match = re.match(_PEP440, text.lower()) if text.isascii() else None
        if not match or match["post"] or match["dev"] or match["local"]:
            return None
        parts = match["release"].split(".")
        pre_n = match["pre_n"] or "0"
        if len(pre_n) > _MAX_NUMBER_DIGITS or any(len(part) > _MAX_NUMBER_DIGITS
                                                  for part in parts):
            return None
        release = tuple(int(part) for part in parts)
        pre = None
        if match["pre"]:
            pre = (_PRE_SPELLINGS[match["pre"]], int(pre_n))
        return cls(release, pre)

    def padded(self, length: int) -> tuple[int, ...]:
        return self.release + (0,) * (length - len(self.release))

    def sort_key(self, length: int = 3) -> tuple:
        pre = (3, 0) if self.pre is None else (_PRE_RANK[self.pre[0]], self.pre[1])
        return (*self.padded(max(length, len(self.release))), *pre)

    def __str__(self) -> str:
        pre = f"{self.pre[0]}{self.pre[1]}" if self.pre else ""
        return ".".join(map(str, self.release)) + pre


def _cmp(left: Version, right: Version) -> int:
    length = max(len(left.release), len(right.release), 3)
    a, b = left.sort_key(length), right.sort_key(length)
    return (a > b) - (a < b)


class Specifier(tuple):
    __slots__ = ()
    _fields = ("operator", "version", "wildcard")
    if TYPE_CHECKING:
        operator: str
        version: Version
        wildcard: bool

    def __new__(cls, operator: str, version: Version, wildcard: bool = False) -> Specifier:
        return tuple.__new__(cls, (operator, version, wildcard))

    @classmethod
    def parse(cls, text: str) -> Specifier | None:
        # Without the pattern when it cannot match: it needs an operator first, after
        # whitespace.
        first = text[:1]
        if first not in {"~", "=", "!", "<", ">"} and first not in _SPACE_CHARS:
            return None
        return cls._parse_with_pattern(text)

    @classmethod
    def _parse_with_pattern(cls, text: str) -> Specifier | None:
        import re

        match = re.match(_SPECIFIER, text)
        if not match:
            return None
        operator, value = match[1], match[2]
        wildcard = value.endswith(".*")
        if wildcard:
            if operator not in {"==", "!="}:
                return None
            value = value[:-2]
        version = Version.parse(value)
        if version is None or (wildcard and version.pre is not None):
            return None
        if operator == "~=" and len(version.release) < 2:
            return None
        return cls(operator, version, wildcard)

    def contains(self, version: Version) -> bool:
        this = self.version
        if self.wildcard:
            prefix = this.release
            matches = version.padded(len(prefix))[:len(prefix)] == prefix
            return matches if self.operator == "==" else not matches
        order = _cmp(version, this)
        if self.operator in {"==", "==="}:
            return order == 0
        if self.operator == "!=":
            return order != 0
        if self.operator == ">=":
            return order >= 0
        if self.operator == "<=":
            return order <= 0
        if self.operator == ">":
            return order > 0
        if self.operator == "<":
            # `<V` excludes pre-releases of V itself unless V is a pre-release (PEP 440):
            # uv's test is "at or above V.dev0", i.e. a release at or above V's.
            length = max(len(version.release), len(this.release))
            if this.pre is None and version.pre is not None and \
                    version.padded(length) >= this.padded(length):
                return False
            return order < 0
        # ~=: >= V and == V's release without its last part.
        prefix = this.release[:-1]
        return version.padded(len(prefix))[:len(prefix)] == prefix and order >= 0

    def __str__(self) -> str:
        return f"{self.operator}{self.version}{'.*' if self.wildcard else ''}"


_fields(Version, Version._fields)
_fields(Specifier, Specifier._fields)

"""uv's `VersionRequest`: the version part of a Python request (`3.12`, `312`, `3.13t`,
`3.12+debug`, `>=3.11,<3.13`), and how it matches a build's or an installation's version.
"""

from __future__ import annotations

from pytui.core.keys import TYPE_CHECKING, NamedFields, _fields, is_digits
from pytui.core.pep440 import Specifier, Version

_VARIANT_SUFFIXES = {"t": "freethreaded", "freethreaded": "freethreaded", "d": "debug",
                     "debug": "debug", "td": "freethreaded+debug",
                     "freethreaded+debug": "freethreaded+debug", "gil": "gil",
                     "gil+debug": "gil+debug", "": "default"}


class VersionRequest(NamedFields):
    """uv's `VersionRequest`: `kind` is major, minor, patch, minor_pre, patch_pre or range."""

    __slots__ = ()
    _fields = ("kind", "major", "minor", "patch", "prerelease", "specifiers", "variant")
    if TYPE_CHECKING:
        kind: str
        major: int
        minor: int
        patch: int
        prerelease: tuple[str, int] | None
        specifiers: tuple[Specifier, ...]
        variant: str

    def __new__(cls, kind: str, major: int = 0, minor: int = 0, patch: int = 0,
                prerelease: tuple[str, int] | None = None, specifiers: tuple[Specifier, ...] = (),
                variant: str = "default") -> VersionRequest:
        return tuple.__new__(cls, (kind, major, minor, patch, prerelease, specifiers, variant))

    @classmethod
    def parse(cls, text: str) -> VersionRequest | None:
        """Parse `3.12`, `312`, `3.13t`, `3.12+debug`, `>=3.11,<3.13`...; None if not a version."""
        if not text or text.isalpha():
            return None
        body, variant = _split_variant(text)
        version = Version.parse(body)
        if version is None:
            return cls._parse_specifiers(body, variant)
        release = version.release
        if len(release) == 1:
            # Wheel-tag style `312` means 3.12.
            digits = str(release[0])
            if len(digits) > 1:
                release = (int(digits[0]), int(digits[1:]))
        if any(part > 255 for part in release):
            return None
        pre = version.pre
        if len(release) == 1:
            return None if pre else cls("major", release[0], variant=variant)
        if len(release) == 2:
            if pre:
                return cls("minor_pre", release[0], release[1], prerelease=pre, variant=variant)
            return cls("minor", release[0], release[1], variant=variant)
        if len(release) == 3:
            if pre:
                kind = "minor_pre" if release[2] == 0 else "patch_pre"
                return cls(kind, *release, prerelease=pre, variant=variant)
            return cls("patch", *release, variant=variant)
        return None

    @classmethod
    def _parse_specifiers(cls, text: str, variant: str) -> VersionRequest | None:
        parts = [part for part in text.split(",")]
        specifiers = [Specifier.parse(part) for part in parts]
        if not parts or any(spec is None for spec in specifiers):
            return None
        specs = tuple(spec for spec in specifiers if spec is not None)
        if len(specs) == 1 and specs[0].operator == "==" and not specs[0].wildcard:
            # A single `==` is a concrete version request, as in uv's `from_specifiers`.
            # uv re-parses the bare version here, dropping any variant suffix.
            concrete = cls.parse(str(specs[0].version))
            if concrete is not None:
                return concrete
        return cls("range", specifiers=specs, variant=variant)

    @property
    def allows_prereleases(self) -> bool:
        if self.kind in {"minor_pre", "patch_pre"}:
            return True
        if self.kind == "range":
            return any(spec.version.pre is not None for spec in self.specifiers)
        return False

    @property
    def is_debug(self) -> bool:
        return self.variant.endswith("debug")

    def matches_version(self, major: int, minor: int, patch: int, prerelease: str) -> bool:
        """uv's `matches_major_minor_patch_prerelease`."""
        pre = _split_prerelease(prerelease)
        if self.kind == "major":
            return major == self.major
        if self.kind == "minor":
            return (major, minor) == (self.major, self.minor)
        if self.kind == "patch":
            return (major, minor, patch) == (self.major, self.minor, self.patch) and pre is None
        if self.kind == "minor_pre":
            return (major, minor, patch, pre) == (self.major, self.minor, 0, self.prerelease)
        if self.kind == "patch_pre":
            return (major, minor, patch, pre) == (self.major, self.minor, self.patch,
                                                  self.prerelease)
        version = Version((major, minor, patch), pre)
        return all(spec.contains(version) for spec in self.specifiers)

    def matches_installed_version(self, major: int, minor: int, patch: int,
                                  prerelease: str) -> bool:
        """uv's `matches_interpreter` on the version: like `matches_version`, except that a
        range naming no pre-release compares an installed pre-release by its release part
        (`>=3.14` admits an installed 3.14.0rc3)."""
        if self.kind == "range" and prerelease and not self.allows_prereleases:
            prerelease = ""
        return self.matches_version(major, minor, patch, prerelease)

    def unsupported_reason(self) -> str | None:
        """uv's `VersionRequest::check_supported`, word for word: why `uv python list` and
        `uv python find` refuse this version (exit 2), or None."""
        if self.kind == "range":
            return None
        if self.kind == "major":
            if self.major < 3:
                return f"Python <3 is not supported but {self.major} was requested."
            return None
        if (self.major, self.minor) < (3, 6):
            shown = self._replace(variant="default")
            return f"Python <3.6 is not supported but {shown} was requested."
        # uv checks free-threading only for major.minor[.patch] requests, not pre-releases.
        if self.kind in {"minor", "patch"} and self.variant.startswith("freethreaded") \
                and (self.major, self.minor) < (3, 13):
            return f"Python <3.13 does not support free-threading but {self} was requested."
        return None

    def __str__(self) -> str:
        suffix = "" if self.variant == "default" else f"+{self.variant}"
        pre = f"{self.prerelease[0]}{self.prerelease[1]}" if self.prerelease else ""
        if self.kind == "major":
            return f"{self.major}{suffix}"
        if self.kind in {"minor", "minor_pre"}:
            return f"{self.major}.{self.minor}{pre}{suffix}"
        if self.kind in {"patch", "patch_pre"}:
            return f"{self.major}.{self.minor}.{self.patch}{pre}{suffix}"
        return ",".join(map(str, self.specifiers))


def _split_variant(text: str) -> tuple[str, str]:
    """uv's `parse_variant`: everything after the last ASCII digit, `+` stripped, if it is a
    variant."""
    last_digit = max((i for i, ch in enumerate(text) if is_digits(ch)), default=-1)
    if last_digit < 0 or last_digit + 1 >= len(text):
        return text, "default"
    suffix = text[last_digit + 1:]
    variant = _VARIANT_SUFFIXES.get(suffix[1:] if suffix.startswith("+") else suffix)
    if variant is None:
        return text, "default"
    return text[:last_digit + 1], variant


def _split_prerelease(prerelease: str) -> tuple[str, int] | None:
    if not prerelease:
        return None
    for kind in ("rc", "a", "b"):
        if prerelease.startswith(kind) and is_digits(prerelease[len(kind):]):
            return (kind, int(prerelease[len(kind):]))
    return None


_fields(VersionRequest, VersionRequest._fields)

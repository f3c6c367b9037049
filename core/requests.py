"""Python requests in uv's grammar, matched against builds and keys as uv does.

See docs/uv-compat.md#request-grammar.

Grammar (uv `PythonRequest::parse`, `VersionRequest::from_str`, `PythonDownloadRequest::from_str`):

- `any`, `default`
- versions: `3`, `3.12`, `312`, `3.12.8`, `3.13rc1`, `3.13.0rc1`, with a variant suffix
  `t`/`d`/`td` or `+freethreaded`/`+debug`/`+freethreaded+debug`/`+gil`/`+gil+debug`
  (`3.13t`, `3.12.0d`, `3.12+debug`, `3.14+gil`); `python3.12`, `python@3.12`
- PEP 440 specifiers: `>=3.11,<3.13`, `==3.12.*`, `~=3.12.1`
- implementations: `cpython`/`cp`, `pypy`/`pp`, `graalpy`/`gp`, `pyodide`, alone or with a
  version: `cpython@3.12`, `cpython3.12`, `cp312`, `pypy@3.10`
- a key `implementation-version-os-arch-libc`, where any part may be `any` or left out
  (`cpython-3.12.8-macos-aarch64-none`, `cpython-3.12-any-any-any`, `3.12-linux`).

Matching follows `PythonDownloadRequest::satisfied_by_key`: the request's os/arch/libc
(filled from the host for downloads), implementation, pre-release permission, version and,
when a version is given, the exact variant. pytui refuses what uv would treat as a path or an
executable name: such a request matches no download, so it is an error here (`RequestError`).
Which build a request installs is core/build_choice.py's.
"""

from __future__ import annotations

from pytui.core.errors import RequestError
from pytui.core.keys import TYPE_CHECKING, KeyFields, NamedFields, _fields, parse_key
from pytui.core.version_request import VersionRequest

__all__ = ["MAX_REQUEST_LENGTH", "KeyLike", "PythonRequest"]

# Bounds on what the parser reads. No key or specifier list comes near 1024 characters; a
# longer text is refused before any pattern runs.
MAX_REQUEST_LENGTH = 1024
# How much of a refused request an error line quotes.
_QUOTE_LENGTH = 60
_OS_NAMES = {"linux": "linux", "macos": "macos", "darwin": "macos", "windows": "windows",
             "emscripten": "emscripten"}
# Other operating systems target-lexicon knows: valid in a key, matched by no PBS build.
_OTHER_OS = {"freebsd", "netbsd", "openbsd", "dragonfly", "illumos", "solaris", "android",
             "ios", "wasi", "aix", "haiku", "hurd", "redox", "fuchsia", "none"}
_ARCH_NAMES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64",
               "x86": "x86", "i686": "x86", "armv7": "armv7", "armv6": "armv6",
               "armv5te": "armv5te", "powerpc64le": "powerpc64le", "ppc64le": "powerpc64le",
               "powerpc64": "powerpc64", "s390x": "s390x", "riscv64gc": "riscv64gc",
               "riscv64": "riscv64", "wasm32": "wasm32"}
_LIBC_NAMES = {"gnu", "gnueabi", "gnueabihf", "musl", "musleabi", "musleabihf", "none"}
_IMPLEMENTATION_NAMES = (("cpython", "cpython"), ("cp", "cpython"), ("pypy", "pypy"),
                         ("pp", "pypy"), ("graalpy", "graalpy"), ("gp", "graalpy"),
                         ("pyodide", "pyodide"))


# --- what a request can be matched against -----------------------------------------------


# What a request is matched against: a Build, an Installation, an InstallationKey...
KeyLike = KeyFields

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Protocol

    class HostLike(Protocol):
        # Read-only members, so named tuples (HostPlatform) satisfy the protocol.
        @property
        def os(self) -> str: ...
        @property
        def arch(self) -> str: ...
        @property
        def libc(self) -> str: ...


def arch_family(arch: str) -> str:
    """An arch's family: the levels of x86_64 (x86_64_v2 …) are one, as in uv."""
    return "x86_64" if arch.startswith("x86_64") else arch


def _environment_runs(os_name: str, env_arch: str, arch: str) -> bool:
    """uv's `Platform::supports` for a build on `os_name` when the host's arch is `env_arch`."""
    if arch == env_arch or arch == "wasm32":
        return True
    env_family, family = arch_family(env_arch), arch_family(arch)
    if os_name == "windows" and ((env_family, family) in {("x86_64", "x86"), ("aarch64", "x86_64"),
                                                          ("aarch64", "x86")}):
        return True
    if os_name == "macos" and (env_family, family) == ("aarch64", "x86_64"):
        return True
    # Levels of one family (x86_64 vs x86_64_v3) are not told apart, as in uv.
    return env_family == family


class PythonRequest(NamedFields):
    """A parsed request, in the shape of uv's `PythonDownloadRequest`.

    `os`/`arch`/`libc` are what the request names (None = any); `arch_from_host` marks an
    arch filled from the host, which also admits builds the host can run (uv's
    `ArchRequest::Environment`).
    """

    __slots__ = ()
    _fields = ("text", "kind", "implementation", "version", "os", "arch", "libc", "arch_from_host",
               "prereleases", "build")
    if TYPE_CHECKING:
        text: str
        kind: str  # any, default, version, implementation, implementation_version, key
        implementation: str | None
        version: VersionRequest | None
        os: str | None
        arch: str | None
        libc: str | None
        arch_from_host: bool
        prereleases: bool | None
        build: str | None

    def __new__(cls, text: str, kind: str, implementation: str | None = None,
                version: VersionRequest | None = None, os: str | None = None, arch: str | None = None,
                libc: str | None = None, arch_from_host: bool = False, prereleases: bool | None = None,
                build: str | None = None) -> PythonRequest:
        return tuple.__new__(cls, (text, kind, implementation, version, os, arch, libc, arch_from_host,
                                   prereleases, build))

    # -- parsing ----------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> PythonRequest:
        """Parse a request; `RequestError` (one line) when it is none of uv's forms.

        Any text gives a request or that one error: the length is bounded first
        (`MAX_REQUEST_LENGTH`), numbers by their digits, and every loop by the text.
        """
        if len(text) > MAX_REQUEST_LENGTH:
            raise RequestError(
                f"Python request {text[:_QUOTE_LENGTH]!r}... is {len(text)} characters long, more than "
                f"pytui reads ({MAX_REQUEST_LENGTH}); give a version like 3.12 or a key like "
                "cpython-3.12.8-linux-x86_64-gnu")
        # ASCII whitespace only, as uv's version parser trims it (`\u2003 3.12` is no version).
        value = text.strip(" \t\n\x0c\r")
        lower = value.lower()
        if not value:
            raise RequestError("empty Python request; give a version like 3.12, an "
                               "implementation like pypy, or a key like cpython-3.12.8-linux-x86_64-gnu")
        if lower == "any":
            return cls(text, "any", prereleases=True)
        if lower == "default":
            return cls(text, "default")
        for prefix in ("python", ""):
            version = _split_prefix_and_version(prefix, lower, text)
            if version is not None:
                return cls(text, "version", version=version)
        for name, implementation in _IMPLEMENTATION_NAMES:
            if lower == name:
                return cls._with_implementation(cls(text, "implementation"), implementation)
            version = _split_prefix_and_version(name, lower, text)
            if version is not None:
                request = cls(text, "implementation_version", version=version)
                return cls._with_implementation(request, implementation)
        key = _parse_key_request(value)
        if key is not None:
            return key._replace(text=text)
        hint = " (paths and executable names are not requests pytui can download)" \
            if "/" in value or "\\" in value else ""
        raise RequestError(
            f"{_quote(text)} is not a Python request{hint}; use a version (3.12, 3.13t, >=3.11,<3.13), "
            "an implementation (cpython@3.12, pypy), or a key (cpython-3.12.8-linux-x86_64-gnu)")

    def check_supported(self) -> PythonRequest:
        """This request, or `RequestError` with uv's words for a version uv does not support
        (`Python <3.6 is not supported ...`, `Python <3.13 does not support free-threading ...`),
        as `uv python list` refuses it (exit 2)."""
        reason = self.version.unsupported_reason() if self.version is not None else None
        if reason is not None:
            raise RequestError(f"Invalid version request: {reason}")
        return self

    @staticmethod
    def _with_implementation(request: PythonRequest, implementation: str) -> PythonRequest:
        if implementation == "pyodide":
            # Pyodide is CPython on Emscripten; uv papers over that with a platform.
            return request._replace(os="emscripten", arch="wasm32", libc="musl")
        return request._replace(implementation=implementation)

    # -- derived requests -------------------------------------------------------------------

    def for_host(self, host: HostLike, *, any_platform: bool = False,
                 any_arch: bool = False) -> PythonRequest:
        """uv's `fill_platform` (unless `any_platform`), then `with_any_arch` if `any_arch`."""
        if any_platform:
            return self
        filled = self._replace(
            os=self.os or host.os,
            libc=self.libc or host.libc,
            arch=self.arch or host.arch,
            arch_from_host=self.arch_from_host if self.arch else True,
        )
        if any_arch:
            filled = filled._replace(arch=None, arch_from_host=False)
        return filled

    def with_prereleases(self, allowed: bool = True) -> PythonRequest:
        return self._replace(prereleases=allowed)

    def for_install(self, host: HostLike, build: str | None = None) -> PythonRequest:
        """uv's `fill`: CPython unless named, the host platform, and a pinned build if given."""
        request = self.for_host(host)
        if request.implementation is None:
            request = request._replace(implementation="cpython")
        return request._replace(build=build) if build else request

    # -- matching ---------------------------------------------------------------------------

    @property
    def allows_prereleases(self) -> bool:
        if self.prereleases is not None:
            return self.prereleases
        return self.version is not None and self.version.allows_prereleases

    @property
    def variant(self) -> str | None:
        return self.version.variant if self.version is not None else None

    def matches(self, item: KeyLike) -> bool:
        """uv's `satisfied_by_key` (plus the build pin) for a Build, KeyParts or Installation."""
        return self._matches(item, installed=False)

    def matcher(self) -> Callable[[KeyLike], bool]:
        """`matches` with its two halves remembered: what the implementation and version
        fields (`item[:6]`) decide, and what the platform (`item[6:9]`) decides, are
        independent, and thousands of builds share a few hundred of the first and a few dozen
        of the second (`pytui list`, `find_download`). A pinned build is checked per item."""
        versions: dict[tuple, bool] = {}
        platforms: dict[tuple, bool] = {}
        by_version, by_platform = self.halves()
        pin = self.build

        def matches(item: KeyLike) -> bool:
            head = item[:6]
            found = versions.get(head)
            if found is None:
                found = versions[head] = by_version(item, installed=False)
            if not found:
                return False
            tail = item[6:9]
            found = platforms.get(tail)
            if found is None:
                found = platforms[tail] = by_platform(item, installed=False)
            return found and (not pin or getattr(item, "build", None) == pin)

        return matches

    def halves(self) -> tuple[Callable[..., bool], Callable[..., bool]]:
        """`matches` as its two independent halves, each called `(item, installed=False)`:
        what the implementation and version fields (`item[:6]`) decide, and what the platform
        (`item[6:9]`) decides; neither checks a pinned build."""
        by_version = self._replace(os=None, arch=None, libc=None, arch_from_host=False,
                                   build=None)._matches
        by_platform = PythonRequest(self.text, self.kind, os=self.os, arch=self.arch,
                                    libc=self.libc, arch_from_host=self.arch_from_host,
                                    prereleases=True)._matches
        return by_version, by_platform

    def matches_installed(self, item: KeyLike) -> bool:
        """Whether an installed interpreter satisfies this request, by uv's interpreter rules
        (`VersionRequest::matches_interpreter`): pre-releases always admitted, a range naming
        no pre-release compares by release part, the variant as `PythonVariant` decides for
        interpreters."""
        return self._matches(item, installed=True)

    def _matches(self, item: KeyLike, *, installed: bool) -> bool:
        os_name = item.os
        if self.os is not None and self.os != "emscripten" and os_name != self.os:
            return False
        arch = item.arch
        if self.arch is not None:
            if self.arch_from_host:
                if not _environment_runs(os_name, self.arch, arch):
                    return False
            elif arch != self.arch:
                return False
        if self.libc is not None and item.libc != self.libc:
            return False
        if self.implementation is not None:
            # Pyodide is CPython to uv: by key for downloads, by `implementation_name` for an
            # installed interpreter it can run.
            implementation = "cpython" if item.implementation == "pyodide" else item.implementation
            if implementation != self.implementation:
                return False
        major, minor, patch, prerelease = item.major, item.minor, item.patch, item.prerelease
        if installed:
            if self.version is not None and not (
                    self.version.matches_installed_version(major, minor, patch, prerelease)
                    and _interpreter_variant_matches(self.version.variant, item)):
                return False
        else:
            if prerelease and not self.allows_prereleases:
                return False
            if self.version is not None:
                if not self.version.matches_version(major, minor, patch, prerelease):
                    return False
                if self.version.variant != item.variant:
                    return False
        return not (self.build and getattr(item, "build", None) != self.build)

    def matches_key(self, key: str) -> bool:
        """Whether an installation key satisfies this request, as `uv python uninstall` decides:
        no host platform filled in, pre-releases included. Unparseable keys never match."""
        parts = parse_key(key)
        return parts is not None and self.with_prereleases(True).matches(parts)

    def installed_key_satisfies(self, key: str) -> bool:
        """Whether an install of `key` satisfies `pytui install REQUEST`, as `uv python install`
        decides (uv's `satisfied_by_key`): as `matches_key`, except that a pre-release satisfies
        only a request that allows one. With 3.14.0rc1 installed, `3`, `>=3.10` and no request
        install the newest final release, as uv does (pytui said "already installed")."""
        parts = parse_key(key)
        return parts is not None and self.matches(parts)

    def __str__(self) -> str:
        return self.canonical

    @property
    def canonical(self) -> str:
        if self.kind in {"any", "default"}:
            return self.kind
        if self.kind == "version" and self.version is not None:
            return str(self.version)
        if self.kind == "implementation":
            return self.implementation or "pyodide"
        if self.kind == "implementation_version":
            return f"{self.implementation or 'pyodide'}@{self.version}"
        parts = [self.implementation or "any", str(self.version) if self.version else "any",
                 self.os or "any", self.arch or "any", self.libc or "any"]
        return "-".join(parts)


def _quote(text: str) -> str:
    """`text` for an error line: repr'd, and cut to its start when long."""
    if len(text) <= _QUOTE_LENGTH:
        return repr(text)
    return f"{text[:_QUOTE_LENGTH]!r}... ({len(text)} characters)"


def _interpreter_variant_matches(requested: str, item: KeyLike) -> bool:
    """uv's `PythonVariant::matches_interpreter` for an installed interpreter."""
    freethreaded = item.variant.startswith("freethreaded")
    debug = item.variant.endswith("debug")
    if requested == "default":
        # Free-threaded builds count as default from 3.14 on; debug ones always do.
        return not freethreaded or (item.major, item.minor) >= (3, 14)
    if requested == "debug":
        return debug
    if requested == "freethreaded":
        return freethreaded
    if requested == "freethreaded+debug":
        return freethreaded and debug
    if requested == "gil":
        return not freethreaded
    return not freethreaded and debug  # gil+debug


def _split_prefix_and_version(prefix: str, lower: str, original: str) -> VersionRequest | None:
    """uv's `try_split_prefix_and_version`: `python3.12`, `pypy@3.10`; errors only after `@`."""
    if lower.startswith("@"):
        raise RequestError(f"{_quote(original)} is not a Python request: nothing before '@'; "
                           "write e.g. cpython@3.12")
    if not lower.startswith(prefix):
        return None
    rest = lower[len(prefix):]
    if not rest:
        return None
    if rest.startswith("@"):
        after = rest[1:]
        if after == "latest":
            raise RequestError(f"{_quote(original)}: '@latest' is not supported (as in uv); "
                               f"write {prefix or 'cpython'} alone for the newest version")
        version = VersionRequest.parse(after)
        if version is None:
            raise RequestError(f"{_quote(original)}: {_quote(after)} is not a Python version; "
                               "write e.g. 3.12, 3.12.8 or 3.13t")
        return version
    return VersionRequest.parse(rest)


def _parse_key_request(text: str) -> PythonRequest | None:
    """uv's positional key parser: parts may be `any` or skipped; None when it is not a key."""
    parts = text.split("-")
    positions = ("implementation", "version", "os", "arch", "libc")
    found: dict[str, Any] = {}  # each value as `_parse_key_part` gives it for its position
    position = 0
    for part in parts:
        while True:
            if position >= len(positions):
                return None
            name = positions[position]
            position += 1
            if part.lower() == "any":
                break
            value = _parse_key_part(name, part)
            if value is not None:
                found[name] = value
                break
    request = PythonRequest(text, "key", version=found.get("version"), os=found.get("os"),
                            arch=found.get("arch"), libc=found.get("libc"))
    implementation = found.get("implementation")
    if implementation is not None:
        request = PythonRequest._with_implementation(request, str(implementation))
    return request


def _parse_key_part(position: str, part: str) -> object | None:
    if position == "implementation":
        for name, implementation in _IMPLEMENTATION_NAMES:
            if part.lower() == name:
                return implementation
        return None
    if position == "version":
        return VersionRequest.parse(part)
    if position == "os":
        if part in _OTHER_OS:
            return part
        return _OS_NAMES.get(part)
    if position == "arch":
        if part.startswith("x86_64_v") and part[len("x86_64_"):] in {"v2", "v3", "v4"}:
            return part
        return _ARCH_NAMES.get(part)
    return part if part in _LIBC_NAMES else None


_fields(PythonRequest, PythonRequest._fields)

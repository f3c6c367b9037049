"""Plain data: a catalog build, a cached archive, an installed interpreter."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

# uv's display names (installation.rs Display): the JSON says darwin/i686, keys say macos/x86.
OS_DISPLAY = {"darwin": "macos", "linux": "linux", "windows": "windows", "emscripten": "emscripten",
              "macos": "macos"}
ARCH_DISPLAY = {
    "x86_64": "x86_64", "aarch64": "aarch64", "armv7": "armv7", "i686": "x86", "x86": "x86",
    "powerpc64le": "powerpc64le", "ppc64le": "powerpc64le", "s390x": "s390x",
    "riscv64": "riscv64gc", "riscv64gc": "riscv64gc", "wasm32": "wasm32",
    "armv5tel": "armv5te", "armv5te": "armv5te", "armv6": "armv6", "arm64": "aarch64",
}
LIBCS = frozenset({"gnu", "musl", "gnueabi", "gnueabihf", "none"})
VARIANTS = frozenset({"default", "freethreaded", "debug", "freethreaded+debug"})
IMPLEMENTATIONS = frozenset({"cpython", "pypy", "graalpy", "pyodide"})


def format_key(implementation: str, version: str, variant: str, platform: str) -> str:
    """uv's installation key: `cpython-3.13.1+freethreaded-linux-x86_64-gnu` (no suffix for default)."""
    suffix = "" if variant == "default" else f"+{variant}"
    return f"{implementation}-{version}{suffix}-{platform}"


@dataclass(frozen=True, slots=True)
class Build:
    """One downloadable build, as uv's catalog describes it (docs/uv-compat.md#catalog-format).

    `os`, `arch` and `implementation` are uv's display forms (`macos`, `x86`,
    `x86_64_v3`, `pyodide`), so `key` is exactly the install directory name.
    """

    implementation: str
    major: int
    minor: int
    patch: int
    prerelease: str
    variant: str
    os: str
    arch: str
    libc: str
    build: str
    url: str
    sha256: str | None
    flavor: str = ""

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}{self.prerelease}"

    @property
    def platform(self) -> str:
        return f"{self.os}-{self.arch}-{self.libc}"

    @property
    def key(self) -> str:
        return format_key(self.implementation, self.version, self.variant, self.platform)

    @property
    def minor_key(self) -> str:
        """The name of uv's minor-version link, e.g. `cpython-3.12-linux-x86_64-gnu`."""
        return format_key(self.implementation, f"{self.major}.{self.minor}", self.variant,
                          self.platform)

    @property
    def filename(self) -> str:
        """The archive's file name as uv derives it: last URL segment, `%2B` -> `-`."""
        return urlsplit(self.url).path.rsplit("/", 1)[-1].replace("%2B", "-")

    @property
    def cache_filename(self) -> str:
        """The name uv gives this archive in `UV_PYTHON_CACHE_DIR` (docs/uv-compat.md#cache-file-names)."""
        prefix = self.sha256[:9] if self.sha256 else "none"
        return f"{prefix}-{self.filename}"

    @property
    def release_filename(self) -> str:
        """The decoded release asset name (`+` kept), as a `file://` mirror lays it out."""
        return unquote(urlsplit(self.url).path.rsplit("/", 1)[-1])

    @property
    def freethreaded(self) -> bool:
        return self.variant.startswith("freethreaded")

    @property
    def debug(self) -> bool:
        return self.variant.endswith("debug")

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)


@dataclass(frozen=True, slots=True)
class CachedArchive:
    """A file in the archive cache, matched (or not) to a catalog build."""

    path: Path
    size: int
    build: Build | None = None
    # "ok", "partial" (a resumable .part) or "unknown" (matches no catalog build).
    state: str = "ok"
    # For a partial download: bytes present of the expected total, when known.
    expected_size: int | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True, slots=True)
class Installation:
    """A managed interpreter directory under the install root."""

    key: str
    path: Path
    implementation: str
    version: str
    variant: str
    os: str
    arch: str
    libc: str
    build: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def platform(self) -> str:
        return f"{self.os}-{self.arch}-{self.libc}"

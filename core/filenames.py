"""PBS archive file names parsed into version, build date, platform, variant and flavor.

Three shapes exist (docs/uv-compat.md#archive-file-names):

- modern: `cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`,
  `cpython-3.13.1+20250115-x86_64-pc-windows-msvc-freethreaded+pgo-full.tar.zst`,
  `cpython-3.12.0+20231002-i686-pc-windows-msvc-shared-pgo-full.tar.zst`;
- legacy (2019-2021): `cpython-3.9.6-x86_64-unknown-linux-gnu-pgo+lto-20210724T1424.tar.zst`,
  `cpython-3.9.6-x86_64-pc-windows-msvc-shared-pgo-20210724T1424.tar.zst`;
- PyPy's own: `pypy3.11-v7.3.23-linux64.tar.gz`, `pypy3.11-v7.3.23-win64.zip`.

`os`, `arch` and `libc` come out in uv's display form (`macos`, `x86`, `x86_64_v3`,
`riscv64gc`, `powerpc64le`), so a parsed name lines up with `Build` keys.
"""

from __future__ import annotations

import re
from collections import namedtuple
from urllib.parse import unquote

from pytui.core.keys import ARCH_DISPLAY, TYPE_CHECKING, X86_64_LEVELS, is_digits

# What a release archive's name ends with (a cache purge tells a file name from a request by it).
ARCHIVE_EXTENSIONS = (".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz", ".tar", ".zip")

# Terminal flavors of modern names; anything before them, `+`-joined, is a build option.
_TERMINAL_FLAVORS = ("install_only_stripped", "install_only", "full")
# uv's generator preference between flavors of one (version, triple, variant)
# (docs/uv-compat.md#flavor-preference).
FLAVOR_PREFERENCES = ("install_only_stripped", "install_only", "shared-pgo", "shared-noopt",
                      "static-noopt")

# Digits are ASCII only, as uv reads them (a pattern's `\d` also takes `３` or `٣`); a version
# number has at most 20 (u64, as uv's), so int() never meets a text it refuses (4300+ digits).
_VERSION = re.compile(r"^([0-9]{1,20})\.([0-9]{1,20})\.([0-9]{1,20})((?:a|b|rc)[0-9]+)?$")
_RELEASE_TAG = re.compile(r"^[0-9]{8}$")
_LEGACY_STAMP = re.compile(r"^([0-9]{8})T[0-9]{4}$")
# Very old names used a short platform word instead of a triple.
_SPECIAL_TRIPLES = {
    "macos": "x86_64-apple-darwin",
    "linux64": "x86_64-unknown-linux-gnu",
    "linux64-musl": "x86_64-unknown-linux-musl",
    "windows-amd64": "x86_64-pc-windows-msvc",
    "windows-x86": "i686-pc-windows-msvc",
}
# PyPy platform words (downloads.python.org) -> (os, arch, libc) in uv's display form.
_PYPY_PLATFORMS = {
    "linux64": ("linux", "x86_64", "gnu"),
    "linux32": ("linux", "x86", "gnu"),
    "aarch64": ("linux", "aarch64", "gnu"),
    "s390x": ("linux", "s390x", "gnu"),
    "macos_arm64": ("macos", "aarch64", "none"),
    "macos_x86_64": ("macos", "x86_64", "none"),
    "osx64": ("macos", "x86_64", "none"),
    "win64": ("windows", "x86_64", "none"),
    "win32": ("windows", "x86", "none"),
}
# The common shapes in one match each (the slow, general path handles the rest).
_TRIPLE = r"([a-z0-9_]+)-(apple-darwin|pc-windows-msvc|unknown-linux-(?:gnu|musl|gnueabi|gnueabihf))"
_MODERN = re.compile(r"^cpython-([0-9]{1,20})\.([0-9]{1,20})\.([0-9]{1,20})((?:a|b|rc)[0-9]+)?\+([0-9]{8})-" + _TRIPLE + r"-(.+)$")
_OS_OF_VENDOR = {"apple-darwin": "macos", "pc-windows-msvc": "windows"}
_PYPY = re.compile(r"^pypy([0-9]{1,20})\.([0-9]{1,20})-v([0-9]+\.[0-9]+\.[0-9]+(?:(?:a|b|rc)[0-9]+)?)-([a-z0-9_]+)$")


if TYPE_CHECKING:
    from typing import NamedTuple

    class _ArchiveNameFields(NamedTuple):
        filename: str
        implementation: str
        major: int
        minor: int
        patch: int
        prerelease: str
        build: str
        os: str
        arch: str
        libc: str
        variant: str
        options: tuple[str, ...]
        flavor: str
        extension: str
        triple: str = ""
        timestamp: str = ""
else:  # collections' namedtuple: typing costs `pytui list` more than the rest of this module
    _ArchiveNameFields = namedtuple(
        "ArchiveName", "filename implementation major minor patch prerelease build os arch libc "
                       "variant options flavor extension triple timestamp", defaults=("", ""))


class ArchiveName(_ArchiveNameFields):
    """What a PBS (or PyPy) archive file name says about the build inside it.

    `patch` is -1 when the name does not carry it (PyPy names give only major.minor). `build`
    is the PBS release date `YYYYMMDD` (legacy names: the date of the timestamp); PyPy: its
    version. `options` are the build options as written, e.g. ("freethreaded", "pgo", "lto")
    or ("shared-pgo",); `flavor` uv's terminal flavor: install_only_stripped, install_only or
    full (legacy names: full). `triple` is the target triple as written, e.g.
    `x86_64_v3-unknown-linux-musl`; legacy names carry a `timestamp` `20210724T1424`.
    A named tuple: thousands are made per catalog load.
    """

    __slots__ = ()

    @property
    def version(self) -> str:
        patch = "" if self.patch < 0 else f".{self.patch}"
        return f"{self.major}.{self.minor}{patch}{self.prerelease}"

    @property
    def platform(self) -> str:
        return f"{self.os}-{self.arch}-{self.libc}"

    @property
    def label(self) -> str:
        """The flavor as a person reads it: `install_only_stripped`, `freethreaded+pgo+lto-full`,
        `shared-pgo-full`, `pgo+lto` (legacy)."""
        if self.implementation != "cpython":
            return ""
        if self.flavor.startswith("install_only"):
            return self.flavor
        options = "+".join(self.options)
        if self.timestamp:
            return options or self.flavor
        return f"{options}-{self.flavor}" if options else self.flavor

    @property
    def static(self) -> bool:
        return any("static" in option for option in self.options) or "static" in self.triple

    def priority(self) -> tuple[int, int]:
        """uv's generator ranking (lower wins): flavor preference, then more of lto/pgo/non-static.

        The terminal flavor is what the preference list is matched against; legacy names count as
        `full`, as uv's generator treated them.
        """
        if self.timestamp and self.flavor == "install_only":
            # uv's generator never matched legacy `install_only-<stamp>` names, so it always
            # chose the legacy full archive; rank these last to make the same choice.
            rank = len(FLAVOR_PREFERENCES) + 2
        else:
            try:
                rank = FLAVOR_PREFERENCES.index(self.flavor)
            except ValueError:
                rank = len(FLAVOR_PREFERENCES) + 1
        options = self.options
        return rank, -(("lto" in options) + ("pgo" in options) + ("static" not in options))


def split_extension(name: str) -> tuple[str, str]:
    for ext in ARCHIVE_EXTENSIONS:
        if name.endswith(ext):
            return name[: -len(ext)], ext
    return name, ""


def _display_arch(raw: str) -> str | None:
    """`x86_64_v3` -> `x86_64_v3`, `i686` -> `x86`, `ppc64le` -> `powerpc64le`, unknown -> None."""
    family, level = raw, ""
    if raw.startswith("x86_64_v"):
        family, level = "x86_64", raw[len("x86_64_"):]
        if level not in X86_64_LEVELS:
            return None
    display = ARCH_DISPLAY.get(family)
    if display is None:
        return None
    return f"{display}_{level}" if level else display


def _split_triple(rest: str) -> tuple[str, str, str, str, list[str]] | None:
    """Split `<triple>-<tail...>` into (triple, os, arch, libc, tail tokens)."""
    for word, triple in _SPECIAL_TRIPLES.items():
        if rest == word or rest.startswith(word + "-"):
            tail = rest[len(word) + 1:]
            # `windows-amd64-shared-pgo-...`: the special word is followed by build options.
            rest = triple + ("-" + tail if tail else "")
            break
    tokens = rest.split("-")
    if len(tokens) < 3:
        return None
    arch = _display_arch(tokens[0])
    if arch is None:
        return None
    if tokens[1:3] == ["apple", "darwin"]:
        return "-".join(tokens[:3]), "macos", arch, "none", tokens[3:]
    if tokens[1:4] == ["pc", "windows", "msvc"]:
        return "-".join(tokens[:4]), "windows", arch, "none", tokens[4:]
    if tokens[1:3] == ["unknown", "linux"] and len(tokens) >= 4:
        libc = tokens[3]
        if libc not in {"gnu", "musl", "gnueabi", "gnueabihf"}:
            return None
        return "-".join(tokens[:4]), "linux", arch, libc, tokens[4:]
    return None


def _variant(options: list[str]) -> str:
    if "freethreaded" in options and "debug" in options:
        return "freethreaded+debug"
    if "debug" in options:
        return "debug"
    if "freethreaded" in options:
        return "freethreaded"
    return "default"


def _parse_pypy(name: str, stem: str, ext: str) -> ArchiveName | None:
    match = _PYPY.match(stem)
    if not match or match[4] not in _PYPY_PLATFORMS:
        return None
    os_name, arch, libc = _PYPY_PLATFORMS[match[4]]
    return ArchiveName(
        filename=name, implementation="pypy", major=int(match[1]), minor=int(match[2]), patch=-1,
        prerelease="", build=match[3], os=os_name, arch=arch, libc=libc, variant="default",
        options=(), flavor="", extension=ext,
    )


def parse_archive_name(name: str) -> ArchiveName | None:
    """Parse a PBS or PyPy archive file name (`+` or `%2B`; a URL's last segment also works).

    Given a release URL, the build date is the release tag in its path (`.../download/20210415/...`),
    which for legacy names can differ from the date in the file's timestamp; uv's catalog uses the tag.
    Returns None for names that are not archives of a known shape.
    """
    segments = name.rsplit("/", 2)
    release_tag = segments[-2] if len(segments) >= 2 and _RELEASE_TAG.match(segments[-2]) else ""
    name = unquote(segments[-1])
    stem, ext = split_extension(name)
    if not ext:
        return None
    if stem.startswith("pypy"):
        return _parse_pypy(name, stem, ext)
    if not stem.startswith("cpython-"):
        return None
    fast = _MODERN.match(stem)
    if fast is not None:
        arch = _display_arch(fast[6])
        tail = fast[8].split("-")
        if arch is not None and tail[-1] in _TERMINAL_FLAVORS:
            vendor = fast[7]
            os_name = _OS_OF_VENDOR.get(vendor, "linux")
            libc = vendor[len("unknown-linux-"):] if os_name == "linux" else "none"
            options = [part for part in "-".join(tail[:-1]).split("+") if part]
            return ArchiveName(
                name, "cpython", int(fast[1]), int(fast[2]), int(fast[3]), fast[4] or "",
                fast[5], os_name, arch, libc, _variant(options), tuple(options), tail[-1], ext,
                f"{fast[6]}-{vendor}", "",
            )
    head, _, rest = stem[len("cpython-"):].partition("-")
    version, _, date = head.partition("+")
    match = _VERSION.match(version)
    if not match or not rest:
        return None
    split = _split_triple(rest)
    if split is None:
        return None
    triple, os_name, arch, libc, tail = split
    timestamp = ""
    if date:
        # Modern: the tail is `[<options>-]<flavor>`, options `+`-joined (`shared-pgo` is one).
        if not is_digits(date) or not tail:
            return None
        flavor = tail[-1]
        if flavor not in _TERMINAL_FLAVORS:
            return None
        options_text = "-".join(tail[:-1])
        build = date
    else:
        # Legacy: the tail is `[shared-]<options>-<YYYYMMDDTHHMM>` or `[shared-]install_only-<stamp>`.
        if not tail or not _LEGACY_STAMP.match(tail[-1]):
            return None
        timestamp = tail[-1]
        build = release_tag or timestamp[:8]
        options_text = "-".join(tail[:-1])
        flavor = "full"
        if options_text.endswith("install_only"):
            flavor = "install_only"
            options_text = options_text[: -len("install_only")].rstrip("-")
    options = [part for part in options_text.split("+") if part]
    return ArchiveName(
        filename=name, implementation="cpython", major=int(match[1]), minor=int(match[2]),
        patch=int(match[3]), prerelease=match[4] or "", build=build, os=os_name, arch=arch,
        libc=libc, variant=_variant(options), options=tuple(options), flavor=flavor,
        extension=ext, triple=triple, timestamp=timestamp,
    )


def flavor_from_url(url: str) -> str:
    """The flavor at the end of a PBS asset name, as a person reads it; '' for non-PBS names.

    `install_only_stripped`, `install_only`, `freethreaded+pgo+lto-full`, `debug-full`,
    `shared-pgo-full`, legacy `pgo+lto` / `shared-pgo`. Called for every catalog entry, so it
    reads the name with string operations rather than a full parse.
    """
    name = url[url.rfind("/") + 1:]
    if "%" in name:
        name = name.replace("%2B", "+")
        if "%" in name:
            name = unquote(name)
    stem, _ = split_extension(name)
    if not stem.startswith("cpython-"):
        return ""
    if stem.endswith("install_only_stripped"):
        return "install_only_stripped"
    if stem.endswith("install_only"):
        return "install_only"
    tokens = stem.split("-")
    end = _triple_end(tokens)
    if end is None:
        parsed = parse_archive_name(url)
        return parsed.label if parsed is not None else ""
    tail = tokens[end:]
    if tail and _LEGACY_STAMP.match(tail[-1]):
        tail = tail[:-1]
        if tail and tail[-1] == "install_only":
            return "install_only"
        return "-".join(tail) or "full"
    return "-".join(tail)


def _triple_end(tokens: list[str]) -> int | None:
    """Index just past the target triple in a `-`-split PBS name (None when there is none)."""
    for index in range(2, min(len(tokens), 8)):
        token = tokens[index]
        if token == "darwin" and tokens[index - 1] == "apple":
            return index + 1
        if token == "msvc" and tokens[index - 1] == "windows":
            return index + 1
        if tokens[index - 1] == "linux" and token in {"gnu", "musl", "gnueabi", "gnueabihf"}:
            return index + 1
    return None

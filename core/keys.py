"""uv's installation key (`PythonInstallationKey`, docs/uv-compat.md#installation-keys): one type for parse, format, order, the
minor-version key and executable names, and the os/arch/libc/variant vocabulary behind it.

A key is nine fields, `implementation-version[+variant]-os-arch-libc`, in uv's display form
(`cpython-3.13.1+freethreaded-linux-x86_64-gnu`, `pypy-3.10.16-macos-aarch64-none`).
`KeyFields` is a tuple whose first nine items are those fields; `InstallationKey` is exactly
that, and the catalog's `Build`, an `Installation` and a listing row extend it with their own
fields, so every derived name (`key`, `version`, `minor_key`, `executable`...) is written
once, here. Tuples, not dataclasses: a catalog makes one per build (5530 for uv's, 200,000
in the scale benchmark) and `tuple.__new__` is over ten times cheaper than a frozen
dataclass's `__init__`.
"""

from __future__ import annotations

import functools

# typing costs an import on `pytui list`'s path; type checkers treat this name as True.
TYPE_CHECKING = False

if TYPE_CHECKING:
    def _tuplegetter(index: int, doc: str | None) -> property: ...
else:
    try:  # the C accessor namedtuple uses: as fast as a slot
        from _collections import _tuplegetter
    except ImportError:  # pragma: no cover - other Pythons
        from operator import itemgetter as _itemgetter

        def _tuplegetter(index, doc):
            return property(_itemgetter(index), doc=doc)

# --- vocabulary ----------------------------------------------------------------------------

# uv's display names (installation.rs Display): the JSON says darwin/i686, keys say macos/x86.
OS_DISPLAY = {"darwin": "macos", "linux": "linux", "windows": "windows", "emscripten": "emscripten",
              "macos": "macos"}
ARCH_DISPLAY = {
    "x86_64": "x86_64", "aarch64": "aarch64", "armv7": "armv7", "i686": "x86", "x86": "x86",
    "powerpc64le": "powerpc64le", "ppc64le": "powerpc64le", "s390x": "s390x",
    "riscv64": "riscv64gc", "riscv64gc": "riscv64gc", "wasm32": "wasm32",
    "armv5tel": "armv5te", "armv5te": "armv5te", "armv6": "armv6", "arm64": "aarch64",
}
# x86-64 micro-architecture levels uv accepts as an arch suffix (`x86_64_v3`).
X86_64_LEVELS = frozenset({"v2", "v3", "v4"})
LIBCS = frozenset({"gnu", "musl", "gnueabi", "gnueabihf", "none"})
VARIANTS = frozenset({"default", "freethreaded", "debug", "freethreaded+debug"})
IMPLEMENTATIONS = frozenset({"cpython", "pypy", "graalpy", "pyodide"})
# uv's `executable_suffix`: `python3.13t`, `python3.12d`, `python3.13td`.
EXECUTABLE_SUFFIX = {"default": "", "debug": "d", "freethreaded": "t", "freethreaded+debug": "td"}

KEY_FIELDS = ("implementation", "major", "minor", "patch", "prerelease", "variant", "os", "arch",
              "libc")

# Pre-release tags a key's version may end with (`3.13.0rc1`).
_PRE_TAGS = ("a", "b", "rc")


# Rust's `char::is_whitespace` (Unicode White_Space): what uv's `str::trim` strips. Python's
# `str.strip()` also strips U+001C..U+001F, which are no whitespace to uv.
RUST_WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
                   + "\u2028\u2029\u202f\u205f\u3000")


def is_digits(text: str) -> bool:
    r"""One or more ASCII digits: what uv reads as a number (Rust's `is_ascii_digit`).
    `str.isdigit`, `isdecimal`, a pattern's `\d` and `int()` also take other scripts' digits
    (fullwidth `３`, Arabic-Indic `٣`; `isdigit` superscripts, which `int()` then refuses)."""
    return text.isascii() and text.isdigit()


def format_key(implementation: str, version: str, variant: str, platform: str) -> str:
    """uv's installation key: `cpython-3.13.1+freethreaded-linux-x86_64-gnu` (no suffix for default)."""
    suffix = "" if variant == "default" else f"+{variant}"
    return f"{implementation}-{version}{suffix}-{platform}"


def display_arch(value: str) -> str | None:
    """An arch as a key spells it (`i686` -> `x86`, `x86_64_v3` kept); None if uv knows none."""
    if value.startswith("x86_64_v"):
        return value if value[len("x86_64_"):] in X86_64_LEVELS else None
    return ARCH_DISPLAY.get(value)


def split_version(version: str) -> tuple[int, int, int, str] | None:
    r"""`3.13.0rc1` -> (3, 13, 0, "rc1"); None for anything else.

    What `re.match(r"^([0-9]{1,20})\.([0-9]{1,20})\.([0-9]{1,20})((?:a|b|rc)[0-9]+)?$", version)`
    accepts (a property test holds the two together; ASCII digits only, as uv reads a version,
    at most 20 digits a number as in a u64, and `$` also matches before a final newline),
    without compiling it: every install parses keys, and the pattern's compile was ~0.5 ms of
    an install's start."""
    text = version[:-1] if version[-1:] == "\n" else version
    major, _, rest = text.partition(".")
    minor, dot, patch = rest.partition(".")
    if not (dot and is_digits(major) and is_digits(minor)) or len(major) > 20 or len(minor) > 20:
        return None
    pre = ""
    if not is_digits(patch):
        for tag in _PRE_TAGS:
            head, found, number = patch.partition(tag)
            if found and is_digits(head) and is_digits(number):
                patch, pre = head, found + number
                break
        else:
            return None
    if len(patch) > 20:
        return None
    return int(major), int(minor), int(patch), pre


def _fields(cls: type, names: tuple[str, ...], start: int = 0) -> None:
    for offset, name in enumerate(names):
        setattr(cls, name, _tuplegetter(start + offset, None))


class NamedFields(tuple):
    """A tuple whose items are named by the subclass's `_fields` (accessors from `_fields(...)`)
    with what code uses of a named tuple: repr, `_asdict`, `_replace`, pickling. Not
    `collections.namedtuple`, which compiles each class's `__new__` from source at import
    (~0.27 M instructions a class, on the path of every start that defines one)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __getnewargs__(self) -> tuple:  # pickle and copy rebuild through __new__
        return tuple(self)

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=False))
        return f"{type(self).__name__}({values})"

    def _asdict(self) -> dict:
        return dict(zip(self._fields, self, strict=False))

    def _replace(self, **changes: object):  # same contract as namedtuple's
        values = [changes.pop(name, value) for name, value in zip(self._fields, self, strict=False)]
        if changes:
            raise TypeError(f"unknown fields {sorted(changes)} for {type(self).__name__}")
        return tuple.__new__(type(self), values)


class KeyFields(NamedFields):
    """The nine key fields first, then whatever the subclass adds. Everything derived from a
    key lives here, so `Build`, `Installation`, `InstallationKey` and listing rows agree."""

    __slots__ = ()
    _fields: tuple[str, ...] = KEY_FIELDS

    if TYPE_CHECKING:  # the accessors `_fields` installs, declared for type checkers
        implementation: str
        major: int
        minor: int
        patch: int
        prerelease: str
        variant: str
        os: str
        arch: str
        libc: str

    # -- names ---------------------------------------------------------------------------

    @property
    def version(self) -> str:
        return f"{self[1]}.{self[2]}.{self[3]}{self[4]}"

    @property
    def version_label(self) -> str:
        """`3.12.8`, `3.13.1t`, `pypy-3.10.14`: the version as a short row label says it, the
        variant as uv's suffix and the implementation when not CPython (Installed's labels,
        a narrow job row)."""
        head = self.version + EXECUTABLE_SUFFIX.get(self[5], "")
        return head if self[0] == "cpython" else f"{self[0]}-{head}"

    @property
    def platform(self) -> str:
        return f"{self[6]}-{self[7]}-{self[8]}"

    @property
    def key(self) -> str:
        """The key as uv prints it and names the install directory."""
        variant = self[5]
        suffix = "" if variant == "default" else f"+{variant}"
        return f"{self[0]}-{self[1]}.{self[2]}.{self[3]}{self[4]}{suffix}-{self[6]}-{self[7]}-{self[8]}"

    @property
    def installation_key(self) -> InstallationKey:
        return tuple.__new__(InstallationKey, self[:9])

    # -- the minor version ---------------------------------------------------------------

    @property
    def minor_key(self) -> str:
        """The name of uv's minor-version link, e.g. `cpython-3.12-linux-x86_64-gnu`."""
        return format_key(self[0], f"{self[1]}.{self[2]}", self[5], self.platform)

    @property
    def minor_version(self) -> tuple:
        """What one minor-version link stands for: every field but the patch and pre-release."""
        return (self[0], self[1], self[2], self[5], self[6], self[7], self[8])

    def same_minor(self, other: KeyFields) -> bool:
        return self.minor_version == other.minor_version

    # -- variant -------------------------------------------------------------------------

    @property
    def freethreaded(self) -> bool:
        return self[5].startswith("freethreaded")

    @property
    def debug(self) -> bool:
        return self[5].endswith("debug")

    @property
    def is_prerelease(self) -> bool:
        return bool(self[4])

    # -- executables ---------------------------------------------------------------------

    @property
    def executable_suffix(self) -> str:
        """`t`, `d`, `td` or empty (uv's `executable_suffix`)."""
        return EXECUTABLE_SUFFIX.get(self[5], "")

    @property
    def executable(self) -> str:
        """The interpreter's path inside the install's prefix, as uv's `executable(false)`:
        `bin/python3.12t`, `python.exe`, `bin/pypy3.10`, `bin/graalpy`, `python` (Pyodide)."""
        implementation, windows = self[0], self[6] == "windows"
        if implementation == "graalpy":
            return "bin/graalpy.exe" if windows else "bin/graalpy"
        if implementation == "pyodide" or self[6] == "emscripten":
            return "python"
        if implementation == "pypy":
            name = f"pypy{self[1]}.{self[2]}"
        elif windows:
            name = "python"
        else:
            name = f"python{self[1]}.{self[2]}{self.executable_suffix}"
        return f"{name}.exe" if windows else f"bin/{name}"

    @property
    def minor_request(self) -> str:
        """`3.12`, `3.13t`, `3.12+debug`: the minor-version request that selects this key's
        variant (and links its pythonX.Y)."""
        variant = ("t" if self.freethreaded else "") + ("+debug" if self.debug else "")
        return f"{self[1]}.{self[2]}{variant}"

    @property
    def bin_names(self) -> tuple[str, str, str]:
        """The bin-dir link names uv considers for this key: pythonX.Y{t}, pythonX{t}, python{t}."""
        name = {"pypy": "pypy", "graalpy": "graalpy", "pyodide": "pyodide"}.get(self[0], "python")
        suffix = self.executable_suffix
        return (f"{name}{self[1]}.{self[2]}{suffix}", f"{name}{self[1]}{suffix}", f"{name}{suffix}")

    # -- order ---------------------------------------------------------------------------

    def sort_key(self, host_family: str | None = None) -> tuple:
        """Ascending = the order uv lists keys in (descending `PythonInstallationKey`)."""
        from pytui.core.ordering import newest_first

        return newest_first(self[0], self[1], self[2], self[3], self[4], self[5], self[6],
                            self[7], self[8], host_family)


_fields(KeyFields, KEY_FIELDS)


class InstallationKey(KeyFields):
    """Exactly the nine fields: what `cpython-3.12.8-linux-x86_64-gnu` says."""

    __slots__ = ()

    def __new__(cls, implementation: str, major: int, minor: int, patch: int, prerelease: str,
                variant: str, os: str, arch: str, libc: str) -> InstallationKey:
        return tuple.__new__(cls, (implementation, major, minor, patch, prerelease, variant,
                                   os, arch, libc))

    @classmethod
    def parse(cls, name: str) -> InstallationKey | None:
        """Parse a full key as uv's `PythonInstallationKey::from_str` does (5 `-` parts); else None.

        Accepts `darwin` for `macos` and normalises arch spellings, so `str()` of the result
        is the canonical display form.
        """
        parts = name.split("-")
        if len(parts) != 5:
            return None
        impl, version_variant, os_name, arch, libc = parts
        if impl not in IMPLEMENTATIONS or os_name not in OS_DISPLAY or libc not in LIBCS:
            return None
        version, _, variant = version_variant.partition("+")
        variant = variant or "default"
        if variant not in VARIANTS:
            return None
        numbers = split_version(version)
        arch_name = display_arch(arch)
        if numbers is None or arch_name is None:
            return None
        return tuple.__new__(cls, (impl, *numbers, variant, OS_DISPLAY[os_name], arch_name, libc))

    def __str__(self) -> str:
        return self.key


# The name this type had before it was the one key type.
KeyParts = InstallationKey


def parse_key(name: str) -> InstallationKey | None:
    """`InstallationKey.parse`, remembered for the last PARSED_KEYS names: a listing asks each
    install's links about every other install's key (core/link_repair.py), n x n parses."""
    return _parse_key(name)


# Names remembered by parse_key (its result is immutable); an install root holds a few dozen.
PARSED_KEYS = 4096
_parse_key = functools.lru_cache(maxsize=PARSED_KEYS)(InstallationKey.parse)

"""uv installation keys (`cpython-3.12.8+freethreaded-linux-x86_64-gnu`) parsed back into parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytui.core.models import (
    ARCH_DISPLAY,
    IMPLEMENTATIONS,
    LIBCS,
    OS_DISPLAY,
    VARIANTS,
    format_key,
)

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)((?:a|b|rc)\d+)?$")


@dataclass(frozen=True, slots=True)
class KeyParts:
    implementation: str
    major: int
    minor: int
    patch: int
    prerelease: str
    variant: str
    os: str
    arch: str
    libc: str

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}{self.prerelease}"

    @property
    def key(self) -> str:
        return format_key(self.implementation, self.version, self.variant,
                          f"{self.os}-{self.arch}-{self.libc}")


def _arch(value: str) -> str | None:
    family, _, level = value.partition("_v")
    if value.startswith("x86_64_v") and level in {"2", "3", "4"}:
        return f"x86_64_v{level}"
    if level:
        return None
    return ARCH_DISPLAY.get(family)


def parse_key(name: str) -> KeyParts | None:
    """Parse a full key as uv's `PythonInstallationKey::from_str` does (5 `-` parts); else None.

    Accepts `darwin` for `macos` and normalises arch spellings, so the result's `.key`
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
    match = _VERSION.match(version)
    arch_name = _arch(arch)
    if not match or arch_name is None:
        return None
    return KeyParts(
        implementation=impl, major=int(match[1]), minor=int(match[2]), patch=int(match[3]),
        prerelease=match[4] or "", variant=variant, os=OS_DISPLAY[os_name], arch=arch_name,
        libc=libc,
    )

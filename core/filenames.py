"""PBS archive file names: modern (`cpython-3.12.8+20241219-<triple>-<flavor>.tar.gz`) and legacy forms."""

from __future__ import annotations

from urllib.parse import unquote

_EXTENSIONS = (".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz", ".tar", ".zip")


def split_extension(name: str) -> tuple[str, str]:
    for ext in _EXTENSIONS:
        if name.endswith(ext):
            return name[: -len(ext)], ext
    return name, ""


def flavor_from_url(url: str) -> str:
    """The flavor at the end of a PBS asset name; '' for non-PBS names (PyPy, GraalPy)."""
    name = unquote(url.rsplit("/", 1)[-1])
    stem, _ = split_extension(name)
    for flavor in ("install_only_stripped", "install_only"):
        if stem.endswith(flavor):
            return flavor
    if stem.endswith("-full"):
        # `...-gnu-freethreaded+pgo+lto-full` -> `freethreaded+pgo+lto-full`
        return stem.rsplit("-", 2)[-2] + "-full"
    parts = stem.split("-")
    if len(parts) >= 2 and "T" in parts[-1] and parts[-1][:8].isdigit():
        # Legacy `cpython-3.9.6-x86_64-unknown-linux-gnu-pgo+lto-20210724T1424`.
        return parts[-2]
    return ""

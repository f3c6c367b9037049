"""Plain data: a catalog build, a cached archive, an installed interpreter.

`Build` and `Installation` are key records (core/keys.py): the nine key fields first, so
they share every name derived from a key. Neither imports `dataclasses`, which would pull
`inspect` into `pytui list`.
"""

from __future__ import annotations

from pytui.core.keys import KEY_FIELDS, TYPE_CHECKING, KeyFields, _fields

if TYPE_CHECKING:
    from pathlib import Path

BUILD_FIELDS = (*KEY_FIELDS, "build", "url", "sha256", "flavor")
INSTALLATION_FIELDS = (*KEY_FIELDS, "path", "build", "extra")


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SCHEME_CHARS = _LETTERS | frozenset("0123456789+-.")


def url_filename(url: str) -> str:
    """The last segment of a URL's path (no query or fragment), as undecoded text.

    String operations for the common `scheme://host/...` shape (this runs for every build when
    the cache is matched); urlsplit for anything else, which gives the same answer. A URL
    urlsplit refuses (`https://[/x.tar.gz`: a bracket that opens no IPv6 host) names no file:
    a catalog entry with one is skipped as malformed (its ValueError was a traceback).
    """
    scheme_end = url.find("://")
    # Only a scheme urlsplit takes as one (a letter, then letters, digits, `+-.`): `2://2` is a
    # path to it, whose last segment is `2`. Brackets go to urlsplit, which checks the host's.
    if (scheme_end > 0 and url[0] in _LETTERS and _SCHEME_CHARS.issuperset(url[:scheme_end])
            and not any(ch in url for ch in "?#\t\n\r[]")):
        path_start = url.find("/", scheme_end + 3)
        return "" if path_start < 0 else url[url.rfind("/") + 1:]
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).path.rsplit("/", 1)[-1]
    except ValueError:
        return ""


class Build(KeyFields):
    """One downloadable build, as uv's catalog describes it (docs/uv-compat.md#catalog-format).

    `os`, `arch` and `implementation` are uv's display forms (`macos`, `x86`, `x86_64_v3`,
    `pyodide`), so `key` is exactly the install directory name. `build` is the PBS release
    (`20250115`) or the PyPy/GraalPy version; `flavor` the archive flavor as a person reads it.
    """

    __slots__ = ()
    _fields = BUILD_FIELDS

    if TYPE_CHECKING:
        build: str
        url: str
        sha256: str | None
        flavor: str

    def __new__(cls, implementation: str, major: int, minor: int, patch: int, prerelease: str,
                variant: str, os: str, arch: str, libc: str, build: str, url: str,
                sha256: str | None, flavor: str = "") -> Build:
        return tuple.__new__(cls, (implementation, major, minor, patch, prerelease, variant, os,
                                   arch, libc, build, url, sha256, flavor))

    @property
    def filename(self) -> str:
        """The archive's file name as uv derives it: last URL segment, `%2B` -> `-`."""
        return url_filename(self[10]).replace("%2B", "-")

    @property
    def cache_filename(self) -> str:
        """The name uv gives this archive in `UV_PYTHON_CACHE_DIR` (docs/uv-compat.md#cache-file-names)."""
        sha256 = self[11]
        return f"{sha256[:9] if sha256 else 'none'}-{self.filename}"

    @property
    def release_filename(self) -> str:
        """The decoded release asset name (`+` kept), as a `file://` mirror lays it out."""
        from urllib.parse import unquote

        return unquote(url_filename(self[10]))


_fields(Build, BUILD_FIELDS[9:], 9)
# A row of plain values (a parsed-catalog cache entry) as a Build, without argument parsing.
build_from_row = tuple.__new__


class Installation(KeyFields):
    """A managed interpreter directory under the install root.

    `build` is the BUILD file's text (None when absent); `extra` holds what an install run
    learned about it (e.g. the executables it linked).
    """

    __slots__ = ()
    _fields = INSTALLATION_FIELDS

    if TYPE_CHECKING:
        path: Path
        build: str | None
        extra: dict[str, str]

    def __new__(cls, key: KeyFields, path: Path, build: str | None = None,
                extra: dict[str, str] | None = None) -> Installation:
        return tuple.__new__(cls, (*key[:9], path, build, {} if extra is None else extra))

    def __getnewargs__(self) -> tuple:
        return (self[:9], self[9], self[10], self[11])

    def __hash__(self) -> int:  # `extra` is a dict: hash what identifies the install
        return hash(self[:10])


_fields(Installation, INSTALLATION_FIELDS[9:], 9)


class CachedArchive:
    """A file in the archive cache, matched (or not) to a catalog build."""

    __slots__ = ("path", "size", "build", "state", "expected_size", "tree", "leftovers")

    def __init__(self, path: Path, size: int, build: Build | None = None, state: str = "ok",
                 expected_size: int | None = None, tree: bool = False, leftovers: bool = False) -> None:
        self.path = path
        self.size = size
        self.build = build
        # From the file name alone (core/cache_names.state_from_name): "ok", "partial" (a
        # resumable .part), "corrupt" (empty, or failed verify) or "unknown" (not a uv name).
        self.state = state
        # For a partial download: bytes present of the expected total, when known.
        self.expected_size = expected_size
        # A pristine tree of this archive is kept beside it (core/tree_store.py).
        self.tree = tree
        # A killed run left a copy of its tree half kept or half removed (`trees/.tmp-<sha256>-…`,
        # `.old-<sha256>-…`; by name only: a live run's counts too), which purging it removes.
        self.leftovers = leftovers

    def _values(self) -> tuple:
        return (self.path, self.size, self.build, self.state, self.expected_size, self.tree,
                self.leftovers)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CachedArchive):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (f"CachedArchive(path={self.path!r}, size={self.size!r}, build={self.build!r}, "
                f"state={self.state!r}, expected_size={self.expected_size!r})")

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def unlisted(self) -> bool:
        """A complete archive the catalog lists no build of: downloaded under another catalog
        (a mirror's `--downloads-json`), so nothing here installs or exports it."""
        return self.state == "ok" and self.build is None


__all__ = ["Build", "CachedArchive", "Installation", "url_filename"]

"""uv's catalog format (download-metadata.json) parsed into `Build`s, and the `Catalog` of them."""

from __future__ import annotations

from _thread import RLock
from collections.abc import Iterator

# The entry checks and the document parser (core/catalog_parse.py, imported only to parse:
# see `parse_catalog`) live in their own modules; their names are imported from here by the
# rest of pytui.
from pytui.core.catalog_entry import (  # noqa: F401  # re-exported
    MAX_CATALOG_BYTES,
    MAX_PROBLEM_LENGTH,
    MAX_URL_LENGTH,
    InvalidEntry,
    build_from_entry,
    valid_builds,
    valid_columns,
    valid_key_columns,
    valid_locations,
)
from pytui.core.keys import InstallationKey, KeyFields
from pytui.core.models import Build

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from pytui.core.build_index import RowIndex


def parse_catalog(data: bytes | str, source: str) -> ParsedCatalog:
    """core/catalog_parse.py's, imported when a document is parsed: a hit in the parsed-catalog
    cache (core/parsed_cache.py) parses none, so an install from it never imports the parser."""
    from pytui.core.catalog_parse import parse_catalog as parse

    return parse(data, source)


def parse_uv_json(data: bytes | str, source: str) -> tuple[list[Build], int]:
    """core/catalog_parse.py's (imported when used, as `parse_catalog`)."""
    from pytui.core.catalog_parse import parse_uv_json as parse

    return parse(data, source)


class LazyBuilds:
    """Builds kept as checked columns and made on demand (core/parsed_cache.py's store).

    `key_rows` gives the nine key fields of some builds without making them; `take` makes the
    builds at given places. Values a store has not checked yet are checked before they are
    given out; when one fails, the store re-reads everything from its source, and `take`
    answers None (the places it was asked about may no longer name the same builds).
    """

    __slots__ = ()

    def __len__(self) -> int:
        raise NotImplementedError

    def all(self) -> list[Build]:
        """Every build, in order (made once, then kept)."""
        raise NotImplementedError

    def key_rows(self, os: str | None, libc: str | None, arch: str | None = None,
                 variant: str | None = None) -> tuple[list[int], list[InstallationKey]]:
        """(places, keys) of the builds on `os` with `libc`, `arch` and `variant` (None: any)."""
        raise NotImplementedError

    def take(self, places: list[int]) -> list[Build] | None:
        """The builds at `places`; None when the store was found stale and re-read."""
        raise NotImplementedError

    def key_count(self) -> int:
        """How many distinct keys the builds have (two entries may share one)."""
        return len(set(self.key_rows(None, None)[1]))

    @property
    def reparsed(self) -> ParsedCatalog | None:
        """What the source's own parse gave, once the store was found stale and re-read it
        (its builds are then `all()`); None while the store's own columns stand."""
        return None


class ParsedCatalog(tuple):
    """What parsing a catalog gave: `builds`; `skipped`, entries uv also skips (unknown os,
    arch, libc, variant); `invalid`, entries with wrong types or impossible values, skipped
    too; `problem`, what was wrong with the first invalid one (one line, '' if none)."""

    __slots__ = ()

    def __new__(cls, builds: list[Build] | LazyBuilds, skipped: int = 0, invalid: int = 0,
                problem: str = "") -> ParsedCatalog:
        return tuple.__new__(cls, (builds, skipped, invalid, problem))

    # The parsed-catalog cache gives `LazyBuilds`: `builds` makes them all, `source_builds`
    # hands them on as they are.
    builds = property(lambda self: self[0].all() if isinstance(self[0], LazyBuilds) else self[0])
    source_builds = property(lambda self: self[0])
    skipped = property(lambda self: self[1])
    invalid = property(lambda self: self[2])
    problem = property(lambda self: self[3])



def _entries(count: int, every: bool = False) -> str:
    """`1 entry`, `3 entries`; with `every`: `its 1 entry is`, `all 3 entries are`."""
    if every:
        return "its 1 entry is" if count == 1 else f"all {count} entries are"
    return f"{count} {'entry' if count == 1 else 'entries'}"


class Catalog:
    """All known builds, keyed by uv's display key, from one described source.

    `skipped` counts entries uv also skips; `invalid` entries skipped for wrong types or
    impossible values, and `problem` says what was wrong with the first. `fetched_at` is when
    the source was fetched (seconds since the epoch, for "age" display; None = shipped). The
    indexes are made on first use: `pytui list` never needs the key index of every build.
    """

    def __init__(self, builds: list[Build] | LazyBuilds, source: str = "empty", skipped: int = 0,
                 invalid: int = 0, problem: str = "", fetched_at: float | None = None,
                 *, parsed: bool = False) -> None:
        # One of the two is set: the builds, or a store that makes them on demand (`pytui list`
        # makes only the builds it shows).
        self._builds: list[Build] | None = None if isinstance(builds, LazyBuilds) else builds
        self._lazy: LazyBuilds | None = builds if isinstance(builds, LazyBuilds) else None
        # Read from a catalog file or response (not an empty stand-in): one with no usable
        # build is worth a line (`warning`).
        self.parsed = parsed
        self.source = source
        self.skipped = skipped
        self.invalid = invalid
        self.problem = problem
        self.fetched_at = fetched_at
        # Why a kept copy this catalog stands in for was discarded (core/kept_catalog.py).
        self.discarded = ""
        # Why a remote --downloads-json's kept copy stands in for it: its URL could not be
        # fetched (core/custom_catalog.py); said as `discarded` is.
        self.stale = ""
        # Counts the times the builds were replaced in this object (a stale parsed-catalog
        # entry re-read from its source): what was derived from the older ones is stale too.
        self.generation = 0
        # A remote --downloads-json's kept copy reused without a request (fetched in the last
        # ten minutes, online): a build added to the URL since is not in it, and a request
        # with no download says how to fetch it now (app/cmd_install.no_download_line).
        self.reused = False
        self._by_key: dict[str, Build] | None = None
        self._by_sha: dict[str, Build] | None = None
        self._by_fields: dict[tuple, Build] | None = None
        self._by_cache_filename: dict[str, Build] | None = None
        # `key_count`, once asked (each render of a subtitle or the header asks).
        self._key_count: int | None = None
        # Held while builds kept as columns are read or made: the TUI makes them on its own
        # thread after the first frame while a worker may ask for them too.
        self._lock = RLock()
        # While the builds are columns: `key_rows` answers and each key's place, per (os,
        # libc) (the TUI's first screen asks for the host's rows, then `get`s a few).
        self._rows_memo: dict[tuple, tuple[list[int], list[InstallationKey]]] = {}
        self._places_memo: dict[tuple, dict[tuple, int]] = {}
        # `row_index` per (os, libc, arch family): made once, for every request of a run.
        self._index_memo: dict[tuple, RowIndex] = {}

    @property
    def builds(self) -> list[Build]:
        """Every build, in the source's order (made now if they were kept as columns)."""
        builds = self._builds
        if builds is None:
            with self._lock:
                if self._builds is None:
                    assert self._lazy is not None  # narrows: columns until builds are made
                    self._builds = self._lazy.all()
                    reparsed = self._lazy.reparsed
                    self._lazy = None
                    self._rows_memo, self._places_memo, self._index_memo = {}, {}, {}
                    self._key_count = None  # (a stale store re-read its source)
                    if reparsed is not None:
                        # A forged or stale entry: its counts go with its columns, and whatever
                        # was chosen from them (the TUI's first screen) is chosen again.
                        self.skipped, self.invalid, self.problem = reparsed[1:]
                        self.generation += 1
                builds = self._builds
        return builds

    @builds.setter
    def builds(self, builds: list[Build]) -> None:
        self._builds, self._lazy = builds, None
        self.generation += 1
        self._by_key = self._by_sha = self._by_fields = self._by_cache_filename = None
        self._key_count = None
        self._rows_memo, self._places_memo, self._index_memo = {}, {}, {}

    def key_rows(self, os: str | None = None, libc: str | None = None, arch: str | None = None,
                 variant: str | None = None) -> tuple[list[int], list[KeyFields]]:
        """(places, key fields) of the builds on `os` with `libc`, `arch` and `variant` (None:
        any), in order, without making builds that are still columns; `builds_at(places)`
        makes them."""
        with self._lock:
            if self._lazy is not None:
                places, rows = self._lazy_rows(os, libc, arch, variant)
                return list(places), list(rows)
        builds = self.builds
        wanted = [(at, value) for at, value in ((5, variant), (6, os), (7, arch), (8, libc))
                  if value is not None]
        if not wanted:
            return list(range(len(builds))), builds  # type: ignore[return-value]  # Builds are KeyFields
        places = [place for place, build in enumerate(builds)
                  if all(build[at] == value for at, value in wanted)]
        return places, [builds[place] for place in places]

    def row_index(self, os: str | None, libc: str | None, family: str) -> RowIndex:
        """The rows of `key_rows(os, libc)` grouped for `find_download` (core/build_index.py),
        made once: a version file's thousands of requests each searched every row."""
        with self._lock:
            index = self._index_memo.get((os, libc, family))
            if index is None:
                from pytui.core.build_index import RowIndex

                index = self._index_memo[(os, libc, family)] = RowIndex(*self.key_rows(os, libc), family)
            return index

    def _lazy_rows(self, *fields: str | None) -> tuple[list[int], list[InstallationKey]]:
        """`key_rows` of the store for (os, libc, arch, variant), remembered (the caller holds
        the lock)."""
        found = self._rows_memo.get(fields)
        if found is None:
            assert self._lazy is not None  # narrows: the caller asks only while builds are columns
            found = self._rows_memo[fields] = self._lazy.key_rows(*fields)
        return found

    def builds_at(self, places: list[int]) -> list[Build] | None:
        """The builds at `places` (from `key_rows`); None when the kept columns turned out
        stale and were re-read from the source: the places must be found again."""
        with self._lock:
            lazy = self._lazy
            if lazy is not None:
                taken = lazy.take(places)
                if taken is not None:
                    return taken
                self.builds  # noqa: B018 - the store re-read its source: keep what it read
                return None
        builds = self.builds
        return [builds[place] for place in places]

    def __repr__(self) -> str:
        return f"Catalog({len(self)} builds from {self.source})"

    @property
    def by_key(self) -> dict[str, Build]:
        """Builds by key (the first of a key wins)."""
        if self._by_key is None:
            index: dict[str, Build] = {}
            for build in self.builds:
                index.setdefault(build.key, build)
            self._by_key = index
        return self._by_key

    @property
    def by_sha(self) -> dict[str, Build]:
        """Builds by archive sha256 (the first of a digest wins)."""
        if self._by_sha is None:
            index: dict[str, Build] = {}
            for build in self.builds:
                if build.sha256:
                    index.setdefault(build.sha256, build)
            self._by_sha = index
        return self._by_sha

    def keys(self) -> set[tuple]:
        """Every build's key fields (`build[:9]`): key membership without formatting keys."""
        return set(self._fields_index())

    def _fields_index(self) -> dict[tuple, Build]:
        if self._by_fields is None:
            index: dict[tuple, Build] = {}
            for build in reversed(self.builds):  # the first of a key wins
                index[build[:9]] = build
            self._by_fields = index
        return self._by_fields

    def __len__(self) -> int:
        lazy = self._lazy
        return len(lazy) if lazy is not None else len(self.builds)

    def key_count(self) -> int:
        """How many distinct builds: keys, each counted once (`len` counts entries, and two
        entries of a catalog may share a key; the first wins everywhere, as in `get`)."""
        count = self._key_count
        if count is None:
            with self._lock:
                lazy = self._lazy
                # On the columns while the builds are not made (one C-level pass, no build).
                count = lazy.key_count() if lazy is not None else len(self._fields_index())
                self._key_count = count
        return count

    def __iter__(self) -> Iterator[Build]:
        return iter(self.builds)

    def get(self, key: str) -> Build | None:
        """The build of `key` (any spelling `InstallationKey.parse` accepts), or None."""
        if self._by_key is not None:
            return self._by_key.get(key)
        fields = InstallationKey.parse(key)
        if fields is None:  # not a canonical key: only the formatted index can tell
            return self.by_key.get(key)
        with self._lock:
            if self._lazy is not None and self._by_fields is None:
                # One build wanted (`pytui list` with installs, `install --reinstall`, the TUI's
                # details before every build is made): find its place among the keys on its os
                # and libc (the first of a key wins), make only it.
                # os, libc, arch, variant: the rows the TUI's first screen chose by.
                platform = (fields[6], fields[8], fields[7], fields[5])
                index = self._places_memo.get(platform)
                if index is None:
                    places, rows = self._lazy_rows(*platform)
                    index = dict(zip(reversed(rows), reversed(places), strict=True))
                    self._places_memo[platform] = index
                at = index.get(fields)
                if at is None:
                    return None
                taken = self.builds_at([at])
                if taken is not None:
                    return taken[0]
        return self._fields_index().get(tuple(fields))

    @property
    def warning(self) -> str | None:
        """One line about entries skipped for wrong types, or about a catalog read from a
        source that gave no usable build at all, or about a kept copy discarded (for stderr
        or a notification)."""
        return self._warning(self.stale)

    @property
    def warning_besides_stale(self) -> str | None:
        """`warning` without the line of a kept copy standing in for a URL that could not be
        fetched (the TUI's refresh says that one as its failure)."""
        return self._warning("")

    def _warning(self, stale: str) -> str | None:
        if self.parsed and not len(self):
            return self._no_usable_builds()
        said = [part for part in (self.discarded, stale) if part]
        if not self.invalid:
            return "; ".join(said) or None
        entries = "entry" if self.invalid == 1 else "entries"
        skipped = (f"catalog {self.source}: skipped {self.invalid} malformed {entries} "
                   f"(first: {self.problem}); the other builds are listed")
        return "; ".join([*said, skipped])

    @property
    def empty_reason(self) -> str | None:
        """Why a parsed catalog lists nothing, short (the TUI's Available pane says it once the
        warning has faded); None when it has builds."""
        if len(self) or not self.parsed:
            return None
        return f"no usable builds in {self.source}: {self._empty_cause()}"

    def _no_usable_builds(self) -> str:
        return (f"catalog {self.source} has no usable builds: {self._empty_cause()}; point "
                "--downloads-json (or UV_PYTHON_DOWNLOADS_JSON_URL) at a uv "
                "download-metadata.json, or unset it to use the built-in list")

    def _empty_cause(self) -> str:
        if self.invalid and self.skipped:
            cause = (f"{_entries(self.invalid)} malformed (first: {self.problem}) and "
                     f"{_entries(self.skipped)} for platforms or variants uv does not know")
        elif self.invalid:
            cause = f"{_entries(self.invalid, every=True)} malformed (first: {self.problem})"
        elif self.skipped:
            cause = f"{_entries(self.skipped, every=True)} for platforms or variants uv does not know"
        else:
            cause = "it holds no entries"
        return cause

    @property
    def in_columns(self) -> bool:
        """Whether the builds are still kept as columns (not made yet)."""
        return self._lazy is not None

    def build_of_cached(self, name: str, *, quick: bool = False) -> Build | None:
        """The build whose uv cache file name is `name` (`by_cache_filename`'s). While the
        builds are columns, only the builds of the key the name carries are made and compared
        first (a name that carries none, or a store that turned out stale: every build): making
        all of uv's 5,530 took 112-132 ms before the TUI's first frame whenever the cache held
        an archive. When none of them is named so (an older build date, or a build whose URL
        names another build's file), every build is made and compared, unless `quick` (the
        TUI's first screen, make_app: it makes every build after the first frame and lists the
        disk again then, `PytuiApp._settle`); `pytui list` with no `quick` showed such a build
        as not cached."""
        if self._lazy is not None and self._by_cache_filename is None:
            from pytui.core.cache_names import key_from_cache_name

            key = key_from_cache_name(name)
            fields = InstallationKey.parse(key) if key is not None else None
            if fields is not None:
                with self._lock:
                    if self._lazy is not None:
                        # os, libc, arch, variant: the rows `get` and the first screen choose by.
                        places, rows = self._lazy_rows(fields[6], fields[8], fields[7], fields[5])
                        wanted = [place for place, row in zip(places, rows, strict=True)
                                  if row == fields]
                        made = self.builds_at(wanted) if wanted else []
                        if made is not None:  # (None: re-read, every build made: below)
                            # The last of a name wins, as in by_cache_filename's dict.
                            found = next((b for b in reversed(made) if b.cache_filename == name),
                                         None)
                            if found is not None or quick:
                                return found
        return self.by_cache_filename().get(name)

    def by_cache_filename(self) -> dict[str, Build]:
        """Map of uv cache file names to builds, for matching archives on disk.

        Built once per catalog: the cache pane re-lists the disk after every job.
        """
        if self._by_cache_filename is None:
            self._by_cache_filename = {b.cache_filename: b for b in self.builds}
        return self._by_cache_filename

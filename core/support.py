"""CPython support status: each minor version's phase (pre-release, bugfix, security, end of
life), derived from its release-cycle dates and today's date, never from a stored status.

The dates (first release, end of bugfix support, end of life per minor version, as the Python
devguide publishes them in its release-cycle.json) are embedded in `release_cycle.json` next to
this module. A refresh alongside the catalog fetches the devguide's file (PYTUI_RELEASE_CYCLE_URL
sets another URL), validates it, and keeps it in the state dir; what is kept is validated
again on every read and ignored if it is not exactly what pytui accepts.

A date given as a month (`2028-10`) counts from that month's first day. Where the devguide
gives no end of bugfix support, it is the first release plus two years from 3.13 on (18 months
before), as the devguide's schedule states.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from pathlib import Path

from pytui.core import json_codec
from pytui.core.keys import TYPE_CHECKING, _fields, is_digits

if TYPE_CHECKING:
    import datetime as _dt
    from typing import Any

DEFAULT_URL = "https://raw.githubusercontent.com/python/devguide/main/include/release-cycle.json"
STATE_FILE = "release-cycle.json"
MAX_BYTES = 256 * 1024
MAX_ENTRIES = 200
MIN_ENTRIES = 5  # a fetched file listing fewer usable versions is refused
# The whole transfer of a file of at most MAX_BYTES (a catalog gets 300 s for ~3 MB).
MAX_FETCH_SECONDS = 60.0
_EMBEDDED = Path(__file__).with_name("release_cycle.json")

PHASES = ("pre-release", "bugfix", "security", "end-of-life")


# collections' namedtuple, not typing's, and dates compared as ISO text, not `datetime`: every
# install warns about end-of-life versions, and those two imports cost it more than the rest.
# (Tuples with named fields as core/keys.py makes them: collections.namedtuple compiles each
# class's `__new__` from source at import.)
class Cycle(tuple):
    __slots__ = ()
    _fields = ("minor", "first_release", "end_of_bugfix", "end_of_life")
    if TYPE_CHECKING:
        minor: str                 # "3.12"
        first_release: str         # as published: YYYY-MM-DD or YYYY-MM
        end_of_bugfix: str
        end_of_life: str

    def __new__(cls, minor: str, first_release: str, end_of_bugfix: str, end_of_life: str) -> Cycle:
        return tuple.__new__(cls, (minor, first_release, end_of_bugfix, end_of_life))


class Support(tuple):
    __slots__ = ()
    _fields = ("minor", "phase", "until", "cycle")
    if TYPE_CHECKING:
        minor: str
        phase: str                 # one of PHASES
        until: str | None          # when this phase ends (YYYY-MM), None at end of life
        cycle: Cycle

    def __new__(cls, minor: str, phase: str, until: str | None, cycle: Cycle) -> Support:
        return tuple.__new__(cls, (minor, phase, until, cycle))

    def text(self) -> str:
        """`bugfix → 2027-10`, `security → 2028-10`, `EOL 2024-10`, `pre-release → 2026-10`."""
        if self.phase == "end-of-life":
            return f"EOL {self.cycle.end_of_life[:7]}"
        return f"{self.phase} → {self.until}"

    def sentence(self) -> str:
        """The text, then what it means (the details panel's line)."""
        cycle = self.cycle
        if self.phase == "end-of-life":
            return f"{self.text()}: no fixes any more, not even security fixes"
        if self.phase == "security":
            return (f"{self.text()}: security fixes only (bug fixes ended "
                    f"{cycle.end_of_bugfix[:7]}), then end of life")
        if self.phase == "bugfix":
            return (f"{self.text()}: bug and security fixes, then security fixes only until "
                    f"{cycle.end_of_life[:7]}")
        return (f"{self.text()}: not released yet; bug fixes until {cycle.end_of_bugfix[:7]}, "
                f"end of life {cycle.end_of_life[:7]}")

    def to_json(self) -> dict:
        return {"phase": self.phase, "until": self.until,
                "first_release": self.cycle.first_release,
                "end_of_bugfix": self.cycle.end_of_bugfix, "end_of_life": self.cycle.end_of_life}


def _one_line(text: str) -> str:
    """`text` without one final newline, as a pattern's `$` matches before it."""
    return text[:-1] if text[-1:] == "\n" else text


def minor_fields(text: object) -> tuple[str, str] | None:
    r"""The digits of a minor version `3.12`: what `re.match(r"^([0-9]{1,2})\.([0-9]{1,3})$", text)`
    groups (a property test holds the two together; ASCII digits only, as uv reads them),
    without compiling a pattern on every install's path."""
    if not isinstance(text, str):
        return None
    major, dot, minor = _one_line(text).partition(".")
    if dot and 0 < len(major) <= 2 and 0 < len(minor) <= 3 and is_digits(major) and is_digits(minor):
        return major, minor
    return None


def date_fields(text: object) -> tuple[str, str, str | None] | None:
    r"""Year, month and day (None when absent) of `YYYY-MM[-DD]`: what
    `re.match(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$", text)` groups (property-tested as above)."""
    if not isinstance(text, str):
        return None
    parts = _one_line(text).split("-")
    if (len(parts) not in (2, 3) or len(parts[0]) != 4 or not all(len(part) == 2 for part in parts[1:])
            or not all(map(is_digits, parts))):
        return None
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def iso_day(text: object) -> str | None:
    """A published date as `YYYY-MM-DD` (a month counts from its first day), if it is a real
    calendar day; ISO days compare as the dates do."""
    match = date_fields(text)
    if not match:
        return None
    year, month, day = int(match[0]), int(match[1]), int(match[2] or 1)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or year < 1:
        return None
    if not 1 <= day <= (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _add_months(day: str, months: int) -> str:
    total = int(day[:4]) * 12 + int(day[5:7]) - 1 + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _entry(minor: str, value: object) -> Cycle | None:
    """A validated cycle from one devguide-style entry, or None."""
    match = minor_fields(minor)
    if not match or not isinstance(value, dict):
        return None
    first, eol = value.get("first_release"), value.get("end_of_life")
    bugfix = value.get("end_of_bugfix")
    first_date, eol_date = iso_day(first), iso_day(eol)
    if first_date is None or eol_date is None or eol_date < first_date:
        return None
    if bugfix is None:
        months = 24 if (int(match[0]), int(match[1])) >= (3, 13) else 18
        bugfix = _add_months(first_date, months)
    bugfix_date = iso_day(bugfix)
    if bugfix_date is None or not first_date <= bugfix_date <= eol_date:
        return None
    # Kept, shown and written out without the final newline the checks allow (they match as
    # the patterns do: `$` matches before a final newline).
    return Cycle(f"{int(match[0])}.{int(match[1])}", _as_published(first), _as_published(bugfix),
                 _as_published(eol))


def _as_published(text: object) -> str:
    """A date that passed `iso_day`, as `YYYY-MM` or `YYYY-MM-DD` in ASCII digits."""
    fields = date_fields(text)
    assert fields is not None  # narrows for the type checker: the caller checked it (iso_day)
    year, month, day = fields
    return f"{int(year):04d}-{int(month):02d}" + ("" if day is None else f"-{int(day):02d}")


def parse_cycles(data: bytes) -> dict[str, Cycle]:
    """Cycles from a release-cycle.json; entries that are not usable are left out.
    Raises ValueError when the file is not a JSON object of at most MAX_ENTRIES entries."""
    return _cycles(_cycle_doc(data))


def _cycle_doc(data: bytes) -> dict:
    """The release-cycle.json's object of entries, not yet checked; ValueError as `parse_cycles`."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES // 1024} KiB")
    try:
        doc = json_codec.loads(data)
    except (ValueError, RecursionError) as err:
        raise ValueError("not JSON") from err
    if not isinstance(doc, dict) or len(doc) > MAX_ENTRIES:
        raise ValueError("not an object of minor versions")
    return doc


def _line(minor: object) -> str | None:
    """The minor version an entry's name stands for, as its cycle names it (`3.12`)."""
    fields = minor_fields(minor)
    return None if fields is None else f"{int(fields[0])}.{int(fields[1])}"


def _cycles(doc: dict, lines: Collection[str] | None = None) -> dict[str, Cycle]:
    """The usable cycles of `doc` (of `lines` only, when given: checking an entry is most of
    reading the file, and an install's end-of-life note needs its builds' lines alone)."""
    out = {}
    for minor, value in doc.items():
        if lines is not None and _line(minor) not in lines:
            continue
        cycle = _entry(minor, value)
        if cycle is not None:
            out[cycle.minor] = cycle
    return out


def _has_usable(doc: dict, count: int) -> bool:
    """At least `count` distinct lines of `doc` are usable (checked until that many are)."""
    found: set[str] = set()
    for minor, value in doc.items():
        cycle = _entry(minor, value)
        if cycle is not None:
            found.add(cycle.minor)
            if len(found) >= count:
                return True
    return False


def _read_doc(path: Path) -> dict:
    """`path`'s object of entries, or {} when it cannot be read or is not one."""
    from pytui.core.bounded_read import read_regular_file

    try:
        return _cycle_doc(read_regular_file(path, MAX_BYTES))
    except (OSError, ValueError):  # missing, not a regular file, too large, unreadable, not JSON
        return {}


def load_cycles(state_dir: Path | None = None, lines: Collection[str] | None = None) -> dict[str, Cycle]:
    """The embedded dates, with a refreshed copy in the state dir laid over them when it has at
    least MIN_ENTRIES usable lines; `lines`: only those lines' cycles (`3.12`), the same as
    the whole table's."""
    cycles = _cycles(_read_doc(_EMBEDDED), lines)
    if state_dir is not None:
        kept = _read_doc(Path(state_dir) / STATE_FILE)
        if _has_usable(kept, MIN_ENTRIES):
            cycles.update(_cycles(kept, lines))
    return cycles


def phase_of(cycle: Cycle, today: _dt.date | str) -> Support:
    """The phase on `today` (a date, or an ISO day `YYYY-MM-DD`)."""
    first, bugfix, eol = (iso_day(cycle.first_release), iso_day(cycle.end_of_bugfix),
                          iso_day(cycle.end_of_life))
    if first is None or bugfix is None or eol is None:  # a Cycle made elsewhere than on load
        raise ValueError(f"{cycle.minor}: its dates are not ISO days: {tuple(cycle)[1:]}")
    if not isinstance(today, str):
        today = today.isoformat()
    if today < first:
        return Support(cycle.minor, "pre-release", cycle.first_release[:7], cycle)
    if today < bugfix:
        return Support(cycle.minor, "bugfix", cycle.end_of_bugfix[:7], cycle)
    if today < eol:
        return Support(cycle.minor, "security", cycle.end_of_life[:7], cycle)
    return Support(cycle.minor, "end-of-life", None, cycle)


class SupportTable:
    """Support status by minor version, for one `today` (default: the local date)."""

    def __init__(self, cycles: Mapping[str, Cycle], today: _dt.date | str | None = None) -> None:
        self.cycles = dict(cycles)
        self.today: _dt.date | str = today or time.strftime("%Y-%m-%d")  # the local date

    @classmethod
    def load(cls, state_dir: Path | None = None, today: _dt.date | str | None = None) -> SupportTable:
        return cls(load_cycles(state_dir), today)

    def for_minor(self, major: int, minor: int) -> Support | None:
        cycle = self.cycles.get(f"{major}.{minor}")
        return phase_of(cycle, self.today) if cycle is not None else None

    def for_item(self, item) -> Support | None:
        """CPython builds and installs (anything with implementation, major, minor); None for
        other implementations, whose support follows their own projects."""
        if getattr(item, "implementation", "cpython") != "cpython":
            return None
        return self.for_minor(item.major, item.minor)


def release_cycle_url(env: Mapping[str, str], catalog_url_is_default: bool) -> str | None:
    """PYTUI_RELEASE_CYCLE_URL; else the devguide's file, but only when the catalog also comes
    from its default URL (a custom catalog source means a private or test setup: no other host
    is contacted unless named)."""
    value = env.get("PYTUI_RELEASE_CYCLE_URL", "").strip()
    if value:
        return value
    return DEFAULT_URL if catalog_url_is_default else None


def refresh(settings) -> str | None:
    """Fetch and keep the release-cycle dates; returns a one-line problem, or None when it was
    kept, unchanged, skipped (offline, no URL) or fine. Never raises for network trouble or a
    state dir that cannot keep the file. The body is read at most MAX_BYTES (decoded) and
    within MAX_FETCH_SECONDS, as a catalog is (core/catalog_fetch.py)."""
    import httpx
    from pytui.core.catalog_fetch import fetch_catalog
    from pytui.core.errors import CatalogError, OfflineError, describe_network_error
    from pytui.core.http import TransferLimits, make_client
    from pytui.core.settings import DEFAULT_CATALOG_URL

    url = release_cycle_url(settings.env, settings.catalog_url == DEFAULT_CATALOG_URL)
    if url is None or settings.offline:
        return None
    kept = "kept the dates pytui has"
    # Every line about what the server sent (or did not) ends with what to do about it.
    unfetched = f"{kept}; {_next_step(settings.env)}"
    try:
        with make_client(offline=settings.offline, what="refreshing the release cycle",
                         env=settings.env) as client:
            fetched = fetch_catalog(client, url, max_bytes=MAX_BYTES, max_seconds=MAX_FETCH_SECONDS,
                                    limits=TransferLimits.from_env(settings.env), what="release cycle")
    except OfflineError:
        return None
    except CatalogError as err:  # too big, too slow, an encoding pytui does not read
        return f"refused the Python release cycle from {url}: {_after_url(str(err), url)}; {unfetched}"
    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as err:  # any network failure, a bad URL
        # The cause as the catalog's refresh words it beside it (a name not resolved: no
        # network; a redirect to a malformed URL, a refusal).
        return (f"could not refresh the Python release cycle from {url} "
                f"({describe_network_error(err, url)}); {unfetched}")
    if fetched.status != 200:
        return f"could not refresh the Python release cycle from {url} (HTTP {fetched.status}); {unfetched}"
    try:
        cycles = parse_cycles(fetched.data)
    except ValueError as err:
        return f"refused the Python release cycle from {url}: {err}; {unfetched}"
    if len(cycles) < MIN_ENTRIES:
        return (f"refused the Python release cycle from {url}: only {len(cycles)} usable "
                f"versions; {unfetched}")
    doc = {c.minor: {"first_release": c.first_release, "end_of_bugfix": c.end_of_bugfix,
                     "end_of_life": c.end_of_life} for c in cycles.values()}
    target = Path(settings.state_dir) / STATE_FILE
    from pytui.core.atomic import write_atomic

    try:
        import json  # (an indent: json's own encoder)

        write_atomic(target, json.dumps(doc, indent=1).encode(), make_parents=True)
    except OSError as err:
        from pytui.core.fs_errors import reason

        return f"could not keep the Python release cycle in {target}: {reason(err, target)}; {kept}"
    return None


def _next_step(env: Mapping[str, str]) -> str:
    """What to do when the release-cycle file was not fetched or was refused."""
    if env.get("PYTUI_RELEASE_CYCLE_URL", "").strip():
        return "check PYTUI_RELEASE_CYCLE_URL, or unset it to use the Python devguide's file"
    return "the next catalog refresh tries again"


def _after_url(message: str, url: str) -> str:
    """`release cycle URL is more than …; check the URL` -> `it is more than …`."""
    head = f"release cycle {url} "
    rest = message[len(head):] if message.startswith(head) else message
    return "it " + rest.split("; ", 1)[0]


def eol_fact(status: Support) -> str:
    """`Python 3.8 reached its end of life in 2024-10 and gets no security fixes`: the one
    wording of the fact, which the CLI's warning, the TUI's question and its notification
    each complete in their own way."""
    return (f"Python {status.minor} reached its end of life in {status.cycle.end_of_life[:7]} "
            "and gets no security fixes")


def end_of_life(builds, state_dir: Path | None = None,
                today: _dt.date | str | None = None) -> list[tuple[Support, Any]]:
    """(status, first build of it) per distinct end-of-life minor version among `builds`
    (CPython only), in the builds' order."""
    builds = list(builds)
    lines = {f"{build.major}.{build.minor}" for build in builds
             if getattr(build, "implementation", "cpython") == "cpython"}
    table = SupportTable(load_cycles(state_dir, lines), today)
    found = []
    seen = set()
    for build in builds:
        status = table.for_item(build)
        if status is None or status.phase != "end-of-life" or status.minor in seen:
            continue
        seen.add(status.minor)
        found.append((status, build))
    return found


def eol_warnings(builds, state_dir: Path | None = None, today: _dt.date | str | None = None) -> list[str]:
    """The CLI's line per distinct end-of-life minor version among `builds`, printed as the
    install goes ahead (CPython only)."""
    return [f"{eol_fact(status)}; installing {build.key} anyway"
            for status, build in end_of_life(builds, state_dir, today)]


def eol_question(build, state_dir: Path | None = None, today: _dt.date | str | None = None) -> str:
    """The TUI's line under "Install KEY?" for an end-of-life version (the fact, then the
    question); "" for a supported one."""
    found = end_of_life([build], state_dir, today)
    return f"{eol_fact(found[0][0])}. Install it anyway?" if found else ""


def eol_installed_lines(builds, state_dir: Path | None = None,
                        today: _dt.date | str | None = None) -> list[str]:
    """The CLI's line per distinct end-of-life minor version among `builds` it has installed:
    said once the install is done (a failed or refused install says nothing of it)."""
    return [f"{eol_fact(status)}; {build.key} was installed anyway"
            for status, build in end_of_life(builds, state_dir, today)]


def eol_installed(build, state_dir: Path | None = None, today: _dt.date | str | None = None) -> str:
    """The TUI's warning once an end-of-life version is installed; "" for a supported one."""
    found = end_of_life([build], state_dir, today)
    return f"{eol_fact(found[0][0])}; {build.key} was installed anyway" if found else ""


_fields(Cycle, Cycle._fields)
_fields(Support, Support._fields)

"""Which installs the Installed pane measures (again), one measurement per install at a time.

An install's size is measured once it is listed, and again when a listing finds that install's
stamp (app/disk_watch.py: its directory, `bin/` and `site-packages`, and its interpreter)
moved since the listing its size was measured after (a `pip install` into it, a file added or
removed there), or after `r` or a purge (`forget`: every install again). A measurement runs in
a thread (app/background.py); an install asked for while one of it runs waits for that one to
end and is measured once more then, so no two walk the same install at once. Each ask has its
own number, and a result that is not the newest asked for its install is dropped (the size
shown stays until the newer one lands). No Textual here: the rules are unit-tested alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.app.disk_watch import DiskStamp, InstallStamp
    from pytui.core.models import Installation

# One install to measure: the install and the number of the ask.
Ask = tuple["Installation", int]


class SizeWatch:
    """Used on the app's thread only."""

    def __init__(self) -> None:
        self._asked = 0
        # Per install key: the number of its newest ask.
        self._newest: dict[str, int] = {}
        # Per install key: the stamp of the listing after which its shown size was asked for
        # (None: a stamp too recent to trust, or none; a listing then asks again).
        self._stamp_of_ask: dict[str, InstallStamp | None] = {}
        # What was asked with each number, until its result lands.
        self._stamp_asked: dict[int, InstallStamp | None] = {}
        # The installs being measured now (key -> number), and those asked for meanwhile.
        self._running: dict[str, int] = {}
        self._waiting: dict[str, Ask] = {}
        # Keys measured since (or forgotten): a listing measures each again.
        self._stale: set[str] = set()

    def listed(self, installations: list[Installation], stamp: DiskStamp | None,
               sizes: dict[str, int]) -> list[Ask]:
        """A listing landed (`stamp` taken before it): the installs to measure now. Those whose
        size is unknown, or whose stamp moved since their size was asked for, are asked for;
        those being measured wait for that measurement to end (`ended`)."""
        installs = stamp.installs if stamp is not None else {}
        racy = stamp is not None and stamp.racy
        start: list[Ask] = []
        for installation in installations:
            key = installation.key
            now = installs.get(installation.path.name)
            if key in sizes and key not in self._stale and \
                    (stamp is None or self._stamp_of_ask.get(key) == now):
                continue
            self._stale.discard(key)
            self._asked += 1
            number = self._asked
            self._newest[key] = number
            self._stamp_asked[number] = None if racy else now
            if key in self._running:
                replaced = self._waiting.get(key)
                if replaced is not None:  # never started: only the newer ask runs
                    self._stamp_asked.pop(replaced[1], None)
                self._waiting[key] = (installation, number)
            else:
                self._running[key] = number
                start.append((installation, number))
        return start

    def forget(self) -> None:
        """Measure every listed install again at the next listing (`r`; a purge, which made
        files no longer shared with a kept tree)."""
        self._stale.update(self._newest)

    def ended(self, asks: list[tuple[str, int]],
              unmeasured: frozenset[str] | set[str] = frozenset()) -> tuple[set[int], list[Ask]]:
        """Measurements ended (`asks`: key and number each, measured or not; `unmeasured`: the
        keys whose measurement was cancelled or failed): the numbers whose results are the
        newest for their install (the others are dropped), and what waited for them, to
        measure now. An install not measured keeps the stamp of its last measured size and is
        measured again at the next listing, moved or not."""
        newest: set[int] = set()
        start: list[Ask] = []
        for key, number in asks:
            stamp = self._stamp_asked.pop(number, None)
            if self._running.get(key) == number:
                del self._running[key]
            if self._newest.get(key) == number:
                newest.add(number)
                if key in unmeasured:
                    self._stale.add(key)
                else:
                    self._stamp_of_ask[key] = stamp
            waiting = self._waiting.pop(key, None)
            if waiting is not None:
                self._running[key] = waiting[1]
                start.append(waiting)
        return newest, start

    def gone(self, present: set[str]) -> None:
        """Forget what is known of installs no longer listed (their results, if any run, are
        dropped by the state, which keeps sizes of listed installs only)."""
        for key in [k for k in self._stamp_of_ask if k not in present]:
            del self._stamp_of_ask[key]
        self._stale &= present

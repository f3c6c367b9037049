"""core/exchange_deadline.ExchangeDeadline, the one type that bounds an HTTP exchange's head and
whole in time (a catalog fetch, an httpx download). Its decisions are taken at a moment passed
in (`check(now)`, what its thread calls when a wait ends), so the race it exists for — a head
arriving as its bound passes — is made certain here without waiting on time; the thread is
exercised with bounds that have passed already (0 s) or never will (an hour), and the tests
wait on the shut it makes, never on a clock."""

from __future__ import annotations

import threading

from pytui.core.exchange_deadline import ExchangeDeadline

HOUR = 3600.0


class Shuts:
    """The connection's shut: counted, and an event to wait on."""

    def __init__(self) -> None:
        self.count = 0
        self.done = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self.done.set()


def test_a_head_in_as_its_bound_passes_is_not_cut_and_the_total_bound_still_holds() -> None:
    shuts = Shuts()
    with ExchangeDeadline(shuts, head_seconds=HOUR, head_cause="head late",
                          total_seconds=2 * HOUR, total_cause="too long") as deadline:
        deadline.head_arrived()
        # The thread's wait over just as the head came: it decides after the arrival.
        assert deadline.check(deadline.started + HOUR + 1) is None
        assert (deadline.cause, shuts.count) == (None, 0)
        assert deadline.check(deadline.started + 2 * HOUR + 1) == "too long"
        assert (deadline.cause, shuts.count) == ("too long", 1)


def test_a_head_not_in_by_its_bound_is_cut_once_and_a_late_head_changes_nothing() -> None:
    shuts = Shuts()
    with ExchangeDeadline(shuts, head_seconds=HOUR, head_cause="head late") as deadline:
        assert deadline.check(deadline.started + HOUR - 1) is None
        assert deadline.check(deadline.started + HOUR) == "head late"
        deadline.head_arrived()  # after the cut: the client fails on the shut connection
        assert deadline.check(deadline.started + HOUR + 1) == "head late"
        assert (deadline.cause, shuts.count) == ("head late", 1)


def test_an_exchange_ended_before_a_bound_passes_is_never_cut() -> None:
    shuts = Shuts()
    with ExchangeDeadline(shuts, head_seconds=HOUR, head_cause="head late",
                          total_seconds=HOUR, total_cause="too long") as deadline:
        pass
    assert deadline.check(deadline.started + 10 * HOUR) is None
    assert (deadline.cause, shuts.count) == (None, 0)


def test_the_thread_cuts_a_head_whose_bound_has_passed() -> None:
    shuts = Shuts()
    with ExchangeDeadline(shuts, head_seconds=0.0, head_cause="head late",
                          total_seconds=HOUR, total_cause="too long") as deadline:
        assert shuts.done.wait(60), "the thread never cut"
    assert (deadline.cause, shuts.count) == ("head late", 1)


def test_the_thread_cuts_at_the_total_bound_after_a_head_in_time() -> None:
    shuts = Shuts()
    with ExchangeDeadline(shuts, head_seconds=HOUR, head_cause="head late",
                          total_seconds=0.0, total_cause="too long") as deadline:
        deadline.head_arrived()
        assert shuts.done.wait(60), "the thread never cut"
    assert (deadline.cause, shuts.count) == ("too long", 1)


def test_no_thread_outlives_its_exchange_and_none_starts_without_a_bound() -> None:
    shuts = Shuts()
    with ExchangeDeadline(shuts, head_seconds=HOUR, total_seconds=HOUR) as deadline:
        assert deadline.watching
    assert not deadline.watching  # leaving the block ended it and waited for it
    with ExchangeDeadline(shuts) as unbounded:
        assert not unbounded.watching
    assert (deadline.cause, unbounded.cause, shuts.count) == (None, None, 0)

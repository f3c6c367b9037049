"""A root holding thousands of directories named as installs with no interpreter (a hostile or
badly broken root): each is said damaged once, and `pytui list` checked every new one against
every one found before (`(installation, missing) not in damaged`, a list), so 3,000 took
0.85 s of CPU where 0.25 s does now (load 24, two runs each). Counted here, not timed: the
installs compared with one another while listing."""

from __future__ import annotations

import pytest
from cli_harness import Pytui, key_of
from pytui.core.models import Installation

MANY = 120


def test_many_damaged_installs_are_not_compared_with_each_other(pytui: Pytui,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytui.add("3.12.8")
    for patch in range(MANY):
        (pytui.root / key_of(f"3.12.{patch + 100}") / "bin").mkdir(parents=True)
    compared = 0
    tuple_eq = tuple.__eq__

    def counting_eq(self: Installation, other: object) -> bool:
        nonlocal compared
        compared += 1
        return tuple_eq(self, other)

    monkeypatch.setattr(Installation, "__eq__", counting_eq)
    done = pytui.call("list", "--only-installed")
    assert done.stdout == ""
    assert "and 117 more installs like these" in done.stderr, done.stderr
    assert compared < MANY, compared  # was MANY * (MANY - 1) / 2

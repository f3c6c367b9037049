"""Plain data classes without `dataclasses`' cost at import.

`@dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__` and, when
frozen, `__setattr__` as source text and `exec`s it when the module is imported: 0.3–1.7 ms
a class on this machine, about 20 ms for the 30 the TUI imports before its first screen
(bench/ui.py compares that screen with a bare Textual app). A `Record` subclass lists its
fields in `__slots__` and writes its own `__init__`; equality, hash, repr, `replace`, copy and
pickle come from here, the same for every subclass, and nothing is generated per class.

- `Record`: mutable, compared by value and so not hashable (a dataclass's `eq=True`);
- `FrozenRecord`: assigning a field raises AttributeError, hashable by value (a frozen
  dataclass); its `__init__` sets fields with `object.__setattr__`, as a frozen dataclass's does.
"""

from __future__ import annotations

from typing import Any, TypeVar

_R = TypeVar("_R", bound="Record")


class Record:
    """Fields are the `__slots__` of the class itself, in order; `__init__` takes each by
    its field name (what `replace` relies on)."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable: compared by value, never hashed

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild through __init__
        return (type(self), self._values())

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with `changes` (field names) applied, as `dataclasses.replace`."""
        unknown = changes.keys() - set(self.__slots__)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    """A Record whose fields cannot be assigned once `__init__` set them."""

    __slots__: tuple[str, ...] = ()

    def __hash__(self) -> int:  # type: ignore[override]  # frozen: hashable by value
        return hash(self._values())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r} "
                             "(replace() makes a changed copy)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

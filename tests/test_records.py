"""core/record.py and the records built on it: every field in `__slots__` is an `__init__`
parameter of the same name, in the same order (what `replace`, equality and repr rely on),
and the value semantics match the dataclasses they replaced."""

from __future__ import annotations

import copy
import importlib
import inspect
import pickle

import pytest
from pytui.core.record import FrozenRecord, Record

# Every module that defines records (a new one belongs here).
MODULES = ("pytui.widgets.rows", "pytui.widgets.key_bar", "pytui.app.state",
           "pytui.app.keymap", "pytui.app.sorting", "pytui.app.filter", "pytui.app.history",
           "pytui.app.config", "pytui.core.env_quick_state")


def _records() -> list[type[Record]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        found += [value for value in vars(module).values()
                  if isinstance(value, type) and issubclass(value, Record)
                  and value.__module__ == name]
    return found


def test_every_module_listed_defines_records() -> None:
    defined = {cls.__module__ for cls in _records()}
    assert defined == set(MODULES)


@pytest.mark.parametrize("cls", _records(), ids=lambda cls: cls.__qualname__)
def test_fields_are_the_init_parameters_in_order(cls: type[Record]) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters)[1:]
    assert tuple(parameters) == cls.__slots__


def test_value_semantics() -> None:
    from pytui.app.job_record import Job
    from pytui.app.state import ViewOptions

    view = ViewOptions(all_versions=True)
    assert view == ViewOptions(all_versions=True) and view != ViewOptions()
    assert hash(view) == hash(ViewOptions(all_versions=True))
    assert view.replace(filter_text="3.12") == ViewOptions(True, False, False, "3.12")
    assert view.all_versions and view.replace(all_versions=False) == ViewOptions()
    assert repr(view) == ("ViewOptions(all_versions=True, all_platforms=False, variants=False, "
                          "filter_text='')")
    with pytest.raises(AttributeError, match="immutable"):
        view.filter_text = "x"  # type: ignore[misc]  # the point: a frozen record refuses
    with pytest.raises(TypeError, match="no field 'colour'"):
        view.replace(colour="red")
    assert copy.copy(view) == view and pickle.loads(pickle.dumps(view)) == view
    assert ViewOptions() != (False, False, False, "")  # only the same class compares equal

    job = Job(1, "install", "cpython-3.12.8")
    job.phase = "download"  # a mutable record
    assert job == Job(1, "install", "cpython-3.12.8", phase="download")
    with pytest.raises(TypeError):
        hash(job)  # compared by value and mutable: never hashed (as a dataclass with eq)
    assert isinstance(view, FrozenRecord) and not isinstance(job, FrozenRecord)

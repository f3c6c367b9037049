"""A catalog's entries are bounded by a count, not by its bytes only: within the 256 MiB byte
bound, short entries made 850,000 builds, whose first read took 112 s and 960 MB. Past
MAX_CATALOG_ENTRIES (uv's catalog holds ~5,500; pytui is measured at 200,000) the catalog is
refused in one line: at once when its text spells `"url"` that often, else as the entries are
read (a key spelt with escapes, `"\\u0075rl"`, is the same key to JSON)."""

from __future__ import annotations

import pytest
from cli_harness import Pytui, assert_clean_failure
from pytui.core import catalog_parse
from pytui.core.catalog import parse_catalog
from pytui.core.catalog_entry import MAX_CATALOG_ENTRIES
from pytui.core.errors import CatalogError

_ENTRY = ('"e{n}":{{"name":"cpython","arch":{{"family":"x86_64"}},"os":"linux","libc":"gnu",'
          '"major":3,"minor":12,"patch":{patch},"{url}":"http://h/a{n}.tar.gz"}}')


def _catalog(count: int, url: str = "url") -> str:
    return "{" + ",".join(_ENTRY.format(n=n, patch=n % 256, url=url) for n in range(count)) + "}"


def test_a_catalog_of_more_entries_than_the_bound_is_refused_before_it_is_decoded(pytui: Pytui) -> None:
    catalog = pytui.tmp / "many.json"
    catalog.write_text(_catalog(MAX_CATALOG_ENTRIES + 1))
    result = pytui.run("list", "--downloads-json", str(catalog))
    line = assert_clean_failure(result, 1)
    assert line == (f"error: catalog {catalog} holds more than 250,000 entries (uv's holds about "
                    "5,500; pytui reads up to the scale it is measured at, 200,000 builds, with room "
                    "to spare); point --downloads-json at a uv download-metadata.json"), line
    assert not result.stdout


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
def test_entries_whose_url_key_is_spelt_with_escapes_are_counted_as_read(
        monkeypatch: pytest.MonkeyPatch, streamed: bool) -> None:
    monkeypatch.setattr(catalog_parse, "MAX_CATALOG_ENTRIES", 50)
    if streamed:
        monkeypatch.setattr(catalog_parse, "STREAM_FROM_BYTES", 0)
    assert len(parse_catalog(_catalog(50, url="\\u0075rl"), "c.json").builds) == 50
    with pytest.raises(CatalogError, match=r"^catalog c\.json holds more than 50 entries "):
        parse_catalog(_catalog(51, url="\\u0075rl"), "c.json")
    with pytest.raises(CatalogError, match=r"^catalog c\.json holds more than 50 entries "):
        parse_catalog(_catalog(51).encode(), "c.json")  # counted before anything is decoded


"""What a hostile catalog server gets said, in words a person reads: a body past pytui's bound in
binary units, as every size pytui prints (it read `268435456 bytes`), and a header block past
httpx's bound as the plain client says it (it read h11's `Receive buffer too long`). Against the
tests' server; the cache and the install root stay as they were."""

from __future__ import annotations

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from fixtures_archives import MadeArchive
from pytui.core.catalog_fetch import fetch_catalog
from pytui.core.errors import CatalogError
from pytui.core.http import make_client


@pytest.mark.parametrize(("faults", "said"), [
    ({"mode": "endless"}, "is more than 1.0 MiB, the most pytui reads; check the URL"),
    ({"declare_length": 5 << 20}, "is 5.0 MiB, more than pytui reads (1.0 MiB); check the URL"),
])
def test_a_catalog_past_the_bound_is_said_in_binary_units(http_server, faults: dict, said: str) -> None:
    url = http_server.add("/c.json", b"{}", **faults)
    with make_client(offline=False, env={}) as client, pytest.raises(CatalogError) as caught:
        fetch_catalog(client, url, max_bytes=1 << 20)
    assert str(caught.value) == f"catalog {url} {said}"


def test_a_header_block_past_httpxs_bound_is_named(pytui: Pytui, baseline: MadeArchive) -> None:
    url = pytui.server.add("/c.json", b"{}", mode="huge_headers")
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("list", "--downloads-json", url))
    assert line == (f"error: catalog {url} could not be fetched (RemoteProtocolError: response "
                    "headers longer than 102400 bytes); check the URL and the network, or use a "
                    "local file"), line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before

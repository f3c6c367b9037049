"""`pytui install`'s version-file lines name an example minor (app/version_file_requests.py,
core/example_minor.py): with nothing installed, the catalog's newest stable, from the catalog
loaded lazily. A lazily loaded catalog makes its builds from the parsed-catalog cache when
they are first used, and an entry that disagrees with its source (an offset that names no URL
there) has the source parsed again, which raises CatalogError when the source is no catalog:
raised inside the line's example, that error took the version file's line's place. The
example now passes over such a catalog (the rule's next step, as with no catalog); the
install then says the catalog's own line. A real pytui process; the hostile catalog is the
loopback server's (its archives served there) with one URL's byte broken and a parsed-cache
entry forged for it as a forger who knows the format writes one."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Pytui


def _forged(pytui: Pytui) -> str:
    """The catalog made no JSON (a `\\p` escape in each URL, same length) with an entry
    in the parsed-catalog cache whose stamp is the broken file's: what the lazy load reads."""
    from pytui.core import parsed_cache
    from pytui.core.catalog import parse_catalog
    from pytui.core.sealed import seal
    from pytui.core.settings import Settings

    good = pytui.catalog.read_bytes()
    bad = good.replace(b'"http', b'"ht\\p')  # each URL's second `t`: whichever build is made
    assert len(bad) == len(good) and bad != good
    pytui.catalog.write_bytes(bad)
    state_dir = Settings.resolve(env=pytui.env()).state_dir
    source = pytui.catalog.absolute()
    where, what, stamp = parsed_cache._entry_name(source, "uv-json", source.stat(), bad)
    directory = Path(state_dir) / parsed_cache.CACHE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    # The good catalog's entry (its offsets, found in its bytes) under the broken file's stamp.
    data = parsed_cache._encode(stamp, parse_catalog(good, str(source)), good)
    assert data is not None
    (directory / f"{where}-{what}.json").write_bytes(seal(data))
    return str(source)


def test_a_catalog_that_fails_when_its_builds_are_made_leaves_the_line(pytui: Pytui) -> None:
    for version in ("3.12.8", "3.13.1"):
        pytui.add(version)
    project = pytui.tmp / "project"
    project.mkdir()
    (project / ".python-version").write_text("/usr/bin/python3\n")  # a path: no download request
    catalog = _forged(pytui)
    ran = pytui.run("--project", str(project), "install")
    assert "Traceback" not in ran.stderr, ran.stderr
    lines = ran.stderr.splitlines()
    assert ran.returncode == 2 and len(lines) == 1, ran.stderr
    # The version file's line, its example the rule's last step (no install, no usable catalog):
    # the newest minor released by today in the release-cycle table.
    from pytui.core.example_minor import released_minor
    from pytui.core.settings import Settings

    minor = released_minor(Settings.resolve(env=pytui.env()).state_dir)
    assert lines[0] == (f"error: the version file {project / '.python-version'} asks for "
                        "`/usr/bin/python3`, a path, which is no Python download request (uv's "
                        f"install stops there too); pin a version in it ({minor}), or name the request "
                        f"(`pytui install {minor}`)"), lines
    # Named, the install says the catalog's own line, in one line.
    named = pytui.run("install", "3.13")
    assert named.returncode != 0 and "Traceback" not in named.stderr, named.stderr
    [line] = named.stderr.splitlines()
    assert line.startswith(f"error: catalog {catalog} is not valid JSON"), line

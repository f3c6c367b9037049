"""The text of uv's sysconfig fix-up (docs/uv-compat.md#fix-ups): `_sysconfigdata_*.py` parsed,
patched for the install's prefix and written back as uv writes it, and `lib/pkgconfig/*.pc`
lines pointed at the install. Text in, text out: core/fixups.py reads and writes the files.
"""

from __future__ import annotations

from pytui.core import json_codec
from pytui.core.errors import InstallError

SYSCONFIG_HEADER = "# system configuration generated and used by the sysconfig module\n"
# PBS builds with --prefix=/install.
PBS_PREFIX = "/install"

_GCC_TRIPLES = ("aarch64-linux-gnu", "arm-linux-gnueabi", "arm-linux-gnueabihf", "loongarch64-linux-gnu",
                "mips-linux-gnu", "mipsel-linux-gnu", "powerpc64le-linux-gnu", "s390x-linux-gnu",
                "x86_64-linux-gnu")
# uv's generated table (sysconfig/generated_mappings.rs, from PBS targets.yml): whole
# whitespace-separated words replaced in these variables; AR is replaced entirely.
_CC_WORDS = {**{f"/usr/bin/{t}-gcc": "cc" for t in _GCC_TRIPLES},
             "/usr/bin/riscv64-linux-gnu-clang": "cc", "/usr/bin/riscv64-linux-gnu-gcc": "cc",
             "clang": "cc", "musl-clang": "cc"}
_CXX_WORDS = {**{f"/usr/bin/{t}-g++": "c++" for t in _GCC_TRIPLES},
              "/usr/bin/riscv64-linux-gnu-clang++": "c++", "/usr/bin/riscv64-linux-gnu-g++": "c++",
              "clang++": "c++"}
WORD_REPLACEMENTS: dict[str, dict[str, str]] = {
    "CC": _CC_WORDS, "BLDSHARED": _CC_WORDS, "LDSHARED": _CC_WORDS, "LINKCC": _CC_WORDS,
    "CXX": _CXX_WORDS, "LDCXXSHARED": _CXX_WORDS,
}
FULL_REPLACEMENTS = {"AR": "ar"}


def _update_prefix(value: str, real_prefix: str) -> str:
    words = []
    for word in value.split():
        # uv matches any word starting with "/install"; only the prefix itself or a path under
        # it is a real match (a root under `/installs/...` must survive a second run).
        if word == PBS_PREFIX:
            word = real_prefix
        elif word.startswith(PBS_PREFIX + "/"):
            word = real_prefix.rstrip("/") + word[len(PBS_PREFIX):]
        words.append(word)
    return " ".join(words)


def _remove_isysroot(value: str) -> str:
    words = value.split()
    out = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "-isysroot":
            skip = True
        else:
            out.append(word)
    return " ".join(out)


def patch_sysconfig_vars(values: dict[str, object], real_prefix: str) -> dict[str, object]:
    """uv's `patch_sysconfigdata`: for each string value, `/install` words -> `real_prefix`,
    `-isysroot <sdk>` pairs dropped (both also normalise whitespace to single spaces, as uv's
    do), compiler words replaced per variable, `AR` -> `ar`; then `PYTHON_BUILD_STANDALONE: 1`.
    """
    patched: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, str):
            if PBS_PREFIX in value or "-isysroot" in value:
                value = _remove_isysroot(_update_prefix(value, real_prefix))
            else:
                # Nothing to replace or drop: both steps only normalise the white space (most
                # of a build's ~1,000 variables; a word loop each was most of this fix-up).
                value = " ".join(value.split())
            words = WORD_REPLACEMENTS.get(key)
            if words:
                value = " ".join(words.get(word, word) for word in value.split())
            if key in FULL_REPLACEMENTS:
                value = FULL_REPLACEMENTS[key]
        patched[key] = value
    patched["PYTHON_BUILD_STANDALONE"] = 1
    return patched


# The common shape of a sysconfig dict literal, as pprint (CPython's build) or uv (JSON) writes
# it: string keys; values an integer or adjacent string literals; only simple escapes; no
# comments, parentheses or control characters. Anything else goes to `ast.literal_eval`.
_SC_ESCAPE = r"""\\[\\'"ntr]"""
_SC_STR = "|".join((rf"'[^'\\\x00-\x1f]*(?:{_SC_ESCAPE}[^'\\\x00-\x1f]*)*'",
                    rf'"[^"\\\x00-\x1f]*(?:{_SC_ESCAPE}[^"\\\x00-\x1f]*)*"'))
_SC_ENTRY = (rf"[ \n]*({_SC_STR})[ \n]*:[ \n]*(-?(?:0|[1-9][0-9]{{0,17}})|(?:{_SC_STR})(?:[ \n]*(?:{_SC_STR}))*)"
             r"[ \n]*(,?)")
_SC_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r"}


def _sc_text(literal: str) -> str:
    """The value of string literals `_SC_STR` matched (adjacent ones joined, as Python does)."""
    if "\\" not in literal and literal.count(literal[0]) == 2:
        return literal[1:-1]  # one literal without escapes: the common case
    import re

    text = "".join(part[1:-1] for part in re.findall(_SC_STR, literal))
    if "\\" in text:
        text = re.sub(r"\\(.)", lambda m: _SC_ESCAPES[m[1]], text)
    return text


def parse_sysconfig_literal(body: str) -> dict[str, object] | None:
    """The dict of `body` (a dict literal) when it has the common shape (`_SC_ENTRY`); None for
    anything else. Gives what `ast.literal_eval` gives for it, at a fraction of the cost (a
    cold install parses the file once; `ast` and its parse were ~15 ms of it)."""
    if not (body.startswith("{") and body.endswith("}")):
        return None
    import re

    match = re.compile(_SC_ENTRY).match
    values: dict[str, object] = {}
    pos, end = 1, len(body) - 1
    while pos < end:
        found = match(body, pos, end)
        if found is None:
            break
        key, value, comma = found.groups()
        values[_sc_text(key)] = _sc_text(value) if value[0] in "'\"" else int(value)
        pos = found.end()
        if not comma:
            break
    return values if not body[pos:end].strip(" \n") else None


# The most of a dict literal handed to `ast.literal_eval` (what `parse_sysconfig_literal` does
# not take): five times a real `_sysconfigdata` (~50 KB; CPython's and uv's take the fast path).
# Python's parser builds a node per token: 800 KB of `(1,1,…)` took 20 s at load 16, and the
# 16 MiB a fix-up reads (MAX_FIXUP_READ) some 1.5 GB and minutes, where a hostile archive put it.
MAX_LITERAL_EVAL_CHARS = 256 * 1024


def parse_sysconfigdata(text: str, source: str = "_sysconfigdata") -> dict[str, object]:
    """The `build_time_vars` dict of a `_sysconfigdata_*.py` (pprint'd by CPython or JSON by uv)."""
    marker = text.find("build_time_vars")
    if marker < 0:
        raise InstallError(f"{source} has no build_time_vars assignment; the archive is not a CPython build")
    equals = text.find("=", marker)
    fast = parse_sysconfig_literal(text[equals + 1:].strip())
    if fast is not None:
        return _written_back(fast, source)
    if len(text) - equals > MAX_LITERAL_EVAL_CHARS:
        raise InstallError(f"cannot parse {source}: its build_time_vars is {len(text) - equals:,} "
                           "characters not in the shape CPython writes, past the "
                           f"{MAX_LITERAL_EVAL_CHARS // 1024} KiB pytui evaluates (a real one is "
                           "~50 KB); the archive's sysconfig data is damaged")
    import ast  # only here: the common shape is parsed above, and a tree keeps its parse

    try:
        values = ast.literal_eval(text[equals + 1:].strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError) as err:
        raise InstallError(f"cannot parse {source}: {err}; the archive's sysconfig data is damaged") from None
    if not isinstance(values, dict):
        raise InstallError(f"cannot parse {source}: build_time_vars is not a dict")
    for key, value in values.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InstallError(f"cannot parse {source}: {key!r} is not a string or integer variable")
    return _written_back(values, source)


def _written_back(values: dict[str, object], source: str) -> dict[str, object]:
    """`values`, once each name and text can be written back as UTF-8: an escape such as
    `"\\ud800"` reads as a lone surrogate, which the write refused with a traceback."""
    try:
        "".join(values).encode("utf-8")
        "".join(value for value in values.values() if type(value) is str).encode("utf-8")
    except UnicodeEncodeError as err:
        refused = repr(err.object[err.start:err.end])[1:-1]
        raise InstallError(f"cannot parse {source}: it holds {refused} (a lone surrogate, not UTF-8 "
                           "text); the archive's sysconfig data is damaged") from None
    return values


def format_sysconfigdata(values: dict[str, object]) -> str:
    """uv's `to_string_pretty`: keys sorted, JSON with 4-space indent (valid Python).

    With an indent, `json.dumps` runs its pure-Python encoder. For the flat dict of strings and
    integers that sysconfig data is, the same text is made by json's C encoder: the items
    separated by `,` + a new line and the indent, then the braces put on lines of their own
    (property-tested against `json.dumps(..., indent=4)`). Anything else goes through that."""
    if values and set(map(type, values)) == {str} and set(map(type, values.values())) <= {str, int}:
        flat = json_codec.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",\n    ", ": "))
        body = "{\n    " + flat[1:-1] + "\n}"
    else:
        import json  # (an indent: json's own encoder)

        body = json.dumps(dict(sorted(values.items())), indent=4, ensure_ascii=False)
    return f"{SYSCONFIG_HEADER}build_time_vars = {body}\n"


def patch_sysconfig_text(text: str, real_prefix: str, source: str = "_sysconfigdata") -> str:
    return format_sysconfigdata(patch_sysconfig_vars(parse_sysconfigdata(text, source), real_prefix))


def patch_pkgconfig_text(text: str) -> str | None:
    """`word=/install` lines -> `word=${pcfiledir}/../..`; None when nothing changes.

    Byte-for-byte as uv writes it: uv rejoins Rust's `lines()` with `\n`, so `\r\n` becomes
    `\n` and the final newline is dropped (pkg-config does not mind).
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    changed = False
    for index, line in enumerate(lines):
        if line.endswith("\r"):
            line = lines[index] = line[:-1]
        name, sep, value = line.partition("=")
        if sep and value == PBS_PREFIX and name.isascii() and (name == "" or name.isalpha()):
            lines[index] = f"{name}=${{pcfiledir}}/../.."
            changed = True
    return "\n".join(lines) if changed else None

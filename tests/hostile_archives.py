"""Hostile archives: link chains whose text stays inside while their real target leaves it, damaged
and out-of-bounds tar headers, and bombs. Plain functions, used by test_hostile_archives.py and the
end-to-end tests; the ordinary (and the older malicious) archives are in fixtures_archives.py.

    members = link_attack_members("chain_to_victim", victim)      # -> list[Member], under python/
    write_archive(path, members, add_dirs=False)
    data = header_attack_tar("gnu_negative_size")                 # -> bytes of a plain tar
    write_zero_bomb(path, size=1 << 30)                           # a ~40 KB tar.zst of one 1 GiB member

`victim` is an absolute directory outside the stage (a sibling of it, or of the install root):
links climb to `/` with more `..` than any test's depth and then name it, so the same archive
aims at the victim from a unit test's stage and from an install root's `.temp/` alike.
"""

from __future__ import annotations

from pathlib import Path

from fixtures_archives import (
    Member,
    directory,
    executable,
    file,
    hardlink,
    pbs_prefix_members,
    symlink,
)

_CLIMB = "../" * 40


def to_victim(victim: Path, *rest: str) -> str:
    """A relative link target that reaches `victim` from any depth up to 40."""
    return _CLIMB + "/".join((str(victim).lstrip("/"), *rest))


# --------------------------------------------------------------------------------------------
# Symlink attacks (each must be refused; nothing may be written outside the stage)
# --------------------------------------------------------------------------------------------

LINK_ATTACKS = (
    "chain_to_victim",            # the chain: d1/…/d20/up -> stage root, then through it
    "chain_to_stage_root",        # python/d1/…/d20/up -> ../…: inside the stage, outside python/
    "dotdot_parent",              # python/x -> ..
    "dotdot_parent_nested",       # python/lib/x -> ../..
    "late_link",                  # a link that is fine when made, until a later link changes it
    "link_to_dir_then_file",      # an in-tree link to a dir, then a file written through it
    "link_out_then_file",         # a link to the victim, then a file written through it
    "link_replaced_by_dir",       # a link, then a directory member of the same name, then a file in it
    "dir_replaced_by_link",       # a directory, then a link of the same name to the victim
    "file_replaced_by_link",      # a file, then a link of the same name to a file in the victim
    "deep_chain",                 # 45 links in a row: more than the 40 the kernel follows
    "loop",                       # a -> b, b -> a
    "self_loop",                  # a -> a
    "hardlink_through_link",      # a hard link whose target path passes through an in-tree link
    "stdlib_link_out",            # lib/python3.12 -> the victim (what the fix-ups would write into)
)


def _benign() -> list[Member]:
    return [directory("python"), directory("python/bin"),
            executable("python/bin/python3.12", "#!/bin/sh\necho Python 3.12.8\n")]


def _deep(count: int) -> str:
    return "/".join(f"d{i}" for i in range(1, count + 1))


def link_attack_members(attack: str, victim: Path) -> list[Member]:
    """Members (with their directories, in order) for one of LINK_ATTACKS aimed at `victim`."""
    members = _benign()
    deep = _deep(20)
    if attack == "chain_to_victim":
        up = "../" * 21  # from python/d1/…/d20 to the stage root
        members += [directory(f"python/{'/'.join(deep.split('/')[:i])}") for i in range(1, 21)]
        members += [directory("python/lib"),
                    symlink(f"python/{deep}/up", up),
                    symlink("python/lib/python3.12", f"../{deep}/up/{to_victim(victim)}"),
                    file("python/lib/python3.12/pwned.txt", "pwned\n")]
    elif attack == "chain_to_stage_root":
        members += [directory(f"python/{'/'.join(deep.split('/')[:i])}") for i in range(1, 21)]
        members += [symlink(f"python/{deep}/up", "../" * 21)]
    elif attack == "dotdot_parent":
        members += [symlink("python/x", "..")]
    elif attack == "dotdot_parent_nested":
        members += [directory("python/lib"), symlink("python/lib/x", "../..")]
    elif attack == "late_link":
        # `l` is checked while `m` does not exist (l -> python/x: fine); `m` alone resolves to the
        # stage root (inside the stage); together l leads above the stage.
        members += [directory("python/lib"), symlink("python/lib/l", "m/../../x"),
                    symlink("python/lib/m", "../..")]
    elif attack == "link_to_dir_then_file":
        members += [directory("python/real"), symlink("python/alias", "real"),
                    file("python/alias/through.txt", "written through a link\n")]
    elif attack == "link_out_then_file":
        members += [directory("python/lib"), symlink("python/lib/esc", to_victim(victim)),
                    file("python/lib/esc/pwned.txt", "pwned\n")]
    elif attack == "link_replaced_by_dir":
        members += [directory("python/real"), symlink("python/a", "real"), directory("python/a"),
                    file("python/a/pwned.txt", "pwned\n")]
    elif attack == "dir_replaced_by_link":
        members += [directory("python/a"), symlink("python/a", to_victim(victim)),
                    file("python/a/pwned.txt", "pwned\n")]
    elif attack == "file_replaced_by_link":
        members += [file("python/f", "mine\n"), symlink("python/f", to_victim(victim, "secret.txt")),
                    file("python/f", "overwritten\n")]
    elif attack == "deep_chain":
        members += [directory("python/real")]
        members += [symlink(f"python/c{i}", f"c{i + 1}") for i in range(44, -1, -1)]
        members[-45] = symlink("python/c44", "real")
        members += [symlink("python/entry", "c0")]
    elif attack == "loop":
        members += [symlink("python/a", "b"), symlink("python/b", "a")]
    elif attack == "self_loop":
        members += [symlink("python/a", "a")]
    elif attack == "hardlink_through_link":
        members += [directory("python/real"), file("python/real/data.txt", "data\n"),
                    symlink("python/alias", "real"), hardlink("python/h", "python/alias/data.txt")]
    elif attack == "stdlib_link_out":
        members += [directory("python/lib"), symlink("python/lib/python3.12", to_victim(victim))]
    else:
        raise ValueError(f"unknown attack {attack!r}; choose from {LINK_ATTACKS}")
    return members


def link_attack_pbs_members(attack: str, victim: Path, version: str = "3.12.8", **kwargs: object) -> list[Member]:
    """A whole PBS prefix (so the fix-ups would run) with `attack` in place of its stdlib dir."""
    mm = ".".join(version.split(".")[:2])
    prefix = [m for m in pbs_prefix_members(version, **kwargs)  # type: ignore[arg-type]
              if not m.name.startswith(f"lib/python{mm}/")]
    attack_members = [m for m in link_attack_members(attack, victim)
                      if m.name not in ("python", "python/bin", "python/bin/python3.12")]
    out = [directory("python")]
    seen = {"python"}
    for member in prefix:
        parts = member.name.split("/")
        for depth in range(1, len(parts)):
            parent = "python/" + "/".join(parts[:depth])
            if parent not in seen:
                seen.add(parent)
                out.append(directory(parent))
        out.append(Member("python/" + member.name, member.kind, member.data, member.mode, member.target))
    return out + [m for m in attack_members if not (m.kind == "dir" and m.name in seen)]


# Links that look odd but stay inside; each must be accepted.
def benign_link_members() -> list[Member]:
    members = _benign() + [directory("python/real"), file("python/real/data.txt", "data\n")]
    members += [symlink(f"python/c{i}", f"c{i + 1}") for i in range(30)]
    members += [symlink("python/c30", "real"),
                symlink("python/self", "."),
                symlink("python/dangling", "missing/file.txt"),
                symlink("python/real/back", "../real/data.txt"),
                symlink("python/bin/lib", "../real")]
    return members


# --------------------------------------------------------------------------------------------
# Raw tar headers
# --------------------------------------------------------------------------------------------

BLOCK = 512
GNU_MAGIC = b"ustar  \0"


def base256(value: int, width: int = 12) -> bytes:
    """GNU's base-256 numeric field (two's complement, first byte 0x80 or 0xff)."""
    if value < 0:
        return b"\xff" + (value + (1 << (8 * (width - 1)))).to_bytes(width - 1, "big")
    return b"\x80" + value.to_bytes(width - 1, "big")


def octal(value: int, width: int = 12) -> bytes:
    return b"%0*o\0" % (width - 1, value)


def tar_header(name: str | bytes, *, type_flag: bytes = b"0", size: int = 0, size_field: bytes | None = None,
               link: str = "", mode: int = 0o644, checksum: int | None = None) -> bytes:
    """One GNU-format header block; `size_field` (12 bytes) overrides `size` verbatim."""
    raw_name = name.encode() if isinstance(name, str) else name
    block = bytearray(BLOCK)
    block[0:min(100, len(raw_name))] = raw_name[:100]
    block[100:108] = octal(mode, 8)
    block[108:116] = octal(0, 8)
    block[116:124] = octal(0, 8)
    block[124:136] = size_field if size_field is not None else octal(size)
    block[136:148] = octal(1_736_899_200)
    block[148:156] = b" " * 8
    block[156:157] = type_flag
    block[157:157 + len(link.encode())] = link.encode()
    block[257:265] = GNU_MAGIC
    block[148:156] = b"%06o\0 " % (sum(block) if checksum is None else checksum)
    return bytes(block)


def padded(data: bytes) -> bytes:
    return data + bytes(-len(data) % BLOCK)


def regular(name: str, data: bytes) -> bytes:
    return tar_header(name, size=len(data)) + padded(data)


def pax_record(key: str, value: str | bytes) -> bytes:
    body = b" " + key.encode() + b"=" + (value.encode() if isinstance(value, str) else value) + b"\n"
    length = len(body) + 1
    while len(str(length)) + len(body) != length:
        length += 1
    return str(length).encode() + body


def pax_header(records: bytes) -> bytes:
    return tar_header("././@PaxHeader", type_flag=b"x", size=len(records)) + padded(records)


END = bytes(2 * BLOCK)

HEADER_ATTACKS = (
    "gnu_negative_size",      # base-256 size -2 (looped forever at 100% CPU)
    "dir_negative_size",      # a directory of size -512
    "dir_slash_negative",     # an old-style directory (regular type, trailing slash) of size -512
    "pax_negative_size",      # pax size=-512
    "pax_size_garbage",       # pax size=1e9
    "huge_size",              # base-256 size 2**80
    "long_name_bomb",         # GNU long name claiming 3 GiB in a ~96 KiB archive
    "long_link_bomb",         # the same for a long link target
    "pax_header_bomb",        # a pax header claiming 2 GiB
    "pax_bad_length",         # a pax record whose length points past the header
    "pax_zero_length",        # a pax record of length 0 (looped forever in some readers)
    "pax_no_equals",          # a record without key=value
    "pax_path_too_long",      # a 5,000-byte pax path
    "component_too_long",     # a 300-byte path component
    "bad_checksum",
    "octal_garbage",          # a size field of "12x45"
    "old_gnu_sparse",         # type S
    "pax_sparse",             # GNU.sparse records
    "truncated_body",         # a member claiming 1 MiB in a 2 KiB archive
)


def header_attack_tar(attack: str) -> bytes:
    """A plain tar whose first member is fine and whose second is `attack`."""
    head = regular("python/ok.txt", b"fine\n")
    if attack == "gnu_negative_size":
        body = tar_header("python/neg", size_field=base256(-2)) + bytes(BLOCK)
    elif attack == "dir_negative_size":
        body = tar_header("python/dir/", type_flag=b"5", size_field=base256(-512))
    elif attack == "dir_slash_negative":
        body = tar_header("python/old/", type_flag=b"0", size_field=base256(-512))
    elif attack == "pax_negative_size":
        body = pax_header(pax_record("size", "-512")) + tar_header("python/p", size=0)
    elif attack == "pax_size_garbage":
        body = pax_header(pax_record("size", "1e9")) + tar_header("python/p", size=0)
    elif attack == "huge_size":
        body = tar_header("python/huge", size_field=base256(1 << 80))
    elif attack == "long_name_bomb":
        body = tar_header("././@LongLink", type_flag=b"L", size=3 << 30) + bytes(96 * 1024)
    elif attack == "long_link_bomb":
        body = tar_header("././@LongLink", type_flag=b"K", size=3 << 30) + bytes(96 * 1024)
    elif attack == "pax_header_bomb":
        body = tar_header("././@PaxHeader", type_flag=b"x", size=2 << 30) + bytes(96 * 1024)
    elif attack == "pax_bad_length":
        body = pax_header(b"9999 path=python/x\n") + tar_header("python/p")
    elif attack == "pax_zero_length":
        body = pax_header(b"0 path=x\n") + tar_header("python/p")
    elif attack == "pax_no_equals":
        body = pax_header(pax_record("path", "x").replace(b"=", b":")) + tar_header("python/p")
    elif attack == "pax_path_too_long":
        body = pax_header(pax_record("path", "python/" + "a/" * 2500 + "x")) + tar_header("python/p")
    elif attack == "component_too_long":
        body = pax_header(pax_record("path", "python/" + "c" * 300)) + regular("python/p", b"x")
    elif attack == "bad_checksum":
        body = tar_header("python/c", checksum=12345)
    elif attack == "octal_garbage":
        body = tar_header("python/g", size_field=b"00000012x45\0")
    elif attack == "old_gnu_sparse":
        body = tar_header("python/s", type_flag=b"S", size=0)
    elif attack == "pax_sparse":
        body = pax_header(pax_record("GNU.sparse.major", "1")) + regular("python/s", b"x")
    elif attack == "truncated_body":
        return head + tar_header("python/t", size=1 << 20) + bytes(1024)
    else:
        raise ValueError(f"unknown attack {attack!r}; choose from {HEADER_ATTACKS}")
    return head + body + END


# --------------------------------------------------------------------------------------------
# Bombs
# --------------------------------------------------------------------------------------------


def write_zero_bomb(path: Path, size: int = 1 << 30, *, kind: str = "tar.zst") -> Path:
    """A tar.zst (or tar.gz) holding `python/zeros` of `size` zero bytes, written in 1 MiB pieces."""
    piece = bytes(1 << 20)
    with open(path, "wb") as raw:
        if kind == "tar.zst":
            import zstandard

            out = zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
        else:
            import gzip

            out = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=1)  # type: ignore[assignment]
        out.write(tar_header("python/", type_flag=b"5"))
        out.write(tar_header("python/zeros", size=size))
        left = size
        while left:
            take = min(left, len(piece))
            out.write(piece[:take])
            left -= take
        out.write(bytes(-size % BLOCK) + END)
        out.close()
    return path


# zip compression methods by name: zipfile decompresses a whole read of bzip2 or lzma at once
# (deflate in bounded steps).
ZIP_METHODS = {"deflate": 8, "bzip2": 12, "lzma": 14}


def write_zip_zero_bomb(path: Path, size: int, method: str) -> Path:
    """A zip holding `python/zeros` of `size` zero bytes compressed with `method` (deflate,
    bzip2 or lzma), written in 16 MiB pieces: 1 GiB of zeros is 785 bytes of bzip2."""
    import stat
    import zipfile

    method_id = ZIP_METHODS[method]
    with zipfile.ZipFile(path, "w") as zf:
        folder = zipfile.ZipInfo("python/")
        folder.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
        zf.writestr(folder, b"")
        info = zipfile.ZipInfo("python/zeros")
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.compress_type = method_id
        piece = bytes(min(size, 1 << 24))
        with zf.open(info, "w", force_zip64=True) as out:
            left = size
            while left:
                take = min(left, len(piece))
                out.write(piece[:take])
                left -= take
    return path


def recompress_zip(path: Path, method: str) -> None:
    """Rewrite the zip at `path` with every file member compressed with `method`."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w") as zf:
        for info, data in members:
            if not info.is_dir():
                info.compress_type = ZIP_METHODS[method]
            zf.writestr(info, data)

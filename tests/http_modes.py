"""The loopback server's hostile modes (`Faults(mode=...)`), each one decorated function that
answers the whole request itself; its options come from `Faults.mode_args`.

- `endless`: 200 without Content-Length, the resource's bytes then zeros until the client
  hangs up (or the server stops).
- `gzip_bomb`: `Content-Encoding: gzip`, the body a gzip stream that inflates to
  `mode_args["inflated"]` bytes (default 256 MiB) of zeros; honest Content-Length of the
  compressed bytes.
- `wrong_types_catalog`: the resource is a uv catalog; the first `mode_args["entries"]` entries
  get `mode_args["field"]` = `mode_args["value"]` (e.g. `"sha256": 123`, `"url": 123`,
  `"prerelease": 5`; `"<missing>"` removes the field).
- `redirect`: a `mode_args["status"]` (default 302) redirect to `mode_args["location"]`.
- `chunked`: the resource with `Transfer-Encoding: chunked` in `mode_args["chunk"]`-byte chunks
  (default 64 KiB); `mode_args["bad_size"]` sends a chunk-size line that is not hex after the
  first chunk; `mode_args["cut"]` closes the connection inside the second chunk.
- `huge_headers`: a 200 whose header block is `mode_args["bytes"]` (default 1 MiB) long.
- `reason`: a `mode_args["status"]` (default 503) with the reason phrase `mode_args["reason"]`
  (any latin-1 text: a server's words, control bytes included), no body.
- `silent`: the request is read and never answered; the connection stays open until the client
  hangs up or the server stops.
- `drip_headers`: a 200 whose header block arrives one byte every `mode_args["interval"]` s
  (default 0.01), padded with `mode_args["bytes"]` (default 2000) bytes of one more header, then
  the resource with an honest Content-Length: each wait is far below any read timeout, the
  whole head slower than any speed floor.
"""

from __future__ import annotations

import functools
import json
import zlib

from http_faults import CHUNK, RecordedRequest, Resource, etag_for, slices
from http_handler import FaultHandler, hostile_mode


@hostile_mode("endless")
def _endless(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:
    """200, no Content-Length, the resource then zeros for ever (until the client hangs up)."""
    record.status = 200
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.send_header("Connection", "close")
    handler.close_connection = True
    handler.end_headers()
    if head:
        return
    for piece in slices(resource, 0, resource.size, CHUNK):
        if not handler._write(record, piece):
            return
    zeros = bytes(CHUNK)
    stop = handler.server.owner._stopping
    while not stop.is_set():
        if not handler._write(record, zeros):
            return


@hostile_mode("silent")
def _silent(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:  # noqa: ARG001 - the mode signature
    """No answer at all: a server that accepted the connection and hangs before its headers."""
    handler.close_connection = True
    handler.server.owner._stopping.wait()


@hostile_mode("drip_headers")
def _drip_headers(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:
    """The status line and headers one byte at a time, then the body at once."""
    args = resource.faults.mode_args
    interval = float(args.get("interval", 0.01))
    padding = b"x" * int(args.get("bytes", 2000))
    block = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Drip: " + padding
             + b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % resource.size)
    record.status = 200
    handler.close_connection = True
    stop = handler.server.owner._stopping
    for index in range(len(block)):
        if not handler._write(record, block[index:index + 1]) or stop.wait(interval):
            return
    if not head:
        for piece in slices(resource, 0, resource.size, CHUNK):
            if not handler._write(record, piece):
                return


@functools.lru_cache(maxsize=4)
def gzip_bomb(inflated: int) -> bytes:
    """A gzip stream of `inflated` zero bytes (~1000:1)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    out = []
    left = inflated
    while left > 0:
        out.append(packer.compress(block[:min(left, len(block))]))
        left -= len(block)
    out.append(packer.flush())
    return b"".join(out)


@hostile_mode("gzip_bomb")
def _gzip_bomb(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:
    """`Content-Encoding: gzip` whose body inflates to `mode_args["inflated"]` zero bytes."""
    body = gzip_bomb(int(resource.faults.mode_args.get("inflated", 256 << 20)))
    record.status = 200
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if not head:
        for offset in range(0, len(body), CHUNK):
            if not handler._write(record, body[offset:offset + CHUNK]):
                return


@hostile_mode("wrong_types_catalog")
def _wrong_types_catalog(handler: FaultHandler, record: RecordedRequest, resource: Resource,
                         head: bool) -> None:
    """A uv catalog (the resource's bytes, a download-metadata.json) whose first
    `mode_args["entries"]` entries (default 1) have `mode_args["field"]` (default "sha256") set
    to `mode_args["value"]` (default 123; the string "<missing>" removes the field, and a
    dotted field such as "arch.family" reaches inside). Served as a real catalog: 200, an
    ETag, an honest Content-Length."""
    args = resource.faults.mode_args
    doc = json.loads(bytes(resource.data or b"{}"))
    field_path = str(args.get("field", "sha256")).split(".")
    value = args.get("value", 123)
    for entry in list(doc.values())[:int(args.get("entries", 1))]:
        target = entry
        for part in field_path[:-1]:
            target = target.setdefault(part, {}) if isinstance(target, dict) else target
        if not isinstance(target, dict):
            continue
        if value == "<missing>":
            target.pop(field_path[-1], None)
        else:
            target[field_path[-1]] = value
    body = json.dumps(doc).encode()
    record.status = 200
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("ETag", etag_for(body.hex()[:64]))
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if not head:
        handler._write(record, body)


@hostile_mode("redirect")
def _redirect(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:
    """A redirect to `mode_args["location"]` with `mode_args["status"]` (default 302)."""
    status = int(resource.faults.mode_args.get("status", 302))
    record.status = status
    handler.send_response(status)
    handler.send_header("Location", str(resource.faults.mode_args["location"]))
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@hostile_mode("reason")
def _reason(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:  # noqa: ARG001 - the mode signature
    """`mode_args["status"]` (default 503) with the reason phrase `mode_args["reason"]`."""
    status = int(resource.faults.mode_args.get("status", 503))
    record.status = status
    handler.send_response(status, str(resource.faults.mode_args["reason"]))
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@hostile_mode("chunked")
def _chunked(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:
    """The resource with Transfer-Encoding: chunked; optionally a bad size line or a cut."""
    args = resource.faults.mode_args
    chunk = int(args.get("chunk", 64 * 1024))
    record.status = 200
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Connection", "close")
    handler.close_connection = True
    handler.end_headers()
    if head:
        return
    for index, piece in enumerate(slices(resource, 0, resource.size, chunk)):
        if index == 1 and args.get("bad_size"):
            handler._write(record, b"zz\r\n")
            return
        if index == 1 and args.get("cut"):
            handler._write(record, b"%x\r\n" % len(piece) + piece[:len(piece) // 2])
            handler._drop(reset=False)
            return
        if not handler._write(record, b"%x\r\n" % len(piece) + piece + b"\r\n"):
            return
    handler._write(record, b"0\r\nX-Trailer: yes\r\n\r\n")


@hostile_mode("huge_headers")
def _huge_headers(handler: FaultHandler, record: RecordedRequest, resource: Resource, head: bool) -> None:
    """A 200 whose header block is `mode_args["bytes"]` long (default 1 MiB), then the resource."""
    size = int(resource.faults.mode_args.get("bytes", 1 << 20))
    record.status = 200
    handler.send_response(200)
    line = "x" * 1000
    for n in range(size // 1024 + 1):
        handler.send_header(f"X-Filler-{n}", line)
    handler.send_header("Content-Length", str(resource.size))
    handler.send_header("Connection", "close")
    handler.close_connection = True
    handler.end_headers()
    if not head:
        for piece in slices(resource, 0, resource.size, CHUNK):
            if not handler._write(record, piece):
                return

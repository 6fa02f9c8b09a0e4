"""Writing a PDF from raw object bodies, for tests that need a file reportlab will not make
(undecodable fonts, a broken colour space, an image-only page)."""

from __future__ import annotations

from pathlib import Path


def write_objects(path: Path, objects: list[bytes], root: int, header: bytes = b"%PDF-1.4\n") -> Path:
    """Objects numbered from 1 in list order, a cross-reference table and a trailer naming `root`."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    path.write_bytes(bytes(out))
    return path

"""PEM armour, RFC 7468: encode DER under a label, find and decode the blocks in a file.

Text around blocks is ignored (``openssl x509 -text`` prints the certificate before its PEM),
CRLF line ends are accepted, and RFC 1421 headers (``Proc-Type``/``DEK-Info`` of legacy
encrypted keys) are kept. Anything inside a block that is not strict base64 is a DecodeError.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable

from minica._record import field, record
from minica.errors import DecodeError

__all__ = ["Block", "decode", "decode_all", "encode", "load_der"]


@record
class Block:
    """One PEM block: its label, decoded DER and any RFC 1421 headers."""

    label: str
    der: bytes
    headers: dict[str, str] = field(default_factory=dict)
    line: int = 1  # line number of the BEGIN line, for error messages


def encode(der: bytes, label: str, headers: dict[str, str] | None = None) -> str:
    """Armour ``der`` as ``-----BEGIN label-----`` with 64-character base64 lines."""
    b64 = base64.b64encode(der).decode("ascii")
    lines = [f"-----BEGIN {label}-----"]
    if headers:
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append("")
    lines += [b64[i : i + 64] for i in range(0, len(b64), 64)]
    lines.append(f"-----END {label}-----")
    return "\n".join(lines) + "\n"


# "[ \t\r]*$": with MULTILINE, "$" matches before "\n" only, so a CRLF line end leaves "\r".
_BEGIN = re.compile(r"^-----BEGIN ([^-\r\n]*)-----[ \t\r]*$", re.MULTILINE)
_B64_LINE = re.compile(r"[A-Za-z0-9+/=]*")


def _text(data: bytes | str, what: str) -> str:
    if isinstance(data, str):
        return data
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"expected bytes or str, got {type(data).__name__}")
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        # Text around the blocks may be in any encoding; the blocks themselves are ASCII.
        return bytes(data).decode("latin-1")


def decode_all(data: bytes | str, *, what: str = "PEM") -> tuple[Block, ...]:
    """Every PEM block in ``data`` in order (none: an empty tuple)."""
    text = _text(data, what)
    blocks: list[Block] = []
    pos = 0
    while True:
        m = _BEGIN.search(text, pos)
        if m is None:
            break
        label = m[1]
        line = text.count("\n", 0, m.start()) + 1
        end_marker = f"-----END {label}-----"
        end = text.find(end_marker, m.end())
        if end < 0:
            raise DecodeError(f"{what}: BEGIN {label} on line {line} has no END {label}")
        body = text[m.end() : end].replace("\r", "").split("\n")
        headers: dict[str, str] = {}
        lines = [ln.strip() for ln in body]
        if any(":" in ln for ln in lines):
            # RFC 1421 headers, then a blank line, then base64.
            i = 0
            while i < len(lines) and not lines[i]:
                i += 1
            while i < len(lines) and ":" in lines[i]:
                key, _, value = lines[i].partition(":")
                headers[key.strip()] = value.strip()
                i += 1
            lines = lines[i:]
        b64 = "".join(lines)
        if not _B64_LINE.fullmatch(b64):
            raise DecodeError(f"{what}: {label} block on line {line}: invalid base64 character")
        try:
            der = binascii.a2b_base64(b64, strict_mode=True)
        except (binascii.Error, ValueError) as e:
            raise DecodeError(f"{what}: {label} block on line {line}: bad base64 ({e})") from e
        if base64.b64encode(der).decode("ascii") != b64:
            # Nonzero bits after the last whole octet: base64 that no encoder produces (RFC 4648
            # 3.5), e.g. "QR==" for "A" where "QQ==" is the only form.
            raise DecodeError(f"{what}: {label} block on line {line}: non-canonical base64")
        blocks.append(Block(label=label, der=der, headers=headers, line=line))
        pos = end + len(end_marker)
    return tuple(blocks)


def decode(data: bytes | str, labels: Iterable[str], *, what: str = "PEM") -> Block:
    """The first block whose label is one of ``labels``; DecodeError naming them if none is."""
    wanted = tuple(labels)
    blocks = decode_all(data, what=what)
    for block in blocks:
        if block.label in wanted:
            return block
    expected = " or ".join(wanted)
    if blocks:
        found = ", ".join(b.label for b in blocks)
        raise DecodeError(f"{what}: expected PEM {expected}, found {found}")
    raise DecodeError(f"{what}: expected PEM {expected} (or DER), found neither")


def load_der(
    data: bytes | str, labels: Iterable[str], *, what: str = "input"
) -> tuple[bytes, Block | None]:
    """Accept DER or PEM: return (der, block) where block is None for DER input.

    DER is recognised by its leading SEQUENCE tag; anything else is searched for PEM blocks
    with one of ``labels``.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if raw[:1] == b"\x30":
            return raw, None
    block = decode(data, labels, what=what)
    return block.der, block

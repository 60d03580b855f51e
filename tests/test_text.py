"""minica.text: openssl 3.0's text pieces, checked against openssl's own output."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from minica import der, pem
from minica.algorithms import SignatureAlgorithm
from minica.extensions import Extensions
from minica.text import (
    extensions_text,
    hex_block,
    hex_lines,
    public_key_lines,
    serial_lines,
    signature_algorithm_lines,
    signature_lines,
    time_text,
)

CERTS = Path(__file__).parent / "data" / "certs"
KEY = Path(__file__).parent / "data" / "keys" / "rsa2048-a.pem"
GOLDEN = ("root", "inter", "leaf-many", "leaf-pss", "leaf-ec", "leaf-sha512", "leaf-ca")


def _cert(name: str) -> tuple[der.Element, str]:
    data = pem.decode((CERTS / f"{name}.pem").read_bytes(), ("CERTIFICATE",)).der
    return der.decode(data), (CERTS / f"{name}.txt").read_text()


def test_time_text_pads_day_with_space() -> None:
    """ASN1_TIME_print pads single-digit days with a space."""
    assert time_text(datetime(2026, 3, 3, 4, 10, 40, tzinfo=UTC)) == "Mar  3 04:10:40 2026 GMT"
    assert time_text(datetime(2026, 11, 29, 3, 41, tzinfo=UTC)) == "Nov 29 03:41:00 2026 GMT"


def test_hex_lines_wrap_with_trailing_colons() -> None:
    """Colon hex wraps every `width` octets with ':' ending all but the last line."""
    assert hex_lines(bytes(range(5)), 2, 2) == ["  00:01:", "  02:03:", "  04"]
    assert hex_block(b"\xab" * 3, 0) == "ab:ab:ab"


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_pieces_match_openssl(name: str) -> None:
    """Serial, signature, public key and extension blocks appear verbatim in openssl's text."""
    cert, golden = _cert(name)
    tbs = cert.children[0]
    serial = tbs.children[1].as_int()
    alg = SignatureAlgorithm.from_element(cert.children[1], what="sig")
    signature = cert.children[2].as_bit_string_bytes()
    spki = tbs.children[6].raw
    exts = [c for c in tbs.children if c.tag == 0xA3]
    pieces = [
        serial_lines(serial),
        signature_algorithm_lines(alg, 8),
        public_key_lines(spki, 12),
        signature_lines(alg, signature, 4),
    ]
    for lines in pieces:
        assert "\n".join(lines) + "\n" in golden
    assert golden.endswith("\n".join(signature_lines(alg, signature, 4)) + "\n")
    if exts:
        block = extensions_text(Extensions.from_element(exts[0].children[0], what="e"), 8)
        assert "\n" + block + "\n    Signature Algorithm" in golden


@pytest.mark.parametrize(
    "serial",
    [
        "4096",
        "0x7fffffffffffffff",
        "0x8000000000000000",
        "0x0123456789abcdef01",
        "-5",
        "-1",
        "-0x0123456789abcdef01",
    ],
)
def test_serial_lines_match_openssl(serial: str, run_openssl, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """Small serials inline, large ones as colon hex, as `openssl x509 -text` prints them."""
    out = tmp / "c.pem"
    run_openssl(
        "req", "-x509", "-new", "-key", KEY, "-subj", "/CN=s", "-days", "1",
        "-set_serial", serial, "-out", out,
    )  # fmt: skip
    text = run_openssl("x509", "-in", out, "-noout", "-text").stdout.decode()
    cert = der.decode(pem.decode(out.read_bytes(), ("CERTIFICATE",)).der)
    value = cert.children[0].children[1].as_int()
    assert "\n" + "\n".join(serial_lines(value)) + "\n" in text

"""minica.pem: RFC 7468 armour round trips, several blocks, CRLF, surrounding text, bad base64."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minica import der, pem
from minica.errors import DecodeError

labels = st.sampled_from(
    ["CERTIFICATE", "X509 CRL", "CERTIFICATE REQUEST", "PRIVATE KEY", "RSA PRIVATE KEY"]
)
SAMPLE = der.sequence(der.integer(1), der.octet_string(bytes(range(256))))


@given(st.binary(max_size=2000), labels)
def test_round_trip(data: bytes, label: str) -> None:
    """decode_all(encode(der, label)) gives back the label and the bytes."""
    (block,) = pem.decode_all(pem.encode(data, label))
    assert (block.label, block.der, block.headers) == (label, data, {})


def test_encode_uses_64_column_lines() -> None:
    """Base64 lines are 64 characters (RFC 7468 2), the last one shorter, ending in newline."""
    text = pem.encode(SAMPLE, "CERTIFICATE")
    lines = text.splitlines()
    assert lines[0] == "-----BEGIN CERTIFICATE-----" and lines[-1] == "-----END CERTIFICATE-----"
    assert all(len(ln) == 64 for ln in lines[1:-2]) and 0 < len(lines[-2]) <= 64
    assert text.endswith("-----\n")


def test_matches_openssl_output(run_openssl: object, openssl_samples: object) -> None:
    """pem.encode of a certificate equals what openssl x509 writes."""
    leaf = openssl_samples.directory / "leaf.der"  # type: ignore[attr-defined]
    text = run_openssl("x509", "-inform", "DER", "-in", leaf).stdout.decode()  # type: ignore[operator]
    assert pem.encode(leaf.read_bytes(), "CERTIFICATE") == text


@given(st.lists(st.tuples(st.binary(max_size=300), labels), min_size=1, max_size=4))
def test_multiple_blocks_in_order(items: list[tuple[bytes, str]]) -> None:
    """Several concatenated blocks decode in order, each with its own label."""
    text = "".join(pem.encode(d, lbl) for d, lbl in items)
    assert [(b.label, b.der) for b in pem.decode_all(text)] == [(lbl, d) for d, lbl in items]


def test_crlf_line_ends() -> None:
    """CRLF line ends (Windows files) decode like LF."""
    text = pem.encode(SAMPLE, "CERTIFICATE").replace("\n", "\r\n")
    (block,) = pem.decode_all(text.encode())
    assert (block.label, block.der) == ("CERTIFICATE", SAMPLE)


def test_text_around_blocks(run_openssl: object, openssl_samples: object) -> None:
    """openssl x509 -text output (text, then the PEM) decodes to the certificate."""
    d = openssl_samples.directory  # type: ignore[attr-defined]
    out = run_openssl("x509", "-in", d / "leaf.pem", "-text").stdout  # type: ignore[operator]
    assert out.startswith(b"Certificate:")
    block = pem.decode(out + b"trailing words\n", ["CERTIFICATE"])
    assert block.der == (d / "leaf.der").read_bytes()
    assert block.line > 10


def test_block_line_numbers() -> None:
    """Each block records the line of its BEGIN marker."""
    text = "intro\n\n" + pem.encode(b"a", "A") + "middle\n" + pem.encode(b"b", "B")
    assert [b.line for b in pem.decode_all(text)] == [3, 7]


def test_non_utf8_text_around_blocks() -> None:
    """Latin-1 text around a block does not stop decoding."""
    data = b"Subject: caf\xe9\n" + pem.encode(SAMPLE, "CERTIFICATE").encode()
    assert pem.decode(data, ["CERTIFICATE"]).der == SAMPLE


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("MII*AAAA", "invalid base64 character"),
        ("QQ==QQ==", "bad base64"),
        ("QUJD\nRA", "bad base64"),
        ("QR==", "non-canonical base64"),
        ("=QQ=", "bad base64"),
    ],
)
def test_bad_base64_rejected(body: str, match: str) -> None:
    """Anything inside a block that is not strict, canonical base64 is a DecodeError."""
    text = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
    with pytest.raises(DecodeError, match=rf"^PEM: CERTIFICATE block on line 1: {match}"):
        pem.decode_all(text)


def test_missing_end_rejected() -> None:
    """A BEGIN without its END is a DecodeError naming the line."""
    text = "x\n" + pem.encode(SAMPLE, "CERTIFICATE").replace("-----END", "-----FIN")
    with pytest.raises(DecodeError, match="BEGIN CERTIFICATE on line 2 has no END CERTIFICATE"):
        pem.decode_all(text)


def test_no_blocks_is_empty() -> None:
    """Text without PEM blocks gives an empty tuple."""
    assert pem.decode_all("just words\n") == ()


def test_decode_picks_wanted_label() -> None:
    """decode() returns the first block with one of the wanted labels."""
    text = pem.encode(b"k", "PRIVATE KEY") + pem.encode(SAMPLE, "CERTIFICATE")
    assert pem.decode(text, ["X509 CRL", "CERTIFICATE"]).der == SAMPLE


def test_decode_error_names_expected_and_found_labels() -> None:
    """When no block matches, the error lists the wanted and the found labels."""
    text = pem.encode(b"k", "PRIVATE KEY")
    with pytest.raises(
        DecodeError, match="expected PEM CERTIFICATE or X509 CRL, found PRIVATE KEY"
    ):
        pem.decode(text, ["CERTIFICATE", "X509 CRL"])


def test_load_der_accepts_der_and_pem() -> None:
    """load_der passes DER through (block None) and unwraps PEM (block kept)."""
    assert pem.load_der(SAMPLE, ["CERTIFICATE"]) == (SAMPLE, None)
    der_bytes, block = pem.load_der(pem.encode(SAMPLE, "CERTIFICATE").encode(), ["CERTIFICATE"])
    assert der_bytes == SAMPLE and block is not None and block.label == "CERTIFICATE"
    assert pem.load_der(pem.encode(SAMPLE, "CERTIFICATE"), ["CERTIFICATE"])[0] == SAMPLE


def test_load_der_error_names_expected_labels() -> None:
    """Neither DER nor a wanted PEM block: the error names what was expected and `what`."""
    with pytest.raises(DecodeError, match=r"^cert\.pem: expected PEM CERTIFICATE \(or DER\)"):
        pem.load_der(b"hello", ["CERTIFICATE"], what="cert.pem")
    with pytest.raises(DecodeError, match="expected PEM CERTIFICATE, found X509 CRL"):
        pem.load_der(pem.encode(SAMPLE, "X509 CRL"), ["CERTIFICATE"])


def test_legacy_headers_kept() -> None:
    """RFC 1421 Proc-Type/DEK-Info headers of legacy encrypted keys are kept, in order."""
    headers = {
        "Proc-Type": "4,ENCRYPTED",
        "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF",
    }
    text = pem.encode(SAMPLE, "RSA PRIVATE KEY", headers)
    (block,) = pem.decode_all(text.replace("\n", "\r\n"))
    assert block.headers == headers and list(block.headers) == list(headers)
    assert block.der == SAMPLE


def test_legacy_headers_from_openssl() -> None:
    """A legacy encrypted key file made by openssl keeps its headers and decodes its body."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / "keys" / "rsa2048-a.legacy-aes128.pem"
    (block,) = pem.decode_all(path.read_bytes())
    assert block.label == "RSA PRIVATE KEY"
    assert block.headers["Proc-Type"] == "4,ENCRYPTED"
    assert block.headers["DEK-Info"].startswith("AES-128-CBC,")
    assert len(block.der) % 16 == 0


def test_wrong_python_type() -> None:
    """A non-text, non-bytes argument is a TypeError."""
    with pytest.raises(TypeError):
        pem.decode_all(12)  # type: ignore[arg-type]


def test_base64_whitespace_tolerated() -> None:
    """Trailing spaces on base64 lines and blank lines inside the block are tolerated."""
    b64 = base64.b64encode(SAMPLE).decode()
    body = "\n".join(b64[i : i + 64] + "  " for i in range(0, len(b64), 64))
    text = f"-----BEGIN CERTIFICATE-----\n{body}\n\n-----END CERTIFICATE-----\n"
    assert pem.decode(text, ["CERTIFICATE"]).der == SAMPLE

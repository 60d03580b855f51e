"""minica.der against openssl asn1parse: our encodings parse, openssl's files re-encode exactly."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from minica import der, pem

DATA = Path(__file__).parent.parent / "data"
_LINE = re.compile(r"^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(prim|cons):")


def _asn1parse(run_openssl: object, path: Path) -> list[tuple[int, int, int, int, bool]]:
    """(offset, depth, header length, length, constructed) for each line openssl prints."""
    done = run_openssl("asn1parse", "-inform", "DER", "-in", path)  # type: ignore[operator]
    out = done.stdout.decode("latin-1")  # it prints T61String bytes as they are
    rows = []
    for line in filter(None, out.split("\n")):  # not splitlines(): values may hold \x85, \x1c
        m = _LINE.match(line)
        assert m, f"unexpected asn1parse line {line!r}"
        rows.append((int(m[1]), int(m[2]), int(m[3]), int(m[4]), m[5] == "cons"))
    return rows


def _ours(el: der.Element, depth: int = 0) -> list[tuple[int, int, int, int, bool]]:
    rows = [(el.offset, depth, el.header_length, el.length, el.constructed)]
    for child in el.children:
        rows += _ours(child, depth + 1)
    return rows


def _every_type() -> bytes:
    when = datetime(2024, 2, 29, 12, 34, 56, tzinfo=UTC)
    return der.sequence(
        der.boolean(True),
        der.boolean(False),
        der.integer(0),
        der.integer(-128),
        der.integer(2**200 + 1),
        der.enumerated(3),
        der.bit_string(b"\xa0", 5),
        der.bit_string(b"\x01\x02"),
        der.octet_string(b"\x00" * 300),
        der.null(),
        der.oid("1.2.840.113549.1.1.11"),
        der.oid("2.25.329800735698586629295641978511506172918"),
        der.utf8_string("北京 Example"),
        der.printable_string("Example Ltd."),
        der.ia5_string("admin@example.com"),
        der.visible_string("visible"),
        der.bmp_string("friendly 名前"),
        der.string(der.NUMERIC_STRING, "0123 456"),
        der.string(der.TELETEX_STRING, "café"),
        der.string(der.UNIVERSAL_STRING, "univ"),
        der.utc_time(when),
        der.generalized_time(datetime(2050, 1, 1, tzinfo=UTC)),
        der.set_of([der.integer(3), der.integer(1), der.utf8_string("z")]),
        der.explicit(0, der.integer(2)),
        der.explicit(31, der.sequence(der.null())),
        der.implicit(2, der.ia5_string("host.example")),
        der.implicit(1000, der.sequence(der.integer(5))),
        der.context(7, b"\x7f\x00\x00\x01"),
        der.context(3, der.integer(9), constructed=True),
    )


def test_asn1parse_accepts_every_type(run_openssl: object, tmp: Path) -> None:
    """openssl asn1parse parses a structure using every encoder, with our offsets and lengths."""
    data = _every_type()
    path = tmp / "every.der"
    path.write_bytes(data)
    assert _asn1parse(run_openssl, path) == _ours(der.decode(data))


def test_asn1parse_prints_our_values(run_openssl: object, tmp: Path) -> None:
    """openssl reads our INTEGER, OID, strings and times as the values we encoded."""
    data = der.sequence(
        der.integer(-129),
        der.oid("2.5.4.3"),
        der.utf8_string("host"),
        der.utc_time(datetime(2024, 2, 29, 12, 34, 56, tzinfo=UTC)),
        der.generalized_time(datetime(2050, 1, 1, tzinfo=UTC)),
    )
    path = tmp / "values.der"
    path.write_bytes(data)
    out = run_openssl("asn1parse", "-inform", "DER", "-in", path).stdout.decode()  # type: ignore[operator]
    values = [ln.split(":", 3)[3].strip() for ln in out.splitlines()[1:]]
    assert values == ["-81", "commonName", "host", "240229123456Z", "20500101000000Z"]


def _check_file(run_openssl: object, data: bytes, path: Path) -> None:
    el = der.decode(data, what=path.name)
    assert el.encode() == data
    assert _ours(el) == _asn1parse(run_openssl, path)


@pytest.mark.parametrize("name", ["ca", "leaf", "csr", "crl"])
def test_openssl_made_files_round_trip(
    run_openssl: object, openssl_samples: object, name: str
) -> None:
    """req -x509, x509 -req, req -new and ca -gencrl output: exact re-encoding, asn1parse layout."""
    path = openssl_samples.directory / f"{name}.der"  # type: ignore[attr-defined]
    _check_file(run_openssl, path.read_bytes(), path)


def test_openssl_variants_round_trip(run_openssl: object, tmp: Path) -> None:
    """A UTF-8 subject, an RSA-PSS signature and a GeneralizedTime expiry re-encode exactly."""
    key = DATA / "keys" / "rsa2048-a.pem"
    run_openssl(
        "req", "-x509", "-new", "-key", key, "-utf8", "-days", "20000", "-sha384",
        "-subj", "/C=CN/ST=北京/O=示例公司/CN=例子.example", "-sigopt", "rsa_padding_mode:pss",
        "-addext", "subjectAltName=DNS:a.example,email:x@example.com,URI:https://example.com/",
        "-outform", "DER", "-out", tmp / "pss.der",
    )  # fmt: skip
    path = tmp / "pss.der"
    data = path.read_bytes()
    _check_file(run_openssl, data, path)
    times = [
        e
        for e in der.decode(data).children[0].children[4].children
        if e.tag == der.GENERALIZED_TIME
    ]
    assert times and times[0].as_time().year >= 2050


def _data_blocks() -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(DATA.rglob("*.pem")):
        for i, block in enumerate(pem.decode_all(path.read_bytes())):
            if not block.headers:  # legacy encrypted bodies are ciphertext, not DER
                found.append((f"{path.relative_to(DATA)}#{i}", block.der))
    for path in sorted(DATA.rglob("*.der")):
        found.append((str(path.relative_to(DATA)), path.read_bytes()))
    return found


@pytest.mark.parametrize(
    ("name", "data"), _data_blocks(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_golden_files_round_trip(run_openssl: object, tmp: Path, name: str, data: bytes) -> None:
    """Every DER object openssl made in tests/data decodes, re-encodes and lays out like asn1parse."""
    path = tmp / "obj.der"
    path.write_bytes(data)
    _check_file(run_openssl, data, path)

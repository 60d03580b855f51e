"""minica.oids: the registry's names, round trips, and agreement with openssl's object table."""

from __future__ import annotations

from pathlib import Path

import pytest

from minica import der, oids
from minica.errors import ValidationError

SAMPLE = [
    ("2.5.4.3", "CN", "commonName"),
    ("2.5.4.6", "C", "countryName"),
    ("1.2.840.113549.1.9.1", "emailAddress", "emailAddress"),
    ("0.9.2342.19200300.100.1.25", "DC", "domainComponent"),
    ("2.5.29.17", "subjectAltName", "X509v3 Subject Alternative Name"),
    ("1.3.6.1.5.5.7.3.1", "serverAuth", "TLS Web Server Authentication"),
    ("1.2.840.113549.1.1.11", "RSA-SHA256", "sha256WithRSAEncryption"),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS", "rsassaPss"),
]
ENTRIES = sorted(oids._BY_OID.values(), key=lambda e: e.dotted)


@pytest.mark.parametrize(("dotted", "short", "long"), SAMPLE)
def test_round_trip_dotted_short_long(dotted: str, short: str, long: str) -> None:
    """dotted -> short and long names -> dotted again, in any letter case."""
    assert (oids.short_name(dotted), oids.long_name(dotted)) == (short, long)
    assert oids.lookup(short) == oids.lookup(long) == oids.lookup(dotted) == dotted
    assert oids.lookup(long.upper()) == dotted


def test_constants_name_registered_oids() -> None:
    """Module constants are dotted strings of registered entries."""
    assert oids.COMMON_NAME == "2.5.4.3" and oids.SERVER_AUTH == "1.3.6.1.5.5.7.3.1"
    assert oids.info(oids.SUBJECT_ALT_NAME) == oids.OidInfo(
        "2.5.29.17", "subjectAltName", "X509v3 Subject Alternative Name"
    )


def test_every_name_looks_up_its_own_oid() -> None:
    """No short or long name is shadowed by another entry's (case-insensitive) name."""
    for e in ENTRIES:
        assert oids.lookup(e.short) == e.dotted, e
        assert oids.lookup(e.long) == e.dotted, e


def test_unknown_name_raises_validation_error() -> None:
    """An unknown name is a ValidationError suggesting a dotted OID."""
    with pytest.raises(ValidationError, match=r"OID name 'notAnAttribute': unknown"):
        oids.lookup("notAnAttribute")
    with pytest.raises(ValidationError):
        oids.lookup("1")


def test_unknown_oid_renders_dotted() -> None:
    """An unregistered OID's names are its dotted form; lookup accepts dotted input."""
    assert oids.short_name("1.2.3.4.5") == oids.long_name("1.2.3.4.5") == "1.2.3.4.5"
    assert oids.info("1.2.3.4.5") is None
    assert oids.lookup("1.2.3.4.5") == "1.2.3.4.5"


def test_register_adds_an_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """register() makes a private OID known by both names and returns its dotted form."""
    monkeypatch.setattr(oids, "_BY_OID", dict(oids._BY_OID))  # keep the registry clean
    monkeypatch.setattr(oids, "_BY_NAME", dict(oids._BY_NAME))
    dotted = oids.register("1.3.6.1.4.1.99999.1", "minicaTest", "minica test OID")
    assert dotted == "1.3.6.1.4.1.99999.1"
    assert oids.lookup("minicatest") == oids.lookup("minica test OID") == dotted
    assert oids.long_name(dotted) == "minica test OID"


def test_every_oid_encodes() -> None:
    """Every registered dotted form is a valid OBJECT IDENTIFIER that round-trips."""
    for e in ENTRIES:
        assert der.decode(der.oid(e.dotted)).as_oid() == e.dotted


def test_long_names_equal_openssl_asn1parse(run_openssl: object, tmp: Path) -> None:
    """openssl asn1parse prints our long name for every registered OID."""
    path = tmp / "oids.der"
    path.write_bytes(der.sequence(*(der.oid(e.dotted) for e in ENTRIES)))
    out = run_openssl("asn1parse", "-inform", "DER", "-in", path).stdout.decode()  # type: ignore[operator]
    lines = [ln for ln in out.splitlines() if "OBJECT" in ln]
    printed = [ln.split(":", 3)[3].strip() for ln in lines]
    assert len(printed) == len(ENTRIES)
    mismatches = [
        (e.dotted, e.long, p) for e, p in zip(ENTRIES, printed, strict=True) if p != e.long
    ]
    assert mismatches == []


@pytest.mark.parametrize("which", ["short", "long"])
def test_names_resolve_in_openssl(which: str, run_openssl: object, tmp: Path) -> None:
    """openssl resolves each of our short (and long) names to the same OID (asn1parse -genconf)."""
    names = [getattr(e, which) for e in ENTRIES]
    conf = "asn1 = SEQUENCE:oids\n[oids]\n" + "".join(
        f"o{i} = OID:{n}\n" for i, n in enumerate(names)
    )
    (tmp / "gen.cnf").write_text(conf)
    out = tmp / "gen.der"
    run_openssl("asn1parse", "-genconf", tmp / "gen.cnf", "-noout", "-out", out)  # type: ignore[operator]
    got = der.decode(out.read_bytes()).children
    wrong = [
        (e.dotted, n, el.as_oid())
        for e, n, el in zip(ENTRIES, names, got, strict=True)
        if el.as_oid() != e.dotted
    ]
    assert wrong == []

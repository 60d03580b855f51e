"""CRLs: building, signing, strict parsing, look-up and text (minica.crl)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1.codec.der import decoder as pyasn1_decoder
from pyasn1.codec.der import encoder as pyasn1_encoder
from pyasn1_modules import rfc5280

from minica import der, oids, pem
from minica.crl import (
    REASONS,
    CertificateRevocationList,
    RevokedCertificate,
    TBSCertList,
    create_crl,
    load_crl,
)
from minica.errors import DecodeError, InvalidSignature, ValidationError
from minica.keys import RSAPrivateKey, RSAPublicKey, load_private_key
from minica.name import Name

DATA = Path(__file__).parent / "data" / "crl"
GOLDEN = ("crl-reasons", "crl-empty", "crl-pss", "crl-noext")
NOW = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
WHEN = datetime(2024, 5, 2, 8, 30, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca_key() -> RSAPrivateKey:
    return load_private_key((DATA / "ca.key").read_bytes())


def _ca_fields(pem_path: Path) -> SimpleNamespace:
    """The CA certificate's subject, key and SKI, read from the DER (cert.py-independent)."""
    raw, _ = pem.load_der(pem_path.read_text(), ("CERTIFICATE",))
    kids = der.decode(raw)[0].children
    exts: list[Any] = []
    for field in kids[7:]:
        if field.tag == 0xA3:
            for ext in field[0].children:
                if ext[0].as_oid() == oids.SUBJECT_KEY_IDENTIFIER:
                    exts.append(
                        SimpleNamespace(
                            oid=oids.SUBJECT_KEY_IDENTIFIER,
                            critical=False,
                            to_der=lambda value=ext[-1].content: value,
                        )
                    )
    return SimpleNamespace(
        subject=Name.from_element(kids[5]),
        public_key=RSAPublicKey.from_spki_element(kids[6]),
        extensions=tuple(exts),
    )


@pytest.fixture(scope="module")
def ca() -> SimpleNamespace:
    return _ca_fields(DATA / "ca.pem")


def _golden(name: str) -> CertificateRevocationList:
    return load_crl((DATA / f"{name}.pem").read_text())


def _wrap(tbs: bytes) -> bytes:
    """A CertificateList around ``tbs`` with a dummy signature (parsing does not verify)."""
    return der.sequence(tbs, TBS_ALG, der.bit_string(b"\x01" * 256))


TBS_ALG = der.sequence(der.oid(oids.SHA256_WITH_RSA), der.null())
ISSUER = Name.parse("/CN=Test CA")


def _tbs_with_entries(entries_content: bytes) -> bytes:
    """A v2 TBSCertList whose revokedCertificates content is ``entries_content`` verbatim."""
    return der.sequence(
        der.integer(1),
        TBS_ALG,
        ISSUER.der,
        der.utc_time(NOW),
        der.utc_time(NOW + timedelta(days=7)),
        der.tlv(der.SEQUENCE, entries_content),
    )


def _entry(serial_content: bytes, time_tlv: bytes, exts: bytes = b"") -> bytes:
    return der.tlv(der.SEQUENCE, der.tlv(der.INTEGER, serial_content) + time_tlv + exts)


GOOD_ENTRY = _entry(b"\x10\x00", der.utc_time(WHEN))


# --- golden openssl CRLs -------------------------------------------------------------------------


def test_golden_entries_and_reasons() -> None:
    """Entries of openssl's CRL come back with serials, dates, reasons and invalidity dates."""
    crl = _golden("crl-reasons")
    by_serial = {e.serial_number: e for e in crl}
    assert len(crl) == 11
    assert by_serial[0x1000].reason is None
    assert by_serial[0x1000].revocation_date == datetime(2024, 5, 1, tzinfo=UTC)
    assert by_serial[0x1002].reason == "keyCompromise"
    assert by_serial[0x1002].invalidity_date == datetime(2024, 4, 15, 10, 30, tzinfo=UTC)
    assert by_serial[0x1003].reason == "cACompromise"
    assert by_serial[0x1007].reason == "certificateHold"
    assert [e.oid for e in by_serial[0x1007].extensions] == [oids.HOLD_INSTRUCTION_CODE]
    assert [e.oid for e in by_serial[0x1007].all_extensions()] == [
        oids.CRL_REASON,
        oids.HOLD_INSTRUCTION_CODE,
    ]
    assert by_serial[0x1008].reason == "removeFromCRL"
    assert by_serial[0x1009].reason == "unspecified"
    # An explicit unspecified reasonCode is kept as found, so re-encoding stays exact.
    assert [e.oid for e in by_serial[0x1009].extensions] == [oids.CRL_REASON]
    assert by_serial[0xFFEE].revocation_date.year == 1950
    assert (1 << 159) - 1 in by_serial


def test_golden_crl_fields() -> None:
    """CRL number, authority key id, times and issuer are read from openssl's CRL."""
    crl = _golden("crl-reasons")
    ca_cert = _ca_fields(DATA / "ca.pem")
    assert crl.crl_number == 42
    assert crl.version == 2
    assert crl.issuer == ca_cert.subject
    assert crl.authority_key_identifier == ca_cert.extensions[0].to_der()[2:]
    assert crl.this_update == NOW
    assert crl.next_update == NOW + timedelta(days=7)
    assert crl.signature_algorithm.name == "sha256WithRSAEncryption"


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_text_matches_openssl(name: str) -> None:
    """to_text() equals `openssl crl -text -noout` (saved by make.sh) byte for byte."""
    assert _golden(name).to_text() == (DATA / f"{name}.txt").read_text()


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_reencodes_byte_exact(name: str) -> None:
    """Rebuilding an openssl CRL's TBSCertList from the parsed values gives the same bytes."""
    crl = _golden(name)
    assert crl.to_tbs().to_der() == crl.tbs_der


def test_golden_der_and_pem_agree() -> None:
    """The DER and PEM forms of the same CRL load to the same bytes."""
    from_der = load_crl((DATA / "crl-reasons.der").read_bytes())
    assert from_der.der == _golden("crl-reasons").der
    assert from_der.to_pem() == (DATA / "crl-reasons.pem").read_text()


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_signature_verifies(name: str, ca: SimpleNamespace) -> None:
    """openssl's signatures verify with the CA certificate (PKCS#1 v1.5 and PSS)."""
    _golden(name).verify_signature(ca)


def test_golden_empty_has_no_entries() -> None:
    """openssl's empty CRL omits revokedCertificates; minica reads it as empty."""
    crl = _golden("crl-empty")
    assert len(crl) == 0
    assert list(crl) == []
    assert not crl.is_revoked(0x1000)


def test_crl_without_crl_extensions() -> None:
    """openssl's CRL without crl_extensions parses with no CRL number and no extensions."""
    crl = _golden("crl-noext")
    assert (crl.version, crl.crl_number, crl.extensions) == (2, None, ())


def test_version_1_crl() -> None:
    """A CRL without the version field is version 1 and re-encodes without it."""
    tbs = _tbs(TBS_ALG, ISSUER.der, der.utc_time(NOW), der.tlv(der.SEQUENCE, GOOD_ENTRY))
    crl = load_crl(_wrap(tbs))
    assert crl.version == 1
    assert crl.to_tbs().to_der() == tbs
    assert "Version 1 (0x0)" in crl.to_text()


# --- building -----------------------------------------------------------------------------------


def test_create_crl_fields(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """create_crl sets issuer bytes, AKI from the CA's SKI, number and update times."""
    crl = create_crl(
        ca, ca_key, revoked=[(5, WHEN, "keyCompromise")], crl_number=9, days=7, now=NOW
    )
    assert crl.issuer.der == ca.subject.der
    assert crl.authority_key_identifier == ca.extensions[0].to_der()[2:]
    assert crl.crl_number == 9
    assert (crl.this_update, crl.next_update) == (NOW, NOW + timedelta(days=7))
    crl.verify_signature(ca)


def test_create_crl_aki_from_public_key_without_ski(ca_key: RSAPrivateKey) -> None:
    """Without a subjectKeyIdentifier the AKI is the public key's SHA-1 key id."""
    bare = SimpleNamespace(subject=ISSUER, public_key=ca_key.public_key(), extensions=())
    crl = create_crl(bare, ca_key, revoked=(), crl_number=1, days=1, now=NOW)
    assert crl.authority_key_identifier == ca_key.public_key().key_id()


def test_create_crl_hours(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """days and hours add up to nextUpdate."""
    crl = create_crl(ca, ca_key, crl_number=1, days=1, hours=6, now=NOW)
    assert crl.next_update == NOW + timedelta(days=1, hours=6)


def test_create_crl_defaults_now_to_clock(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """Without now= the boundary convenience uses the clock."""
    before = datetime.now(UTC).replace(microsecond=0)
    crl = create_crl(ca, ca_key, revoked=[(1, WHEN)], crl_number=1, days=7)
    assert before <= crl.this_update <= datetime.now(UTC)


def test_reason_code_omitted_for_unspecified_and_none(
    ca: SimpleNamespace, ca_key: RSAPrivateKey
) -> None:
    """RFC 5280 5.3.1: unspecified and None give entries without crlEntryExtensions."""
    crl = create_crl(
        ca, ca_key, revoked=[(1, WHEN, None), (2, WHEN, "unspecified"), (3, WHEN)], now=NOW
    )
    tbs = der.decode(crl.tbs_der)
    entries = tbs.children[5]
    assert [len(entry.children) for entry in entries] == [2, 2, 2]


@pytest.mark.parametrize("reason", [r for r in REASONS if r != "unspecified"])
def test_reason_code_encoded(reason: str, ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """Every other reason becomes a non-critical reasonCode ENUMERATED with its RFC value."""
    crl = create_crl(ca, ca_key, revoked=[(7, WHEN, reason)], now=NOW)
    entry = der.decode(crl.tbs_der).children[5][0]
    (ext,) = entry.children[2].children
    assert ext[0].as_oid() == oids.CRL_REASON
    assert der.decode(ext[1].content).as_int() == REASONS[reason]
    assert crl.get(7) == RevokedCertificate(serial_number=7, revocation_date=WHEN, reason=reason)


def test_openssl_reason_spelling_accepted() -> None:
    """openssl's index.txt spelling CACompromise maps to the RFC name cACompromise."""
    entry = RevokedCertificate(serial_number=1, revocation_date=WHEN, reason="CACompromise")
    assert entry.reason == "cACompromise"


def test_unknown_reason_refused() -> None:
    """A reason outside RFC 5280 5.3.1 is a ValidationError."""
    with pytest.raises(ValidationError, match="CRL reason"):
        RevokedCertificate(serial_number=1, revocation_date=WHEN, reason="lostIt")


def test_unknown_reason_in_tuple_refused(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """create_crl checks tuple reasons too."""
    with pytest.raises(ValidationError, match="CRL reason"):
        create_crl(ca, ca_key, revoked=[(1, WHEN, "lostIt")], now=NOW)


def test_duplicate_serials_refused_in_builder() -> None:
    """TBSCertList refuses the same serial twice."""
    entries = tuple(RevokedCertificate(serial_number=s, revocation_date=WHEN) for s in (1, 2, 1))
    with pytest.raises(ValidationError, match="0x1 is listed twice"):
        TBSCertList(issuer=ISSUER, this_update=NOW, revoked=entries)


def test_duplicate_serials_refused_in_create_crl(
    ca: SimpleNamespace, ca_key: RSAPrivateKey
) -> None:
    """create_crl refuses the same serial twice."""
    with pytest.raises(ValidationError, match="0x2 is listed twice"):
        create_crl(ca, ca_key, revoked=iter([(2, WHEN), (3, WHEN), (2, NOW)]), now=NOW)


def test_this_update_after_next_update_refused() -> None:
    """thisUpdate later than nextUpdate is a ValidationError."""
    with pytest.raises(ValidationError, match=r"thisUpdate .* is after nextUpdate"):
        TBSCertList(issuer=ISSUER, this_update=NOW, next_update=NOW - timedelta(seconds=1))


@pytest.mark.parametrize("field", ["this_update", "next_update"])
def test_naive_crl_times_refused(field: str) -> None:
    """Naive datetimes for the CRL's times are refused."""
    kwargs: dict[str, Any] = {"this_update": NOW, "next_update": NOW + timedelta(days=1)}
    kwargs[field] = kwargs[field].replace(tzinfo=None)
    with pytest.raises(ValidationError, match="naive"):
        TBSCertList(issuer=ISSUER, **kwargs)


def test_naive_revocation_date_refused() -> None:
    """A RevokedCertificate with a naive revocation date is refused."""
    with pytest.raises(ValidationError, match="revocation_date: naive"):
        RevokedCertificate(serial_number=1, revocation_date=datetime(2024, 1, 1))


def test_naive_tuple_date_refused(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """A naive datetime in a create_crl tuple is refused."""
    with pytest.raises(ValidationError, match="naive"):
        create_crl(ca, ca_key, revoked=[(1, datetime(2024, 1, 1))], now=NOW)


def test_naive_now_refused(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """create_crl refuses a naive now."""
    with pytest.raises(ValidationError, match="now: naive"):
        create_crl(ca, ca_key, now=datetime(2024, 1, 1))


def test_non_utc_times_converted() -> None:
    """Aware non-UTC datetimes are encoded in UTC."""
    plus8 = timezone(timedelta(hours=8))
    entry = RevokedCertificate(serial_number=1, revocation_date=WHEN.astimezone(plus8))
    tbs = TBSCertList(issuer=ISSUER, this_update=NOW, revoked=(entry,))
    crl = load_crl(_wrap(tbs.to_der()))
    assert next(iter(crl)).revocation_date == WHEN


def test_wrong_entry_type_is_type_error() -> None:
    """Entries that are not RevokedCertificate are a TypeError in the builder."""
    with pytest.raises(TypeError):
        TBSCertList(issuer=ISSUER, this_update=NOW, revoked=((1, WHEN),))  # type: ignore[arg-type]


def test_empty_built_crl_omits_revoked_list(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """RFC 5280 5.1.2.6: no entries, no revokedCertificates field (as openssl does)."""
    crl = create_crl(ca, ca_key, revoked=[], crl_number=3, now=NOW)
    tags = [child.tag for child in der.decode(crl.tbs_der).children]
    assert tags == [der.INTEGER, der.SEQUENCE, der.SEQUENCE, der.UTC_TIME, der.UTC_TIME, 0xA0]
    assert len(crl) == 0


def test_crl_extension_order_matches_openssl(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """CRL extensions are authorityKeyIdentifier then cRLNumber, as openssl writes them."""
    crl = create_crl(ca, ca_key, crl_number=1, now=NOW)
    assert [e.oid for e in crl.extensions] == [oids.AUTHORITY_KEY_IDENTIFIER, oids.CRL_NUMBER]


def test_invalidity_date_round_trip(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """invalidity_date becomes an invalidityDate GeneralizedTime and parses back."""
    entry = RevokedCertificate(
        serial_number=77,
        revocation_date=WHEN,
        reason="keyCompromise",
        invalidity_date=WHEN - timedelta(days=3),
    )
    crl = TBSCertList(issuer=ISSUER, this_update=NOW, revoked=(entry,)).sign(ca_key)
    back = crl.get(77)
    assert back is not None
    assert back.invalidity_date == WHEN - timedelta(days=3)
    assert back.reason == "keyCompromise"
    assert back == entry
    assert [e.oid for e in back.all_extensions()] == [oids.CRL_REASON, oids.INVALIDITY_DATE]
    raw = der.decode(crl.tbs_der).children[4][0].children[2][1][1].content
    assert raw[:2] == b"\x18\x0f"


def test_conflicting_reason_and_extension_refused() -> None:
    """A reason that disagrees with a CRLReason extension in extensions is refused."""
    parsed = next(e for e in _golden("crl-reasons") if e.serial_number == 0x1009)
    with pytest.raises(ValidationError, match="disagrees"):
        dataclasses.replace(parsed, reason="superseded")


def test_sign_pss(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """sign(pss=True) gives an RSASSA-PSS CRL that verifies."""
    tbs = TBSCertList(issuer=ca.subject, this_update=NOW, revoked=())
    crl = tbs.sign(ca_key, hash="sha384", pss=True)
    assert crl.signature_algorithm.pss
    assert crl.signature_algorithm.hash == "sha384"
    crl.verify_signature(ca.public_key)


def test_wrong_key_does_not_verify(ca: SimpleNamespace) -> None:
    """Another key's public key does not verify the CRL."""
    other = load_private_key((DATA / "leaf.key").read_bytes()).public_key()
    with pytest.raises(InvalidSignature):
        _golden("crl-reasons").verify_signature(other)


def test_tampered_crl_does_not_verify(ca: SimpleNamespace) -> None:
    """Changing one revocation date breaks the signature."""
    data = bytearray(_golden("crl-reasons").der)
    at = data.index(b"240501000000Z")
    data[at + 7] ^= 0x01  # 240501000000Z -> 240501010000Z (still a valid time)
    with pytest.raises(InvalidSignature):
        load_crl(bytes(data)).verify_signature(ca)


# --- look-up and iteration ---------------------------------------------------------------------


def test_is_revoked_and_get(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """is_revoked and get answer for listed and unlisted serials."""
    crl = create_crl(ca, ca_key, revoked=[(10, WHEN, "superseded"), (1 << 150, NOW)], now=NOW)
    assert crl.is_revoked(10) and crl.is_revoked(1 << 150)
    assert not crl.is_revoked(11)
    assert not crl.is_revoked(-10)
    entry = crl.get(10)
    assert entry is not None and entry.reason == "superseded"
    assert crl.get(11) is None


def test_index_built_once() -> None:
    """The serial index is built on the first look-up and reused."""
    crl = _golden("crl-reasons")
    assert "index" not in crl._cache
    crl.is_revoked(1)
    index = crl._cache["index"]
    crl.is_revoked(0x1002)
    assert crl._cache["index"] is index


def test_iteration_keeps_order(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """Entries come back in the order they were given, and len() counts them."""
    serials = [9, 3, 1 << 100, 7, 0x80, 0xFF]
    crl = create_crl(ca, ca_key, revoked=[(s, WHEN) for s in serials], now=NOW)
    assert [e.serial_number for e in crl] == serials
    assert [e.serial_number for e in crl.revoked] == serials
    assert len(crl) == 6


def test_serial_type_error() -> None:
    """is_revoked with a non-int is a TypeError."""
    with pytest.raises(TypeError):
        _golden("crl-reasons").is_revoked("1000")  # type: ignore[arg-type]


def test_long_entries_use_long_form_lengths(ca_key: RSAPrivateKey) -> None:
    """Entries over 127 and 255 bytes (long-form lengths) round trip."""
    from minica.crl import _RawExtension

    entries = tuple(
        RevokedCertificate(
            serial_number=i,
            revocation_date=WHEN,
            extensions=(_RawExtension(oid="1.2.3.4", critical=True, value=der.null() * size),),
        )
        for i, size in ((1, 10), (2, 70), (3, 200))
    )
    crl = TBSCertList(issuer=ISSUER, this_update=NOW, revoked=entries).sign(ca_key)
    again = load_crl(crl.der)
    assert again.revoked == entries
    assert again.to_tbs().to_der() == crl.tbs_der


def test_pyasn1_reads_minica_crl(ca: SimpleNamespace, ca_key: RSAPrivateKey) -> None:
    """pyasn1-modules decodes a minica CRL to the same entries and re-encodes it identically."""
    items = [
        (i * 7919, WHEN + timedelta(minutes=i), ("keyCompromise", None)[i % 2])
        for i in range(1, 50)
    ]
    crl = create_crl(ca, ca_key, revoked=items, crl_number=4, now=NOW)
    value, rest = pyasn1_decoder.decode(crl.der, asn1Spec=rfc5280.CertificateList())
    assert not rest
    revoked = value["tbsCertList"]["revokedCertificates"]
    assert [int(e["userCertificate"]) for e in revoked] == [s for s, _, _ in items]
    assert pyasn1_encoder.encode(value) == crl.der


# --- malformed input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "match"),
    [
        (GOOD_ENTRY + _entry(b"\x00\x10", der.utc_time(WHEN)), r"revokedCertificates\[1\]\.userCertificate: non-minimal INTEGER"),
        (_entry(b"", der.utc_time(WHEN)), r"revokedCertificates\[0\]\.userCertificate: empty INTEGER"),
        (_entry(b"\x01", der.tlv(der.UTC_TIME, b"2405020830Z")), r"\[0\]\.revocationDate: UTCTime"),
        (_entry(b"\x01", der.tlv(der.UTC_TIME, b"240231083000Z")), r"\[0\]\.revocationDate: impossible date"),
        (_entry(b"\x01", der.tlv(der.UTC_TIME, b"241302083000Z")), r"\[0\]\.revocationDate: UTCTime"),
        (_entry(b"\x01", der.tlv(der.GENERALIZED_TIME, b"20240502083000.5Z")), r"\[0\]\.revocationDate: GeneralizedTime"),
        (_entry(b"\x01", der.octet_string(b"x")), r"\[0\]\.revocationDate: expected UTCTime or GeneralizedTime"),
        (der.tlv(der.SEQUENCE, der.integer(1)), r"\[0\]\.revocationDate: missing"),
        (GOOD_ENTRY + b"\x31\x00", r"revokedCertificates\[1\]: expected SEQUENCE, found SET"),
        (b"\x30\x81\x05" + GOOD_ENTRY[2:7], r"\[0\]: non-minimal length"),
        (b"\x30\x80" + GOOD_ENTRY[2:] + b"\x00\x00", r"\[0\]: indefinite length"),
        (GOOD_ENTRY + b"\x30\x20\x02\x01\x01", r"\[1\]: truncated SEQUENCE"),
        (_entry(b"\x01", der.utc_time(WHEN), der.sequence()), r"\[0\]\.crlEntryExtensions: empty Extensions"),
        (_entry(b"\x01", der.utc_time(WHEN), der.integer(5)), r"\[0\]\.crlEntryExtensions: expected SEQUENCE"),
        (
            _entry(b"\x01", der.utc_time(WHEN), der.sequence(der.sequence(der.oid(oids.CRL_REASON), der.boolean(False), der.octet_string(der.enumerated(1))))),
            r"\[0\]\.crlEntryExtensions\[0\]\.critical: FALSE must be omitted",
        ),
        (
            _entry(b"\x01", der.utc_time(WHEN), der.sequence(der.sequence(der.oid(oids.CRL_REASON), der.octet_string(der.enumerated(7))))),
            r"\[0\]\.crlEntryExtensions\[0\]\.extnValue: .*unknown reason code 7",
        ),
        (
            _entry(b"\x01", der.utc_time(WHEN), der.sequence(*[der.sequence(der.oid(oids.CRL_REASON), der.octet_string(der.enumerated(1)))] * 2)),
            r"\[0\]\.crlEntryExtensions\[1\]: duplicate extension",
        ),
        (
            _entry(b"\x01", der.utc_time(WHEN), der.sequence(der.sequence(der.oid(oids.INVALIDITY_DATE), der.octet_string(der.utc_time(WHEN))))),
            r"\[0\]\.crlEntryExtensions\[0\]\.extnValue: .*expected GeneralizedTime",
        ),
        (_entry(b"\x01", der.utc_time(WHEN), der.sequence(der.sequence(der.oid("1.2.3"), der.octet_string(b"x"))) + b"\x05\x00"), r"\[0\]: unexpected element after crlEntryExtensions"),
    ],
)  # fmt: skip
def test_malformed_entries(entries: bytes, match: str) -> None:
    """Bad entries raise DecodeError naming revokedCertificates[i] and the field."""
    with pytest.raises(DecodeError, match=match) as info:
        load_crl(_wrap(_tbs_with_entries(entries)))
    assert " at byte " in str(info.value)


def test_malformed_entry_offset_is_absolute() -> None:
    """The byte offset in an entry error points into the whole CRL."""
    bad = GOOD_ENTRY + _entry(b"\x00\x10", der.utc_time(WHEN))
    data = _wrap(_tbs_with_entries(bad))
    with pytest.raises(DecodeError) as info:
        load_crl(data)
    offset = int(str(info.value).rsplit(" ", 1)[1])
    assert data[offset : offset + 4] == b"\x02\x02\x00\x10"


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda d: d + b"\x00", "trailing bytes"),
        (lambda d: d[:-1], "truncated"),
        (lambda d: b"\x31" + d[1:], "crl: expected SEQUENCE"),
        (lambda d: d[:4] + b"\x31" + d[5:], r"tbsCertList: expected SEQUENCE"),
    ],
)
def test_malformed_outer(mutate: Any, match: str) -> None:
    """Broken outer structure raises DecodeError naming crl / tbsCertList."""
    with pytest.raises(DecodeError, match=match):
        CertificateRevocationList.from_der(mutate(_golden("crl-reasons").der))


def _tbs(*fields: bytes) -> bytes:
    return der.sequence(*fields)


@pytest.mark.parametrize(
    ("tbs", "match"),
    [
        (_tbs(der.integer(2), TBS_ALG, ISSUER.der, der.utc_time(NOW)), r"tbsCertList\.version: expected v2 \(1\), found 2"),
        (_tbs(der.integer(1), ISSUER.der, ISSUER.der, der.utc_time(NOW)), r"tbsCertList\.signature"),
        (_tbs(der.integer(1), TBS_ALG, ISSUER.der), r"tbsCertList\.thisUpdate: missing"),
        (_tbs(der.integer(1), TBS_ALG, ISSUER.der, der.utc_time(NOW), der.sequence()), r"revokedCertificates: empty list must be absent"),
        (_tbs(der.integer(1), TBS_ALG, ISSUER.der, der.utc_time(NOW), der.integer(3)), r"tbsCertList: unexpected INTEGER"),
        (_tbs(TBS_ALG, ISSUER.der, der.utc_time(NOW), der.explicit(0, der.sequence(der.sequence(der.oid(oids.CRL_NUMBER), der.octet_string(der.integer(1)))))), r"version 1 CRL with extensions"),
        (_tbs(der.integer(1), TBS_ALG, ISSUER.der, der.utc_time(NOW), der.explicit(0, der.sequence(der.sequence(der.oid(oids.CRL_NUMBER), der.octet_string(der.integer(-1)))))), r"crlExtensions\[0\]\.extnValue: .*negative CRL number"),
        (_tbs(der.integer(1), der.sequence(der.oid(oids.SHA384_WITH_RSA), der.null()), ISSUER.der, der.utc_time(NOW)), r"differs from the outer signatureAlgorithm"),
    ],
)  # fmt: skip
def test_malformed_tbs(tbs: bytes, match: str) -> None:
    """Broken tbsCertList fields raise DecodeError with the field path."""
    with pytest.raises(DecodeError, match=match):
        load_crl(_wrap(tbs))


def test_wrong_pem_label() -> None:
    """A PEM block that is not an X509 CRL is refused, naming the label expected."""
    with pytest.raises(DecodeError, match="X509 CRL"):
        load_crl((DATA / "ca.pem").read_text())


# --- hypothesis ---------------------------------------------------------------------------------

_times = st.datetimes(
    min_value=datetime(1950, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=0))
_entries = st.lists(
    st.tuples(
        st.integers(min_value=-(1 << 159), max_value=(1 << 159) - 1),
        _times,
        st.sampled_from([None, *REASONS]),
        st.none() | _times.map(lambda t: t.replace(year=max(t.year, 1950))),
    ),
    max_size=40,
    unique_by=lambda item: item[0],
)


@settings(max_examples=150, deadline=None)
@given(items=_entries, this_update=_times, crl_number=st.none() | st.integers(0, (1 << 159) - 1))
def test_round_trip_random_entries(
    items: list[tuple[int, datetime, str | None, datetime | None]],
    this_update: datetime,
    crl_number: int | None,
) -> None:
    """Random entry lists survive build -> DER -> parse with every field intact."""
    entries = tuple(
        RevokedCertificate(serial_number=s, revocation_date=w, reason=r, invalidity_date=i)
        for s, w, r, i in items
    )
    tbs = TBSCertList(
        issuer=ISSUER, this_update=this_update, revoked=entries, crl_number=crl_number
    )
    crl = load_crl(_wrap(tbs.to_der()))
    assert crl.crl_number == crl_number
    assert len(crl) == len(entries)
    for built, parsed in zip(entries, crl, strict=True):
        assert parsed.serial_number == built.serial_number
        assert parsed.revocation_date == built.revocation_date
        # RFC 5280 5.3.1: "unspecified" is written as no reasonCode at all.
        assert parsed.reason == (None if built.reason == "unspecified" else built.reason)
        assert parsed.invalidity_date == built.invalidity_date
        assert crl.is_revoked(built.serial_number)
    assert crl.to_tbs().to_der() == crl.tbs_der


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_crls_raise_only_decode_error(data: st.DataObject) -> None:
    """Random byte edits of a CRL either parse (and render) or raise DecodeError, nothing else."""
    original = bytearray(_golden(data.draw(st.sampled_from(GOLDEN))).der)
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["flip", "insert", "delete", "set"]))
        at = data.draw(st.integers(0, len(original) - 1))
        if kind == "flip":
            original[at] ^= 1 << data.draw(st.integers(0, 7))
        elif kind == "insert":
            original.insert(at, data.draw(st.integers(0, 255)))
        elif kind == "delete":
            del original[at]
        else:
            original[at] = data.draw(st.sampled_from([0x00, 0x80, 0x81, 0x82, 0xFF, 0x30, 0x17]))
    try:
        crl = load_crl(bytes(original))
    except DecodeError:
        return
    crl.to_text()
    for entry in crl:
        assert crl.is_revoked(entry.serial_number)


def test_parsed_duplicate_serial_first_wins() -> None:
    """A parsed CRL listing a serial twice answers get() with the first entry."""
    first = _entry(b"\x10\x00", der.utc_time(WHEN))
    second = _entry(b"\x10\x00", der.utc_time(NOW))
    crl = load_crl(_wrap(_tbs_with_entries(first + second)))
    entry = crl.get(0x1000)
    assert entry is not None and entry.revocation_date == WHEN
    assert len(crl) == 2

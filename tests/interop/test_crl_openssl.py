"""CRLs against the openssl command line, both ways (openssl crl, openssl verify, openssl ca)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from minica import der, oids, pem
from minica.crl import RevokedCertificate, TBSCertList, create_crl, load_crl
from minica.keys import RSAPrivateKey, RSAPublicKey, load_private_key
from minica.name import Name

DATA = Path(__file__).parent.parent / "data" / "crl"
NOW = datetime.now(UTC).replace(microsecond=0)  # openssl verify checks CRL times against now
WHEN = NOW - timedelta(days=2)


def _ca_fields(pem_path: Path) -> SimpleNamespace:
    """The CA certificate's subject and public key (cert.py-independent)."""
    raw, _ = pem.load_der(pem_path.read_text(), ("CERTIFICATE",))
    kids = der.decode(raw)[0].children
    return SimpleNamespace(
        subject=Name.from_element(kids[5]),
        public_key=RSAPublicKey.from_spki_element(kids[6]),
        extensions=(),
    )


@pytest.fixture(scope="module")
def ca() -> SimpleNamespace:
    return _ca_fields(DATA / "ca.pem")


@pytest.fixture(scope="module")
def ca_key() -> RSAPrivateKey:
    return load_private_key((DATA / "ca.key").read_bytes())


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("pss", [False, True])
def test_openssl_verifies_minica_crl(
    pss: bool, ca: SimpleNamespace, ca_key: RSAPrivateKey, run_openssl: Any, tmp: Path
) -> None:
    """`openssl crl -CAfile ca.pem -noout` says "verify OK" for minica CRLs (PKCS#1 and PSS)."""
    crl = create_crl(
        ca, ca_key, revoked=[(0x1000, WHEN, "keyCompromise")], crl_number=2, now=NOW, pss=pss
    )
    path = _write(tmp, "crl.pem", crl.to_pem())
    done = run_openssl("crl", "-in", path, "-CAfile", DATA / "ca.pem", "-noout")
    assert b"verify OK" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("leaf", "revoked"), [("leaf-revoked.pem", True), ("leaf-good.pem", False)]
)
def test_openssl_verify_crl_check(
    leaf: str,
    revoked: bool,
    ca: SimpleNamespace,
    ca_key: RSAPrivateKey,
    run_openssl: Any,
    tmp: Path,
) -> None:
    """openssl verify -crl_check rejects the revoked leaf and accepts the other one."""
    crl = create_crl(
        ca, ca_key, revoked=[(0x1000, WHEN, "keyCompromise"), (0x5, WHEN)], crl_number=3, now=NOW
    )
    path = _write(tmp, "crl.pem", crl.to_pem())
    done = run_openssl(
        "verify", "-crl_check", "-CAfile", DATA / "ca.pem", "-CRLfile", path, DATA / leaf,
        check=False,
    )  # fmt: skip
    output = (done.stdout + done.stderr).decode()
    if revoked:
        assert done.returncode != 0
        assert "certificate revoked" in output
    else:
        assert done.returncode == 0, output
        assert f"{DATA / leaf}: OK" in output


def test_openssl_text_of_minica_crl(
    ca: SimpleNamespace, ca_key: RSAPrivateKey, run_openssl: Any, tmp: Path
) -> None:
    """openssl crl -text prints exactly minica's to_text() for a CRL with every entry kind."""
    from minica.crl import HOLD_INSTRUCTION_REJECT, _RawExtension

    hold = _RawExtension(
        oid=oids.HOLD_INSTRUCTION_CODE, critical=False, value=der.oid(HOLD_INSTRUCTION_REJECT)
    )
    entries = (
        RevokedCertificate(serial_number=1, revocation_date=WHEN),
        RevokedCertificate(
            serial_number=0xABCDEF,
            revocation_date=WHEN,
            reason="keyCompromise",
            invalidity_date=WHEN - timedelta(days=1),
        ),
        RevokedCertificate(
            serial_number=(1 << 159) - 1,
            revocation_date=datetime(2051, 1, 1, tzinfo=UTC),
            reason="certificateHold",
            extensions=(hold,),
        ),
        RevokedCertificate(serial_number=0x80, revocation_date=WHEN, reason="aACompromise"),
    )
    tbs = TBSCertList(
        issuer=ca.subject,
        this_update=NOW,
        next_update=NOW + timedelta(hours=1),
        revoked=entries,
        crl_number=1 << 70,
        authority_key_identifier=ca.public_key.key_id(),
    )
    for crl in (tbs.sign(ca_key), tbs.sign(ca_key, pss=True)):
        path = _write(tmp, "crl.pem", crl.to_pem())
        done = run_openssl("crl", "-in", path, "-text", "-noout")
        assert crl.to_text() == done.stdout.decode()


def _openssl_ca(tmp: Path, index_lines: list[str], run_openssl: Any) -> Path:
    """openssl ca -gencrl over an index.txt with the given lines; returns the CRL (PEM)."""
    (tmp / "index.txt").write_text("".join(line + "\n" for line in index_lines))
    (tmp / "crlnumber").write_text("1F\n")
    cnf = _write(
        tmp,
        "ca.cnf",
        f"[ca]\ndefault_ca = d\n[d]\ndatabase = {tmp}/index.txt\ncertificate = {DATA}/ca.pem\n"
        f"private_key = {DATA}/ca.key\ncrlnumber = {tmp}/crlnumber\ndefault_md = sha256\n"
        "default_crl_days = 3\ncrl_extensions = e\n[e]\nauthorityKeyIdentifier = keyid:always\n",
    )
    out = tmp / "crl.pem"
    run_openssl("ca", "-gencrl", "-config", cnf, "-out", out)
    return out


INDEX = [
    "R\t341231000000Z\t240501000000Z\t1000\tunknown\t/CN=a",
    "R\t341231000000Z\t240502000000Z,keyTime,20240415103000Z\t1002\tunknown\t/CN=b",
    "R\t341231000000Z\t240502000001Z,CAkeyTime,20240416000000Z\t1003\tunknown\t/CN=c",
    "R\t341231000000Z\t240502000002Z,superseded\t1004\tunknown\t/CN=d",
    "R\t341231000000Z\t240502000005Z,holdInstruction,holdInstructionCallIssuer\t1007\tunknown\t/CN=e",
    "V\t341231000000Z\t\t1008\tunknown\t/CN=f",
    "R\t341231000000Z\t240502000006Z,removeFromCRL\t01\tunknown\t/CN=g",
]


def test_minica_reads_openssl_ca_crl(run_openssl: Any, tmp: Path) -> None:
    """minica reads openssl ca -gencrl's entries and reasons as openssl crl -text shows them."""
    path = _openssl_ca(tmp, INDEX, run_openssl)
    crl = load_crl(path.read_text())
    text = run_openssl("crl", "-in", path, "-text", "-noout").stdout.decode()
    assert crl.to_text() == text
    entries = {e.serial_number: e for e in crl}
    assert sorted(entries) == [0x01, 0x1000, 0x1002, 0x1003, 0x1004, 0x1007]
    assert entries[0x1002].reason == "keyCompromise"
    assert entries[0x1002].invalidity_date == datetime(2024, 4, 15, 10, 30, tzinfo=UTC)
    assert entries[0x1003].reason == "cACompromise"
    assert entries[0x1007].reason == "certificateHold"
    assert entries[0x01].reason == "removeFromCRL"
    assert not crl.is_revoked(0x1008)
    crl.verify_signature(_ca_fields(DATA / "ca.pem"))


def test_openssl_ca_crl_reencodes_byte_exact(run_openssl: Any, tmp: Path) -> None:
    """Rebuilding openssl's TBSCertList from minica's parsed values gives the same bytes."""
    crl = load_crl(_openssl_ca(tmp, INDEX, run_openssl).read_text())
    assert crl.to_tbs().to_der() == crl.tbs_der


def test_openssl_empty_crl(run_openssl: Any, tmp: Path) -> None:
    """openssl's CRL with no revoked certificates loads with no entries."""
    crl = load_crl(_openssl_ca(tmp, [], run_openssl).read_text())
    assert len(crl) == 0
    assert crl.crl_number == 0x1F


def test_same_entries_as_openssl_ca(
    ca: SimpleNamespace, ca_key: RSAPrivateKey, run_openssl: Any, tmp: Path
) -> None:
    """minica's revokedCertificates bytes equal openssl's for the same revocations."""
    index = [line for line in INDEX if "keyTime" not in line and "holdInstruction" not in line]
    theirs = load_crl(_openssl_ca(tmp, index, run_openssl).read_text())
    items = [(e.serial_number, e.revocation_date, e.reason) for e in theirs]
    assert len(items) == 3
    ours = create_crl(ca, ca_key, revoked=items, crl_number=0x1F, now=NOW)

    def revoked_bytes(crl: object) -> bytes:
        return der.decode(crl.tbs_der).children[5].raw  # type: ignore[attr-defined]

    assert revoked_bytes(ours) == revoked_bytes(theirs)


def test_openssl_sample_crl(openssl_samples: object) -> None:
    """The shared openssl sample CRL (revoked with -crl_reason keyCompromise) loads."""
    crl = load_crl(openssl_samples.crl)  # type: ignore[attr-defined]
    (entry,) = crl
    assert entry.serial_number == 0x1A2B3C4D5E6F
    assert entry.reason == "keyCompromise"


_IDP_SECTIONS = """
[ crl_idp ]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical, @idp_section
[ idp_section ]
fullname = URI:http://example.com/root.crl, URI:http://backup.example.com/root.crl
onlyuser = TRUE
onlysomereasons = keyCompromise, superseded
indirectCRL = TRUE
[ crl_idp_ca ]
issuingDistributionPoint = critical, @idp_ca
[ idp_ca ]
onlyCA = TRUE
[ crl_idp_aa ]
issuingDistributionPoint = critical, @idp_aa
[ idp_aa ]
onlyAA = TRUE
"""


@pytest.mark.parametrize("section", ["crl_idp", "crl_idp_ca", "crl_idp_aa"])
def test_issuing_distribution_point_from_openssl(
    run_openssl: Any, tmp_path: Path, ca_key: RSAPrivateKey, section: str
) -> None:
    """openssl ca -gencrl's issuingDistributionPoint: typed, printed and re-encoded exactly."""
    from minica.ca import CA
    from minica.extensions import IssuingDistributionPoint

    pki = CA.init(tmp_path / "pki", "/CN=IDP Root", key=ca_key)
    cnf = pki.path / "openssl.cnf"
    cnf.write_text(cnf.read_text() + _IDP_SECTIONS)
    out = tmp_path / "c.pem"
    run_openssl("ca", "-config", cnf, "-gencrl", "-crlexts", section, "-out", out)
    crl = load_crl(out.read_bytes())
    assert crl.to_text() == run_openssl("crl", "-in", out, "-noout", "-text").stdout.decode()
    (raw,) = [e for e in crl.extensions if e.oid == oids.ISSUING_DISTRIBUTION_POINT]
    idp = IssuingDistributionPoint.from_der(raw.to_der(), critical=raw.critical)
    assert idp._encode() == raw.to_der()
    if section == "crl_idp":
        assert idp.only_user_certs and idp.indirect_crl and not idp.only_ca_certs
        assert idp.only_some_reasons == {"keyCompromise", "superseded"}
        assert idp.full_name is not None and len(idp.full_name) == 2


def test_issuing_distribution_point_read_by_openssl(
    run_openssl: Any, tmp_path: Path, ca: SimpleNamespace, ca_key: RSAPrivateKey
) -> None:
    """A CRL minica signs with an issuingDistributionPoint prints in openssl as in minica."""
    from minica._record import replace
    from minica.extensions import IssuingDistributionPoint, UniformResourceIdentifier

    idp = IssuingDistributionPoint(
        full_name=(UniformResourceIdentifier("http://example.com/ca.crl"),),
        only_ca_certs=True,
        only_some_reasons=frozenset({"cACompromise"}),
    )
    crl = create_crl(ca, ca_key, revoked=[(5, NOW)], crl_number=3, now=NOW)
    tbs = replace(crl.to_tbs(), extensions=(*crl.to_tbs().extensions, idp))
    signed = tbs.sign(ca_key)
    (tmp_path / "m.pem").write_text(signed.to_pem())
    text = run_openssl("crl", "-in", tmp_path / "m.pem", "-noout", "-text").stdout.decode()
    assert signed.to_text() == text
    assert "Only CA Certificates" in text


def test_issuing_distribution_point_rules() -> None:
    """DER DEFAULTs, at most one 'only' flag, field order: each refused with DecodeError."""
    from minica.errors import DecodeError, ValidationError
    from minica.extensions import IssuingDistributionPoint

    with pytest.raises(ValidationError, match="at most one"):
        IssuingDistributionPoint(only_user_certs=True, only_ca_certs=True)
    assert IssuingDistributionPoint().to_text() == "<EMPTY>\n"
    for value, message in (
        ("3003810100", "FALSE must be omitted"),
        ("30068101ff8201ff", "at most one"),
        ("30068401ff8101ff", "unexpected"),
    ):
        with pytest.raises(DecodeError, match=message):
            IssuingDistributionPoint.from_der(bytes.fromhex(value))

"""minica.CA and `openssl ca` taking turns on one CA directory, both ways."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from minica.ca import CA
from minica.cert import load_certificate
from minica.crl import load_crl
from minica.csr import create_csr
from minica.index import IndexEntry
from minica.keys import RSAPrivateKey, load_private_key

DATA = Path(__file__).parent.parent / "data"
RunOpenssl = Callable[..., "subprocess.CompletedProcess[bytes]"]

ROOT_SUBJECT = "/C=CN/ST=Beijing/O=Example/CN=Example Root CA"

# What a distribution's openssl.cnf says for the classic /etc/pki/CA recipe, kept outside the
# CA directory (a hand-made directory has no openssl.cnf of its own).
CLASSIC_CNF = """\
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = {dir}
certs = $dir/certs
crl_dir = $dir/crl
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/cacert.pem
serial = $dir/serial
crlnumber = $dir/crlnumber
crl = $dir/crl.pem
private_key = $dir/private/cakey.pem
x509_extensions = usr_cert
name_opt = ca_default
cert_opt = ca_default
default_days = 365
default_crl_days = 30
default_md = sha256
preserve = no
policy = policy_match
[ policy_match ]
countryName = match
stateOrProvinceName = match
organizationName = match
organizationalUnitName = optional
commonName = supplied
emailAddress = optional
[ usr_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
"""


@pytest.fixture(scope="module")
def ca_key() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())


@pytest.fixture(scope="module")
def leaf_key() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())


def status(run_openssl: RunOpenssl, cnf: Path, serial: str) -> str:
    """What `openssl ca -status SERIAL` says (it prints to stderr)."""
    done = run_openssl("ca", "-config", cnf, "-status", serial, check=False)
    return (done.stdout + done.stderr).decode()


def verify(run_openssl: RunOpenssl, cacert: Path, crl: Path, cert: Path) -> tuple[int, str]:
    done = run_openssl(
        "verify", "-crl_check", "-CAfile", cacert, "-CRLfile", crl, cert, check=False
    )
    return done.returncode, (done.stdout + done.stderr).decode()


def test_openssl_ca_issues_into_minica_directory(
    tmp_path: Path, run_openssl: RunOpenssl, ca_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """minica init -> openssl ca issues -> minica sees, revokes, gencrl -> openssl agrees."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key)
    cnf = pki.path / "openssl.cnf"
    mine = pki.sign(create_csr(leaf_key, "/CN=minica.example"))
    (tmp_path / "mine.pem").write_text(mine.to_pem())
    run_openssl(
        "req", "-new", "-key", DATA / "keys" / "rsa2048-b.pem", "-subj", "/CN=openssl.example",
        "-addext", "subjectAltName=DNS:openssl.example", "-out", tmp_path / "req.csr",
    )  # fmt: skip
    run_openssl(
        "ca", "-config", cnf, "-batch", "-in", tmp_path / "req.csr", "-out", tmp_path / "o.pem"
    )
    theirs = load_certificate((tmp_path / "o.pem").read_bytes())
    assert theirs.serial_number == 2

    reopened = CA.open(pki.path)
    entry = reopened.find(2)
    assert entry is not None and entry.status == "V" and entry.subject == "/CN=openssl.example"
    assert reopened.certificate_for(2) == theirs
    # Both lines are in one format: each re-formats to exactly what is in the file.
    text = pki.index_path.read_text()
    assert "".join(IndexEntry.parse_line(x).format_line() for x in text.splitlines()) == text

    reopened.revoke(theirs, reason="keyCompromise")
    reopened.generate_crl()
    assert (
        "verify OK"
        in run_openssl(
            "crl", "-in", pki.crl_path, "-CAfile", pki.cert_path, "-noout"
        ).stderr.decode()
    )
    code, out = verify(run_openssl, pki.cert_path, pki.crl_path, tmp_path / "o.pem")
    assert code != 0 and "certificate revoked" in out
    code, out = verify(run_openssl, pki.cert_path, pki.crl_path, tmp_path / "mine.pem")
    assert code == 0, out
    assert "Revoked" in status(run_openssl, cnf, "02")
    assert "Valid" in status(run_openssl, cnf, "01")
    # openssl's own gencrl reads the database minica rewrote and lists the same serial.
    run_openssl("ca", "-config", cnf, "-gencrl", "-out", tmp_path / "o-crl.pem")
    theirs_crl = load_crl((tmp_path / "o-crl.pem").read_bytes())
    assert [r.serial_number for r in theirs_crl.revoked] == [2]
    assert theirs_crl.crl_number == 2  # after minica's 1


def test_openssl_sees_minica_serial_and_continues(
    tmp_path: Path, run_openssl: RunOpenssl, ca_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """After minica issues, openssl ca takes the next serial and minica the one after."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key)
    pki.sign(create_csr(leaf_key, "/CN=a"))
    run_openssl(
        "req", "-new", "-key", DATA / "keys" / "rsa2048-b.pem", "-subj", "/CN=b",
        "-out", tmp_path / "req.csr",
    )  # fmt: skip
    run_openssl("ca", "-config", pki.path / "openssl.cnf", "-batch", "-in", tmp_path / "req.csr")
    assert pki.sign(create_csr(leaf_key, "/CN=c")).serial_number == 3
    assert [e.serial for e in pki.records()] == [1, 2, 3]
    assert pki.serial_path.read_text() == "04\n"


def test_minica_works_in_classic_openssl_directory(
    tmp_path: Path, run_openssl: RunOpenssl, leaf_key: RSAPrivateKey
) -> None:
    """A hand-made openssl CA dir -> minica signs, revokes, gencrl -> openssl ca still agrees."""
    d = tmp_path / "CA"
    for sub in ("certs", "crl", "newcerts", "private"):
        (d / sub).mkdir(parents=True)
    os.chmod(d / "private", 0o700)
    (d / "index.txt").touch()
    (d / "serial").write_text("01\n")
    cnf = tmp_path / "classic.cnf"
    cnf.write_text(CLASSIC_CNF.format(dir=d))
    run_openssl("genrsa", "-out", d / "private" / "cakey.pem", "2048")
    run_openssl(
        "req", "-new", "-x509", "-key", d / "private" / "cakey.pem", "-out", d / "cacert.pem",
        "-days", "3650", "-subj", "/C=CN/ST=Beijing/O=Example/CN=Classic CA",
    )  # fmt: skip
    run_openssl(
        "req", "-new", "-key", DATA / "keys" / "rsa2048-b.pem", "-out", tmp_path / "a.csr",
        "-subj", "/C=CN/ST=Beijing/O=Example/CN=openssl-made",
    )  # fmt: skip
    run_openssl(
        "ca", "-config", cnf, "-batch", "-in", tmp_path / "a.csr", "-out", d / "certs" / "a.crt"
    )

    pki = CA.open(d)
    assert [e.subject for e in pki.records()] == ["/C=CN/ST=Beijing/O=Example/CN=openssl-made"]
    assert pki.unique_subject() is True  # openssl wrote index.txt.attr with its default
    b = pki.sign(create_csr(leaf_key, "/C=CN/ST=Beijing/O=Example/CN=minica-made"))
    c = pki.sign(create_csr(leaf_key, "/C=CN/ST=Beijing/O=Example/CN=minica-two"))
    assert (b.serial_number, c.serial_number) == (2, 3)
    (tmp_path / "b.pem").write_text(b.to_pem())
    pki.revoke(1, reason="keyCompromise")
    assert not (d / "crlnumber").exists()
    mine = pki.generate_crl()
    assert (d / "crlnumber").read_text() == "02\n"

    # openssl revokes one of minica's certificates, then makes its own CRL.
    run_openssl(
        "ca", "-config", cnf, "-revoke", d / "newcerts" / "03.pem", "-crl_reason", "superseded"
    )
    assert pki.find(3).status == "R"  # type: ignore[union-attr]
    run_openssl("ca", "-config", cnf, "-gencrl", "-out", tmp_path / "o-crl.pem")
    theirs = load_crl((tmp_path / "o-crl.pem").read_bytes())
    assert theirs.crl_number == 2
    assert {(r.serial_number, r.reason) for r in theirs.revoked} == {
        (1, "keyCompromise"),
        (3, "superseded"),
    }
    assert {(r.serial_number, r.reason) for r in mine.revoked} == {(1, "keyCompromise")}
    again = pki.generate_crl()
    assert {(r.serial_number, r.reason) for r in again.revoked} == {
        (r.serial_number, r.reason) for r in theirs.revoked
    }
    assert again.crl_number == 3

    for serial, word in (("01", "Revoked"), ("02", "Valid"), ("03", "Revoked")):
        assert word in status(run_openssl, cnf, serial)
    for crl in (pki.crl_path, tmp_path / "o-crl.pem"):
        assert (
            "verify OK"
            in run_openssl("crl", "-in", crl, "-CAfile", d / "cacert.pem", "-noout").stderr.decode()
        )
        code, out = verify(run_openssl, d / "cacert.pem", crl, d / "certs" / "a.crt")
        assert code != 0 and "certificate revoked" in out
        code, out = verify(run_openssl, d / "cacert.pem", crl, tmp_path / "b.pem")
        assert code == 0, out


@pytest.mark.parametrize(
    ("policy", "preserve", "request_subject"),
    [
        # Reordered into policy order; DC and UID are not in the policy and are dropped.
        ("anything", False, "/DC=com/CN=web.example/UID=u1/O=Example/C=CN"),
        # Two OUs keep their request order; a multi-valued RDN becomes one RDN per value.
        ("anything", False, "/CN=a/OU=Two/OU=One/O=Example+L=Haidian"),
        # match: the CA's attributes (here PrintableString C, UTF8String ST/O) are issued.
        ("match", False, "/CN=b/O=Example/ST=Beijing/C=CN/emailAddress=b@example.com"),
        # preserve = yes: the request's subject exactly as it is.
        ("anything", True, "/DC=com/CN=web.example/UID=u1/O=Example/C=CN"),
    ],
)
def test_issued_subject_is_openssls(
    tmp_path: Path,
    run_openssl: RunOpenssl,
    ca_key: RSAPrivateKey,
    policy: str,
    preserve: bool,
    request_subject: str,
) -> None:
    """`openssl ca` and CA.sign issue byte-identical subjects for the same request and cnf."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, policy=policy)  # type: ignore[arg-type]
    cnf = pki.path / "openssl.cnf"
    if preserve:
        cnf.write_text(cnf.read_text().replace("preserve = no", "preserve = yes"))
    req = tmp_path / "req.csr"
    run_openssl(
        "req", "-new", "-key", DATA / "keys" / "rsa2048-b.pem", "-utf8", "-multivalue-rdn",
        "-subj", request_subject, "-out", req,
    )  # fmt: skip
    # openssl 3.0 honours -preserveDN but not the cnf's `preserve = yes` (ca(1) documents
    # both); minica reads the cnf, so openssl gets the switch to say the same thing.
    keep = ["-preserveDN"] if preserve else []
    run_openssl("ca", "-config", cnf, "-batch", *keep, "-in", req, "-out", tmp_path / "o.pem")
    theirs = load_certificate((tmp_path / "o.pem").read_bytes())
    # unique_subject = yes would refuse the second certificate for the same subject.
    (pki.path / "index.txt.attr").write_text("unique_subject = no\n")
    mine = CA.open(pki.path).sign(req.read_bytes())
    assert mine.subject.der == theirs.subject.der, (mine.subject, theirs.subject)
    entries = CA.open(pki.path).records()
    assert entries[0].subject == entries[1].subject


def test_revoking_a_certificate_missing_from_the_index_as_openssl_does(
    tmp_path: Path, run_openssl: RunOpenssl, ca_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """openssl ca -revoke and CA.revoke add a certificate the index lacks with the same line."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key)
    cert = pki.sign(create_csr(leaf_key, "/O=Example/CN=lost.example"))
    (tmp_path / "lost.pem").write_text(cert.to_pem())
    pki.index_path.write_text("")  # the database lost it (restored from an old backup)
    pki.revoke(cert, reason="keyCompromise")
    mine = pki.index_path.read_text()
    pki.index_path.write_text("")
    cnf = pki.path / "openssl.cnf"
    run_openssl(
        "ca", "-config", cnf, "-revoke", tmp_path / "lost.pem", "-crl_reason", "keyCompromise"
    )
    theirs = pki.index_path.read_text()

    # Equal but for the revocation time (field 3 before the comma), which is "now" in each.
    def fields(line: str) -> list[str]:
        parts = line.rstrip("\n").split("\t")
        parts[2] = parts[2].split(",", 1)[1]
        return parts

    assert fields(mine) == fields(theirs), (mine, theirs)


def test_generate_crl_entries_equal_openssl_gencrl_for_pseudo_reasons(
    tmp_path: Path, run_openssl: RunOpenssl, ca_key: RSAPrivateKey
) -> None:
    """keyTime, CAkeyTime and holdInstruction lines give openssl's exact CRL entries."""
    from minica import der

    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key)
    pki.index_path.write_text(
        "R\t341231000000Z\t240501000000Z\t1000\tunknown\t/CN=a\n"
        "R\t341231000000Z\t240502000000Z,keyTime,20240415103000Z\t1002\tunknown\t/CN=b\n"
        "R\t341231000000Z\t240502000001Z,CAkeyTime,20240416000000Z\t1003\tunknown\t/CN=c\n"
        "R\t341231000000Z\t240502000005Z,holdInstruction,holdInstructionCallIssuer"
        "\t1007\tunknown\t/CN=e\n"
        "R\t341231000000Z\t240502000006Z,holdInstruction,1.2.840.10040.2.3\t1009\tunknown\t/CN=h\n"
        "V\t341231000000Z\t\t1008\tunknown\t/CN=f\n"
    )
    mine = pki.generate_crl()
    out = tmp_path / "theirs.pem"
    run_openssl("ca", "-config", pki.path / "openssl.cnf", "-gencrl", "-out", out)
    theirs = load_crl(out.read_bytes())

    def revoked_bytes(tbs_der: bytes) -> bytes:
        return der.decode(tbs_der).children[5].raw

    assert revoked_bytes(mine.tbs_der) == revoked_bytes(theirs.tbs_der)
    assert (
        mine.to_text().split("Revoked Certificates:")[1].split("Signature Algorithm")[0]
        == (theirs.to_text().split("Revoked Certificates:")[1].split("Signature Algorithm")[0])
    )

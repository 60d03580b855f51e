"""Tests for minica.ca: the openssl-compatible CA directory."""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from minica import ca as ca_module
from minica.ca import CA, POLICY_ANYTHING, POLICY_MATCH, check_policy
from minica.cert import Certificate, load_certificate
from minica.crl import load_crl
from minica.csr import CertificateSigningRequest, create_csr, load_csr
from minica.errors import CAError, InvalidSignature, PassphraseError, PolicyError
from minica.index import IndexEntry, parse_index
from minica.keys import RSAPrivateKey, load_private_key
from minica.name import Name

DATA = Path(__file__).parent / "data"
ROOT_SUBJECT = "/C=CN/ST=Beijing/O=Example/CN=Example Root CA"
NOW = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca_key() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())


@pytest.fixture(scope="module")
def leaf_key() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())


@pytest.fixture(scope="module")
def csr(leaf_key: RSAPrivateKey) -> CertificateSigningRequest:
    return create_csr(leaf_key, "/C=CN/ST=Beijing/O=Example/CN=www.example.com")


@pytest.fixture
def pki(tmp_path: Path, ca_key: RSAPrivateKey) -> CA:
    return CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, now=NOW)


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file and directory under root: mode and content hash."""
    out: dict[str, tuple[int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            out[str(p.relative_to(root))] = (st.st_mode, digest)
    return out


def bad_signature(request: CertificateSigningRequest) -> bytes:
    der = bytearray(request.der)
    der[-5] ^= 0x01  # inside the signature BIT STRING
    return bytes(der)


# --- init / open ------------------------------------------------------------------------------


def test_init_writes_the_openssl_layout(pki: CA) -> None:
    """init makes certs/ crl/ newcerts/ private/ and the database files openssl expects."""
    p = pki.path
    for sub in ("certs", "crl", "newcerts", "private"):
        assert (p / sub).is_dir()
    assert (p / "index.txt").read_bytes() == b""
    assert (p / "index.txt.attr").read_text() == "unique_subject = no\n"
    assert (p / "serial").read_text() == "01\n"
    assert (p / "crlnumber").read_text() == "01\n"
    assert f"dir = {p}\n" in (p / "openssl.cnf").read_text()


def test_init_private_modes(pki: CA) -> None:
    """private/ is 0700 and the CA key 0600."""
    assert stat.S_IMODE((pki.path / "private").stat().st_mode) == 0o700
    assert stat.S_IMODE(pki.key_path.stat().st_mode) == 0o600


def test_init_cacert_is_root_ca(pki: CA, ca_key: RSAPrivateKey) -> None:
    """cacert.pem is self-signed by the CA key with the requested subject."""
    cert = load_certificate(pki.cert_path.read_bytes())
    assert cert.subject.to_openssl() == ROOT_SUBJECT
    assert cert.issuer == cert.subject
    cert.verify_signature(ca_key.public_key())
    assert cert.not_valid_before == NOW


def test_init_refuses_existing_ca(pki: CA, ca_key: RSAPrivateKey) -> None:
    """init on a directory holding a CA raises CAError and changes nothing."""
    before = snapshot(pki.path)
    with pytest.raises(CAError, match="already holds a CA"):
        CA.init(pki.path, "/CN=Other", key=ca_key)
    assert snapshot(pki.path) == before


def test_init_refuses_non_empty_directory(tmp_path: Path, ca_key: RSAPrivateKey) -> None:
    """init refuses a directory with unrelated files in it."""
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "notes.txt").write_text("hi")
    with pytest.raises(CAError, match="not empty"):
        CA.init(tmp_path / "d", "/CN=x", key=ca_key)
    assert os.listdir(tmp_path / "d") == ["notes.txt"]


def test_init_into_empty_directory(tmp_path: Path, ca_key: RSAPrivateKey) -> None:
    """An existing empty directory is accepted."""
    (tmp_path / "d").mkdir()
    CA.init(tmp_path / "d", "/CN=x", key=ca_key)
    assert (tmp_path / "d" / "cacert.pem").is_file()


def test_init_failure_leaves_nothing(
    tmp_path: Path, ca_key: RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure midway leaves no directory behind and a retry succeeds."""

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ca_module, "save_private_key", boom)
    with pytest.raises(OSError, match="No space"):
        CA.init(tmp_path / "pki", "/CN=x", key=ca_key)
    assert os.listdir(tmp_path) == []
    monkeypatch.undo()
    CA.init(tmp_path / "pki", "/CN=x", key=ca_key)


def test_init_with_passphrase_encrypts_key(tmp_path: Path, ca_key: RSAPrivateKey) -> None:
    """With a passphrase the key file is encrypted PKCS#8 and opens with it."""
    pki = CA.init(tmp_path / "pki", "/CN=x", key=ca_key, passphrase="s3cret")
    assert b"ENCRYPTED PRIVATE KEY" in pki.key_path.read_bytes()
    assert load_private_key(pki.key_path.read_bytes(), "s3cret") == ca_key


def test_open_missing_directory(tmp_path: Path) -> None:
    """open on a missing directory is a CAError."""
    with pytest.raises(CAError, match="no such directory"):
        CA.open(tmp_path / "nope")


def test_open_without_cacert(pki: CA) -> None:
    """open names the missing file."""
    pki.cert_path.unlink()
    with pytest.raises(CAError, match=r"cacert\.pem is missing"):
        CA.open(pki.path)


def test_open_reads_settings_from_openssl_cnf(tmp_path: Path, ca_key: RSAPrivateKey) -> None:
    """random serials and the policy survive a reopen (openssl.cnf rand_serial / policy)."""
    CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, serial="random", policy="match")
    again = CA.open(tmp_path / "pki")
    assert again.serial_mode == "random"
    assert again.policy == POLICY_MATCH


# --- policy -----------------------------------------------------------------------------------


def test_policy_anything_needs_common_name() -> None:
    """policy_anything: commonName supplied, the rest optional."""
    ca_name = Name.parse(ROOT_SUBJECT)
    check_policy(Name.parse("/CN=x"), ca_name, POLICY_ANYTHING)
    with pytest.raises(PolicyError, match="CN field needed to be supplied"):
        check_policy(Name.parse("/O=x"), ca_name, POLICY_ANYTHING)


def test_policy_match_compares_with_ca() -> None:
    """policy_match: C, ST, O equal the CA's."""
    ca_name = Name.parse(ROOT_SUBJECT)
    check_policy(Name.parse("/C=CN/ST=Beijing/O=Example/CN=a"), ca_name, POLICY_MATCH)
    with pytest.raises(PolicyError, match="O field is different"):
        check_policy(Name.parse("/C=CN/ST=Beijing/O=Other/CN=a"), ca_name, POLICY_MATCH)
    with pytest.raises(PolicyError, match="ST field needed to be supplied"):
        check_policy(Name.parse("/C=CN/O=Example/CN=a"), ca_name, POLICY_MATCH)


def test_policy_match_field_absent_from_ca() -> None:
    """A match rule on a field the CA lacks is refused."""
    with pytest.raises(PolicyError, match="does not exist in the CA"):
        check_policy(Name.parse("/C=CN/ST=B/O=E/CN=a"), Name.parse("/CN=Root"), POLICY_MATCH)


def test_policy_unknown_rule() -> None:
    """A rule other than match/supplied/optional is refused."""
    with pytest.raises(PolicyError, match="rule must be"):
        check_policy(Name.parse("/CN=a"), Name.parse("/CN=r"), {"CN": "required"})  # type: ignore[dict-item]


# --- signing ----------------------------------------------------------------------------------


def test_sign_records_like_openssl(pki: CA, csr: CertificateSigningRequest) -> None:
    """sign writes newcerts/01.pem, the index line, serial 02 and serial.old 01."""
    cert = pki.sign(csr, now=NOW)
    assert cert.serial_number == 1
    assert load_certificate((pki.path / "newcerts" / "01.pem").read_bytes()) == cert
    expiry = (NOW + timedelta(days=365)).strftime("%y%m%d%H%M%SZ")
    line = f"V\t{expiry}\t\t01\tunknown\t/C=CN/ST=Beijing/O=Example/CN=www.example.com\n"
    assert (pki.path / "index.txt").read_text() == line
    assert (pki.path / "serial").read_text() == "02\n"
    assert (pki.path / "serial.old").read_text() == "01\n"
    cert.verify_signature(pki.certificate)


def test_sign_serials_are_sequential_hex(pki: CA, csr: CertificateSigningRequest) -> None:
    """Serials follow the serial file in openssl's hex form, FF then 0100."""
    pki.serial_path.write_text("FF\n")
    a = pki.sign(csr)
    b = pki.sign(csr)
    assert (a.serial_number, b.serial_number) == (0xFF, 0x100)
    assert (pki.path / "newcerts" / "0100.pem").is_file()
    assert pki.serial_path.read_text() == "0101\n"


def test_sign_accepts_pem(pki: CA, csr: CertificateSigningRequest) -> None:
    """A PEM request works as well as a parsed one."""
    assert pki.sign(csr.to_pem()).subject == csr.subject


def test_sign_random_serials(
    tmp_path: Path, ca_key: RSAPrivateKey, csr: CertificateSigningRequest
) -> None:
    """serial="random": serials of 159 random bits, serial file untouched."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, serial="random")
    cert = pki.sign(csr)
    assert 1 << 128 < cert.serial_number < 1 << 159  # below 2**128: odds 2**-31
    assert pki.serial_path.read_text() == "01\n"
    assert pki.find(cert.serial_number) is not None
    assert "rand_serial = yes" in (pki.path / "openssl.cnf").read_text()


def test_sign_bad_signature_changes_nothing(pki: CA, csr: CertificateSigningRequest) -> None:
    """A request whose signature fails is refused and the directory is byte-identical."""
    before = snapshot(pki.path)
    with pytest.raises(InvalidSignature):
        pki.sign(load_csr(bad_signature(csr)))
    assert snapshot(pki.path) == before


def test_sign_policy_violation_changes_nothing(
    tmp_path: Path, ca_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """A policy_match violation is a PolicyError and the directory is byte-identical."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, policy="match")
    before = snapshot(pki.path)
    with pytest.raises(PolicyError, match="O field is different"):
        pki.sign(create_csr(leaf_key, "/C=CN/ST=Beijing/O=Elsewhere/CN=x"))
    assert snapshot(pki.path) == before


def test_sign_policy_argument_overrides(pki: CA, leaf_key: RSAPrivateKey) -> None:
    """policy="match" on one call applies policy_match there."""
    with pytest.raises(PolicyError, match="C field needed"):
        pki.sign(create_csr(leaf_key, "/CN=x"), policy="match")


def test_sign_unique_subject(
    tmp_path: Path, ca_key: RSAPrivateKey, csr: CertificateSigningRequest
) -> None:
    """unique_subject = yes refuses a second valid certificate for a subject, unchanged dir."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, unique_subject=True)
    first = pki.sign(csr)
    before = snapshot(pki.path)
    with pytest.raises(PolicyError, match="unique_subject"):
        pki.sign(csr)
    assert snapshot(pki.path) == before
    pki.revoke(first)
    assert pki.sign(csr).serial_number == 2


def test_unique_subject_defaults_to_yes_without_attr(pki: CA) -> None:
    """Without index.txt.attr or a config value openssl's default (yes) applies."""
    (pki.path / "index.txt.attr").unlink()
    (pki.path / "openssl.cnf").unlink()
    assert pki.unique_subject() is True


def test_wrong_passphrase_changes_nothing(
    tmp_path: Path, ca_key: RSAPrivateKey, csr: CertificateSigningRequest
) -> None:
    """A wrong CA passphrase is a PassphraseError and the directory is byte-identical."""
    CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, passphrase="right")
    before = snapshot(tmp_path / "pki")
    with pytest.raises(PassphraseError):
        CA.open(tmp_path / "pki", passphrase="wrong").sign(csr)
    with pytest.raises(PassphraseError):
        CA.open(tmp_path / "pki").generate_crl()
    assert snapshot(tmp_path / "pki") == before


def test_issue_makes_key_and_certificate(pki: CA, leaf_key: RSAPrivateKey) -> None:
    """issue returns the key and a certificate for it with the names in subjectAltName."""
    key, cert = pki.issue(["www.example.com", "127.0.0.1"], key=leaf_key)
    assert key is leaf_key
    assert cert.public_key == leaf_key.public_key()
    assert cert.subject.common_name == "www.example.com"
    assert pki.find(cert.serial_number) is not None


def test_issue_fills_policy_match_fields(
    tmp_path: Path, ca_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """Under policy_match issue copies C, ST and O from the CA."""
    pki = CA.init(tmp_path / "pki", ROOT_SUBJECT, key=ca_key, policy="match")
    _, cert = pki.issue(["host.example"], key=leaf_key)
    assert cert.subject.to_openssl() == "/C=CN/ST=Beijing/O=Example/CN=host.example"


# --- revocation, CRLs, updatedb ---------------------------------------------------------------


def test_revoke_rewrites_the_line(pki: CA, csr: CertificateSigningRequest) -> None:
    """revoke marks the entry R with time and reason; index.txt.old is the previous index."""
    cert = pki.sign(csr)
    other = pki.sign(csr)
    before = pki.index_path.read_text()
    entry = pki.revoke(cert, reason="keyCompromise", now=NOW)
    lines = pki.index_path.read_text().splitlines()
    assert lines[0].split("\t")[:4] == [
        "R",
        lines[0].split("\t")[1],
        "240601120000Z,keyCompromise",
        "01",
    ]
    assert lines[1].startswith("V\t")
    assert (pki.path / "index.txt.old").read_text() == before
    assert entry.status == "R" and pki.find(1) == entry
    assert pki.find(other.serial_number).status == "V"  # type: ignore[union-attr]


def test_revoke_unspecified_writes_no_reason(pki: CA, csr: CertificateSigningRequest) -> None:
    """The default reason is recorded like openssl ca -revoke without -crl_reason."""
    pki.sign(csr)
    entry = pki.revoke(1, now=NOW)
    assert entry.revocation_field() == "240601120000Z"


def test_revoke_invalidity_date(pki: CA, csr: CertificateSigningRequest) -> None:
    """keyCompromise with an invalidity date is written as openssl's keyTime."""
    pki.sign(csr)
    when = datetime(2024, 5, 1, tzinfo=UTC)
    entry = pki.revoke(1, reason="keyCompromise", invalidity_date=when, now=NOW)
    assert entry.revocation_field() == "240601120000Z,keyTime,20240501000000Z"


def test_revoke_unknown_serial_changes_nothing(pki: CA, csr: CertificateSigningRequest) -> None:
    """Revoking a serial not in the index is a CAError; the directory is byte-identical."""
    pki.sign(csr)
    before = snapshot(pki.path)
    with pytest.raises(CAError, match=r"not in index\.txt"):
        pki.revoke(0x99)
    assert snapshot(pki.path) == before


def test_revoke_adds_a_certificate_missing_from_the_index(
    pki: CA, csr: CertificateSigningRequest, tmp_path: Path
) -> None:
    """A certificate of this CA the index lacks is added, revoked (as openssl ca -revoke)."""
    kept = pki.sign(csr)
    lost = pki.sign(csr)
    lines = pki.index_path.read_text().splitlines(keepends=True)
    pki.index_path.write_text(lines[0])  # as if restored from a backup taken in between
    entry = pki.revoke(lost, reason="keyCompromise", now=NOW)
    assert (entry.status, entry.serial, entry.filename) == ("R", lost.serial_number, "unknown")
    assert entry.expiry == lost.not_valid_after
    assert entry.subject == lost.subject.to_oneline()
    assert [e.serial for e in pki.records()] == [kept.serial_number, lost.serial_number]
    assert pki.generate_crl().is_revoked(lost.serial_number)


def test_revoke_refuses_a_forgery_of_this_ca_name(
    pki: CA, tmp_path: Path, csr: CertificateSigningRequest, leaf_key: RSAPrivateKey
) -> None:
    """A certificate naming this CA as issuer but signed by another key is not added."""
    impostor = CA.init(tmp_path / "impostor", pki.certificate.subject, key=leaf_key)
    forged = impostor.sign(csr)
    before = snapshot(pki.path)
    with pytest.raises(PolicyError, match="not signed by its key"):
        pki.revoke(forged)
    assert snapshot(pki.path) == before


def test_revoke_twice(pki: CA, csr: CertificateSigningRequest) -> None:
    """Revoking a revoked certificate is a PolicyError."""
    cert = pki.sign(csr)
    pki.revoke(cert)
    with pytest.raises(PolicyError, match="already revoked"):
        pki.revoke(cert)


def test_revoke_foreign_certificate(
    pki: CA, tmp_path: Path, ca_key: RSAPrivateKey, csr: CertificateSigningRequest
) -> None:
    """A certificate from another issuer is refused."""
    other = CA.init(tmp_path / "other", "/CN=Other CA", key=ca_key)
    with pytest.raises(PolicyError, match="not by this CA"):
        pki.revoke(other.sign(csr))


def test_generate_crl(pki: CA, csr: CertificateSigningRequest) -> None:
    """generate_crl lists revoked serials with reasons and advances crlnumber."""
    a = pki.sign(csr)
    b = pki.sign(csr)
    pki.revoke(a, reason="superseded")
    crl = pki.generate_crl(days=7, now=NOW)
    assert crl.is_revoked(a.serial_number) and not crl.is_revoked(b.serial_number)
    assert load_crl(pki.crl_path.read_bytes()).der == crl.der
    crl.verify_signature(pki.certificate)
    assert crl.crl_number == 1
    assert pki.crlnumber_path.read_text() == "02\n"
    assert (pki.path / "crlnumber.old").read_text() == "01\n"
    assert crl.next_update == NOW + timedelta(days=7)
    assert pki.generate_crl().crl_number == 2


def test_generate_crl_creates_crlnumber(pki: CA) -> None:
    """A missing crlnumber starts at 01, like `echo 01 > crlnumber`."""
    pki.crlnumber_path.unlink()
    assert pki.generate_crl().crl_number == 1
    assert pki.crlnumber_path.read_text() == "02\n"


def test_generate_crl_pseudo_reasons(pki: CA) -> None:
    """openssl's keyTime and holdInstruction lines become keyCompromise+invalidity / hold."""
    exp = "340101000000Z"
    pki.index_path.write_text(
        f"R\t{exp}\t240101000000Z,keyTime,20231231000000Z\t01\tunknown\t/CN=a\n"
        f"R\t{exp}\t240101000000Z,holdInstruction,holdInstructionReject\t02\tunknown\t/CN=b\n"
        f"R\t{exp}\t240101000000Z,CACompromise\t03\tunknown\t/CN=c\n"
        f"V\t{exp}\t\t04\tunknown\t/CN=d\n"
    )
    crl = pki.generate_crl()
    entries = {e.serial_number: e for e in crl.revoked}
    assert sorted(entries) == [1, 2, 3]
    assert entries[1].reason == "keyCompromise"
    assert entries[1].invalidity_date == datetime(2023, 12, 31, tzinfo=UTC)
    assert entries[2].reason == "certificateHold"
    assert entries[3].reason == "cACompromise"


def test_generate_crl_reports_corrupt_index(pki: CA) -> None:
    """A malformed revoked line is a CAError naming the line."""
    pki.index_path.write_text("R\t340101000000Z\tgarbage\t01\tunknown\t/CN=a\n")
    with pytest.raises(CAError, match=r"index\.txt line 1"):
        pki.generate_crl()


def test_update_expired(pki: CA, csr: CertificateSigningRequest) -> None:
    """update_expired marks passed expiries E, as openssl ca -updatedb."""
    old = pki.sign(csr, days=1, now=NOW - timedelta(days=30))
    new = pki.sign(csr)
    assert pki.update_expired() == 1
    assert pki.find(old.serial_number).status == "E"  # type: ignore[union-attr]
    assert pki.find(new.serial_number).status == "V"  # type: ignore[union-attr]
    assert pki.update_expired() == 0


# --- reading ----------------------------------------------------------------------------------


def test_records_and_lookups(
    pki: CA, csr: CertificateSigningRequest, leaf_key: RSAPrivateKey
) -> None:
    """records, find, find_subject and certificate_for read the database."""
    a = pki.sign(csr)
    b = pki.sign(create_csr(leaf_key, "/CN=other"))
    pki.revoke(b)
    assert [e.serial for e in pki.records()] == [1, 2]
    assert [e.serial for e in pki.records("R")] == [2]
    assert [e.serial for e in pki.find_subject(csr.subject)] == [1]
    assert [e.serial for e in pki.find_subject("/CN=other")] == [2]
    assert pki.find(3) is None
    assert pki.certificate_for(1) == a
    with pytest.raises(CAError, match=r"newcerts/03\.pem: missing"):
        pki.certificate_for(3)


def test_records_match_index_parser(pki: CA, csr: CertificateSigningRequest) -> None:
    """records() is what minica.index reads from index.txt."""
    pki.sign(csr)
    assert pki.records() == parse_index(pki.index_path.read_text())


# --- locking and crash leftovers --------------------------------------------------------------


def test_lock_timeout(pki: CA, csr: CertificateSigningRequest) -> None:
    """While another holder has the lock, a mutation fails with CAError "locked"."""
    fd = os.open(pki.path / ".minica.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        busy = CA.open(pki.path, lock_timeout=0.2)
        with pytest.raises(CAError, match="locked"):
            busy.sign(csr)
        with pytest.raises(CAError, match="locked"):
            busy.revoke(1)
    finally:
        os.close(fd)
    assert pki.sign(csr).serial_number == 1


def test_torn_index_line_is_cut(pki: CA, csr: CertificateSigningRequest) -> None:
    """A line without its newline (a torn append) is ignored, then cut by the next writer."""
    pki.sign(csr)
    with open(pki.index_path, "a") as f:
        f.write("V\t3401010000")
    assert [e.serial for e in pki.records()] == [1]
    pki.sign(csr)
    text = pki.index_path.read_text()
    assert [e.serial for e in parse_index(text, unterminated="error")] == [1, 2]


def test_orphan_newcerts_file_is_ignored(pki: CA, csr: CertificateSigningRequest) -> None:
    """A newcerts file without an index line (crash between them) is skipped, its serial unused."""
    first = pki.sign(csr)
    # Simulate the crash: serial advanced to 03, newcerts/02.pem written, no index line.
    (pki.path / "newcerts" / "02.pem").write_text(first.to_pem())
    pki.serial_path.write_text("03\n")
    reopened = CA.open(pki.path)
    assert [e.serial for e in reopened.records()] == [1]
    assert reopened.sign(csr).serial_number == 3


def test_stale_serial_file_is_refused(pki: CA, csr: CertificateSigningRequest) -> None:
    """A serial file pointing at an existing newcerts file is a CAError, nothing reused."""
    pki.sign(csr)
    pki.serial_path.write_text("01\n")
    before = snapshot(pki.path)
    with pytest.raises(CAError, match="already issued"):
        pki.sign(csr)
    assert snapshot(pki.path) == before


def test_stale_temp_files_are_removed(pki: CA, csr: CertificateSigningRequest) -> None:
    """Temp files left by a killed writer are removed under the lock."""
    (pki.path / ".minica-tmp.deadbeef").write_text("half")
    pki.sign(csr)
    assert not (pki.path / ".minica-tmp.deadbeef").exists()


def test_index_entry_for_signed_cert_round_trips(pki: CA, csr: CertificateSigningRequest) -> None:
    """The line sign appends re-formats identically through IndexEntry."""
    cert: Certificate = pki.sign(csr)
    line = pki.index_path.read_text()
    entry = IndexEntry.parse_line(line)
    assert entry.format_line() == line
    assert entry.expiry == cert.not_valid_after


def test_sign_appends_without_rewriting_index(pki: CA, csr: CertificateSigningRequest) -> None:
    """Issuing appends to the same index.txt inode (no whole-file rewrite, no index.txt.old)."""
    pki.sign(csr)
    inode = pki.index_path.stat().st_ino
    pki.sign(csr)
    assert pki.index_path.stat().st_ino == inode
    assert not (pki.path / "index.txt.old").exists()
    assert len(pki.index_path.read_text().splitlines()) == 2


def test_apply_policy_builds_the_subject_openssl_issues() -> None:
    """Policy order, one RDN per value, unlisted fields dropped, the CA's own match values."""
    from minica import der
    from minica.ca import apply_policy
    from minica.name import NameAttribute

    ca_name = Name.build(
        [
            NameAttribute(oid="2.5.4.6", value="CN", tag=der.PRINTABLE_STRING),
            NameAttribute(oid="2.5.4.8", value="Beijing"),
            NameAttribute(oid="2.5.4.10", value="Example"),
            NameAttribute(oid="2.5.4.3", value="Root"),
        ]
    )
    request = Name.parse("/CN=a/DC=com/O=Example/OU=y/OU=x/C=CN/ST=Beijing")
    issued = apply_policy(request, ca_name, POLICY_MATCH)
    assert issued.to_openssl() == "/C=CN/ST=Beijing/O=Example/OU=y/OU=x/CN=a"
    assert issued.rdns[0][0].tag == der.PRINTABLE_STRING  # the CA's encoding, not the request's
    assert apply_policy(Name.parse("/CN=a+O=b"), ca_name, POLICY_ANYTHING).rdns == (
        (NameAttribute(oid="2.5.4.10", value="b"),),
        (NameAttribute(oid="2.5.4.3", value="a"),),
    )
    with pytest.raises(PolicyError, match="the O field is different"):
        apply_policy(Name.parse("/C=CN/ST=Beijing/O=Other/CN=a"), ca_name, POLICY_MATCH)


def test_sign_issues_the_policy_subject_unless_preserve(
    tmp_path: Path, ca_key: RSAPrivateKey
) -> None:
    """CA.sign follows openssl.cnf's preserve: no (policy-built subject) or yes (as requested)."""
    pki = CA.init(tmp_path / "pki", "/CN=Root", key=ca_key)
    (pki.path / "index.txt.attr").write_text("unique_subject = no\n")
    csr = create_csr(ca_key, "/CN=a/DC=com/O=Example")
    assert pki.sign(csr).subject.to_openssl() == "/O=Example/CN=a"
    cnf = pki.path / "openssl.cnf"
    cnf.write_text(cnf.read_text().replace("preserve = no", "preserve = yes"))
    reopened = CA.open(pki.path)
    assert reopened.preserve
    assert reopened.sign(csr).subject.to_openssl() == "/CN=a/DC=com/O=Example"

"""Tests for minica._opensslcnf: the openssl.cnf works with the real `openssl ca`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from minica._opensslcnf import render_openssl_cnf
from minica.errors import ValidationError
from minica.index import format_serial_file, parse_index

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl CLI not installed")


def run(*args: str, cwd: Path, returncode: int = 0) -> str:
    proc = subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == returncode, f"openssl {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classic CA layout made by hand with the openssl CLI and our openssl.cnf."""
    if OPENSSL is None:
        pytest.skip("openssl CLI not installed")
    d = tmp_path_factory.mktemp("ca")
    for sub in ("certs", "crl", "newcerts", "private"):
        (d / sub).mkdir()
    (d / "index.txt").write_text("")
    (d / "serial").write_text(format_serial_file(1))
    (d / "crlnumber").write_text(format_serial_file(1))
    (d / "openssl.cnf").write_text(render_openssl_cnf(str(d), policy="policy_match"))
    cnf = str(d / "openssl.cnf")
    run("genrsa", "-out", "private/cakey.pem", "2048", cwd=d)
    subj = "/C=CN/ST=Beijing/O=Example/CN=Example Root CA"
    run("req", "-config", cnf, "-new", "-x509", "-key", "private/cakey.pem", "-out",
        "cacert.pem", "-days", "3650", "-subj", subj, cwd=d)  # fmt: skip
    run("genrsa", "-out", "leaf.key", "2048", cwd=d)
    return d


def issue(d: Path, name: str, subject: str, *extra: str) -> str:
    cnf = str(d / "openssl.cnf")
    run("req", "-config", cnf, "-new", "-key", "leaf.key", "-subj", subject,
        "-addext", f"subjectAltName=DNS:{name}", "-out", f"{name}.csr", cwd=d)  # fmt: skip
    run("ca", "-config", cnf, "-batch", "-in", f"{name}.csr", "-out", f"{name}.pem", *extra, cwd=d)
    return run("x509", "-in", f"{name}.pem", "-noout", "-text", cwd=d)


@needs_openssl
def test_root_made_with_req_has_root_ca_extensions(ca_dir: Path) -> None:
    """openssl req -x509 with our [ req ] makes a root with the root_ca profile's extensions."""
    text = run("x509", "-in", "cacert.pem", "-noout", "-text", cwd=ca_dir)
    assert "Basic Constraints: critical\n                CA:TRUE" in text
    assert "Key Usage: critical\n                Certificate Sign, CRL Sign" in text
    assert "Subject Key Identifier" in text


@needs_openssl
def test_openssl_ca_issues_server_cert(ca_dir: Path) -> None:
    """openssl ca -batch signs a request with the server profile and records it in index.txt."""
    text = issue(ca_dir, "www.example.com", "/C=CN/ST=Beijing/O=Example/CN=www.example.com")
    assert "TLS Web Server Authentication" in text
    assert "Digital Signature, Key Encipherment" in text
    assert "DNS:www.example.com" in text  # copy_extensions = copy
    assert "Authority Key Identifier" in text
    assert "CA:FALSE" in text
    entries = parse_index((ca_dir / "index.txt").read_text())
    assert entries[0].subject == "/C=CN/ST=Beijing/O=Example/CN=www.example.com"
    assert (ca_dir / "newcerts" / f"{entries[0].serial_hex}.pem").exists()


@needs_openssl
def test_openssl_ca_issues_client_cert(ca_dir: Path) -> None:
    """-extensions usr_cert gives the client profile (clientAuth)."""
    text = issue(ca_dir, "alice", "/C=CN/ST=Beijing/O=Example/CN=alice", "-extensions", "usr_cert")
    assert "TLS Web Client Authentication" in text
    assert "TLS Web Server Authentication" not in text


@needs_openssl
def test_policy_match_refuses_other_organisation(ca_dir: Path) -> None:
    """policy_match makes openssl ca refuse a subject whose O differs from the CA's."""
    cnf = str(ca_dir / "openssl.cnf")
    run("req", "-config", cnf, "-new", "-key", "leaf.key", "-subj",
        "/C=CN/ST=Beijing/O=Other/CN=x", "-out", "other.csr", cwd=ca_dir)  # fmt: skip
    proc = subprocess.run(
        ["openssl", "ca", "-config", cnf, "-batch", "-in", "other.csr", "-out", "other.pem"],
        cwd=ca_dir, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "organizationName field" in proc.stdout + proc.stderr


@needs_openssl
def test_openssl_ca_revokes_gencrl_and_status(ca_dir: Path) -> None:
    """-revoke, -gencrl and -status work on the directory, and the CRL verifies."""
    cnf = str(ca_dir / "openssl.cnf")
    issue(ca_dir, "old.example.com", "/C=CN/ST=Beijing/O=Example/CN=old.example.com")
    run("ca", "-config", cnf, "-revoke", "old.example.com.pem", "-crl_reason", "superseded",
        cwd=ca_dir)  # fmt: skip
    run("ca", "-config", cnf, "-gencrl", "-out", "crl.pem", cwd=ca_dir)
    crl = run("crl", "-in", "crl.pem", "-CAfile", "cacert.pem", "-noout", "-text", cwd=ca_dir)
    assert "verify OK" in crl
    assert "Superseded" in crl
    assert "Authority Key Identifier" in crl
    revoked = [e for e in parse_index((ca_dir / "index.txt").read_text()) if e.status == "R"]
    assert [e.reason for e in revoked] == ["superseded"]
    # OpenSSL 3.0 `ca -status` exits 1 even when it found the serial (Valid included).
    status = run("ca", "-config", cnf, "-status", revoked[0].serial_hex, cwd=ca_dir, returncode=1)
    assert f"{revoked[0].serial_hex}=Revoked (R)" in status
    valid = run("ca", "-config", cnf, "-status", "01", cwd=ca_dir, returncode=1)
    assert "01=Valid (V)" in valid
    assert (ca_dir / "index.txt.attr").read_text() == "unique_subject = no\n"


def test_render_fills_in_parameters() -> None:
    """The directory, days, policy and unique_subject appear in [ CA_default ]."""
    text = render_openssl_cnf(
        "/srv/pki", default_days=90, default_crl_days=7, unique_subject=True, policy="policy_match"
    )
    assert "\ndir = /srv/pki\n" in text
    assert "\ndefault_days = 90\n" in text
    assert "\ndefault_crl_days = 7\n" in text
    assert "\nunique_subject = yes\n" in text
    assert "\npolicy = policy_match\n" in text


@pytest.mark.parametrize("bad", ["", "/a#b", "/a$b", "/a\nb", " /a", "/a\\b"])
def test_render_refuses_unwritable_directories(bad: str) -> None:
    """A directory openssl.cnf syntax would misread is refused."""
    with pytest.raises(ValidationError, match="ca_dir"):
        render_openssl_cnf(bad)


def test_render_refuses_bad_options() -> None:
    """Unknown policies and non-positive day counts are refused."""
    with pytest.raises(ValidationError, match="policy"):
        render_openssl_cnf("/x", policy="policy_strict")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="default_days"):
        render_openssl_cnf("/x", default_days=0)

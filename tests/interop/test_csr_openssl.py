"""PKCS#10 requests against the openssl command line, both ways (minica.csr)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from minica.csr import CertificateSigningRequest, create_csr, load_csr
from minica.keys import RSAPrivateKey, load_private_key

RunOpenssl = Callable[..., "subprocess.CompletedProcess[bytes]"]
KEYS = Path(__file__).parent.parent / "data" / "keys"


@pytest.fixture(scope="module")
def key() -> RSAPrivateKey:
    return load_private_key((KEYS / "rsa2048-b.pem").read_bytes())


def _minica_csrs(key: RSAPrivateKey) -> dict[str, CertificateSigningRequest]:
    return {
        "plain": create_csr(key, "/C=CN/ST=Beijing/O=Example/CN=www.example.com"),
        "san": create_csr(
            key,
            "/CN=www.example.com",
            san=["www.example.com", "*.example.com", "10.0.0.5", "2001:db8::5", "a@example.com"],
        ),
        "usages": create_csr(
            key,
            "/O=Example/CN=client",
            key_usage=["digitalSignature", "keyEncipherment"],
            extended_key_usage=["clientAuth", "emailProtection"],
        ),
        "password": create_csr(key, "/CN=pw", challenge_password="s3cret pass", san=["pw.example"]),
        "empty-subject": create_csr(key, "", san=["only.example.com"]),
        "pss": create_csr(key, "/CN=pss", hash="sha384", pss=True),
        "utf8": create_csr(key, "/O=例子/CN=例子.example"),
    }


@pytest.fixture(scope="module")
def csr_dir(tmp_path_factory: pytest.TempPathFactory, key: RSAPrivateKey) -> Path:
    d = tmp_path_factory.mktemp("csrs")
    for name, csr in _minica_csrs(key).items():
        (d / f"{name}.csr").write_text(csr.to_pem())
    return d


NAMES = ("plain", "san", "usages", "password", "empty-subject", "pss", "utf8")


@pytest.mark.parametrize("name", NAMES)
def test_minica_csr_passes_openssl_verify(
    csr_dir: Path, run_openssl: RunOpenssl, name: str
) -> None:
    """openssl req -verify accepts every minica request."""
    done = run_openssl("req", "-in", csr_dir / f"{name}.csr", "-verify", "-noout")
    assert b"verify OK" in done.stderr and b"failure" not in done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_minica_csr_text_equals_openssl(csr_dir: Path, run_openssl: RunOpenssl, name: str) -> None:
    """to_text() equals `openssl req -text -noout` for minica requests."""
    csr = load_csr((csr_dir / f"{name}.csr").read_text())
    out = run_openssl("req", "-in", csr_dir / f"{name}.csr", "-text", "-noout").stdout
    assert csr.to_text() == out.decode()


def test_tampered_csr_fails_openssl_verify(
    tmp_path: Path, key: RSAPrivateKey, run_openssl: RunOpenssl
) -> None:
    """A request with a flipped signature bit fails openssl req -verify (the check can fail)."""
    data = bytearray(create_csr(key, "/CN=x").der)
    data[-3] ^= 1
    (tmp_path / "bad.der").write_bytes(bytes(data))
    done = run_openssl(
        "req", "-in", tmp_path / "bad.der", "-inform", "DER", "-verify", "-noout", check=False
    )
    # OpenSSL 3.0's `req -verify` exits 0 even then; it says so on stderr.
    assert b"verify failure" in done.stderr


OPENSSL_REQUESTS = {
    "basic": ["-subj", "/C=CN/O=Example/CN=basic.example.com"],
    "san-only": ["-subj", "/", "-addext", "subjectAltName=DNS:a.example,IP:192.0.2.1"],
    "many": [
        "-subj", "/CN=many.example", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:3",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        "-addext", "extendedKeyUsage=serverAuth,codeSigning,1.2.3.4",
        "-addext", "subjectAltName=DNS:many.example,URI:https://many.example/,email:x@many.example",
        "-addext", "subjectKeyIdentifier=hash",
        "-addext", "1.3.6.1.4.1.55555.9=critical,DER:0500",
    ],
    "pss": ["-subj", "/CN=pss", "-sha512", "-sigopt", "rsa_padding_mode:pss"],
    "sha1": ["-subj", "/CN=old", "-sha1"],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(OPENSSL_REQUESTS))
def test_openssl_csr_parses_verifies_and_prints(
    tmp_path: Path, run_openssl: RunOpenssl, name: str
) -> None:
    """Requests made by openssl req parse, verify, and print exactly like openssl prints them."""
    path = tmp_path / f"{name}.csr"
    run_openssl("req", "-new", "-key", KEYS / "rsa3072.pem", *OPENSSL_REQUESTS[name], "-out", path)
    csr = load_csr(path.read_text())
    csr.verify()
    out = run_openssl("req", "-in", path, "-text", "-noout").stdout
    assert csr.to_text() == out.decode()
    subject = run_openssl("req", "-in", path, "-noout", "-subject").stdout.decode()
    assert subject.strip() == f"subject={csr.subject.to_text()}".strip()


def test_openssl_challenge_password(tmp_path: Path, run_openssl: RunOpenssl) -> None:
    """openssl's challengePassword attribute is read back."""
    (tmp_path / "r.cnf").write_text(
        "[req]\ndistinguished_name=dn\nattributes=a\nprompt=no\n[dn]\nCN=pw\n"
        "[a]\nchallengePassword=correct horse\n"
    )
    run_openssl(
        "req", "-new", "-key", KEYS / "rsa2048-a.pem", "-config", tmp_path / "r.cnf",
        "-out", tmp_path / "r.csr",
    )  # fmt: skip
    csr = load_csr((tmp_path / "r.csr").read_bytes())
    assert csr.challenge_password == "correct horse"
    csr.verify()

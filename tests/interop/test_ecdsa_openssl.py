"""ECDSA against the openssl command line: signatures minica checks, EC requests it signs,
EC-signed certificates and CRLs it reads, shows and verifies (minica itself signs with RSA)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minica import _ec, der, oids
from minica.ca import CA
from minica.cert import load_certificate
from minica.crl import load_crl
from minica.csr import load_csr
from minica.errors import DecodeError, InvalidSignature, MinicaError, ValidationError
from minica.keys import load_private_key
from minica.verify import verify_chain

RunOpenssl = Callable[..., "subprocess.CompletedProcess[bytes]"]
KEYS = Path(__file__).parent.parent / "data" / "keys"
CURVES = ("P-256", "P-384", "P-521")


@pytest.fixture(scope="module")
def ec_keys(tmp_path_factory: pytest.TempPathFactory, run_openssl: RunOpenssl) -> dict[str, Path]:
    """One openssl-made EC key per curve."""
    d = tmp_path_factory.mktemp("ec")
    out = {}
    for curve in CURVES:
        out[curve] = d / f"{curve}.pem"
        run_openssl(
            "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}",
            "-out", out[curve],
        )  # fmt: skip
    return out


def _spki(run_openssl: RunOpenssl, key: Path, *, compressed: bool = False) -> bytes:
    form = ["-ec_conv_form", "compressed"] if compressed else []
    return run_openssl("pkey", "-in", key, "-pubout", "-outform", "DER", *form).stdout


@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize("hash", ["sha256", "sha384", "sha512"])
def test_openssl_signatures_verify(
    tmp_path: Path, run_openssl: RunOpenssl, ec_keys: dict[str, Path], curve: str, hash: str
) -> None:
    """openssl dgst -sign's ECDSA signatures verify; any change to data or signature fails."""
    data = f"minica checks {curve} {hash}".encode()
    (tmp_path / "data").write_bytes(data)
    signature = run_openssl(
        "dgst", f"-{hash}", "-sign", ec_keys[curve], tmp_path / "data"
    ).stdout  # fmt: skip
    for spki in (
        _spki(run_openssl, ec_keys[curve]),
        _spki(run_openssl, ec_keys[curve], compressed=True),
    ):
        _ec.verify(spki, signature, data, hash)
        with pytest.raises(InvalidSignature):
            _ec.verify(spki, signature, data + b"!", hash)
        r, s = (el.as_int() for el in der.decode(signature).children)
        for bad in (der.sequence(der.integer(r), der.integer(s + 1)), signature[:-1], b"\x30\x00"):
            with pytest.raises(InvalidSignature):
                _ec.verify(spki, bad, data, hash)


def test_points_off_the_curve_and_unknown_curves_are_refused(
    run_openssl: RunOpenssl, ec_keys: dict[str, Path], tmp_path: Path
) -> None:
    """A point not on its curve is a DecodeError; a curve minica lacks a ValidationError."""
    spki = bytearray(_spki(run_openssl, ec_keys["P-256"]))
    spki[-1] ^= 1  # y changes: the point leaves the curve
    with pytest.raises(DecodeError, match="not on P-256"):
        _ec.ec_point_from_spki(bytes(spki))
    k1 = tmp_path / "k1.pem"
    run_openssl(
        "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", k1
    )
    with pytest.raises(ValidationError, match="not supported"):
        _ec.ec_point_from_spki(_spki(run_openssl, k1))


@pytest.mark.parametrize("curve", CURVES)
def test_ca_signs_ec_requests_as_openssl_ca_does(
    tmp_path: Path, run_openssl: RunOpenssl, ec_keys: dict[str, Path], curve: str
) -> None:
    """An EC request: minica's certificate verifies in openssl and carries the same subject key,
    key identifier and extensions as openssl ca's from the same directory."""
    pki = CA.init(
        tmp_path / "pki",
        "/CN=RSA Root",
        key=load_private_key((KEYS / "rsa2048-a.pem").read_bytes()),
    )
    (pki.path / "index.txt.attr").write_text("unique_subject = no\n")
    req = tmp_path / "req.csr"
    run_openssl(
        "req", "-new", "-key", ec_keys[curve], "-subj", "/CN=ec.example",
        "-addext", "subjectAltName=DNS:ec.example", "-out", req,
    )  # fmt: skip
    mine = pki.sign(req.read_bytes())
    (tmp_path / "mine.pem").write_text(mine.to_pem())
    run_openssl("verify", "-CAfile", pki.cert_path, tmp_path / "mine.pem")
    run_openssl(
        "ca", "-config", pki.path / "openssl.cnf", "-batch", "-in", req, "-out", tmp_path / "o.pem"
    )
    theirs = load_certificate((tmp_path / "o.pem").read_bytes())
    assert mine.spki_der == theirs.spki_der
    assert mine.extensions.to_der() == theirs.extensions.to_der()
    assert mine.key_algorithm == oids.EC_PUBLIC_KEY


def test_tampered_ec_request_is_refused(
    tmp_path: Path, run_openssl: RunOpenssl, ec_keys: dict[str, Path]
) -> None:
    """An EC request whose signature does not verify is refused before anything is written."""
    req = tmp_path / "req.csr"
    run_openssl(
        "req", "-new", "-key", ec_keys["P-256"], "-subj", "/CN=ec", "-outform", "DER", "-out", req
    )
    csr = load_csr(req.read_bytes())
    csr.verify()
    forged = bytearray(csr.der)
    i = forged.index(b"ec", csr.der.index(b"\x06\x03\x55\x04\x03"))
    forged[i] = ord("E")  # /CN=Ec: the signature no longer covers this subject
    with pytest.raises(InvalidSignature):
        load_csr(bytes(forged)).verify()


def test_ec_signed_chain_and_crl_read_shown_and_verified(
    tmp_path: Path, run_openssl: RunOpenssl, ec_keys: dict[str, Path]
) -> None:
    """An openssl EC root (P-384) signing an EC leaf and a CRL: minica shows them as openssl
    does, checks their ECDSA signatures, and verify_chain agrees with openssl verify."""
    root_key, leaf_key = ec_keys["P-384"], ec_keys["P-256"]
    root, leaf, crl = tmp_path / "root.pem", tmp_path / "leaf.pem", tmp_path / "crl.pem"
    run_openssl(
        "req", "-x509", "-new", "-key", root_key, "-sha384", "-subj", "/CN=EC Root",
        "-days", "30", "-out", root,
    )  # fmt: skip
    run_openssl(
        "req", "-new", "-key", leaf_key, "-subj", "/CN=leaf.example", "-out", tmp_path / "l.csr"
    )
    (tmp_path / "ext.cnf").write_text(
        "[e]\nsubjectAltName=DNS:leaf.example\nbasicConstraints=CA:FALSE\n"
    )
    run_openssl(
        "x509", "-req", "-in", tmp_path / "l.csr", "-CA", root, "-CAkey", root_key, "-sha256",
        "-days", "10", "-extfile", tmp_path / "ext.cnf", "-extensions", "e", "-out", leaf,
    )  # fmt: skip
    d = tmp_path / "ca"
    (d / "newcerts").mkdir(parents=True)
    (d / "index.txt").write_text("")
    (tmp_path / "ca.cnf").write_text(
        f"[ca]\ndefault_ca=c\n[c]\ndatabase={d}/index.txt\ncrlnumber={d}/crlnumber\n"
        f"default_md=sha512\ndefault_crl_days=7\n"
    )
    (d / "crlnumber").write_text("01\n")
    run_openssl(
        "ca", "-gencrl", "-config", tmp_path / "ca.cnf", "-cert", root, "-keyfile", root_key,
        "-out", crl,
    )  # fmt: skip
    root_cert, leaf_cert = load_certificate(root.read_bytes()), load_certificate(leaf.read_bytes())
    the_crl = load_crl(crl.read_bytes())
    assert (
        leaf_cert.to_text() == run_openssl("x509", "-in", leaf, "-noout", "-text").stdout.decode()
    )
    assert the_crl.to_text() == run_openssl("crl", "-in", crl, "-noout", "-text").stdout.decode()
    assert leaf_cert.signature_algorithm.name == "ecdsa-with-SHA256"
    assert the_crl.signature_algorithm.name == "ecdsa-with-SHA512"
    leaf_cert.verify_signature(root_cert)
    root_cert.verify_signature(root_cert)
    the_crl.verify_signature(root_cert)
    with pytest.raises(InvalidSignature):
        leaf_cert.verify_signature(leaf_cert)
    result = verify_chain(leaf_cert, trusted=[root_cert], crls=[the_crl], crl_check="leaf")
    assert result.ok, result
    run_openssl("verify", "-crl_check", "-CAfile", root, "-CRLfile", crl, leaf)


def test_ec_private_key_is_refused_with_the_way_forward(ec_keys: dict[str, Path]) -> None:
    """minica does not use EC keys; the error says how to get an EC certificate from it."""
    with pytest.raises(DecodeError, match=r"RSA keys only.*minica sign"):
        load_private_key(ec_keys["P-256"].read_bytes())


@pytest.fixture(scope="module")
def ec_request_der(ec_keys: dict[str, Path], run_openssl: RunOpenssl) -> bytes:
    return run_openssl(
        "req", "-new", "-key", ec_keys["P-384"], "-subj", "/CN=fuzz.example", "-outform", "DER"
    ).stdout  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_ec_requests_raise_only_minica_errors(
    mutate: Callable[..., bytes], ec_request_der: bytes, data: st.DataObject
) -> None:
    """A mutated EC request parses and verifies, or says what is wrong (a MinicaError)."""
    with contextlib.suppress(MinicaError):
        load_csr(mutate(data, ec_request_der)).verify()

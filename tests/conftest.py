"""Shared fixtures: the openssl command line, a scratch directory, and openssl-made PKI samples."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

OPENSSL = shutil.which("openssl")
DATA = Path(__file__).parent / "data"

#: ``run_openssl(*args, input=None, check=True, cwd=None) -> CompletedProcess[bytes]``
RunOpenssl = Callable[..., "subprocess.CompletedProcess[bytes]"]


def _run_openssl(
    *args: str | Path,
    input: bytes | str | None = None,
    check: bool = True,
    cwd: str | Path | None = None,
) -> subprocess.CompletedProcess[bytes]:
    if OPENSSL is None:
        pytest.skip("needs the openssl command line")
    if isinstance(input, str):
        input = input.encode()
    done = subprocess.run(
        [OPENSSL, *map(str, args)], input=input, capture_output=True, cwd=cwd, check=False
    )
    if check and done.returncode != 0:
        cmd = " ".join(map(str, args))
        pytest.fail(
            f"openssl {cmd} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')}"
        )
    return done


@pytest.fixture(scope="session")
def run_openssl() -> RunOpenssl:
    """Run ``openssl *args``; fails the test on a non-zero exit unless ``check=False``.

    Skips the test when openssl is not installed. ``input`` may be bytes or str.
    """
    return _run_openssl


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    """A fresh scratch directory for this test."""
    return tmp_path


@dataclass(frozen=True, kw_only=True)
class OpensslSamples:
    """DER files made by openssl once per session: a self-signed CA, a leaf, a CSR and a CRL."""

    ca_cert: bytes  # openssl req -x509
    leaf_cert: bytes  # openssl x509 -req signed by the CA: SAN, EKU, SKI/AKI
    csr: bytes  # openssl req -new with extensions requested
    crl: bytes  # openssl ca -gencrl with one revoked certificate
    directory: Path  # where the .der/.pem files are (ca.der, leaf.der, csr.der, crl.der)

    def items(self) -> tuple[tuple[str, bytes], ...]:
        return (
            ("ca_cert", self.ca_cert),
            ("leaf_cert", self.leaf_cert),
            ("csr", self.csr),
            ("crl", self.crl),
        )


_CA_CNF = """\
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_crl_days = 30
policy = policy_any
[ policy_any ]
commonName = supplied
[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:www.example.com, DNS:example.com, IP:192.0.2.7
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
[ crl_ext ]
authorityKeyIdentifier = keyid
"""


@pytest.fixture(scope="session")
def openssl_samples(
    tmp_path_factory: pytest.TempPathFactory, run_openssl: RunOpenssl
) -> OpensslSamples:
    """A CA certificate, a leaf certificate, a CSR and a CRL, all made by openssl (DER)."""
    d = tmp_path_factory.mktemp("openssl-samples")
    key = DATA / "keys" / "rsa2048-a.pem"
    leaf_key = DATA / "keys" / "rsa2048-b.pem"
    (d / "newcerts").mkdir()
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    (d / "crlnumber").write_text("01\n")
    cnf = d / "ca.cnf"
    cnf.write_text(_CA_CNF.format(dir=d))
    shutil.copy(key, d / "ca.key")
    run_openssl(
        "req", "-x509", "-new", "-key", key, "-sha256", "-days", "3650",
        "-subj", "/C=CN/ST=Beijing/O=Example CA/CN=Example Root", "-out", d / "ca.pem",
    )  # fmt: skip
    run_openssl(
        "req", "-new", "-key", leaf_key, "-subj", "/C=CN/O=Example/CN=www.example.com",
        "-addext", "subjectAltName=DNS:www.example.com,DNS:example.com",
        "-addext", "keyUsage=critical,digitalSignature", "-out", d / "csr.pem",
    )  # fmt: skip
    run_openssl(
        "x509", "-req", "-in", d / "csr.pem", "-CA", d / "ca.pem", "-CAkey", key,
        "-set_serial", "0x1a2b3c4d5e6f", "-days", "365", "-sha256",
        "-extfile", cnf, "-extensions", "leaf_ext", "-out", d / "leaf.pem",
    )  # fmt: skip
    run_openssl(
        "ca", "-config", cnf, "-revoke", d / "leaf.pem", "-crl_reason", "keyCompromise",
    )  # fmt: skip
    run_openssl(
        "ca", "-config", cnf, "-gencrl", "-crlexts", "crl_ext", "-out", d / "crl.pem",
    )  # fmt: skip
    out = {}
    for name, kind in (("ca", "x509"), ("leaf", "x509"), ("csr", "req"), ("crl", "crl")):
        run_openssl(kind, "-in", d / f"{name}.pem", "-outform", "DER", "-out", d / f"{name}.der")
        out[name] = (d / f"{name}.der").read_bytes()
    return OpensslSamples(
        ca_cert=out["ca"], leaf_cert=out["leaf"], csr=out["csr"], crl=out["crl"], directory=d
    )


# The machines are shared and noisy: hypothesis' per-example deadline would make timing a
# source of flaky failures. Speed is measured in benchmarks/, never in tests.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("minica", deadline=None)
_hypothesis_settings.load_profile("minica")


def _mutate(data: Any, value: bytes, *, rounds: tuple[int, int] = (1, 4), start: int = 0) -> bytes:
    """``value`` with bytes flipped, cut off or inserted; hypothesis' ``data`` draws how many
    changes (``rounds``), which, and where (at ``start`` or later, as far as the value allows)."""
    from hypothesis import strategies as st

    buf = bytearray(value)
    for _ in range(data.draw(st.integers(*rounds))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        last = max(0, len(buf) - 1)
        pos = data.draw(st.integers(min(start, last), last))
        if op == "flip" and buf:
            buf[pos] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del buf[pos:]
        else:
            buf.insert(pos, data.draw(st.integers(0, 255)))
    return bytes(buf)


@pytest.fixture(scope="session")
def mutate() -> Callable[..., bytes]:
    """The byte-mutation helper of the fuzz tests (see ``_mutate``)."""
    return _mutate

"""Certificates against the openssl command line, both ways (minica.cert, minica.profiles)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from minica import der, oids
from minica.cert import Certificate, load_certificate
from minica.csr import create_csr, load_csr
from minica.extensions import UnrecognizedExtension
from minica.keys import RSAPrivateKey, load_private_key
from minica.profiles import intermediate_ca, self_signed, sign_csr

RunOpenssl = Callable[..., "subprocess.CompletedProcess[bytes]"]
DATA = Path(__file__).parent.parent / "data"
KEYS = DATA / "keys"


def _key(name: str) -> RSAPrivateKey:
    return load_private_key((KEYS / name).read_bytes())


@pytest.fixture(scope="module")
def keys() -> dict[str, RSAPrivateKey]:
    return {n: _key(f"{n}.pem") for n in ("rsa2048-a", "rsa2048-b", "rsa3072")}


class Chain:
    """root -> intermediate -> server and client leaves, all made by minica, written as PEM."""

    def __init__(self, d: Path, keys: dict[str, RSAPrivateKey], *, pss: bool = False) -> None:
        root_key, inter_key, leaf_key = keys["rsa2048-a"], keys["rsa2048-b"], keys["rsa3072"]
        hash = "sha384" if pss else "sha256"
        self.root = self_signed(root_key, "/C=CN/O=Example/CN=Example Root CA", hash=hash, pss=pss)
        inter_csr = create_csr(inter_key, "/C=CN/O=Example/CN=Example Intermediate CA")
        self.inter = sign_csr(
            inter_csr, self.root, root_key, intermediate_ca, days=1825, hash=hash, pss=pss
        )
        server_csr = create_csr(leaf_key, "/O=Example/CN=www.example.com", san=["www.example.com"])
        self.server = sign_csr(server_csr, self.inter, inter_key, "server", hash=hash, pss=pss)
        client_csr = create_csr(leaf_key, "/O=Example/CN=alice")
        self.client = sign_csr(client_csr, self.inter, inter_key, "client", hash=hash, pss=pss)
        self.dir = d
        for name in ("root", "inter", "server", "client"):
            (d / f"{name}.pem").write_text(getattr(self, name).to_pem())

    def verify(
        self, run_openssl: RunOpenssl, leaf: str, purpose: str, *, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        return run_openssl(
            "verify", "-x509_strict", "-purpose", purpose, "-CAfile", self.dir / "root.pem",
            "-untrusted", self.dir / "inter.pem", self.dir / f"{leaf}.pem", check=check,
        )  # fmt: skip


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, RSAPrivateKey]) -> Chain:
    return Chain(tmp_path_factory.mktemp("chain"), keys)


def test_server_chain_verifies(chain: Chain, run_openssl: RunOpenssl) -> None:
    """A minica server leaf passes openssl verify -purpose sslserver through the intermediate."""
    out = chain.verify(run_openssl, "server", "sslserver")
    assert out.stdout.strip().endswith(b"OK")


def test_client_chain_verifies(chain: Chain, run_openssl: RunOpenssl) -> None:
    """A minica client leaf passes openssl verify -purpose sslclient."""
    assert chain.verify(run_openssl, "client", "sslclient").stdout.strip().endswith(b"OK")


def test_client_is_not_a_server(chain: Chain, run_openssl: RunOpenssl) -> None:
    """The client leaf fails -purpose sslserver (the EKU is enforced, so the test can fail)."""
    done = chain.verify(run_openssl, "client", "sslserver", check=False)
    assert done.returncode != 0 and b"unsuitable certificate purpose" in done.stdout + done.stderr


def test_server_verifies_with_hostname(chain: Chain, run_openssl: RunOpenssl) -> None:
    """openssl verify -verify_hostname accepts the SAN name and refuses another."""
    args = ("verify", "-CAfile", chain.dir / "root.pem", "-untrusted", chain.dir / "inter.pem")
    run_openssl(*args, "-verify_hostname", "www.example.com", chain.dir / "server.pem")
    bad = run_openssl(
        *args, "-verify_hostname", "evil.example", chain.dir / "server.pem", check=False
    )
    assert bad.returncode != 0


def test_pss_chain_verifies(
    tmp_path: Path, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """A chain signed throughout with RSASSA-PSS/sha384 verifies with openssl."""
    pss = Chain(tmp_path, keys, pss=True)
    assert pss.server.signature_algorithm.pss
    pss.verify(run_openssl, "server", "sslserver")
    pss.verify(run_openssl, "client", "sslclient")


def test_name_constraints_enforced(
    tmp_path: Path, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """Under a CA permitted only .example.com, an example.org leaf fails openssl verify."""
    root_key, inter_key, leaf_key = keys["rsa2048-a"], keys["rsa2048-b"], keys["rsa3072"]
    root = self_signed(root_key, "/CN=NC Root")
    # NameConstraints { permittedSubtrees [0] { GeneralSubtree { dNSName ".example.com" } } },
    # encoded by hand so the test does not depend on minica's own NameConstraints class.
    subtree = der.sequence(der.context(2, b"example.com"))
    value = der.sequence(der.context(0, subtree, constructed=True))
    constraint = UnrecognizedExtension(oid=oids.NAME_CONSTRAINTS, critical=True, value=value)
    inter = sign_csr(
        create_csr(inter_key, "/CN=NC Intermediate"), root, root_key, intermediate_ca,
        extensions=[constraint],
    )  # fmt: skip
    inside = sign_csr(create_csr(leaf_key, "/CN=www.example.com"), inter, inter_key)
    outside = sign_csr(create_csr(leaf_key, "/CN=www.example.org"), inter, inter_key)
    for name, cert in (("root", root), ("inter", inter), ("inside", inside), ("outside", outside)):
        (tmp_path / f"{name}.pem").write_text(cert.to_pem())
    args = ("verify", "-CAfile", tmp_path / "root.pem", "-untrusted", tmp_path / "inter.pem")
    run_openssl(*args, tmp_path / "inside.pem")
    done = run_openssl(*args, tmp_path / "outside.pem", check=False)
    assert done.returncode != 0 and b"permitted subtree violation" in done.stdout + done.stderr


def test_openssl_csr_signed_by_minica(
    tmp_path: Path, chain: Chain, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """A CSR made by openssl req is signed by minica and the result passes openssl verify."""
    run_openssl(
        "req", "-new", "-key", KEYS / "rsa3072.pem", "-subj", "/CN=api.example.com",
        "-addext", "subjectAltName=DNS:api.example.com,IP:192.0.2.10", "-out", tmp_path / "r.csr",
    )  # fmt: skip
    csr = load_csr((tmp_path / "r.csr").read_bytes())
    cert = sign_csr(csr, chain.inter, keys["rsa2048-b"], "server_client")
    (tmp_path / "leaf.pem").write_text(cert.to_pem())
    for purpose in ("sslserver", "sslclient"):
        run_openssl(
            "verify", "-x509_strict", "-purpose", purpose, "-CAfile", chain.dir / "root.pem",
            "-untrusted", chain.dir / "inter.pem", tmp_path / "leaf.pem",
        )  # fmt: skip
    text = run_openssl("x509", "-in", tmp_path / "leaf.pem", "-noout", "-ext", "subjectAltName")
    assert b"DNS:api.example.com, IP Address:192.0.2.10" in text.stdout


def test_minica_csr_signed_by_openssl(
    tmp_path: Path, chain: Chain, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """openssl x509 -req -CA signs a minica CSR; minica parses the result and verifies it."""
    csr = create_csr(keys["rsa3072"], "/CN=from-minica.example", san=["from-minica.example"])
    (tmp_path / "m.csr").write_text(csr.to_pem())
    (tmp_path / "ext.cnf").write_text("[e]\nsubjectAltName=DNS:from-minica.example\n")
    run_openssl(
        "x509", "-req", "-in", tmp_path / "m.csr", "-CA", chain.dir / "inter.pem",
        "-CAkey", KEYS / "rsa2048-b.pem", "-days", "30", "-extfile", tmp_path / "ext.cnf",
        "-extensions", "e", "-out", tmp_path / "o.pem",
    )  # fmt: skip
    cert = load_certificate((tmp_path / "o.pem").read_text())
    cert.verify_signature(chain.inter)
    assert cert.public_key == keys["rsa3072"].public_key()
    assert cert.issuer.der == chain.inter.subject.der


def _openssl_fields(run_openssl: RunOpenssl, path: Path) -> dict[str, str]:
    out = run_openssl(
        "x509", "-in", path, "-noout", "-serial", "-subject", "-issuer", "-startdate", "-enddate",
        "-nameopt", "oneline,-esc_msb", "-fingerprint", "-sha256",
    ).stdout.decode()  # fmt: skip
    fields = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        fields[key.strip()] = value.strip()
    return fields


def _time(when: datetime) -> str:
    return f"{when:%b} {when.day:2d} {when:%H:%M:%S} {when.year} GMT"


def _check_fields(cert: Certificate, fields: dict[str, str]) -> None:
    assert int(fields["serial"], 16) == cert.serial_number
    assert fields["notBefore"] == _time(cert.not_valid_before)
    assert fields["notAfter"] == _time(cert.not_valid_after)
    assert fields["subject"] == cert.subject.to_text()
    assert fields["issuer"] == cert.issuer.to_text()
    assert fields["sha256 Fingerprint"] == cert.fingerprint().hex(":").upper()


def _ext_text(run_openssl: RunOpenssl, path: Path) -> str:
    return run_openssl(
        "x509", "-in", path, "-noout", "-ext",
        "subjectAltName,keyUsage,extendedKeyUsage,basicConstraints",
    ).stdout.decode()  # fmt: skip


def _minica_ext_text(cert: Certificate) -> str:
    """What `openssl x509 -ext ...` prints, rebuilt from minica's parsed extensions."""
    wanted = (
        oids.KEY_USAGE,
        oids.SUBJECT_ALT_NAME,
        oids.BASIC_CONSTRAINTS,
        oids.EXTENDED_KEY_USAGE,
    )
    lines = []
    for ext in (e for e in cert.extensions if e.oid in wanted):  # certificate order
        lines.append(f"{oids.long_name(ext.oid)}: {'critical' if ext.critical else ''}")
        lines.extend("    " + line for line in ext.to_text().split("\n"))
    return "\n".join(lines) + "\n" if lines else "No extensions in certificate\n"


@pytest.mark.parametrize("leaf", ["root", "inter", "server", "client"])
def test_minica_fields_read_by_openssl(chain: Chain, run_openssl: RunOpenssl, leaf: str) -> None:
    """Serial, names, dates and fingerprint openssl reads equal minica's."""
    _check_fields(getattr(chain, leaf), _openssl_fields(run_openssl, chain.dir / f"{leaf}.pem"))


@pytest.mark.parametrize("leaf", ["root", "inter", "server", "client"])
def test_minica_text_equals_openssl(chain: Chain, run_openssl: RunOpenssl, leaf: str) -> None:
    """to_text() of a minica certificate equals `openssl x509 -text -noout`."""
    out = run_openssl("x509", "-in", chain.dir / f"{leaf}.pem", "-text", "-noout").stdout
    assert getattr(chain, leaf).to_text() == out.decode()


def test_pss_text_equals_openssl(
    tmp_path: Path, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """to_text() of a PSS-signed minica certificate equals openssl's."""
    cert = self_signed(keys["rsa2048-a"], "/CN=pss", hash="sha512", pss=True)
    (tmp_path / "c.pem").write_text(cert.to_pem())
    out = run_openssl("x509", "-in", tmp_path / "c.pem", "-text", "-noout").stdout
    assert cert.to_text() == out.decode()


def test_openssl_samples_parse_verify_and_match(
    openssl_samples: object, run_openssl: RunOpenssl
) -> None:
    """The session's openssl CA and leaf parse, verify, and read like openssl reads them."""
    d: Path = openssl_samples.directory  # type: ignore[attr-defined]
    ca = load_certificate((d / "ca.der").read_bytes())
    leaf = load_certificate((d / "leaf.der").read_bytes())
    ca.verify_signature(ca)
    leaf.verify_signature(ca)
    for cert, name in ((ca, "ca"), (leaf, "leaf")):
        assert cert.to_tbs().to_der() == cert.tbs_der  # re-encoded from parsed fields
        _check_fields(cert, _openssl_fields(run_openssl, d / f"{name}.pem"))
        assert _minica_ext_text(cert) == _ext_text(run_openssl, d / f"{name}.pem")
        out = run_openssl("x509", "-in", d / f"{name}.pem", "-text", "-noout").stdout
        assert cert.to_text() == out.decode()


def test_openssl_ca_command_certificate(tmp_path: Path, run_openssl: RunOpenssl) -> None:
    """A certificate issued by `openssl ca` parses, verifies and matches openssl's reading."""
    root_key = KEYS / "rsa2048-a.pem"
    run_openssl(
        "req", "-x509", "-new", "-key", root_key, "-subj", "/CN=Ca Cmd Root", "-days", "30",
        "-out", tmp_path / "root.pem",
    )  # fmt: skip
    (tmp_path / "index.txt").write_text("")
    (tmp_path / "serial").write_text("0FEDCBA987654321\n")
    (tmp_path / "ca.cnf").write_text(
        f"[ca]\ndefault_ca=d\n[d]\ndir={tmp_path}\ndatabase=$dir/index.txt\n"
        "new_certs_dir=$dir\ncertificate=$dir/root.pem\n"
        f"private_key={root_key}\nserial=$dir/serial\ndefault_md=sha384\npolicy=p\n"
        "x509_extensions=x\ndefault_days=10\n[p]\ncommonName=supplied\n"
        "[x]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
        "extendedKeyUsage=clientAuth,emailProtection\nsubjectAltName=email:bob@example.com\n"
        "authorityKeyIdentifier=keyid,issuer:always\n"
    )
    run_openssl(
        "req", "-new", "-key", KEYS / "rsa2048-b.pem", "-subj", "/CN=bob", "-out",
        tmp_path / "b.csr",
    )  # fmt: skip
    run_openssl(
        "ca", "-batch", "-config", tmp_path / "ca.cnf", "-in", tmp_path / "b.csr",
        "-out", tmp_path / "b.pem", "-notext",
    )  # fmt: skip
    root = load_certificate((tmp_path / "root.pem").read_text())
    cert = load_certificate((tmp_path / "b.pem").read_text())
    cert.verify_signature(root)
    assert cert.to_tbs().to_der() == cert.tbs_der
    _check_fields(cert, _openssl_fields(run_openssl, tmp_path / "b.pem"))
    assert _minica_ext_text(cert) == _ext_text(run_openssl, tmp_path / "b.pem")
    out = run_openssl("x509", "-in", tmp_path / "b.pem", "-text", "-noout").stdout
    assert cert.to_text() == out.decode()


def test_generalized_time_read_by_openssl(
    tmp_path: Path, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """A notAfter in 2051 (GeneralizedTime) is read by openssl as 2051."""
    now = datetime(2030, 1, 1, tzinfo=UTC)
    cert = self_signed(keys["rsa2048-a"], "/CN=long", days=(21 * 365), now=now)
    assert cert.not_valid_after.year == 2050
    (tmp_path / "c.pem").write_text(cert.to_pem())
    fields = _openssl_fields(run_openssl, tmp_path / "c.pem")
    assert fields["notAfter"] == _time(now + timedelta(days=21 * 365))
    assert re.search(r"2050 GMT$", fields["notAfter"])


def test_unique_ids_kept_and_printed(
    tmp_path: Path, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """issuerUniqueID/subjectUniqueID are parsed, kept, and printed as openssl prints them."""
    key = keys["rsa2048-a"]
    base = self_signed(key, "/CN=uid", now=datetime(2024, 1, 1, tzinfo=UTC))
    tbs = der.decode(base.tbs_der)
    fields = [f.raw for f in tbs.children[:7]]
    fields += [der.context(1, b"\x00" + bytes(range(20))), der.context(2, b"\x04\xf0")]
    fields.append(tbs.children[7].raw)  # the extensions
    tbs_der = der.sequence(*fields)
    algorithm = base.signature_algorithm
    signature = key.sign(tbs_der)
    cert = Certificate.from_der(
        der.sequence(tbs_der, algorithm.to_der(), der.bit_string(signature))
    )
    assert cert.issuer_unique_id == (bytes(range(20)), 0)
    assert cert.subject_unique_id == (b"\xf0", 4)
    cert.verify_signature(key.public_key())
    (tmp_path / "u.pem").write_text(cert.to_pem())
    out = run_openssl("x509", "-in", tmp_path / "u.pem", "-text", "-noout").stdout
    assert cert.to_text() == out.decode()


def test_policy_and_tls_feature_extensions_read_by_openssl(
    tmp_path: Path, keys: dict[str, RSAPrivateKey], run_openssl: RunOpenssl
) -> None:
    """The same extensions built by minica are read and printed by openssl as minica does."""
    from minica.extensions import InhibitAnyPolicy, PolicyConstraints, PolicyMappings, TLSFeature

    cert = self_signed(
        keys["rsa2048-a"],
        "/CN=minica policy CA",
        extensions=[
            PolicyConstraints(require_explicit_policy=0),
            InhibitAnyPolicy(skip_certs=1),
            PolicyMappings(mappings=[("1.2.3.4", "1.2.3.5")]),
            TLSFeature(features=(5,)),
        ],
    )
    (tmp_path / "m.pem").write_text(cert.to_pem())
    text = run_openssl("x509", "-in", tmp_path / "m.pem", "-noout", "-text").stdout.decode()
    assert cert.to_text() == text
    assert "Require Explicit Policy:0" in text and "status_request" in text


def _sct(
    version: int,
    seed: int,
    ext: bytes = b"",
    algorithms: bytes = b"\x04\x03",
    timestamp: int | None = None,
) -> bytes:
    """A serialized SCT (RFC 6962 3.2) with made-up but well-formed contents."""
    if version != 0:
        return bytes([version]) + bytes(range(seed, seed + 20))
    signature = bytes((seed * 7 + i) % 256 for i in range(71 + seed % 5))  # \n, \r included
    return (
        b"\x00"
        + bytes((seed + i) % 256 for i in range(32))
        + (1_600_000_000_000 + seed * 86_399_999 if timestamp is None else timestamp).to_bytes(8)
        + len(ext).to_bytes(2)
        + ext
        + algorithms
        + len(signature).to_bytes(2)
        + signature
    )


@pytest.mark.parametrize(
    "scts",
    [
        [_sct(0, 1)],
        [_sct(0, 2, ext=b"\x01\x02\x03"), _sct(0, 3, algorithms=b"\x04\x01")],
        [_sct(0, 4), _sct(1, 5)],  # an SCT of a future version: printed in hex
        [_sct(0, 6), _sct(0, 7, algorithms=b"\x02\x09")],  # unknown algorithms: a raw dump
        # The last millisecond openssl prints, then times past year 9999 (printed empty).
        [_sct(0, 8, timestamp=253_402_300_799_999), _sct(0, 9, timestamp=2**63 + 5)],
    ],
)
def test_ct_precertificate_scts_as_openssl_prints_them(
    tmp_path: Path, run_openssl: RunOpenssl, scts: list[bytes]
) -> None:
    """An embedded SCT list is typed, printed as openssl prints it, and re-encoded exactly."""
    from minica.extensions import PrecertificateSignedCertificateTimestamps as SCTs

    body = b"".join(len(s).to_bytes(2) + s for s in scts)
    value = (len(body).to_bytes(2) + body).hex()
    (tmp_path / "ext.cnf").write_text(
        f"[e]\nbasicConstraints = CA:FALSE\n{oids.CT_PRECERT_SCTS} = "
        f"ASN1:FORMAT:HEX,OCTETSTRING:{value}\n"
    )
    run_openssl(
        "req", "-x509", "-new", "-key", KEYS / "rsa2048-a.pem", "-subj", "/CN=ct", "-days", "1",
        "-config", tmp_path / "ext.cnf", "-extensions", "e", "-out", tmp_path / "c.pem",
    )  # fmt: skip
    cert = load_certificate((tmp_path / "c.pem").read_bytes())
    text = run_openssl("x509", "-in", tmp_path / "c.pem", "-noout", "-text").stdout.decode()
    assert cert.to_text() == text
    ext = cert.extensions.get(SCTs)
    assert ext is not None and [s.raw for s in ext.scts] == scts
    assert ext._encode() == ext.to_der()

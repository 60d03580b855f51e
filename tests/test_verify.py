"""verify.py: path validation with openssl's error codes, checked against ``openssl verify``.

The chains are built once per session (``chains`` fixture); test_cli.py reuses
:func:`build_chains` to check that ``minica verify`` agrees with openssl on each.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from minica import oids, profiles
from minica.cert import Certificate, TBSCertificate, load_certificate
from minica.crl import CertificateRevocationList, create_crl
from minica.errors import ValidationError
from minica.extensions import (
    DirectoryName,
    DNSName,
    ExtendedKeyUsage,
    Extension,
    IPAddress,
    KeyUsage,
    NameConstraints,
    SubjectAlternativeName,
)
from minica.keys import RSAPrivateKey, load_private_key
from minica.name import Name
from minica.verify import ERRORS, verify_chain

KEYS = Path(__file__).parent / "data" / "keys"
NOW = datetime.now(UTC).replace(microsecond=0)


def _key(name: str) -> RSAPrivateKey:
    return load_private_key((KEYS / name).read_bytes())


def make_cert(
    subject: str,
    key: RSAPrivateKey,
    *,
    issuer: Certificate | None = None,
    issuer_key: RSAPrivateKey | None = None,
    profile: profiles.Profile = profiles.server,
    serial: int,
    start: datetime = NOW - timedelta(days=1),
    days: int = 30,
    san: tuple[str, ...] = (),
    extra: tuple[Extension, ...] = (),
) -> Certificate:
    """A certificate with ``profile``'s extensions, signed by ``issuer_key`` (self when None).

    Built with TBSCertificate directly so that chains the CA layer refuses to make (a leaf as
    issuer, a path length exceeded) can be made too.
    """
    name = Name.parse(subject)
    pub = key.public_key()
    issuer_name = issuer.subject if issuer is not None else name
    aki = issuer.public_key.key_id() if issuer is not None else pub.key_id()
    tbs = TBSCertificate(
        serial_number=serial,
        issuer=issuer_name,
        subject=name,
        not_valid_before=start,
        not_valid_after=start + timedelta(days=days),
        public_key=pub,
        extensions=profile.extensions(
            subject=name,
            public_key_id=pub.key_id(),
            authority_key_id=aki,
            san=SubjectAlternativeName.from_strings(san) if san else None,
            extra=extra,
        ),
    )
    return tbs.sign(issuer_key or key)


@dataclass(frozen=True, kw_only=True)
class Case:
    """One chain to verify: the leaf, what is trusted and untrusted, CRLs, the expected code."""

    name: str
    leaf: Certificate
    trusted: tuple[Certificate, ...]
    untrusted: tuple[Certificate, ...] = ()
    crls: tuple[CertificateRevocationList, ...] = ()
    code: int = 0
    depth: int = 0
    purpose: str | None = None
    crl_all: bool = False  # openssl -crl_check_all instead of -crl_check
    files: dict[str, Path] = field(default_factory=dict)


def build_chains() -> dict[str, Case]:
    """Good and bad chains: valid, via an intermediate, expired, not yet valid, wrong issuer,
    revoked, missing CRL, leaf used as CA, path length exceeded, tampered signature,
    untrusted self-signed."""
    root_key, other_key = _key("rsa2048-a.pem"), _key("rsa4096.pem")
    inter_key, leaf_key = _key("rsa3072.pem"), _key("rsa2048-b.pem")
    root = make_cert("/CN=Verify Root", root_key, profile=profiles.root_ca, serial=1, days=3650)
    other = make_cert("/CN=Other Root", other_key, profile=profiles.root_ca, serial=2, days=3650)

    def leaf_of(issuer: Certificate, ikey: RSAPrivateKey, serial: int, **kw: object) -> Certificate:
        return make_cert(
            f"/CN=leaf {serial}",
            leaf_key,
            issuer=issuer,
            issuer_key=ikey,
            serial=serial,
            **kw,  # type: ignore[arg-type]
        )

    inter = make_cert(
        "/CN=Verify Intermediate", inter_key, issuer=root, issuer_key=root_key,
        profile=profiles.intermediate_ca, serial=10, days=365,
    )  # fmt: skip
    inter0 = make_cert(
        "/CN=Verify Intermediate pathlen 0", inter_key, issuer=root, issuer_key=root_key,
        profile=profiles.intermediate_ca(path_length=0), serial=11, days=365,
    )  # fmt: skip
    inter_below0 = make_cert(
        "/CN=Verify Intermediate below pathlen 0", other_key, issuer=inter0, issuer_key=inter_key,
        profile=profiles.intermediate_ca, serial=12, days=365,
    )  # fmt: skip
    good = leaf_of(root, root_key, 100)
    revoked = leaf_of(root, root_key, 101)
    leaf_as_ca = leaf_of(root, root_key, 102)
    under_leaf = make_cert(
        "/CN=under a leaf", other_key, issuer=leaf_as_ca, issuer_key=leaf_key, serial=103
    )
    inter_no_certsign = make_cert(
        "/CN=Verify Intermediate without keyCertSign", inter_key, issuer=root, issuer_key=root_key,
        profile=profiles.intermediate_ca(key_usage=KeyUsage(digital_signature=True, crl_sign=True)),
        serial=13, days=365,
    )  # fmt: skip
    inter_expired = make_cert(
        "/CN=Verify Intermediate expired", inter_key, issuer=root, issuer_key=root_key,
        profile=profiles.intermediate_ca, serial=14, start=NOW - timedelta(days=100), days=10,
    )  # fmt: skip
    root_no_crlsign = make_cert(
        "/CN=Root without cRLSign", other_key, serial=15, days=3650,
        profile=profiles.root_ca(key_usage=KeyUsage(key_cert_sign=True)),
    )  # fmt: skip
    tampered_der = bytearray(good.der)
    tampered_der[-10] ^= 0x01  # inside signatureValue
    crl = create_crl(
        root,
        root_key,
        [(101, NOW - timedelta(hours=1), "keyCompromise")],
        crl_number=1,
        now=NOW - timedelta(hours=1),
    )
    other_crl = create_crl(other, other_key, [], crl_number=1, now=NOW - timedelta(hours=1))
    expired_crl = create_crl(root, root_key, [], crl_number=2, now=NOW - timedelta(days=30), days=1)
    constrained = make_cert(
        "/O=Example/CN=Constrained CA", inter_key, issuer=root, issuer_key=root_key,
        profile=profiles.intermediate_ca, serial=16, days=365,
        extra=(NameConstraints(
            permitted=(DNSName("example.com"), IPAddress("10.0.0.0/8"),
                       DirectoryName(Name.parse("/O=Example"))),
            excluded=(DNSName("bad.example.com"),),
        ),),
    )  # fmt: skip

    def constrained_leaf(serial: int, subject: str, *san: str) -> Certificate:
        return make_cert(
            subject, leaf_key, issuer=constrained, issuer_key=inter_key, serial=serial, san=san
        )

    inter_crl = create_crl(inter, inter_key, [], crl_number=1, now=NOW - timedelta(hours=1))
    root_crl_revoking_inter = create_crl(
        root, root_key, [(10, NOW - timedelta(hours=1), "CACompromise")], crl_number=3,
        now=NOW - timedelta(hours=1),
    )  # fmt: skip
    via_inter = leaf_of(inter, inter_key, 200)
    bad_sig_crl_der = bytearray(crl.der)
    bad_sig_crl_der[-5] ^= 0x01
    bad_sig_crl = CertificateRevocationList.from_der(bytes(bad_sig_crl_der))
    no_crlsign_crl = create_crl(
        root_no_crlsign, other_key, [], crl_number=1, now=NOW - timedelta(hours=1)
    )
    expired_revoked = leaf_of(root, root_key, 101, start=NOW - timedelta(days=400), days=30)
    cases = [
        Case(name="good", leaf=good, trusted=(root,)),
        Case(name="good-crl", leaf=good, trusted=(root,), crls=(crl,)),
        Case(
            name="via-intermediate",
            leaf=via_inter,
            trusted=(root,),
            untrusted=(inter,),
        ),
        Case(
            name="intermediate-missing",
            leaf=leaf_of(inter, inter_key, 201),
            trusted=(root,),
            code=20,
        ),
        Case(
            name="expired",
            leaf=leaf_of(root, root_key, 300, start=NOW - timedelta(days=400), days=30),
            trusted=(root,),
            code=10,
        ),
        Case(
            name="not-yet-valid",
            leaf=leaf_of(root, root_key, 301, start=NOW + timedelta(days=2)),
            trusted=(root,),
            code=9,
        ),
        Case(name="wrong-issuer", leaf=leaf_of(other, other_key, 400), trusted=(root,), code=20),
        Case(name="revoked", leaf=revoked, trusted=(root,), crls=(crl,), code=23),
        Case(name="crl-of-another-ca", leaf=good, trusted=(root,), crls=(other_crl,), code=3),
        Case(name="crl-expired", leaf=good, trusted=(root,), crls=(expired_crl,), code=12),
        Case(
            name="leaf-as-ca",
            leaf=under_leaf,
            trusted=(root,),
            untrusted=(leaf_as_ca,),
            code=79,
            depth=1,
        ),
        Case(
            name="path-length-exceeded",
            leaf=leaf_of(inter_below0, other_key, 500),
            trusted=(root,),
            untrusted=(inter0, inter_below0),
            code=25,
            depth=2,
        ),
        Case(
            name="tampered-signature",
            leaf=Certificate.from_der(bytes(tampered_der)),
            trusted=(root,),
            code=7,
        ),
        Case(name="untrusted-self-signed", leaf=other, trusted=(root,), code=18),
        Case(name="trusted-self-signed", leaf=root, trusted=(root,)),
        Case(
            name="ca-without-keycertsign",
            leaf=leaf_of(inter_no_certsign, inter_key, 600),
            trusted=(root,),
            untrusted=(inter_no_certsign,),
            code=79,
            depth=1,
        ),
        Case(
            name="expired-intermediate",
            leaf=leaf_of(inter_expired, inter_key, 601),
            trusted=(root,),
            untrusted=(inter_expired,),
            code=10,
            depth=1,
        ),
        Case(
            name="self-signed-in-chain",
            leaf=leaf_of(other, other_key, 602),
            trusted=(root,),
            untrusted=(other,),
            code=19,
            depth=1,
        ),
        Case(name="crl-bad-signature", leaf=good, trusted=(root,), crls=(bad_sig_crl,), code=8),
        Case(
            name="issuer-without-crlsign",
            leaf=leaf_of(root_no_crlsign, other_key, 603),
            trusted=(root_no_crlsign,),
            crls=(no_crlsign_crl,),
            code=35,
        ),
        Case(
            name="revoked-and-expired", leaf=expired_revoked, trusted=(root,), crls=(crl,), code=23
        ),
        Case(name="purpose-mismatch", leaf=good, trusted=(root,), purpose="sslclient", code=26),
        Case(name="purpose-match", leaf=good, trusted=(root,), purpose="sslserver"),
        Case(
            name="crl-all",
            leaf=via_inter,
            trusted=(root,),
            untrusted=(inter,),
            crls=(inter_crl, crl),
            crl_all=True,
        ),
        Case(
            name="crl-all-without-root-crl",
            leaf=via_inter,
            trusted=(root,),
            untrusted=(inter,),
            crls=(inter_crl,),
            crl_all=True,
            code=3,
            depth=1,
        ),
        Case(
            name="crl-all-intermediate-revoked",
            leaf=via_inter,
            trusted=(root,),
            untrusted=(inter,),
            crls=(inter_crl, root_crl_revoking_inter),
            crl_all=True,
            code=23,
            depth=1,
        ),
        Case(
            name="nc-permitted",
            leaf=constrained_leaf(700, "/O=Example/CN=www", "www.example.com", "10.1.2.3"),
            trusted=(root,),
            untrusted=(constrained,),
        ),
        Case(
            name="nc-dns-not-permitted",
            leaf=constrained_leaf(701, "/O=Example/CN=www", "www.example.org"),
            trusted=(root,),
            untrusted=(constrained,),
            code=47,
        ),
        Case(
            name="nc-dns-excluded",
            leaf=constrained_leaf(702, "/O=Example/CN=x", "x.bad.example.com"),
            trusted=(root,),
            untrusted=(constrained,),
            code=48,
        ),
        Case(
            name="nc-ip-not-permitted",
            leaf=constrained_leaf(703, "/O=Example/CN=x", "a.example.com", "192.168.1.1"),
            trusted=(root,),
            untrusted=(constrained,),
            code=47,
        ),
        Case(
            name="nc-dirname-not-permitted",
            leaf=constrained_leaf(704, "/O=Other/CN=x", "a.example.com"),
            trusted=(root,),
            untrusted=(constrained,),
            code=47,
        ),
        Case(
            name="nc-cn-host-not-permitted",
            leaf=constrained_leaf(705, "/O=Example/CN=www.example.org"),
            trusted=(root,),
            untrusted=(constrained,),
            code=47,
        ),
    ]
    return {c.name: c for c in cases}


def write_case(case: Case, d: Path) -> Case:
    """Write a case's files (PEM) under ``d`` for the command-line tools."""
    d.mkdir(parents=True, exist_ok=True)
    files = {"leaf": d / "leaf.pem", "ca": d / "ca.pem"}
    files["leaf"].write_text(case.leaf.to_pem())
    files["ca"].write_text("".join(c.to_pem() for c in case.trusted))
    if case.untrusted:
        files["untrusted"] = d / "untrusted.pem"
        files["untrusted"].write_text("".join(c.to_pem() for c in case.untrusted))
    if case.crls:
        files["crl"] = d / "crl.pem"
        files["crl"].write_text("".join(c.to_pem() for c in case.crls))
    return replace(case, files=files)


_OPENSSL_ERROR = re.compile(r"error (\d+) at (\d+) depth lookup")


def openssl_verify(case: Case) -> tuple[int, int]:
    """``openssl verify`` on a written case: (code, depth), (0, 0) when OK."""
    f = case.files
    cmd = ["openssl", "verify", "-CAfile", str(f["ca"])]
    if "untrusted" in f:
        cmd += ["-untrusted", str(f["untrusted"])]
    if "crl" in f:
        cmd += ["-crl_check_all" if case.crl_all else "-crl_check", "-CRLfile", str(f["crl"])]
    if case.purpose:
        cmd += ["-purpose", case.purpose]
    done = subprocess.run([*cmd, str(f["leaf"])], capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return 0, 0
    m = _OPENSSL_ERROR.search(done.stdout + done.stderr)
    assert m, done.stdout + done.stderr
    return int(m.group(1)), int(m.group(2))


@pytest.fixture(scope="session")
def chains(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    """Every case, with its files written for openssl."""
    d = tmp_path_factory.mktemp("chains")
    return {name: write_case(c, d / name) for name, c in build_chains().items()}


CASES = [
    "good", "good-crl", "via-intermediate", "intermediate-missing", "expired", "not-yet-valid",
    "wrong-issuer", "revoked", "crl-of-another-ca", "crl-expired", "leaf-as-ca",
    "path-length-exceeded", "tampered-signature", "untrusted-self-signed", "trusted-self-signed",
    "ca-without-keycertsign", "expired-intermediate", "self-signed-in-chain", "crl-bad-signature",
    "issuer-without-crlsign", "revoked-and-expired", "purpose-mismatch", "purpose-match",
    "nc-permitted", "nc-dns-not-permitted", "nc-dns-excluded", "nc-ip-not-permitted",
    "nc-dirname-not-permitted", "nc-cn-host-not-permitted", "crl-all", "crl-all-without-root-crl",
    "crl-all-intermediate-revoked",
]  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_expected_code(chains: dict[str, Case], name: str) -> None:
    """verify_chain reports the expected openssl code and depth for each chain."""
    case = chains[name]
    result = verify_chain(
        case.leaf,
        trusted=case.trusted,
        untrusted=case.untrusted,
        crls=case.crls,
        crl_check=("all" if case.crl_all else "leaf") if case.crls else None,
        purpose=case.purpose,
    )
    assert (result.code, result.depth) == (case.code, case.depth), result.message
    assert result.ok is (case.code == 0)


@pytest.mark.parametrize("name", CASES)
def test_agrees_with_openssl(chains: dict[str, Case], name: str) -> None:
    """openssl verify (-crl_check when a CRL is given) reports the same code and depth."""
    case = chains[name]
    assert openssl_verify(case) == (case.code, case.depth)


def test_chain_is_leaf_first_up_to_the_anchor(chains: dict[str, Case]) -> None:
    """A valid path lists leaf, intermediate, root."""
    case = chains["via-intermediate"]
    result = verify_chain(case.leaf, trusted=case.trusted, untrusted=case.untrusted)
    assert [c.subject.to_openssl() for c in result.chain] == [
        case.leaf.subject.to_openssl(),
        "/CN=Verify Intermediate",
        "/CN=Verify Root",
    ]


def test_message_reads_like_openssl(chains: dict[str, Case]) -> None:
    """The message has openssl's 'error N at D depth lookup: text' and the subject."""
    case = chains["expired"]
    result = verify_chain(case.leaf, trusted=case.trusted)
    assert result.message == (
        f"error 10 at 0 depth lookup: certificate has expired ({case.leaf.subject.to_openssl()})"
    )
    assert ERRORS[result.code] == result.reason


def test_clock_is_a_parameter(chains: dict[str, Case]) -> None:
    """The not-yet-valid leaf is valid when checked at a time inside its validity."""
    case = chains["not-yet-valid"]
    then = case.leaf.not_valid_before + timedelta(days=1)
    assert verify_chain(case.leaf, trusted=(*case.trusted,), now=then).ok


def test_crl_check_all_needs_the_roots_crl(chains: dict[str, Case]) -> None:
    """crl_check='all' checks the intermediate too: with only its own CRL, code 3 at depth 1."""
    case = chains["via-intermediate"]
    inter = case.untrusted[0]
    inter_crl = create_crl(inter, _key("rsa3072.pem"), [], crl_number=1, now=NOW)
    leaf_only = verify_chain(
        case.leaf, trusted=case.trusted, untrusted=case.untrusted, crls=(inter_crl,),
        crl_check="leaf",
    )  # fmt: skip
    assert leaf_only.ok, leaf_only.message
    result = verify_chain(
        case.leaf, trusted=case.trusted, untrusted=case.untrusted, crls=(inter_crl,),
        crl_check="all",
    )  # fmt: skip
    assert (result.code, result.depth) == (3, 1)


def test_purpose_checks_extended_key_usage(chains: dict[str, Case]) -> None:
    """A server certificate is refused for sslclient when its EKU lacks clientAuth."""
    case = chains["good"]
    eku = case.leaf.extensions.get(ExtendedKeyUsage)
    assert isinstance(eku, ExtendedKeyUsage)
    server_only = oids.CLIENT_AUTH not in eku.usages
    result = verify_chain(case.leaf, trusted=case.trusted, purpose="sslclient")
    assert result.ok is not server_only
    assert verify_chain(case.leaf, trusted=case.trusted, purpose="sslserver").ok


def test_bad_arguments_are_refused(chains: dict[str, Case]) -> None:
    """Unknown crl_check/purpose values are ValidationError; a non-certificate is TypeError."""
    case = chains["good"]
    with pytest.raises(ValidationError, match="crl_check"):
        verify_chain(case.leaf, trusted=case.trusted, crl_check="some")
    with pytest.raises(ValidationError, match="purpose"):
        verify_chain(case.leaf, trusted=case.trusted, purpose="smime")
    with pytest.raises(TypeError):
        verify_chain(case.leaf.der, trusted=case.trusted)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="naive"):
        verify_chain(case.leaf, trusted=case.trusted, now=datetime(2024, 1, 1))


OPENSSL_MADE = ["leaf-ca", "leaf-ec", "leaf-many", "leaf-pss", "leaf-sha512", "leaf-v1", "inter"]


@pytest.mark.parametrize("name", OPENSSL_MADE)
@pytest.mark.parametrize("trust", ["root", "inter"])
def test_openssl_made_chains_agree(
    tmp_path: Path,
    name: str,
    trust: str,
    run_openssl: Callable[..., subprocess.CompletedProcess[bytes]],
) -> None:
    """Certificates made by openssl (PSS, SHA-512, v1, EC subject key, via an intermediate):
    verify_chain reports what openssl verify reports, trusting the root or only the
    intermediate (code 2 then: the trusted intermediate's issuer is missing)."""
    certs = Path(__file__).parent / "data" / "certs"
    leaf = load_certificate((certs / f"{name}.pem").read_bytes())
    trusted = load_certificate((certs / f"{trust}.pem").read_bytes())
    untrusted = load_certificate((certs / "inter.pem").read_bytes())
    done = run_openssl(
        "verify", "-CAfile", certs / f"{trust}.pem", "-untrusted", certs / "inter.pem",
        certs / f"{name}.pem", check=False,
    )  # fmt: skip
    expected = (0, 0)
    if done.returncode != 0:
        m = _OPENSSL_ERROR.search((done.stdout + done.stderr).decode())
        assert m, done
        expected = (int(m.group(1)), int(m.group(2)))
    result = verify_chain(leaf, trusted=(trusted,), untrusted=(untrusted,))
    assert (result.code, result.depth) == expected, result.message


# -- differential: random chains against openssl verify -----------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WINDOWS = {
    "current": (NOW - timedelta(days=1), 30),
    "expired": (NOW - timedelta(days=60), 30),
    "future": (NOW + timedelta(days=2), 30),
}
_CA_SHAPES = st.fixed_dictionaries(
    {
        "ca": st.sampled_from([True, True, True, False]),
        "cert_sign": st.sampled_from([True, True, True, False]),
        "path_length": st.sampled_from([None, None, 0, 1]),
        "window": st.sampled_from(["current", "current", "current", "expired", "future"]),
    }
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    intermediates=st.lists(_CA_SHAPES, min_size=0, max_size=2),
    leaf_window=st.sampled_from(["current", "current", "expired", "future"]),
    revoked=st.booleans(),
    with_crl=st.booleans(),
    tamper=st.sampled_from([False, False, False, True]),
)
def test_random_chains_agree_with_openssl(
    tmp_path: Path,
    intermediates: list[dict[str, object]],
    leaf_window: str,
    revoked: bool,
    with_crl: bool,
    tamper: bool,
) -> None:
    """Random chains (CA flag, keyCertSign, pathlen, validity, revocation, tampering):
    verify_chain and openssl verify report the same code at the same depth."""
    keys = [_key("rsa2048-a.pem"), _key("rsa3072.pem"), _key("rsa4096.pem"), _key("rsa2048-b.pem")]
    root = make_cert("/CN=R", keys[0], profile=profiles.root_ca, serial=1, days=3650)
    issuer, issuer_key, untrusted = root, keys[0], []
    for i, shape in enumerate(intermediates, start=1):
        usage = KeyUsage(key_cert_sign=bool(shape["cert_sign"]), crl_sign=True)
        if shape["ca"]:
            profile = profiles.intermediate_ca(path_length=shape["path_length"], key_usage=usage)
        else:
            profile = profiles.server
        start, days = _WINDOWS[str(shape["window"])]
        cert = make_cert(
            f"/CN=I{i}", keys[i], issuer=issuer, issuer_key=issuer_key, profile=profile,
            serial=10 + i, start=start, days=days,
        )  # fmt: skip
        untrusted.append(cert)
        issuer, issuer_key = cert, keys[i]
    start, days = _WINDOWS[leaf_window]
    leaf = make_cert(
        "/CN=L", keys[3], issuer=issuer, issuer_key=issuer_key, serial=99, start=start, days=days
    )
    if tamper:
        raw = bytearray(leaf.der)
        raw[-7] ^= 0x10
        leaf = Certificate.from_der(bytes(raw))
    crls = ()
    if with_crl:
        entries = [(99, NOW - timedelta(hours=2), "keyCompromise")] if revoked else []
        crls = (
            create_crl(issuer, issuer_key, entries, crl_number=1, now=NOW - timedelta(hours=1)),
        )
    case = write_case(
        Case(name="random", leaf=leaf, trusted=(root,), untrusted=tuple(untrusted), crls=crls),
        tmp_path / f"c{len(list(tmp_path.iterdir()))}",
    )
    result = verify_chain(
        leaf, trusted=(root,), untrusted=untrusted, crls=crls, crl_check="leaf" if crls else None
    )
    assert (result.code, result.depth) == openssl_verify(case), result.message

"""minica.explain: annotated trees that line up with openssl asn1parse."""

from __future__ import annotations

import contextlib
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minica import der, pem
from minica.errors import DecodeError
from minica.explain import explain, explain_with_schema, partial_lines, render

OPENSSL = "openssl"
KEY = "rsa:2048"


def _run(*args: str, cwd: Path) -> None:
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A certificate, CSR, CRL, keys made by openssl in one directory."""
    d = tmp_path_factory.mktemp("explain")
    _run("genrsa", "-out", "key.pem", "2048", cwd=d)
    _run(
        "req",
        "-x509",
        "-key",
        "key.pem",
        "-subj",
        "/C=CN/O=Example/CN=Example Root",
        "-days",
        "30",
        "-out",
        "cert.pem",
        cwd=d,
    )
    _run(
        "req",
        "-new",
        "-key",
        "key.pem",
        "-subj",
        "/CN=www.example.com",
        "-addext",
        "subjectAltName=DNS:www.example.com,IP:10.0.0.5",
        "-out",
        "req.pem",
        cwd=d,
    )
    (d / "index.txt").write_text("")
    (d / "crlnumber").write_text("01\n")
    (d / "ca.cnf").write_text(
        "[ca]\ndefault_ca=x\n[x]\ndatabase=index.txt\ncrlnumber=crlnumber\n"
        "default_md=sha256\ndefault_crl_days=7\n"
    )
    _run(
        "ca",
        "-config",
        "ca.cnf",
        "-gencrl",
        "-keyfile",
        "key.pem",
        "-cert",
        "cert.pem",
        "-out",
        "crl.pem",
        cwd=d,
    )
    _run("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem", cwd=d)
    _run("rsa", "-in", "key.pem", "-traditional", "-out", "rsakey.pem", cwd=d)
    return {p.stem: p for p in d.glob("*.pem")}


def _asn1parse(path: Path) -> list[tuple[int, int, int, int]]:
    out = subprocess.run(
        [OPENSSL, "asn1parse", "-i", "-in", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [
        tuple(map(int, m.groups()))  # type: ignore[misc]
        for m in re.finditer(r"^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)", out, re.M)
    ]


@pytest.mark.parametrize("kind", ["cert", "req", "crl", "key", "pub", "rsakey"])
def test_offsets_match_openssl_asn1parse(artefacts: dict[str, Path], kind: str) -> None:
    """Every element's offset, depth, header and content length equal asn1parse's."""
    lines = explain(artefacts[kind].read_text(), encapsulated=False)
    ours = [(ln.offset, ln.depth, ln.header_length, ln.length) for ln in lines]
    assert ours == _asn1parse(artefacts[kind])


def test_encapsulated_der_is_opened_with_absolute_offsets(artefacts: dict[str, Path]) -> None:
    """DER inside an extension value is shown, at offsets into the whole file."""
    text = artefacts["req"].read_text()
    raw = pem.decode(text, ["CERTIFICATE REQUEST"]).der
    inner = [ln for ln in explain(text) if ln.encapsulated]
    assert inner, "the SAN inside extensionRequest should be opened"
    for ln in inner:
        el = der.decode(raw[ln.offset : ln.offset + ln.header_length + ln.length])
        assert el.length == ln.length


def test_certificate_fields_are_named(artefacts: dict[str, Path]) -> None:
    """Field names come from RFC 5280: tbsCertificate.validity.notBefore and friends."""
    lines = explain(artefacts["cert"].read_text())
    paths = {ln.path for ln in lines}
    assert "tbsCertificate.validity.notBefore" in paths
    assert "tbsCertificate.subjectPublicKeyInfo.subjectPublicKey" in paths
    text = "\n".join(render(lines))
    assert "sha256WithRSAEncryption" in text
    assert "/C=CN/O=Example/CN=Example Root" in text
    assert "RSA 2048-bit" in text


def test_crl_and_csr_are_recognised_from_der(artefacts: dict[str, Path]) -> None:
    """Without a PEM label the structure is recognised by its shape."""
    for kind, top in (("crl", "CertificateList"), ("req", "CertificationRequest")):
        raw = pem.decode_all(artefacts[kind].read_text())[0].der
        assert explain(raw)[0].type_name == top


def test_depth_limits_the_tree(artefacts: dict[str, Path]) -> None:
    """--depth stops descending."""
    lines = explain(artefacts["cert"].read_text(), max_depth=1)
    assert max(ln.depth for ln in lines) == 1


def test_pyasn1_schema_names_fields(artefacts: dict[str, Path]) -> None:
    """--schema decodes with a pyasn1-modules type and names the fields from it."""
    lines = explain_with_schema(artefacts["cert"].read_text(), "rfc5280.Certificate")
    names = [ln.name for ln in lines]
    assert "tbsCertificate" in names and "serialNumber" in names
    assert [(ln.offset, ln.length) for ln in lines if ln.name == "validity"]


def test_unknown_schema_is_a_clear_error(artefacts: dict[str, Path]) -> None:
    """A schema that does not exist is a DecodeError naming it."""
    with pytest.raises(DecodeError, match=r"rfc5280\.Nope"):
        explain_with_schema(artefacts["cert"].read_text(), "rfc5280.Nope")


def test_malformed_input_gives_partial_tree_and_error(artefacts: dict[str, Path]) -> None:
    """A truncated certificate prints what could be read and the error with its offset."""
    raw = pem.decode_all(artefacts["cert"].read_text())[0].der[:300]
    lines, message = partial_lines(raw)
    assert lines and lines[0].offset == 0
    assert re.search(r"at byte \d+", message)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_input_never_raises_anything_else(
    artefacts: dict[str, Path], data: st.DataObject
) -> None:
    """Mutated DER gives a tree or a DecodeError; partial_lines never raises."""
    raw = bytearray(pem.decode_all(artefacts["cert"].read_text())[0].der)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    blob = bytes(raw[:cut])
    with contextlib.suppress(DecodeError):
        list(render(explain(blob)))
    partial_lines(blob)


def test_pyasn1_schema_skips_absent_defaults_and_unwraps_explicit_tags(
    artefacts: dict[str, Path],
) -> None:
    """An absent DEFAULT (critical) is not given to the next field; [3] wraps Extensions."""
    lines = explain_with_schema(artefacts["cert"].read_text(), "rfc5280.Certificate")
    by_offset = {ln.offset: ln for ln in lines}
    for ln in lines:
        if ln.name == "extnID":
            following = [x for x in lines if x.offset > ln.offset and x.depth == ln.depth]
            assert following[0].name in ("critical", "extnValue")
            if following[0].name == "critical":
                assert "BOOLEAN" in following[0].type_name
            else:
                assert "OCTET STRING" in following[0].type_name
    assert any(ln.name == "extensions" and "Extensions" in ln.type_name for ln in lines)
    assert by_offset[0].name == "certificate"


def test_pyasn1_schema_depth_limit(artefacts: dict[str, Path]) -> None:
    """--depth also limits a --schema tree."""
    lines = explain_with_schema(artefacts["cert"].read_text(), "rfc5280.Certificate", max_depth=2)
    assert max(ln.depth for ln in lines) == 2


DATA = Path(__file__).parent / "data"
_LABELS = ("CERTIFICATE", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "X509 CRL")
PKI_FILES = sorted(
    p
    for p in DATA.rglob("*.pem")
    if any(b.label in _LABELS for b in pem.decode_all(p.read_bytes()))
)


@pytest.mark.parametrize("path", PKI_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_every_certificate_csr_and_crl_lines_up_with_asn1parse(path: Path) -> None:
    """For every certificate, CSR and CRL under tests/data: our offsets are asn1parse's."""
    block = next(b for b in pem.decode_all(path.read_bytes()) if b.label in _LABELS)
    lines = explain(block.der, encapsulated=False)
    ours = [(ln.offset, ln.depth, ln.header_length, ln.length) for ln in lines]
    out = subprocess.run(
        [OPENSSL, "asn1parse", "-i", "-inform", "DER"],
        input=block.der,
        capture_output=True,
        check=True,
    ).stdout.decode()
    theirs = [
        tuple(map(int, m.groups()))
        for m in re.finditer(r"^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)", out, re.M)
    ]
    assert ours == theirs

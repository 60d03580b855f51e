"""Write docs/anatomy.md: a certificate made by minica, explained field by field.

The certificate is built deterministically (fixed test keys, serial and dates; RSA PKCS#1 v1.5
signatures are deterministic), so the page is the same on every run and tests/test_docs.py can
check that the committed page equals this script's output. Run from the repository root:

    PYTHONPATH=src python docs/make_anatomy.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import minica  # noqa: E402
from minica import explain, oids  # noqa: E402

KEYS = ROOT / "tests" / "data" / "keys"
NOW = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
ROOT_SUBJECT = "/C=CN/O=Example/CN=Example Root CA"
SUBJECT = "/C=CN/ST=Beijing/O=Example/CN=www.example.com"
SAN = ["www.example.com", "127.0.0.1"]
# A fixed stand-in for what profiles.random_serial() draws: 159 bits, top bit set.
SERIAL = int.from_bytes(hashlib.sha256(b"minica docs/anatomy.md").digest()[:20], "big") >> 1
SERIAL |= 1 << 158


def build() -> tuple[minica.Certificate, minica.Certificate]:
    """The root CA certificate and the server certificate the page explains."""
    ca_key = minica.load_private_key((KEYS / "rsa2048-a.pem").read_bytes())
    server_key = minica.load_private_key((KEYS / "rsa2048-b.pem").read_bytes())
    root = minica.self_signed(ca_key, ROOT_SUBJECT, days=3650, serial=1, now=NOW)
    csr = minica.create_csr(server_key, SUBJECT, san=SAN)
    cert = minica.sign_csr(csr, root, ca_key, profile="server", days=365, serial=SERIAL, now=NOW)
    return root, cert


def _block(lines: Iterable[str], lang: str = "text") -> str:
    return f"```{lang}\n" + "\n".join(lines) + "\n```\n"


def _pick(lines: list[explain.Line], keep: Callable[[explain.Line], bool]) -> list[str]:
    chosen = [ln for ln in lines if keep(ln)]
    if not chosen:
        raise SystemExit("make_anatomy: a section matched no line of the tree; update the script")
    return list(explain.render(chosen))


def _under(prefix: str) -> Callable[[explain.Line], bool]:
    return lambda ln: ln.path == prefix or ln.path.startswith(prefix + ".")


# What each extension is for, keyed by extnID (RFC 5280 section 4.2.1.x).
EXTENSION_PROSE = {
    oids.BASIC_CONSTRAINTS: (
        "**basicConstraints** (RFC 5280 4.2.1.9) says whether the subject is a CA. Here the "
        "inner SEQUENCE is empty: `cA` has DEFAULT FALSE, and DER leaves out a field that has its "
        "default value, so an empty SEQUENCE means *not a CA*. minica marks it critical so that "
        "software which cannot read it must reject the certificate."
    ),
    oids.KEY_USAGE: (
        "**keyUsage** (RFC 5280 4.2.1.3) is a BIT STRING, one bit per permitted use, numbered "
        "from the most significant bit: bit 0 digitalSignature, bit 1 nonRepudiation, bit 2 "
        "keyEncipherment, bit 5 keyCertSign, bit 6 cRLSign. The first content octet of a BIT "
        "STRING counts the unused bits at the end, so `{value}` reads: BIT STRING, {length} "
        "octets, the last {unused} bits unused, bits `{bits}` set."
    ),
    oids.EXTENDED_KEY_USAGE: (
        "**extendedKeyUsage** (RFC 5280 4.2.1.12) lists purposes by OID. `serverAuth` "
        "(1.3.6.1.5.5.7.3.1) is what TLS clients look for in a server certificate; a client "
        "certificate carries `clientAuth` (1.3.6.1.5.5.7.3.2) instead."
    ),
    oids.SUBJECT_ALT_NAME: (
        "**subjectAltName** (RFC 5280 4.2.1.6) holds the names the certificate is valid for. "
        "Browsers and curl check the host name against these entries only, never against the "
        "subject's CN (RFC 6125 6.4.4). Each GeneralName is a context-specific tag: `[2]` is a "
        "dNSName (IA5 text), `[7]` an iPAddress (4 or 16 raw octets)."
    ),
    oids.SUBJECT_KEY_IDENTIFIER: (
        "**subjectKeyIdentifier** (RFC 5280 4.2.1.2) names this certificate's key: the SHA-1 "
        "hash of the subjectPublicKey BIT STRING's contents (method 1). Certificates this key "
        "signs carry the same 20 bytes as their authorityKeyIdentifier."
    ),
    oids.AUTHORITY_KEY_IDENTIFIER: (
        "**authorityKeyIdentifier** (RFC 5280 4.2.1.1) names the key that signed this "
        "certificate: the issuer's subjectKeyIdentifier, in an IMPLICIT `[0]` field. Chain "
        "builders use it to find the issuer when several certificates share a subject name."
    ),
}


def _extension_prose(oid: str, value: bytes) -> str:
    """The paragraph for one extension; ``value`` is its extnValue contents (inner DER)."""
    text = EXTENSION_PROSE.get(oid, f"`{oid}` ({oids.long_name(oid)}).")
    if oid == oids.KEY_USAGE:
        unused = value[2]
        bits = "".join(f"{b:08b}" for b in value[3:])
        bits = bits[: len(bits) - unused] if unused else bits
        text = text.format(value=value.hex(" "), length=value[1], unused=unused, bits=bits)
    return text


def generate() -> str:
    """The Markdown text of docs/anatomy.md."""
    root, cert = build()
    lines = explain.explain(cert.to_der())
    der = cert.to_der()
    first = lines[0]
    tbs = next(ln for ln in lines if ln.path == "tbsCertificate")
    spki = cert.public_key
    out: list[str] = []
    w = out.append

    w("# Anatomy of a certificate\n")
    w(
        "<!-- Generated by docs/make_anatomy.py; do not edit by hand. Regenerate with\n"
        "     PYTHONPATH=src python docs/make_anatomy.py -->\n"
    )
    w(
        "This page takes one real server certificate made by minica and reads it byte by byte, "
        "the way `minica asn1` prints it. The certificate is regenerated by a script every time "
        "the tests run, so what you read here is what minica writes today.\n"
    )
    w(
        f"It is the certificate of `{SAN[0]}` from the [tutorial](tutorial.md): an RSA-2048 "
        f"key, a CSR with two subjectAltNames, signed by a root CA under the `server` profile. "
        f"(For the page the keys are fixed test keys and the serial and dates are fixed, so the "
        f"bytes never change: `{cert.der.hex()[:16]}...`, SHA-256 fingerprint "
        f"`{cert.fingerprint('sha256').hex(':')[:23]}...`.)\n"
    )
    w("## Make one yourself\n")
    w(
        "The same steps with a fresh key, then the tree (this block runs in the tests, as every "
        "sample in these docs does):\n"
    )
    w(
        _block(
            [
                "from datetime import UTC, datetime",
                "from pathlib import Path",
                "",
                "import minica",
                "from minica import explain",
                "",
                "now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)",
                "ca_key = minica.generate_private_key(2048)",
                f'root = minica.self_signed(ca_key, "{ROOT_SUBJECT}", serial=1, now=now)',
                "server_key = minica.generate_private_key(2048)",
                "csr = minica.create_csr(",
                f'    server_key, "{SUBJECT}", san={json.dumps(SAN)}',
                ")",
                'cert = minica.sign_csr(csr, root, ca_key, profile="server", days=365, now=now)',
                'Path("server.crt").write_text(cert.to_pem())',
                "",
                "for line in explain.render(explain.explain(cert.to_der())):",
                "    print(line)",
            ],
            "python",
        )
    )
    w("From the command line, side by side with openssl's view of the same bytes:\n")
    w(
        _block(
            [
                "minica asn1 server.crt",
                "minica asn1 server.crt --depth 2",
                "openssl asn1parse -i -in server.crt",
            ],
            "sh",
        )
    )

    w("## Reading a line\n")
    w(
        "Every line is one TLV (tag, length, value) element. The left part is exactly what "
        "`openssl asn1parse -i` prints, so the two can be read side by side; minica adds the "
        "field's name from the ASN.1 module, its type, and the value in human terms:\n"
    )
    w(_block(_pick(lines, lambda ln: ln is first or ln is tbs)))
    w(
        f"- `{first.offset}:` the byte offset of the element in the DER file.\n"
        f"- `d={first.depth}` the nesting depth; the field names are indented by it too.\n"
        f"- `hl={first.header_length}` the header length: the tag octet `{der[0]:02x}` (SEQUENCE, "
        f"constructed) and the length octets `{der[1 : first.header_length].hex(' ')}`. A length "
        f"above 127 is written as `0x80 + n` followed by n big-endian octets: `82` means two "
        f"length octets follow, and `{der[2 : first.header_length].hex(' ')}` is "
        f"{first.length}.\n"
        f"- `l={first.length}` the content length, so the element ends at offset "
        f"{first.offset} + {first.header_length} + {first.length} = {len(der)}, the size of "
        f"the file.\n"
        f"- `cons:` or `prim:` constructed (contains further TLVs) or primitive. A `>` after it "
        f"marks DER that is carried inside an OCTET STRING or BIT STRING (extension values, the "
        f"public key), which minica opens and shows one level deeper; openssl's asn1parse "
        f"shows those only with `-strparse`.\n"
        f"- then the name (`certificate`, `tbsCertificate`), the ASN.1 type, and for primitives "
        f"`= value`; short byte strings are shown in hex in `[...]`.\n"
    )

    w("## The whole certificate\n")
    w(
        f"{len(lines)} elements in {len(der)} bytes (`minica asn1 server.crt`; with `--paths` "
        f"each line is labelled with its full field path, such as "
        f"`tbsCertificate.validity.notBefore`):\n"
    )
    w(_block(explain.render(lines)))

    w("## The three parts\n")
    w(
        "A certificate is a SEQUENCE of three things (RFC 5280 section 4.1): the "
        '`tbsCertificate` ("to be signed"), the algorithm the issuer signed it with, and the '
        "signature. The signature covers the exact DER bytes of `tbsCertificate`, header "
        f"included: bytes {tbs.offset} to {tbs.offset + tbs.header_length + tbs.length - 1} "
        "here. That is why a certificate must never be re-encoded: change one byte of the "
        "encoding and the signature no longer verifies.\n"
    )
    w(_block(_pick(lines, lambda ln: ln.depth <= 1)))

    sections = [
        (
            "version",
            "tbsCertificate.version",
            "`[0] EXPLICIT Version DEFAULT v1`: a context-specific tag wrapping an INTEGER. The "
            "value is one less than the version name, so `2` means **v3**, the version that may "
            "carry extensions. Version 1 would be encoded by leaving the field out (DER omits "
            "defaults).",
        ),
        (
            "serialNumber",
            "tbsCertificate.serialNumber",
            f"The serial number, unique per issuer: `{cert.serial_number:X}` in hex (openssl "
            f"prints it with colons). minica draws 159 random bits, as `openssl ca -rand_serial` "
            f"does, so the INTEGER is at most 20 octets, the maximum RFC 5280 4.1.2.2 allows, "
            f"and never negative (a leading bit of 1 would make a DER INTEGER negative; the "
            f"160th bit is always 0).",
        ),
        (
            "signature",
            "tbsCertificate.signature",
            "The signature algorithm, repeated inside the signed part so that it cannot be "
            "swapped (RFC 5280 4.1.2.3); it must equal the outer `signatureAlgorithm`. "
            "sha256WithRSAEncryption is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 8.2); its "
            "parameters are an explicit NULL.",
        ),
        (
            "issuer",
            "tbsCertificate.issuer",
            "The issuer's distinguished name: a SEQUENCE of RDNs (each a SET, usually of one "
            "attribute), each attribute an OID and a string. minica copies the issuer's subject "
            "bytes exactly, because chain building compares names. countryName is a "
            "PrintableString (X.520 requires it); the rest are UTF8String, openssl's default "
            "`string_mask = utf8only`.",
        ),
        (
            "validity",
            "tbsCertificate.validity",
            f"notBefore and notAfter. Dates before 2050 are UTCTime with a two-digit year "
            f"(`YYMMDDHHMMSSZ`, 13 octets), later ones GeneralizedTime (RFC 5280 4.1.2.5). This "
            f"certificate is valid from {cert.not_valid_before:%Y-%m-%d %H:%M:%S} UTC for "
            f"{(cert.not_valid_after - cert.not_valid_before).days} days.",
        ),
        (
            "subject",
            "tbsCertificate.subject",
            f"Whom the certificate is for, in the same form as the issuer: `{cert.subject}`. "
            "For a TLS server the name that matters is in subjectAltName (below); the CN is "
            "kept for people and old software.",
        ),
        (
            "subjectPublicKeyInfo",
            "tbsCertificate.subjectPublicKeyInfo",
            f"The subject's public key: an AlgorithmIdentifier (rsaEncryption, NULL parameters) "
            f"and a BIT STRING whose contents are themselves DER, an RSAPublicKey (RFC 8017 "
            f"A.1.1) with the {spki.size}-bit modulus n and the public exponent e = {spki.e}. "
            f"The lines marked `>` are that inner DER. The modulus INTEGER is one octet longer "
            f"than 256 because its top bit is set, so DER puts a 00 in front to keep it "
            f"positive.",
        ),
    ]
    w("## tbsCertificate, field by field\n")
    for title, path, prose in sections:
        w(f"### {title}\n")
        w(prose + "\n")
        w(_block(_pick(lines, _under(path))))

    w("### extensions\n")
    w(
        "`[3] EXPLICIT Extensions`: a SEQUENCE of Extension, each an OID (`extnID`), an "
        "optional `critical` BOOLEAN (DEFAULT FALSE, so only `TRUE` is ever encoded) and an "
        "OCTET STRING (`extnValue`) holding the extension's own DER. A client that meets a "
        "critical extension it does not understand must reject the certificate (RFC 5280 4.2).\n"
    )
    w(_block(_pick(lines, lambda ln: ln.path == "tbsCertificate.extensions")))
    ext_lines = [ln for ln in lines if ln.path.startswith("tbsCertificate.extensions.extension[")]
    count = len({ln.path.split(".")[2] for ln in ext_lines})
    for i, extension in enumerate(cert.extensions):
        prefix = f"tbsCertificate.extensions.extension[{i}]"
        name = oids.long_name(extension.oid).removeprefix("X509v3 ")
        w(f"#### {name}\n")
        w(_extension_prose(extension.oid, extension.to_der()) + "\n")
        w(_block(_pick(lines, _under(prefix))))
    if count != len(cert.extensions):
        raise SystemExit("make_anatomy: the tree and the certificate disagree on extensions")

    w("## signatureAlgorithm and signatureValue\n")
    w(
        f"After the signed part come the algorithm again and the signature: a BIT STRING "
        f"holding the RSA signature, {len(cert.signature)} octets (the size of the issuer's "
        f"modulus), after the one octet that counts unused bits (0). To check it, hash the "
        f"`tbsCertificate` bytes with SHA-256 and verify with the issuer's public key; "
        f"`cert.verify_signature(root)` does exactly that.\n"
    )
    w(
        _block(
            _pick(
                lines, lambda ln: ln.path.split(".")[0] in ("signatureAlgorithm", "signatureValue")
            )
        )
    )

    w("## The same certificate as text\n")
    w(
        "`minica show server.crt` prints the fields decoded, in the layout of "
        "`openssl x509 -text -noout`:\n"
    )
    w(_block(cert.to_text().rstrip("\n").splitlines()))
    w("## The certificate itself\n")
    w(
        "Paste it into a file to try `minica asn1` or `openssl asn1parse -i` on exactly these "
        "bytes (its issuer, the page's root CA, is below it):\n"
    )
    w(_block(cert.to_pem().rstrip("\n").splitlines()))
    w(_block(root.to_pem().rstrip("\n").splitlines()))
    return "\n".join(out)


def main() -> None:
    target = ROOT / "docs" / "anatomy.md"
    target.write_text(generate(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

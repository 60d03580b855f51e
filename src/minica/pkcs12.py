"""PKCS#12 (RFC 7292) bundles of one private key, its certificate and the chain.

minica writes the profile OpenSSL 3 writes by default: a PFX v3 whose AuthenticatedSafe holds
an encryptedData safe with the certificate bags and a data safe with a pkcs8ShroudedKeyBag, both
PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), protected by an HMAC-SHA256 MAC keyed with the PKCS#12
KDF. It reads that profile and its OpenSSL variants (other AES sizes, no MAC, MAC SHA-1/SHA-2,
plain keyBag, unencrypted certificates). Legacy bundles (RC2, 3DES, RC4: ``-legacy``) are refused
with a PassphraseError that gives the openssl command converting them.

Certificates are kept as DER internally and become :class:`minica.cert.Certificate` objects at
the API edge.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from minica import der, keys, oids, pbe
from minica._record import record
from minica.errors import DecodeError, PassphraseError, ValidationError

if TYPE_CHECKING:
    from minica.cert import Certificate

__all__ = [
    "DEFAULT_ITERATIONS",
    "DEFAULT_MAC_ITERATIONS",
    "PKCS12Bundle",
    "dump",
    "load",
    "load_bundle",
]

#: PBKDF2 iterations for the key and certificate safes: OpenSSL 3's PKCS12_DEFAULT_ITER, which
#: is what browsers, keychains and older openssl expect (pass ``iterations=`` for more).
DEFAULT_ITERATIONS = 2048
#: PKCS#12 KDF iterations for the MAC key (OpenSSL 3 default).
DEFAULT_MAC_ITERATIONS = 2048

# OpenSSL's PKCS5_SALT_LEN: 8-byte salts for PBKDF2 and the MAC.
_SALT_LENGTH = 8
_PFX_VERSION = 3  # RFC 7292 section 4: version INTEGER {v3(3)}

# Hashes the MAC may use (RFC 7292 appendix B; openssl -macalg): OID -> hashlib name.
_MAC_HASHES = {
    oids.SHA1: "sha1",
    oids.SHA224: "sha224",
    oids.SHA256: "sha256",
    oids.SHA384: "sha384",
    oids.SHA512: "sha512",
}
_MAC_HASH_OIDS = {v: k for k, v in _MAC_HASHES.items()}

# RFC 7292 appendix C / RFC 8018 A.3 schemes that openssl -legacy and -certpbe/-keypbe write.
_LEGACY_PBES = {
    oids.PBE_SHA1_RC4_128: "pbeWithSHA1And128BitRC4",
    oids.PBE_SHA1_RC4_40: "pbeWithSHA1And40BitRC4",
    oids.PBE_SHA1_3DES: "pbeWithSHA1And3-KeyTripleDES-CBC",
    oids.PBE_SHA1_2DES: "pbeWithSHA1And2-KeyTripleDES-CBC",
    oids.PBE_SHA1_RC2_128: "pbeWithSHA1And128BitRC2-CBC",
    oids.PBE_SHA1_RC2_40: "pbeWithSHA1And40BitRC2-CBC",
    "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC",
    "1.2.840.113549.1.5.6": "pbeWithMD5AndRC2-CBC",
    "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC",
    "1.2.840.113549.1.5.11": "pbeWithSHA1AndRC2-CBC",
}
_LEGACY_HINT = (
    "minica reads PKCS#12 files encrypted with PBES2/AES only (openssl 3's default); convert "
    "it with `openssl pkcs12 -legacy -in old.p12 -nodes -out tmp.pem && openssl pkcs12 -export "
    "-in tmp.pem -out new.p12` (then delete tmp.pem: it holds the unencrypted key)"
)
_SIGNED_DATA = "1.2.840.113549.1.7.2"  # public-key integrity mode (RFC 7292 section 3.1)
_PBMAC1 = "1.2.840.113549.1.5.14"  # RFC 9579 MAC (openssl 3.4+ -pbmac1_pbkdf2)

Rng = Callable[[int], bytes]


@runtime_checkable
class _HasDer(Protocol):
    @property
    def der(self) -> bytes: ...


@record
class PKCS12Bundle:
    """What a PKCS#12 file holds, with openssl's ``pkcs12 -info`` summary of how it is protected.

    ``cert`` is the certificate paired with ``key`` (None without a key), ``chain`` the other
    certificates in file order; ``info`` lines read like ``openssl pkcs12 -info -noout``.
    """

    key: keys.RSAPrivateKey | None
    cert: Certificate | None
    chain: tuple[Certificate, ...]
    friendly_name: str | None = None
    local_key_id: bytes | None = None
    mac_hash: str | None = None
    mac_iterations: int | None = None
    info: tuple[str, ...] = field(default=(), repr=False)

    @property
    def certificates(self) -> tuple[Certificate, ...]:
        """The leaf (when there is one) followed by the chain."""
        return ((self.cert,) if self.cert is not None else ()) + self.chain

    def to_text(self) -> str:
        """The ``info`` lines as one text (``openssl pkcs12 -info -noout`` output)."""
        return "".join(f"{line}\n" for line in self.info)


# ---------------------------------------------------------------------------------------------
# Writing


def dump(
    key: keys.RSAPrivateKey,
    cert: Certificate | _HasDer | bytes,
    chain: Iterable[Certificate | _HasDer | bytes] = (),
    passphrase: str | bytes | None = None,
    *,
    friendly_name: str | None = None,
    iterations: int | None = None,
    mac_iterations: int | None = None,
    rng: Rng | None = None,
) -> bytes:
    """A PKCS#12 PFX (RFC 7292 section 4) as ``openssl pkcs12 -export`` writes it by default.

    ``passphrase`` ("" allowed) protects both the MAC and the PBES2 encryption; ``rng`` supplies
    salts and IVs (default ``secrets.token_bytes``). Raises ValidationError if ``cert`` does not
    hold ``key``'s public key.
    """
    if not isinstance(key, keys.RSAPrivateKey):
        raise TypeError(f"key must be an RSAPrivateKey, not {type(key).__name__}")
    if passphrase is None:
        raise PassphraseError('PKCS#12: a passphrase is required ("" for an empty one)')
    text, secret = _passphrase(passphrase)
    if friendly_name is not None and not isinstance(friendly_name, str):
        raise TypeError(f"friendly_name must be str, not {type(friendly_name).__name__}")
    iterations = DEFAULT_ITERATIONS if iterations is None else iterations
    mac_iterations = DEFAULT_MAC_ITERATIONS if mac_iterations is None else mac_iterations
    for what, count in (("iterations", iterations), ("mac_iterations", mac_iterations)):
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError(f"{what} must be int, not {type(count).__name__}")
        if not 1 <= count <= pbe.MAX_ITERATIONS:
            raise ValidationError(f"PKCS#12 {what}: {count} is outside 1..{pbe.MAX_ITERATIONS}")
    random = secrets.token_bytes if rng is None else rng

    leaf = _cert_der(cert, "cert")
    others = [_cert_der(c, f"chain[{i}]") for i, c in enumerate(chain)]
    if _spki_public_key(leaf, "PKCS#12 cert") != key.public_key():
        raise ValidationError("PKCS#12 cert: its public key does not match the private key")

    # openssl pairs key and certificate with localKeyID = SHA-1 of the certificate DER.
    attributes = []
    if friendly_name is not None:
        attributes.append(_attribute(oids.FRIENDLY_NAME, der.bmp_string(friendly_name)))
    attributes.append(_attribute(oids.LOCAL_KEY_ID, der.octet_string(hashlib.sha1(leaf).digest())))
    paired = der.set_of(attributes)

    cert_bags = [_safe_bag(oids.CERT_BAG, _cert_bag(leaf), paired)]
    cert_bags += [_safe_bag(oids.CERT_BAG, _cert_bag(c), None) for c in others]
    cert_params = pbe.PBES2Params.generate(random, iterations=iterations, salt_length=_SALT_LENGTH)
    encrypted_certs = pbe.encrypt(cert_params, secret, der.sequence(*cert_bags))
    # EncryptedData ::= SEQUENCE { version 0, EncryptedContentInfo } (RFC 5652 section 8)
    cert_safe = _content_info(
        oids.PKCS7_ENCRYPTED_DATA,
        der.sequence(
            der.integer(0),
            der.sequence(
                der.oid(oids.PKCS7_DATA),
                cert_params.to_der(),
                der.implicit(0, der.octet_string(encrypted_certs)),
            ),
        ),
    )

    key_params = pbe.PBES2Params.generate(random, iterations=iterations, salt_length=_SALT_LENGTH)
    shrouded = der.sequence(  # EncryptedPrivateKeyInfo (RFC 5958 section 3)
        key_params.to_der(), der.octet_string(pbe.encrypt(key_params, secret, key.pkcs8_der()))
    )
    key_safe = _content_info(
        oids.PKCS7_DATA,
        der.octet_string(der.sequence(_safe_bag(oids.PKCS8_SHROUDED_KEY_BAG, shrouded, paired))),
    )

    auth_safe = der.sequence(cert_safe, key_safe)
    mac_salt = random(_SALT_LENGTH)
    mac = _mac("sha256", text, mac_salt, mac_iterations, auth_safe)
    mac_data = der.sequence(  # MacData ::= SEQUENCE { mac DigestInfo, macSalt, iterations }
        der.sequence(der.sequence(der.oid(oids.SHA256), der.null()), der.octet_string(mac)),
        der.octet_string(mac_salt),
        der.integer(mac_iterations),
    )
    return der.sequence(
        der.integer(_PFX_VERSION),
        _content_info(oids.PKCS7_DATA, der.octet_string(auth_safe)),
        mac_data,
    )


def _content_info(content_type: str, content: bytes) -> bytes:
    """ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT } (RFC 5652 section 3)."""
    return der.sequence(der.oid(content_type), der.explicit(0, content))


def _safe_bag(bag_id: str, value: bytes, attributes: bytes | None) -> bytes:
    """SafeBag ::= SEQUENCE { bagId, bagValue [0] EXPLICIT, bagAttributes SET OPTIONAL }."""
    parts = [der.oid(bag_id), der.explicit(0, value)]
    if attributes is not None:
        parts.append(attributes)
    return der.sequence(*parts)


def _cert_bag(cert_der: bytes) -> bytes:
    """CertBag ::= SEQUENCE { certId x509Certificate, certValue [0] EXPLICIT OCTET STRING }."""
    return der.sequence(der.oid(oids.X509_CERTIFICATE), der.explicit(0, der.octet_string(cert_der)))


def _attribute(attr_type: str, value: bytes) -> bytes:
    """PKCS12Attribute ::= SEQUENCE { attrId, attrValues SET OF } (RFC 7292 section 4.2)."""
    return der.sequence(der.oid(attr_type), der.set_of([value]))


def _mac(hash_name: str, passphrase: str, salt: bytes, iterations: int, data: bytes) -> bytes:
    return _mac_with(hash_name, pbe.bmp_password(passphrase), salt, iterations, data)


def _mac_with(hash_name: str, password: bytes, salt: bytes, iterations: int, data: bytes) -> bytes:
    """HMAC keyed with the PKCS#12 KDF, ID 3 (RFC 7292 appendix B.4)."""
    size = hashlib.new(hash_name).digest_size
    mac_key = pbe.pkcs12_kdf(hash_name, password, salt, pbe.ID_MAC, iterations, size)
    return hmac.new(mac_key, data, hash_name).digest()


def _passphrase(passphrase: object) -> tuple[str, bytes]:
    """(text for the BMPString MAC password, UTF-8 bytes for PBKDF2), as openssl 3 uses them."""
    if isinstance(passphrase, str):
        try:
            return passphrase, passphrase.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValidationError(f"passphrase: cannot encode as UTF-8 ({e.reason})") from e
    if isinstance(passphrase, bytes | bytearray):
        try:
            return bytes(passphrase).decode("utf-8"), bytes(passphrase)
        except UnicodeDecodeError as e:
            raise ValidationError(f"passphrase: bytes are not UTF-8 ({e.reason})") from e
    raise TypeError(f"passphrase must be str or bytes, not {type(passphrase).__name__}")


def _cert_der(cert: object, what: str) -> bytes:
    """The DER of a Certificate (``.der``), anything with ``to_der()``, or DER bytes."""
    if isinstance(cert, bytes | bytearray):
        data = bytes(cert)
    elif isinstance(cert, _HasDer):
        data = cert.der
    elif callable(getattr(cert, "to_der", None)):
        data = cert.to_der()  # type: ignore[attr-defined]
    else:
        raise TypeError(f"{what} must be a Certificate or DER bytes, not {type(cert).__name__}")
    if not isinstance(data, bytes):
        raise TypeError(f"{what}: DER must be bytes, not {type(data).__name__}")
    # Chain certificates may hold any key type; only the leaf's key is compared (in dump).
    der.decode(data, what=f"PKCS#12 {what}").expect(der.SEQUENCE, f"PKCS#12 {what}")
    return data


def _spki_public_key(cert_der: bytes, what: str = "certificate") -> keys.RSAPublicKey:
    """The RSA public key in a certificate's tbsCertificate.subjectPublicKeyInfo (RFC 5280 4.1)."""
    cert = der.decode(cert_der, what=what)
    kids = cert.expect(der.SEQUENCE, what).expect_children(what, 3)
    w = f"{what}.tbsCertificate"
    tbs = kids[0].expect(der.SEQUENCE, w).children
    # version [0] EXPLICIT DEFAULT v1, serialNumber, signature, issuer, validity, subject, SPKI
    index = 6 if tbs and tbs[0].tag == 0xA0 else 5
    if len(tbs) <= index:
        raise kids[0].error(w, "too few fields")
    spki = tbs[index].expect(der.SEQUENCE, f"{w}.subjectPublicKeyInfo")
    return keys.load_public_key(spki.raw)


# ---------------------------------------------------------------------------------------------
# Reading


def load(
    data: bytes, passphrase: str | bytes
) -> tuple[keys.RSAPrivateKey, Certificate, tuple[Certificate, ...]]:
    """Read a PKCS#12 file: (key, its certificate, the other certificates in file order).

    The MAC is verified before anything is decrypted (RFC 7292 section 5.1).

    Raises:
        PassphraseError: wrong passphrase, or legacy encryption (the message says how to convert).
        DecodeError: malformed, or not exactly one key with a matching certificate.
    """
    bundle = load_bundle(data, passphrase)
    if bundle.key is None:
        raise DecodeError("PKCS#12: no private key in the file (certificates only)")
    if bundle.cert is None:
        raise DecodeError("PKCS#12: no certificate matches the private key")
    return bundle.key, bundle.cert, bundle.chain


def load_bundle(data: bytes, passphrase: str | bytes) -> PKCS12Bundle:
    """Read a PKCS#12 file into a :class:`PKCS12Bundle` (key and certificate may be absent)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"PKCS#12 data must be bytes (DER), not {type(data).__name__}")
    text, secret = _passphrase(passphrase)
    return _Reader(text, secret).read(bytes(data))


@dataclass
class _Bag:
    """A key or certificate read from a SafeBag, with the attributes that pair them."""

    kind: str  # "key" or "cert"
    value: bytes  # PrivateKeyInfo DER, or certificate DER
    friendly_name: str | None
    local_key_id: bytes | None
    where: str


class _Reader:
    def __init__(self, text: str, secret: bytes) -> None:
        self.text = text
        self.secret = secret
        self.info: list[str] = []
        self.bags: list[_Bag] = []
        # Without a verified MAC, undecodable plaintext means a wrong passphrase, not bad input.
        self.mac_verified = False

    def read(self, data: bytes) -> PKCS12Bundle:
        # PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }
        what = "PFX"
        pfx = der.decode(data, what=what)
        kids = pfx.expect(der.SEQUENCE, what).expect_children(what, 2, 3)
        version = kids[0].expect(der.INTEGER, f"{what}.version").as_int(f"{what}.version")
        if version != _PFX_VERSION:
            raise kids[0].error(f"{what}.version", f"expected 3, found {version}")
        w = f"{what}.authSafe"
        content_type, content = _content_info_parts(kids[1], w)
        if content_type == _SIGNED_DATA:
            raise kids[1].error(
                f"{w}.contentType", "public-key integrity mode (signedData) is not supported"
            )
        if content_type != oids.PKCS7_DATA:
            raise kids[1].error(f"{w}.contentType", f"expected pkcs7-data, found {content_type}")
        auth_safe = _octet_string(content, f"{w}.content")

        mac_hash = mac_iterations = None
        if len(kids) == 3:
            mac_hash, mac_iterations = self.verify_mac(kids[2], auth_safe, f"{what}.macData")
        else:
            self.info.append("Warning: MAC is absent!")

        w = "AuthenticatedSafe"
        safes = _inner(auth_safe, content, w).expect(der.SEQUENCE, w)
        for i, safe in enumerate(safes.children):
            self.read_safe(safe, f"{w}[{i}]")
        return self.bundle(mac_hash, mac_iterations)

    def verify_mac(self, el: der.Element, auth_safe: bytes, what: str) -> tuple[str, int]:
        """MacData (RFC 7292 section 4): checked before any decryption."""
        kids = el.expect(der.SEQUENCE, what).expect_children(what, 2, 3)
        w = f"{what}.mac"
        alg_el, digest_el = kids[0].expect(der.SEQUENCE, w).expect_children(w, 2)
        alg = alg_el.expect(der.SEQUENCE, f"{w}.digestAlgorithm").expect_children(
            f"{w}.digestAlgorithm", 1, 2
        )
        dotted = alg[0].expect(der.OID, f"{w}.digestAlgorithm.algorithm").as_oid()
        if len(alg) == 2:
            alg[1].expect(der.NULL, f"{w}.digestAlgorithm.parameters").as_null()
        hash_name = _MAC_HASHES.get(dotted)
        if hash_name is None:
            name = "PBMAC1" if dotted == _PBMAC1 else oids.long_name(dotted)
            raise PassphraseError(f"{w}.digestAlgorithm: unsupported MAC {name} ({dotted})")
        expected = digest_el.expect(der.OCTET_STRING, f"{w}.digest").as_bytes()
        salt = kids[1].expect(der.OCTET_STRING, f"{what}.macSalt").as_bytes()
        iterations = 1  # DEFAULT 1
        if len(kids) == 3:
            w = f"{what}.iterations"
            iterations = kids[2].expect(der.INTEGER, w).as_int(w)
            if not 1 <= iterations <= pbe.MAX_ITERATIONS:
                raise kids[2].error(w, f"{iterations} is outside 1..{pbe.MAX_ITERATIONS}")
        size = hashlib.new(hash_name).digest_size
        self.info.append(f"MAC: {hash_name}, Iteration {iterations}")
        self.info.append(f"MAC length: {len(expected)}, salt length: {len(salt)}")
        passwords = [pbe.bmp_password(self.text)]
        if not self.text:
            # openssl writes an absent (NULL) password as zero bytes, not the BMP terminator.
            passwords.append(b"")
        for password in passwords:
            mac = _mac_with(hash_name, password, salt, iterations, auth_safe)
            if len(expected) == size and hmac.compare_digest(mac, expected):
                self.mac_verified = True
                return hash_name, iterations
        raise PassphraseError("PKCS#12: MAC verification failed (wrong passphrase?)")

    def read_safe(self, el: der.Element, what: str) -> None:
        """One ContentInfo of the AuthenticatedSafe: data or encryptedData (RFC 7292 5.1)."""
        content_type, content = _content_info_parts(el, what)
        if content_type == oids.PKCS7_DATA:
            self.info.append("PKCS7 Data")
            plain = _octet_string(content, f"{what}.content")
            self.read_safe_contents(plain, content, f"{what}.SafeContents")
        elif content_type == oids.PKCS7_ENCRYPTED_DATA:
            plain = self.decrypt_safe(content, f"{what}.EncryptedData")
            self.read_decrypted(plain, f"{what}.SafeContents", self.read_safe_contents_bytes)
        else:
            name = oids.long_name(content_type) if oids.info(content_type) else content_type
            raise el.error(f"{what}.contentType", f"unsupported content type {name}")

    def decrypt_safe(self, el: der.Element, what: str) -> bytes:
        """EncryptedData (RFC 5652 section 8) holding an encrypted SafeContents."""
        kids = el.expect(der.SEQUENCE, what).expect_children(what, 2, 3)
        w = f"{what}.version"
        version = kids[0].expect(der.INTEGER, w).as_int(w)
        if version not in (0, 2):
            raise kids[0].error(w, f"expected 0 or 2, found {version}")
        w = f"{what}.encryptedContentInfo"
        info = kids[1].expect(der.SEQUENCE, w).expect_children(w, 2, 3)
        info[0].expect(der.OID, f"{w}.contentType").as_oid(f"{w}.contentType")
        if len(info) < 3:
            raise kids[1].error(w, "no encryptedContent")
        params = self.pbes2(info[1], f"{w}.contentEncryptionAlgorithm", "PKCS7 Encrypted data")
        ciphertext = _implicit_octets(info[2], f"{w}.encryptedContent")
        return self.decrypt(params, ciphertext, info[2], f"{w}.encryptedContent")

    def pbes2(self, el: der.Element, what: str, label: str) -> pbe.PBES2Params:
        """PBES2 parameters; the legacy PKCS#12 PBEs get a conversion hint (PassphraseError)."""
        kids = el.expect(der.SEQUENCE, what).expect_children(what, 1, 2)
        dotted = kids[0].expect(der.OID, f"{what}.algorithm").as_oid(f"{what}.algorithm")
        legacy = _LEGACY_PBES.get(dotted)
        if legacy is not None:
            raise PassphraseError(f"{what}: legacy encryption {legacy}; {_LEGACY_HINT}")
        try:
            params = pbe.PBES2Params.from_element(el, what=what)
        except ValidationError as e:
            raise el.error(what, str(e)) from e
        self.info.append(
            f"{label}: PBES2, PBKDF2, {params.cipher.upper()}, Iteration {params.iterations}, "
            f"PRF hmacWith{params.prf.upper()}"
        )
        return params

    def decrypt(
        self, params: pbe.PBES2Params, ciphertext: bytes, el: der.Element, what: str
    ) -> bytes:
        if not ciphertext or len(ciphertext) % 16:
            raise el.error(what, f"length {len(ciphertext)} is not a positive multiple of 16")
        try:
            return pbe.decrypt(params, self.secret, ciphertext)
        except PassphraseError as e:
            if self.mac_verified:
                # The MAC proved the passphrase; bad padding means the file itself is broken.
                raise el.error(what, "bad padding after decryption") from e
            raise PassphraseError(f"{what}: {e} (wrong passphrase?)") from e

    def read_decrypted(self, plain: bytes, what: str, parse: Callable[[bytes, str], None]) -> None:
        try:
            parse(plain, what)
        except DecodeError as e:
            if self.mac_verified:
                raise
            raise PassphraseError(f"{what}: decrypted data is not valid (wrong passphrase?)") from e

    def read_safe_contents_bytes(self, plain: bytes, what: str) -> None:
        el = der.decode(plain, what=what)
        self.read_bags(el, what)

    def read_safe_contents(self, plain: bytes, outer: der.Element, what: str) -> None:
        self.read_bags(_inner(plain, outer, what), what)

    def read_bags(self, el: der.Element, what: str) -> None:
        """SafeContents ::= SEQUENCE OF SafeBag (RFC 7292 section 4.2)."""
        for i, bag in enumerate(el.expect(der.SEQUENCE, what).children):
            self.read_bag(bag, f"{what}[{i}]")

    def read_bag(self, el: der.Element, what: str) -> None:
        kids = el.expect(der.SEQUENCE, what).expect_children(what, 2, 3)
        bag_id = kids[0].expect(der.OID, f"{what}.bagId").as_oid(f"{what}.bagId")
        w = f"{what}.bagValue"
        (value,) = kids[1].expect(0xA0, w).expect_children(w, 1)
        friendly_name: str | None = None
        local_key_id: bytes | None = None
        if len(kids) == 3:
            friendly_name, local_key_id = _bag_attributes(kids[2], f"{what}.bagAttributes")
        if bag_id == oids.PKCS8_SHROUDED_KEY_BAG:
            key = self.shrouded_key(value, f"{w}.EncryptedPrivateKeyInfo")
            self.bags.append(_Bag("key", key, friendly_name, local_key_id, what))
        elif bag_id == oids.KEY_BAG:
            self.info.append("Key bag")
            value.expect(der.SEQUENCE, f"{w}.PrivateKeyInfo")
            self.bags.append(_Bag("key", value.raw, friendly_name, local_key_id, what))
        elif bag_id == oids.CERT_BAG:
            self.info.append("Certificate bag")
            cert = _cert_bag_value(value, f"{w}.CertBag")
            if cert is not None:
                self.bags.append(_Bag("cert", cert, friendly_name, local_key_id, what))
        elif bag_id == oids.SAFE_CONTENTS_BAG:
            # Nesting is bounded by der.MAX_DEPTH, already enforced by the decoder.
            self.read_bags(value, f"{w}.SafeContents")
        # crlBag, secretBag and unknown bags carry nothing minica returns.

    def shrouded_key(self, el: der.Element, what: str) -> bytes:
        """EncryptedPrivateKeyInfo (RFC 5958 section 3) -> PrivateKeyInfo DER."""
        alg, data = el.expect(der.SEQUENCE, what).expect_children(what, 2)
        params = self.pbes2(alg, f"{what}.encryptionAlgorithm", "Shrouded Keybag")
        w = f"{what}.encryptedData"
        plain = self.decrypt(params, data.expect(der.OCTET_STRING, w).as_bytes(), data, w)
        out: list[bytes] = []

        def check(plain: bytes, what: str) -> None:
            out.append(der.decode(plain, what=what).expect(der.SEQUENCE, what).raw)

        self.read_decrypted(plain, f"{what} (decrypted PrivateKeyInfo)", check)
        return out[0]

    def bundle(self, mac_hash: str | None, mac_iterations: int | None) -> PKCS12Bundle:
        key_bags = [b for b in self.bags if b.kind == "key"]
        cert_bags = [b for b in self.bags if b.kind == "cert"]
        if len(key_bags) > 1:
            raise DecodeError(
                f"PKCS#12: {len(key_bags)} private keys ({key_bags[1].where}); "
                "minica reads bundles with one key"
            )
        key = None
        leaf: _Bag | None = None
        if key_bags:
            kb = key_bags[0]
            key = self.private_key(kb)
            leaf = _find_leaf(kb, cert_bags, key)
        chain = tuple(_certificate(b.value, b.where) for b in cert_bags if b is not leaf)
        kb0 = key_bags[0] if key_bags else leaf
        return PKCS12Bundle(
            key=key,
            cert=_certificate(leaf.value, leaf.where) if leaf is not None else None,
            chain=chain,
            friendly_name=kb0.friendly_name if kb0 else None,
            local_key_id=kb0.local_key_id if kb0 else None,
            mac_hash=mac_hash,
            mac_iterations=mac_iterations,
            info=tuple(self.info),
        )

    def private_key(self, bag: _Bag) -> keys.RSAPrivateKey:
        what = bag.where
        try:
            return keys.RSAPrivateKey.from_der(bag.value)
        except (DecodeError, ValidationError) as e:
            raise DecodeError(f"{what}: {e}") from e
        except PassphraseError as e:  # an encrypted key inside a plain keyBag
            raise DecodeError(f"{what}: expected a PrivateKeyInfo ({e})") from e


def _find_leaf(key_bag: _Bag, certs: Sequence[_Bag], key: keys.RSAPrivateKey) -> _Bag | None:
    """The certificate paired by localKeyID, else the first whose public key is the key's."""
    if key_bag.local_key_id is not None:
        for bag in certs:
            if bag.local_key_id == key_bag.local_key_id:
                return bag
    public = key.public_key()
    for bag in certs:
        try:
            if _spki_public_key(bag.value, f"{bag.where}.certificate") == public:
                return bag
        except DecodeError:
            continue  # not an RSA certificate: cannot be the key's
    return None


def _certificate(cert_der: bytes, what: str) -> Certificate:
    """A Certificate object (minica.cert) from DER; parse errors name the bag."""
    loader: Any = _load_certificate()
    if loader is None:
        return cast("Certificate", cert_der)  # DER bytes until minica.cert lands
    try:
        cert: Certificate = loader(cert_der)
    except DecodeError as e:
        raise DecodeError(f"{what}.certValue: {e}") from e
    except ValidationError as e:
        raise DecodeError(f"{what}.certValue: {e}") from e
    return cert


def _load_certificate() -> Callable[[bytes], Any] | None:
    try:
        module = importlib.import_module("minica.cert")
    except ImportError:
        return None
    loader: Callable[[bytes], Any] = module.load_certificate
    return loader


def _content_info_parts(el: der.Element, what: str) -> tuple[str, der.Element]:
    """ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT } -> (type, content)."""
    kids = el.expect(der.SEQUENCE, what).expect_children(what, 2)
    content_type = kids[0].expect(der.OID, f"{what}.contentType").as_oid(f"{what}.contentType")
    (content,) = kids[1].expect(0xA0, f"{what}.content").expect_children(f"{what}.content", 1)
    return content_type, content


def _octet_string(el: der.Element, what: str) -> bytes:
    return el.expect(der.OCTET_STRING, what).as_bytes()


def _implicit_octets(el: der.Element, what: str) -> bytes:
    """[0] IMPLICIT OCTET STRING: primitive in DER; some writers use the constructed form."""
    if el.tag == 0x80:
        return el.content
    if el.tag == 0xA0:
        return b"".join(_octet_string(k, what) for k in el.children)
    raise el.error(what, f"expected [0], found {el.name}")


def _inner(data: bytes, outer: der.Element, what: str) -> der.Element:
    """Decode DER carried inside an OCTET STRING; offsets in errors point into the outer file."""
    try:
        return der.decode(data, what=what)
    except DecodeError as e:
        raise DecodeError(f"{e} (inside the OCTET STRING at byte {outer.offset})") from e


def _cert_bag_value(el: der.Element, what: str) -> bytes | None:
    """CertBag (RFC 7292 section 4.2.3): the DER of an x509Certificate, None for other types."""
    cert_id, value = el.expect(der.SEQUENCE, what).expect_children(what, 2)
    dotted = cert_id.expect(der.OID, f"{what}.certId").as_oid(f"{what}.certId")
    (inner,) = value.expect(0xA0, f"{what}.certValue").expect_children(f"{what}.certValue", 1)
    if dotted != oids.X509_CERTIFICATE:
        return None  # sdsiCertificate and others: not X.509
    data = _octet_string(inner, f"{what}.certValue")
    _inner(data, inner, f"{what}.certValue").expect(der.SEQUENCE, f"{what}.certValue")
    return data


def _bag_attributes(el: der.Element, what: str) -> tuple[str | None, bytes | None]:
    """friendlyName (BMPString) and localKeyID (OCTET STRING), RFC 7292 4.2 / PKCS#9."""
    friendly_name: str | None = None
    local_key_id: bytes | None = None
    for i, attr in enumerate(el.expect(der.SET, what).children):
        w = f"{what}[{i}]"
        attr_id, values = attr.expect(der.SEQUENCE, w).expect_children(w, 2)
        dotted = attr_id.expect(der.OID, f"{w}.attrId").as_oid(f"{w}.attrId")
        values.expect(der.SET, f"{w}.attrValues")
        if dotted == oids.FRIENDLY_NAME:
            (v,) = values.expect_children(f"{w}.attrValues", 1)
            friendly_name = v.expect(der.BMP_STRING, f"{w}.friendlyName").as_str(
                f"{w}.friendlyName"
            )
        elif dotted == oids.LOCAL_KEY_ID:
            (v,) = values.expect_children(f"{w}.attrValues", 1)
            local_key_id = _octet_string(v, f"{w}.localKeyID")
    return friendly_name, local_key_id

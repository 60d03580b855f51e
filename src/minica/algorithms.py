"""AlgorithmIdentifiers (layer 3): signature algorithms and the SPKI key algorithm.

``SignatureAlgorithm`` is the value behind a certificate's, CSR's or CRL's ``signatureAlgorithm``
field: sha{256,384,512}WithRSAEncryption (RFC 4055 section 5, NULL parameters) or RSASSA-PSS with
explicit parameters (RFC 4055 section 3.1), encoded exactly as OpenSSL 3 writes them; and, to
check what others signed, ecdsa-with-SHA* (RFC 5758 3.2, no parameters).
"""

from __future__ import annotations

from minica import der, oids
from minica._record import record
from minica.errors import DecodeError, InvalidSignature, ValidationError

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:  # keys imports this module; only the type checker needs the reverse
    from minica.keys import Rng, RSAPrivateKey, RSAPublicKey

__all__ = [
    "HASH_OIDS",
    "RSA_ENCRYPTION",
    "SignatureAlgorithm",
    "hash_algorithm_der",
    "rsa_encryption_der",
]

#: Hash name -> OID (RFC 3279, RFC 5758 / NIST).
HASH_OIDS: dict[str, str] = {
    "sha1": oids.SHA1,
    "sha224": oids.SHA224,
    "sha256": oids.SHA256,
    "sha384": oids.SHA384,
    "sha512": oids.SHA512,
}
_HASH_BY_OID = {v: k for k, v in HASH_OIDS.items()}
_HASH_LENGTHS = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}

# PKCS#1 v1.5 signature OIDs (RFC 4055 section 5, RFC 3279 2.2.1).
_PKCS1_OIDS: dict[str, str] = {
    "sha1": oids.SHA1_WITH_RSA,
    "sha224": oids.SHA224_WITH_RSA,
    "sha256": oids.SHA256_WITH_RSA,
    "sha384": oids.SHA384_WITH_RSA,
    "sha512": oids.SHA512_WITH_RSA,
}
_PKCS1_BY_OID = {v: k for k, v in _PKCS1_OIDS.items()}

# ECDSA signature OIDs (RFC 5758 3.2, RFC 3279 2.2.3): verification only.
_ECDSA_OIDS: dict[str, str] = {
    "sha1": oids.ECDSA_WITH_SHA1,
    "sha224": oids.ECDSA_WITH_SHA224,
    "sha256": oids.ECDSA_WITH_SHA256,
    "sha384": oids.ECDSA_WITH_SHA384,
    "sha512": oids.ECDSA_WITH_SHA512,
}
_ECDSA_BY_OID = {v: k for k, v in _ECDSA_OIDS.items()}

#: rsaEncryption, the SPKI / PKCS#8 key algorithm (RFC 8017 appendix A.1).
RSA_ENCRYPTION = oids.RSA_ENCRYPTION

# RFC 4055 section 3.1 defaults: sha1, mgf1 with sha1, salt length 20, trailer field 1.
_PSS_DEFAULT_HASH = "sha1"
_PSS_DEFAULT_SALT = 20


def rsa_encryption_der() -> bytes:
    """The AlgorithmIdentifier {rsaEncryption, NULL} of SPKI and PKCS#8 (RFC 3279 2.3.1)."""
    return _RSA_ENCRYPTION_DER


def hash_algorithm_der(hash: str) -> bytes:
    """A hash AlgorithmIdentifier with NULL parameters, as openssl writes it (RFC 4055 2.1)."""
    return der.sequence(der.oid(HASH_OIDS[hash]), der.null())


_RSA_ENCRYPTION_DER = der.sequence(der.oid(RSA_ENCRYPTION), der.null())


@record
class SignatureAlgorithm:
    """A signature algorithm: RSA PKCS#1 v1.5 or RSASSA-PSS (RFC 4055 sections 3.1 and 5), or
    ECDSA (``ecdsa=True``, RFC 5758 3.2), which minica verifies but does not sign with.

    For PSS, ``salt_length`` defaults to the hash length and ``mgf1_hash`` to ``hash``; both are
    None otherwise. SHA-1 and SHA-224 are accepted for verification of what others signed.
    """

    hash: str = "sha256"
    pss: bool = False
    salt_length: int | None = None
    mgf1_hash: str | None = None
    ecdsa: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.hash, str):
            raise TypeError(f"hash must be a str, got {type(self.hash).__name__}")
        if self.hash not in HASH_OIDS:
            raise ValidationError(
                f"signature algorithm: hash {self.hash!r} is not one of {', '.join(HASH_OIDS)}"
            )
        if self.ecdsa and self.pss:
            raise ValidationError("signature algorithm: ECDSA or RSASSA-PSS, not both")
        if not self.pss:
            if self.salt_length is not None or self.mgf1_hash is not None:
                raise ValidationError(
                    "signature algorithm: salt_length and mgf1_hash apply to RSASSA-PSS only"
                )
            return
        if self.salt_length is None:
            object.__setattr__(self, "salt_length", _HASH_LENGTHS[self.hash])
        if self.mgf1_hash is None:
            object.__setattr__(self, "mgf1_hash", self.hash)
        if not isinstance(self.salt_length, int) or isinstance(self.salt_length, bool):
            raise TypeError("salt_length must be an int")
        if self.salt_length < 0:
            raise ValidationError("signature algorithm: PSS salt length must not be negative")
        if self.mgf1_hash not in HASH_OIDS:
            raise ValidationError(f"signature algorithm: MGF1 hash {self.mgf1_hash!r} unknown")

    @property
    def name(self) -> str:
        """openssl's long name: ``sha256WithRSAEncryption``, ``rsassaPss``, ``ecdsa-with-SHA256``."""
        if self.ecdsa:
            return oids.long_name(_ECDSA_OIDS[self.hash])
        if self.pss:
            return oids.long_name(oids.RSASSA_PSS)
        return oids.long_name(_PKCS1_OIDS[self.hash])

    def to_der(self) -> bytes:
        """The AlgorithmIdentifier DER, byte for byte what OpenSSL 3 writes."""
        if self.ecdsa:
            return der.sequence(der.oid(_ECDSA_OIDS[self.hash]))  # RFC 5758 3.2: no parameters
        if not self.pss:
            return der.sequence(der.oid(_PKCS1_OIDS[self.hash]), der.null())
        # RSASSA-PSS-params (RFC 4055 3.1): DER omits fields equal to their DEFAULT.
        mgf1_hash = self.mgf1_hash or self.hash
        salt_length = _HASH_LENGTHS[self.hash] if self.salt_length is None else self.salt_length
        fields = []
        if self.hash != _PSS_DEFAULT_HASH:
            fields.append(der.explicit(0, hash_algorithm_der(self.hash)))
        if mgf1_hash != _PSS_DEFAULT_HASH:
            mgf = der.sequence(der.oid(oids.MGF1), hash_algorithm_der(mgf1_hash))
            fields.append(der.explicit(1, mgf))
        if salt_length != _PSS_DEFAULT_SALT:
            fields.append(der.explicit(2, der.integer(salt_length)))
        return der.sequence(der.oid(oids.RSASSA_PSS), der.sequence(*fields))

    @classmethod
    def from_der(cls, data: bytes, *, what: str = "signatureAlgorithm") -> SignatureAlgorithm:
        """Parse an AlgorithmIdentifier DER; DecodeError if malformed or not an RSA signature."""
        return cls.from_element(der.decode(data, what=what), what=what)

    @classmethod
    def from_element(
        cls, el: der.Element, *, what: str = "signatureAlgorithm"
    ) -> SignatureAlgorithm:
        """Parse a decoded AlgorithmIdentifier (RFC 5280 4.1.1.2) naming an RSA signature."""
        kids = el.expect(der.SEQUENCE, what).expect_children(what, 1, 2)
        algorithm = kids[0].expect(der.OID, f"{what}.algorithm").as_oid(f"{what}.algorithm")
        params = kids[1] if len(kids) == 2 else None
        hash = _PKCS1_BY_OID.get(algorithm)
        if hash is not None:
            # RFC 4055 section 5: parameters MUST be NULL; accept them absent as well.
            if params is not None:
                params.expect(der.NULL, f"{what}.parameters")
            return cls(hash=hash)
        hash = _ECDSA_BY_OID.get(algorithm)
        if hash is not None:
            if params is not None:
                raise params.error(f"{what}.parameters", "must be absent for ECDSA (RFC 5758 3.2)")
            return cls(hash=hash, ecdsa=True)
        if algorithm == oids.RSASSA_PSS:
            if params is None:
                raise el.error(what, "RSASSA-PSS without parameters")
            return _pss_params(params, f"{what}.parameters")
        name = oids.long_name(algorithm) if oids.info(algorithm) else algorithm
        raise kids[0].error(
            f"{what}.algorithm", f"unsupported signature algorithm {name} ({algorithm})"
        )

    def sign(self, key: RSAPrivateKey, data: bytes, *, rng: Rng | None = None) -> bytes:
        """Sign ``data`` with ``key`` under this algorithm (RFC 8017 section 8)."""
        if self.ecdsa:
            raise ValidationError("signature algorithm: minica signs with RSA keys, not ECDSA")
        if self.mgf1_hash not in (None, self.hash):
            raise ValidationError("signature algorithm: minica signs with MGF1 over the same hash")
        return key.sign(data, self.hash, self.pss, salt_length=self.salt_length, rng=rng)

    def verify(self, public_key: RSAPublicKey, signature: bytes, data: bytes) -> None:
        """Verify ``signature`` over ``data`` with an RSA key; raises InvalidSignature.

        An ECDSA signature needs the signer's EC key: see :meth:`verify_spki`."""
        if self.ecdsa:
            raise InvalidSignature(f"{self.name}: an ECDSA signature needs an EC key, not RSA")
        public_key.verify(
            signature,
            data,
            self.hash,
            self.pss,
            salt_length=self.salt_length,
            mgf1_hash=self.mgf1_hash,
        )

    def verify_spki(
        self,
        spki_der: bytes,
        signature: bytes,
        data: bytes,
        *,
        rsa_key: RSAPublicKey | None = None,
    ) -> None:
        """Verify ``signature`` over ``data`` with the signer's SubjectPublicKeyInfo (RSA or,
        for ECDSA, an EC key on P-256, P-384 or P-521); raises InvalidSignature.

        ``rsa_key`` is the RSA key already parsed from ``spki_der``, when the caller has it."""
        if self.ecdsa:
            from minica import _ec  # only for ECDSA signatures

            _ec.verify(spki_der, signature, data, self.hash)
            return
        if rsa_key is None:
            from minica.keys import RSAPublicKey

            try:
                rsa_key = RSAPublicKey.from_spki_element(der.decode(spki_der, what="signer key"))
            except (DecodeError, ValidationError) as e:
                raise InvalidSignature(f"{self.name}: the signer's key is not RSA ({e})") from None
        self.verify(rsa_key, signature, data)


def _hash_algorithm(el: der.Element, what: str) -> str:
    """A hash AlgorithmIdentifier; NULL or absent parameters (RFC 4055 2.1)."""
    kids = el.expect(der.SEQUENCE, what).expect_children(what, 1, 2)
    dotted = kids[0].expect(der.OID, f"{what}.algorithm").as_oid(f"{what}.algorithm")
    if len(kids) == 2:
        kids[1].expect(der.NULL, f"{what}.parameters").as_null(f"{what}.parameters")
    hash = _HASH_BY_OID.get(dotted)
    if hash is None:
        raise kids[0].error(f"{what}.algorithm", f"unsupported hash {dotted}")
    return hash


def _pss_params(el: der.Element, what: str) -> SignatureAlgorithm:
    """RSASSA-PSS-params (RFC 4055 section 3.1), each field optional, in tag order."""
    hash = mgf1_hash = _PSS_DEFAULT_HASH
    salt_length = _PSS_DEFAULT_SALT
    last = -1
    for field in el.expect(der.SEQUENCE, what).children:
        number = field.number
        if field.tag_class != 0x80 or not field.constructed or number > 3 or number <= last:
            raise field.error(what, f"unexpected {field.name}")
        last = number
        (inner,) = field.expect_children(f"{what}.[{number}]", 1)
        if number == 0:
            hash = _hash_algorithm(inner, f"{what}.hashAlgorithm")
        elif number == 1:
            w = f"{what}.maskGenAlgorithm"
            kids = inner.expect(der.SEQUENCE, w).expect_children(w, 2)
            mgf = kids[0].expect(der.OID, f"{w}.algorithm").as_oid(f"{w}.algorithm")
            if mgf != oids.MGF1:
                raise kids[0].error(f"{w}.algorithm", f"unsupported mask generation {mgf}")
            mgf1_hash = _hash_algorithm(kids[1], f"{w}.parameters")
        elif number == 2:
            salt_length = inner.expect(der.INTEGER, f"{what}.saltLength").as_int()
            if not 0 <= salt_length <= 1 << 16:
                raise inner.error(f"{what}.saltLength", f"{salt_length} is out of range")
        else:
            trailer = inner.expect(der.INTEGER, f"{what}.trailerField").as_int()
            if trailer != 1:
                # RFC 4055 3.1: trailerFieldBC (1) is the only value defined.
                raise inner.error(f"{what}.trailerField", f"{trailer} is not 1 (trailerFieldBC)")
    try:
        return SignatureAlgorithm(hash=hash, pss=True, salt_length=salt_length, mgf1_hash=mgf1_hash)
    except ValidationError as e:  # pragma: no cover - every field was checked above
        raise DecodeError(f"{what}: {e} at byte {el.offset}") from e

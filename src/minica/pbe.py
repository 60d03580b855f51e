"""Password-based encryption: PBKDF2 and PBES2 (RFC 8018) and the PKCS#12 KDF (RFC 7292 B.2).

minica encrypts and decrypts with PBES2 = PBKDF2 (HMAC-SHA1/224/256/384/512) + AES-CBC only,
which is what OpenSSL 3 writes by default for PKCS#8 keys and PKCS#12 files. The legacy schemes
(PBES1, the PKCS#12 3DES/RC2/RC4 PBEs, DES, RC2, scrypt) are recognised and refused with a
PassphraseError that says how to convert the file with openssl.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from minica import _aes, der, oids
from minica._record import record
from minica.errors import DecodeError, PassphraseError, ValidationError

__all__ = [
    "DEFAULT_ITERATIONS",
    "ID_IV",
    "ID_KEY",
    "ID_MAC",
    "MAX_ITERATIONS",
    "PBES2Params",
    "bmp_password",
    "decrypt",
    "encrypt",
    "pbkdf2",
    "pkcs12_kdf",
]

#: PBKDF2-HMAC-SHA256 iterations for new encryptions (OWASP Password Storage Cheat Sheet, 2023).
DEFAULT_ITERATIONS = 600_000
#: Largest iteration count minica will run for a file it reads; a hostile file could otherwise
#: ask for hours of hashing. openssl never writes more than a few million.
MAX_ITERATIONS = 10_000_000

# Derived keys are a few dozen bytes; refuse silly requests rather than hash for minutes.
_MAX_LENGTH = 1 << 16

#: RFC 7292 B.3 diversifier IDs for :func:`pkcs12_kdf`.
ID_KEY, ID_IV, ID_MAC = 1, 2, 3

_HASHES = frozenset({"sha1", "sha224", "sha256", "sha384", "sha512"})

_PRF_OIDS = {
    "sha1": oids.HMAC_SHA1,  # the DEFAULT prf, RFC 8018 A.2
    "sha224": oids.HMAC_SHA224,
    "sha256": oids.HMAC_SHA256,
    "sha384": oids.HMAC_SHA384,
    "sha512": oids.HMAC_SHA512,
}
_PRF_BY_OID = {v: k for k, v in _PRF_OIDS.items()}
_CIPHER_OIDS = {
    "aes-128-cbc": oids.AES_128_CBC,
    "aes-192-cbc": oids.AES_192_CBC,
    "aes-256-cbc": oids.AES_256_CBC,
}
_CIPHER_BY_OID = {v: k for k, v in _CIPHER_OIDS.items()}
_KEY_SIZES = {"aes-128-cbc": 16, "aes-192-cbc": 24, "aes-256-cbc": 32}

# Schemes, KDFs, PRFs and ciphers that turn up in old files, named so the refusal is readable.
_UNSUPPORTED = {
    "1.2.840.113549.1.5.1": "PBES1 pbeWithMD2AndDES-CBC",
    "1.2.840.113549.1.5.3": "PBES1 pbeWithMD5AndDES-CBC",
    "1.2.840.113549.1.5.4": "PBES1 pbeWithMD2AndRC2-CBC",
    "1.2.840.113549.1.5.6": "PBES1 pbeWithMD5AndRC2-CBC",
    "1.2.840.113549.1.5.10": "PBES1 pbeWithSHA1AndDES-CBC",
    "1.2.840.113549.1.5.11": "PBES1 pbeWithSHA1AndRC2-CBC",
    "1.2.840.113549.1.12.1.1": "PKCS#12 pbeWithSHAAnd128BitRC4",
    "1.2.840.113549.1.12.1.2": "PKCS#12 pbeWithSHAAnd40BitRC4",
    "1.2.840.113549.1.12.1.3": "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC",
    "1.2.840.113549.1.12.1.4": "PKCS#12 pbeWithSHAAnd2-KeyTripleDES-CBC",
    "1.2.840.113549.1.12.1.5": "PKCS#12 pbeWithSHAAnd128BitRC2-CBC",
    "1.2.840.113549.1.12.1.6": "PKCS#12 pbewithSHAAnd40BitRC2-CBC",
    "1.3.6.1.4.1.11591.4.11": "scrypt",
    "1.2.840.113549.2.5": "hmacWithMD5",
    "1.2.840.113549.2.12": "hmacWithSHA512-224",
    "1.2.840.113549.2.13": "hmacWithSHA512-256",
    "1.2.840.113549.3.2": "rc2-cbc",
    "1.2.840.113549.3.7": "des-ede3-cbc",
    "1.2.840.113549.3.9": "rc5-cbc-pad",
    "1.3.14.3.2.7": "des-cbc",
    "2.16.840.1.101.3.4.1.6": "aes-128-gcm",
    "2.16.840.1.101.3.4.1.26": "aes-192-gcm",
    "2.16.840.1.101.3.4.1.46": "aes-256-gcm",
    "1.2.156.10197.1.104.2": "sm4-cbc",
}
_CONVERT = (
    "minica reads PBES2 with PBKDF2 and AES-CBC only; convert a private key with "
    "`openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out new.pem`, or a PKCS#12 file with "
    "`openssl pkcs12 -legacy -in old.p12 -nodes | openssl pkcs12 -export -out new.p12` "
    "(without -legacy on the export)"
)


def _unsupported(what: str, kind: str, dotted: str) -> PassphraseError:
    name = _UNSUPPORTED.get(dotted) or (oids.long_name(dotted) if oids.info(dotted) else None)
    label = f"{name} ({dotted})" if name else dotted
    return PassphraseError(f"{what}: unsupported {kind} {label}; {_CONVERT}")


def _check_bytes(what: str, value: object) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{what} must be bytes, not {type(value).__name__}")
    return bytes(value)


def _check_hash(hash_name: str) -> str:
    if not isinstance(hash_name, str):
        raise TypeError(f"hash name must be str, not {type(hash_name).__name__}")
    name = hash_name.lower().replace("-", "")
    if name not in _HASHES:
        raise ValidationError(f"hash {hash_name!r}: not one of {', '.join(sorted(_HASHES))}")
    return name


def _check_count(what: str, value: int, high: int = MAX_ITERATIONS) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be int, not {type(value).__name__}")
    if not 1 <= value <= high:
        raise ValidationError(f"{what}: {value} is outside 1..{high}")


# ---------------------------------------------------------------------------------------------
# Key derivation


def pbkdf2(hash_name: str, password: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    """PBKDF2 with HMAC-``hash_name`` as the PRF, RFC 8018 section 5.2."""
    name = _check_hash(hash_name)
    password = _check_bytes("password", password)
    salt = _check_bytes("salt", salt)
    _check_count("PBKDF2 iterations", iterations)
    _check_count("PBKDF2 length", length, _MAX_LENGTH)
    return hashlib.pbkdf2_hmac(name, password, salt, iterations, length)


def bmp_password(passphrase: str) -> bytes:
    """A passphrase as RFC 7292 B.1 wants it for the PKCS#12 KDF: BMPString plus two zero bytes.

    Characters beyond the BMP become UTF-16 surrogate pairs, as OpenSSL does; "" gives b"\\0\\0".
    """
    if not isinstance(passphrase, str):
        raise TypeError(f"passphrase must be str, not {type(passphrase).__name__}")
    try:
        return passphrase.encode("utf-16-be") + b"\0\0"
    except UnicodeEncodeError as e:
        raise ValidationError(f"passphrase: cannot encode as UTF-16 ({e.reason})") from e


def pkcs12_kdf(
    hash_name: str, password: bytes, salt: bytes, id: int, iterations: int, length: int
) -> bytes:
    """The PKCS#12 key derivation function, RFC 7292 appendix B.2.

    ``password`` is already formatted (see :func:`bmp_password`); ``id`` is ID_KEY (1), ID_IV (2)
    or ID_MAC (3).
    """
    name = _check_hash(hash_name)
    password = _check_bytes("password", password)
    salt = _check_bytes("salt", salt)
    if id not in (ID_KEY, ID_IV, ID_MAC):
        raise ValidationError(f"PKCS#12 KDF id: {id!r} is not 1 (key), 2 (IV) or 3 (MAC)")
    _check_count("PKCS#12 KDF iterations", iterations)
    _check_count("PKCS#12 KDF length", length, _MAX_LENGTH)
    new = getattr(hashlib, name)
    u = new().digest_size
    v = new().block_size
    # Steps 1-4: D = ID repeated; I = S || P, each repeated to a whole number of v-byte blocks.
    d = bytes((id,)) * v
    s = _repeat_to_blocks(salt, v)
    p = _repeat_to_blocks(password, v)
    i = s + p
    out = bytearray()
    modulus = 1 << (8 * v)
    while True:
        # Step 6a: A = H^r(D || I).
        a = new(d + i).digest()
        for _ in range(iterations - 1):
            a = new(a).digest()
        out += a
        if len(out) >= length:
            return bytes(out[:length])
        # Steps 6b-6c: B = A repeated to v bytes; each v-byte block I_j = (I_j + B + 1) mod 2^8v.
        b = int.from_bytes((a * (v // u + 1))[:v], "big") + 1
        i = b"".join(
            ((int.from_bytes(i[j : j + v], "big") + b) % modulus).to_bytes(v, "big")
            for j in range(0, len(i), v)
        )


def _repeat_to_blocks(data: bytes, v: int) -> bytes:
    """``data`` repeated and cut to v * ceil(len/v) bytes (RFC 7292 B.2 steps 2-3)."""
    if not data:
        return b""
    n = -(-len(data) // v) * v
    return (data * (n // len(data) + 1))[:n]


# ---------------------------------------------------------------------------------------------
# PBES2


@record
class PBES2Params:
    """PBES2 parameters with PBKDF2 and AES-CBC, RFC 8018 section 6.2 and appendix A.4.

    ``prf`` is the PBKDF2 PRF's hash ("sha1" ... "sha512"); ``key_length`` is kept as read (it
    must equal the cipher's key size when present; openssl omits it for AES).
    """

    salt: bytes
    iterations: int
    key_length: int | None = None
    prf: str = "sha256"
    cipher: str = "aes-256-cbc"
    iv: bytes

    def __post_init__(self) -> None:
        # Keep immutable bytes even when handed a bytearray or memoryview.
        object.__setattr__(self, "salt", _check_bytes("PBES2 salt", self.salt))
        object.__setattr__(self, "iv", _check_bytes("PBES2 IV", self.iv))
        _check_count("PBES2 iterations", self.iterations)
        if self.prf not in _PRF_OIDS:
            raise ValidationError(f"PBES2 prf: {self.prf!r} is not one of {', '.join(_PRF_OIDS)}")
        if self.cipher not in _KEY_SIZES:
            raise ValidationError(
                f"PBES2 cipher: {self.cipher!r} is not one of {', '.join(_KEY_SIZES)}"
            )
        if self.key_length is not None and self.key_length != _KEY_SIZES[self.cipher]:
            raise ValidationError(
                f"PBES2 keyLength: {self.key_length} does not match {self.cipher}"
            )
        if len(self.iv) != _aes.BLOCK_SIZE:
            raise ValidationError(f"PBES2 IV: length {len(self.iv)} is not 16 bytes")

    @classmethod
    def generate(
        cls,
        rng: Callable[[int], bytes],
        *,
        iterations: int = DEFAULT_ITERATIONS,
        prf: str = "sha256",
        cipher: str = "aes-256-cbc",
        salt_length: int = 16,
    ) -> PBES2Params:
        """Fresh parameters with salt and IV from ``rng`` (e.g. ``os.urandom``), RFC 8018 4.1."""
        return cls(salt=rng(salt_length), iterations=iterations, prf=prf, cipher=cipher, iv=rng(16))

    @property
    def key_size(self) -> int:
        """The AES key size in bytes."""
        return _KEY_SIZES[self.cipher]

    def to_der(self) -> bytes:
        """The AlgorithmIdentifier ``{id-PBES2, PBES2-params}`` as openssl writes it (RFC 8018 A.4)."""
        kdf_params = [der.octet_string(self.salt), der.integer(self.iterations)]
        if self.key_length is not None:
            kdf_params.append(der.integer(self.key_length))
        # DER omits a DEFAULT value: hmacWithSHA1 is the prf default (RFC 8018 A.2).
        if self.prf != "sha1":
            kdf_params.append(der.sequence(der.oid(_PRF_OIDS[self.prf]), der.null()))
        return der.sequence(
            der.oid(oids.PBES2),
            der.sequence(
                der.sequence(der.oid(oids.PBKDF2), der.sequence(*kdf_params)),
                der.sequence(der.oid(_CIPHER_OIDS[self.cipher]), der.octet_string(self.iv)),
            ),
        )

    @classmethod
    def from_der(cls, data: bytes, *, what: str = "encryptionAlgorithm") -> PBES2Params:
        """Parse a DER AlgorithmIdentifier that must be PBES2 with PBKDF2 and AES-CBC."""
        return cls.from_element(der.decode(data, what=what), what=what)

    @classmethod
    def from_element(cls, el: der.Element, *, what: str = "encryptionAlgorithm") -> PBES2Params:
        """Parse a decoded AlgorithmIdentifier (see :meth:`from_der`).

        Raises:
            DecodeError: the structure is malformed.
            PassphraseError: a well-formed but unsupported scheme, KDF, PRF or cipher.
        """
        algorithm, params = _algorithm_identifier(el, what)
        if algorithm != oids.PBES2:
            raise _unsupported(what, "encryption scheme", algorithm)
        if params is None:
            raise el.error(what, "PBES2 without parameters")
        # PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }
        p = f"{what}.parameters"
        kdf_el, enc_el = params.expect(der.SEQUENCE, p).expect_children(p, 2)
        kdf, kdf_params = _algorithm_identifier(kdf_el, f"{p}.keyDerivationFunc")
        if kdf != oids.PBKDF2:
            raise _unsupported(p, "key derivation function", kdf)
        salt, iterations, key_length, prf = _pbkdf2_params(
            kdf_params, kdf_el, f"{p}.keyDerivationFunc.parameters"
        )
        w = f"{p}.encryptionScheme"
        cipher_oid, iv_el = _algorithm_identifier(enc_el, w)
        cipher = _CIPHER_BY_OID.get(cipher_oid)
        if cipher is None:
            raise _unsupported(w, "cipher", cipher_oid)
        if iv_el is None:
            raise enc_el.error(w, f"{cipher} without an IV")
        iv = iv_el.expect(der.OCTET_STRING, f"{w}.iv").as_bytes()
        if len(iv) != _aes.BLOCK_SIZE:
            raise iv_el.error(f"{w}.iv", f"length {len(iv)} is not 16 bytes")
        if key_length is not None and key_length != _KEY_SIZES[cipher]:
            raise kdf_el.error(
                f"{p}.keyDerivationFunc.parameters.keyLength",
                f"{key_length} does not match {cipher}",
            )
        return cls(
            salt=salt, iterations=iterations, key_length=key_length, prf=prf, cipher=cipher, iv=iv
        )


def _algorithm_identifier(el: der.Element, what: str) -> tuple[str, der.Element | None]:
    """AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } (RFC 5280)."""
    kids = el.expect(der.SEQUENCE, what).expect_children(what, 1, 2)
    algorithm = kids[0].expect(der.OID, f"{what}.algorithm").as_oid(f"{what}.algorithm")
    return algorithm, kids[1] if len(kids) == 2 else None


def _pbkdf2_params(
    params: der.Element | None, parent: der.Element, what: str
) -> tuple[bytes, int, int | None, str]:
    """PBKDF2-params (RFC 8018 A.2): salt, iterationCount, keyLength OPTIONAL, prf DEFAULT."""
    if params is None:
        raise parent.error(what, "PBKDF2 without parameters")
    kids = params.expect(der.SEQUENCE, what).expect_children(what, 2, 4)
    salt_el, count_el, *rest = kids
    if salt_el.tag == der.SEQUENCE:
        raise PassphraseError(
            f"{what}.salt: PBKDF2 otherSource salt is not supported at byte {salt_el.offset}"
        )
    salt = salt_el.expect(der.OCTET_STRING, f"{what}.salt").as_bytes()
    iterations = count_el.expect(der.INTEGER, f"{what}.iterationCount").as_int()
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise count_el.error(
            f"{what}.iterationCount", f"{iterations} is outside 1..{MAX_ITERATIONS}"
        )
    key_length: int | None = None
    if rest and rest[0].tag == der.INTEGER:
        key_el = rest.pop(0)
        key_length = key_el.as_int()
        if key_length < 1:
            raise key_el.error(f"{what}.keyLength", f"{key_length} is not positive")
    prf = "sha1"
    if rest:
        prf_el = rest.pop(0)
        prf_oid, prf_params = _algorithm_identifier(prf_el, f"{what}.prf")
        found = _PRF_BY_OID.get(prf_oid)
        if found is None:
            raise _unsupported(f"{what}.prf", "PRF", prf_oid)
        # openssl writes NULL parameters; RFC 8018 A.2 says NULL too, absent is seen in the wild.
        if prf_params is not None:
            prf_params.expect(der.NULL, f"{what}.prf.parameters")
        prf = found
    if rest:
        raise rest[0].error(what, f"unexpected {rest[0].name}")
    return salt, iterations, key_length, prf


def _derive_key(params: PBES2Params, passphrase: bytes) -> bytes:
    if not isinstance(params, PBES2Params):
        raise TypeError(f"params must be PBES2Params, not {type(params).__name__}")
    passphrase = _check_bytes("passphrase", passphrase)
    return pbkdf2(params.prf, passphrase, params.salt, params.iterations, params.key_size)


def encrypt(params: PBES2Params, passphrase: bytes, data: bytes) -> bytes:
    """PBES2 encryption (RFC 8018 6.2.1): PBKDF2 key, then AES-CBC with PKCS#7 padding."""
    return _aes.cbc_encrypt(_derive_key(params, passphrase), params.iv, data)


def decrypt(params: PBES2Params, passphrase: bytes, data: bytes) -> bytes:
    """PBES2 decryption (RFC 8018 6.2.2).

    Raises:
        PassphraseError: the padding is wrong, which almost always means a wrong passphrase.
        DecodeError: the ciphertext is not a whole number of AES blocks.
    """
    key = _derive_key(params, passphrase)
    data = _check_bytes("PBES2 ciphertext", data)
    if not data or len(data) % _aes.BLOCK_SIZE:
        raise DecodeError(f"PBES2 ciphertext: length {len(data)} is not a positive multiple of 16")
    try:
        return _aes.cbc_decrypt(key, params.iv, data)
    except DecodeError as e:
        raise PassphraseError(
            f"PBES2 {params.cipher} decryption: bad padding (wrong passphrase?)"
        ) from e

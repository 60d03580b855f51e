"""RSA keys (layer 3): generation, signing, verification, and the PKCS#1/PKCS#8/SPKI encodings.

Key generation follows FIPS 186-5 appendix A.1.3 in spirit (random probable primes with the top
two bits set, Miller-Rabin round counts from table B.1) with an incremental sieve over small
primes, so that a pure-Python RSA-2048 key takes a fraction of a second. Signing is RFC 8017
RSASP1 by CRT with blinding, checked with the public exponent before the signature is returned;
verification re-encodes the expected message and compares in constant time.

Randomness: the core is sans-I/O, with one standard exception. Key generation, blinding and PSS
salts need secret randomness; every function that uses it takes ``rng`` (a callable ``n ->
bytes``) and defaults to :func:`os.urandom`. Tests pass a seeded ``rng``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import math
import os
from collections.abc import Callable

import minica.pem as pem  # `from minica import pem` resolves to Any in mypy (package __getattr__)
from minica import algorithms, der, oids
from minica._record import record
from minica.errors import DecodeError, InvalidSignature, PassphraseError, ValidationError

# rsa (the package), pbe and _aes load where they are used: most commands never need them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import rsa


__all__ = [
    "PUBLIC_EXPONENT",
    "RSAPrivateKey",
    "RSAPublicKey",
    "Rng",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "save_private_key",
]

Rng = Callable[[int], bytes]

PUBLIC_EXPONENT = 65537

# ---------------------------------------------------------------------------------------------
# Randomness helpers


def _rng(rng: Rng | None) -> Rng:
    return os.urandom if rng is None else rng


def _random_bits(rng: Rng, bits: int) -> int:
    """A uniform integer in [0, 2**bits) from ``rng``."""
    nbytes = (bits + 7) // 8
    data = rng(nbytes)
    if not isinstance(data, bytes) or len(data) != nbytes:
        raise TypeError(f"rng({nbytes}) must return {nbytes} bytes")
    return int.from_bytes(data, "big") >> (nbytes * 8 - bits)


def _random_below(rng: Rng, limit: int) -> int:
    """A uniform integer in [0, limit) by rejection sampling."""
    bits = limit.bit_length()
    while True:
        value = _random_bits(rng, bits)
        if value < limit:
            return value


# ---------------------------------------------------------------------------------------------
# Prime generation

# Sieve bound by prime size. Measured on CPython 3.11: every sieve survivor costs one modular
# exponentiation (~2.7 ms at 1024 bits, ~7.5 ms at 1536, ~17 ms at 2048), while sieving a window
# costs ~0.28 us per small prime. The sum is flat and lowest around these bounds.
_SIEVE_BOUND = {1024: 1 << 18, 1536: 1 << 20, 2048: 1 << 20}
# Odd candidates per sieved window: a 1024-bit window this wide holds a prime with probability
# ~1 - exp(-2048/355) > 99.6%, and a larger window costs almost nothing more to sieve.
_WINDOW = 2048


@functools.cache
def _small_primes(limit: int) -> tuple[tuple[int, int], ...]:
    """Odd primes below ``limit`` paired with the inverse of 2 modulo each, for the sieve."""
    half = limit // 2
    odd = bytearray([1]) * half  # odd[i] stands for 2*i + 1
    odd[0] = 0
    for i in range(1, (math.isqrt(limit) + 1) // 2 + 1):
        if odd[i]:
            p = 2 * i + 1
            start = p * p // 2
            odd[start::p] = bytes(len(range(start, half, p)))
    return tuple((2 * i + 1, i + 1) for i, flag in enumerate(odd) if flag)


def _sieve(base: int, width: int, primes: tuple[tuple[int, int], ...]) -> bytearray:
    """Flags for base, base+2, ..., base+2*(width-1): 0 where a small prime divides it."""
    flags = bytearray([1]) * width
    for p, half_inverse in primes:
        # base + 2i == 0 (mod p)  <=>  i == -base * 2^-1 (mod p); (p+1)/2 is 2^-1 mod p.
        i = (p - base % p) * half_inverse % p
        if i < width:
            if p < width:
                flags[i::p] = bytes((width - 1 - i) // p + 1)
            else:
                flags[i] = 0
    return flags


def _miller_rabin_rounds(bits: int) -> int:
    """Rounds with random bases, FIPS 186-5 table B.1, column for the key's security strength.

    p, q of 1024 bits (RSA-2048, 112-bit strength): 5 rounds for error <= 2^-112; 1536 bits
    (RSA-3072): 4 for 2^-128; 2048 bits (RSA-4096): 4 for 2^-144.
    """
    return 5 if bits < 1536 else 4


def _strong_probable_prime(w: int, base: int, d: int, s: int) -> bool:
    """One Miller-Rabin round (FIPS 186-5 B.3.1) for w - 1 = d * 2**s."""
    x = pow(base, d, w)
    if x == 1 or x == w - 1:
        return True
    for _ in range(s - 1):
        x = x * x % w
        if x == w - 1:
            return True
    return False


def _is_probable_prime(w: int, rounds: int, rng: Rng) -> bool:
    """Miller-Rabin: a cheap base-2 round first (rejects almost every composite that survives the
    sieve), then ``rounds`` rounds with uniformly random bases in [2, w-2] as FIPS 186-5 asks."""
    d = w - 1
    s = (d & -d).bit_length() - 1
    d >>= s
    if not _strong_probable_prime(w, 2, d, s):
        return False
    return all(
        _strong_probable_prime(w, 2 + _random_below(rng, w - 3), d, s) for _ in range(rounds)
    )


def _random_prime(bits: int, e: int, rng: Rng) -> int:
    """A random probable prime of exactly ``bits`` bits, top two bits set, gcd(e, p-1) = 1."""
    bound = _SIEVE_BOUND.get(bits, 1 << 20)
    primes = _small_primes(bound)
    rounds = _miller_rabin_rounds(bits)
    top = 1 << bits
    while True:
        # Top two bits set: p >= 1.5 * 2^(bits-1) > sqrt(2) * 2^(bits-1) (FIPS 186-5 A.1.3
        # step 4.4), so p*q has exactly 2*bits bits.
        base = _random_bits(rng, bits) | (3 << (bits - 2)) | 1
        if base + 2 * _WINDOW >= top:
            continue
        flags = _sieve(base, _WINDOW, primes)
        i = flags.find(1)
        while i >= 0:
            candidate = base + 2 * i
            if math.gcd(e, candidate - 1) == 1 and _is_probable_prime(candidate, rounds, rng):
                return candidate
            i = flags.find(1, i + 1)


def _private_key_from_primes(p: int, q: int, e: int) -> RSAPrivateKey:
    if p < q:
        p, q = q, p  # openssl writes p > q; qInv = q^-1 mod p either way
    lam = math.lcm(p - 1, q - 1)
    # d modulo lcm(p-1, q-1) (FIPS 186-5 A.1.1, what openssl 3 writes), not modulo phi(n).
    d = pow(e, -1, lam)
    return RSAPrivateKey(
        n=p * q,
        e=e,
        d=d,
        p=p,
        q=q,
        dp=d % (p - 1),
        dq=d % (q - 1),
        qinv=pow(q, -1, p),
    )


def generate_private_key(bits: int = 2048, *, rng: Rng | None = None) -> RSAPrivateKey:
    """A new RSA key with e = 65537 (FIPS 186-5 A.1.3 probable primes, RFC 8017 section 3.2).

    ``bits`` is 2048, 3072, 4096 or another multiple of 8 up to 16384; below 2048 is refused.
    ``rng`` (``n -> bytes``) defaults to :func:`os.urandom`.
    """
    if not isinstance(bits, int) or isinstance(bits, bool):
        raise TypeError(f"bits must be an int, got {type(bits).__name__}")
    if bits < 2048 or bits > 16384 or bits % 8:
        raise ValidationError(f"RSA key size: {bits} bits is not supported; use 2048, 3072 or 4096")
    random = _rng(rng)
    half = bits // 2
    e = PUBLIC_EXPONENT
    p = _random_prime(half, e, random)
    while True:
        q = _random_prime(half, e, random)
        # FIPS 186-5 A.1.3 step 5.4: |p - q| > 2^(nlen/2 - 100).
        if abs(p - q) > 1 << (half - 100):
            key = _private_key_from_primes(p, q, e)
            # FIPS 186-5 A.1.1: d > 2^(nlen/2); a smaller d is astronomically unlikely.
            if key.d > 1 << half:
                return key


# ---------------------------------------------------------------------------------------------
# Hashes and encodings (RFC 8017 section 9)

_HASHES: dict[str, int] = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}
_SIGNING_HASHES = frozenset({"sha256", "sha384", "sha512"})


def _digest_info_prefix(hash: str) -> bytes:
    """DigestInfo DER up to the digest octets (RFC 8017 section 9.2, note 1 lists the results)."""
    size = _HASHES[hash]
    full = der.sequence(algorithms.hash_algorithm_der(hash), der.octet_string(bytes(size)))
    return full[:-size]


_DIGEST_INFO_PREFIX: dict[str, bytes] = {name: _digest_info_prefix(name) for name in _HASHES}


def _check_hash(hash: str, *, signing: bool) -> str:
    if not isinstance(hash, str):
        raise TypeError(f"hash must be a str, got {type(hash).__name__}")
    name = hash.lower().replace("-", "")
    allowed = _SIGNING_HASHES if signing else _HASHES.keys()
    if name not in allowed:
        verb = "signing" if signing else "verification"
        raise ValidationError(
            f"RSA {verb}: hash {hash!r} is not supported; use one of {', '.join(sorted(allowed))}"
        )
    return name


def _digest(hash: str, data: bytes) -> bytes:
    return hashlib.new(hash, data).digest()


def _emsa_pkcs1_v15(hash: str, digest: bytes, em_len: int) -> bytes:
    """EMSA-PKCS1-v1_5 (RFC 8017 section 9.2): 00 01 FF..FF 00 || DigestInfo."""
    t = _DIGEST_INFO_PREFIX[hash] + digest
    if em_len < len(t) + 11:
        raise ValidationError(f"RSA PKCS#1 v1.5: key too small for {hash}")
    return b"\x00\x01" + b"\xff" * (em_len - len(t) - 3) + b"\x00" + t


def _mgf1(hash: str, seed: bytes, length: int) -> bytes:
    """MGF1 (RFC 8017 appendix B.2.1)."""
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.new(hash, seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:length])


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def _emsa_pss_encode(hash: str, m_hash: bytes, em_bits: int, salt: bytes) -> bytes:
    """EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) with MGF1 over the same hash."""
    h_len = len(m_hash)
    em_len = (em_bits + 7) // 8
    if em_len < h_len + len(salt) + 2:
        raise ValidationError(f"RSA-PSS: salt of {len(salt)} bytes too long for this key")
    h = hashlib.new(hash, b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - h_len - 2) + b"\x01" + salt
    masked = bytearray(_xor(db, _mgf1(hash, h, em_len - h_len - 1)))
    masked[0] &= 0xFF >> (8 * em_len - em_bits)
    return bytes(masked) + h + b"\xbc"


def _emsa_pss_verify(
    hash: str, mgf1_hash: str, m_hash: bytes, em: bytes, em_bits: int, salt_length: int | None
) -> bool:
    """EMSA-PSS-VERIFY (RFC 8017 section 9.1.2); ``salt_length`` None recovers it from DB."""
    h_len = len(m_hash)
    em_len = (em_bits + 7) // 8
    if len(em) != em_len or em_len < h_len + 2 or em[-1] != 0xBC:
        return False
    if salt_length is not None and em_len < h_len + salt_length + 2:
        return False
    masked, h = em[: em_len - h_len - 1], em[em_len - h_len - 1 : -1]
    top_mask = (0xFF << (8 - (8 * em_len - em_bits))) & 0xFF
    if masked[0] & top_mask:
        return False
    db = bytearray(_xor(masked, _mgf1(mgf1_hash, h, len(masked))))
    db[0] &= 0xFF >> (8 * em_len - em_bits)
    if salt_length is None:
        ps_len = len(db) - len(db.lstrip(b"\x00"))
    else:
        ps_len = em_len - h_len - salt_length - 2
    if ps_len >= len(db) or any(db[:ps_len]) or db[ps_len] != 0x01:
        return False
    salt = bytes(db[ps_len + 1 :])
    expected = hashlib.new(hash, b"\x00" * 8 + m_hash + salt).digest()
    return hmac.compare_digest(expected, h)


# ---------------------------------------------------------------------------------------------
# Key objects


@record(repr=False)
class RSAPublicKey:
    """An RSA public key (n, e), RFC 8017 section 3.1."""

    n: int
    e: int

    def __post_init__(self) -> None:
        for field in ("n", "e"):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"RSAPublicKey.{field} must be an int")
        if self.n < 3 or self.n % 2 == 0:
            raise ValidationError("RSA public key: modulus must be odd and > 2")
        if not 3 <= self.e < self.n or self.e % 2 == 0:
            raise ValidationError("RSA public key: exponent must be odd, >= 3 and < n")

    @property
    def size(self) -> int:
        """The modulus size in bits."""
        return self.n.bit_length()

    def to_rsa(self) -> rsa.PublicKey:
        """The same key as an ``rsa`` package object."""
        import rsa

        return rsa.PublicKey(self.n, self.e)

    @classmethod
    def from_rsa(cls, key: rsa.PublicKey) -> RSAPublicKey:
        """A minica public key from an ``rsa.PublicKey``."""
        import rsa

        if not isinstance(key, rsa.PublicKey):
            raise TypeError(f"expected rsa.PublicKey, got {type(key).__name__}")
        return cls(n=int(key.n), e=int(key.e))

    # -- encodings ----------------------------------------------------------------------------
    def pkcs1_der(self) -> bytes:
        """RSAPublicKey ::= SEQUENCE { modulus, publicExponent } (RFC 8017 appendix A.1.1)."""
        return der.sequence(der.integer(self.n), der.integer(self.e))

    def spki_der(self) -> bytes:
        """SubjectPublicKeyInfo {rsaEncryption NULL, BIT STRING RSAPublicKey} (RFC 5280 4.1)."""
        return der.sequence(algorithms.rsa_encryption_der(), der.bit_string(self.pkcs1_der()))

    def to_der(self, format: str = "spki") -> bytes:
        """DER: ``"spki"`` (PUBLIC KEY, the default) or ``"pkcs1"`` (RSA PUBLIC KEY)."""
        if format == "spki":
            return self.spki_der()
        if format == "pkcs1":
            return self.pkcs1_der()
        raise ValidationError(f"public key format: {format!r} is not 'spki' or 'pkcs1'")

    def to_pem(self, format: str = "spki") -> str:
        """PEM ``PUBLIC KEY`` (SPKI, RFC 7468 section 13) or ``RSA PUBLIC KEY`` (PKCS#1)."""
        label = "PUBLIC KEY" if format == "spki" else "RSA PUBLIC KEY"
        return pem.encode(self.to_der(format), label)

    def key_id(self) -> bytes:
        """SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1).

        This is what openssl puts in subjectKeyIdentifier = hash.
        """
        return hashlib.sha1(self.pkcs1_der()).digest()

    def fingerprint(self, hash: str = "sha256") -> bytes:
        """The digest of the DER SubjectPublicKeyInfo (as in RFC 7469 pins)."""
        if not isinstance(hash, str):
            raise TypeError(f"hash must be a str, got {type(hash).__name__}")
        if hash not in _HASHES:
            raise ValidationError(f"fingerprint: hash {hash!r} is not one of {', '.join(_HASHES)}")
        return hashlib.new(hash, self.spki_der()).digest()

    @classmethod
    def from_der(cls, data: bytes) -> RSAPublicKey:
        """Parse DER SubjectPublicKeyInfo or PKCS#1 RSAPublicKey."""
        return _public_key_from_der(_as_bytes(data), "public key")

    @classmethod
    def from_spki_element(
        cls, el: der.Element, *, what: str = "subjectPublicKeyInfo"
    ) -> RSAPublicKey:
        """Parse a decoded SubjectPublicKeyInfo (RFC 5280 4.1.2.7) holding an RSA key."""
        return _public_key_from_spki(el, what)

    def __repr__(self) -> str:
        return f"<RSAPublicKey {self.size} bits key_id={self.key_id().hex()}>"

    def verify(
        self,
        signature: bytes,
        data: bytes,
        hash: str = "sha256",
        pss: bool = False,
        salt_length: int | None = None,
        *,
        mgf1_hash: str | None = None,
    ) -> None:
        """Verify an RSASSA-PKCS1-v1_5 or RSASSA-PSS signature (RFC 8017 sections 8.2.2, 8.1.2).

        PSS uses MGF1 with ``mgf1_hash`` (default: the same hash); ``salt_length`` None accepts
        any salt length. Raises InvalidSignature.
        """
        name = _check_hash(hash, signing=False)
        mgf_name = name if mgf1_hash is None else _check_hash(mgf1_hash, signing=False)
        if not pss and (mgf1_hash is not None or salt_length is not None):
            raise ValidationError("RSA PKCS#1 v1.5: salt_length and mgf1_hash apply to PSS only")
        if not isinstance(signature, bytes | bytearray):
            raise TypeError(f"signature must be bytes, got {type(signature).__name__}")
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        if salt_length is not None and (not isinstance(salt_length, int) or salt_length < 0):
            raise ValidationError("RSA-PSS: salt length must be a non-negative int")
        k = (self.n.bit_length() + 7) // 8
        if len(signature) != k:
            raise InvalidSignature(
                f"RSA signature: expected {k} bytes for a {self.size}-bit key, got {len(signature)}"
            )
        s = int.from_bytes(signature, "big")
        if s >= self.n:
            raise InvalidSignature("RSA signature: signature representative out of range (s >= n)")
        m = pow(s, self.e, self.n)
        digest = _digest(name, bytes(data))
        if pss:
            em_bits = self.n.bit_length() - 1
            em_len = (em_bits + 7) // 8
            if m >> (8 * em_len):
                raise InvalidSignature("RSA-PSS signature: does not verify")
            em = m.to_bytes(em_len, "big")
            if not _emsa_pss_verify(name, mgf_name, digest, em, em_bits, salt_length):
                raise InvalidSignature("RSA-PSS signature: does not verify")
            return
        # RFC 8017 8.2.2 step 4: compare against the re-encoded message, never parse padding.
        expected = _emsa_pkcs1_v15(name, digest, k)
        if not hmac.compare_digest(expected, m.to_bytes(k, "big")):
            raise InvalidSignature("RSA PKCS#1 v1.5 signature: does not verify")


@record(repr=False)
class RSAPrivateKey:
    """An RSA private key with its CRT values, RFC 8017 section 3.2 (second representation)."""

    n: int
    e: int
    d: int
    p: int
    q: int
    dp: int
    dq: int
    qinv: int

    def __post_init__(self) -> None:
        for field in ("n", "e", "d", "p", "q", "dp", "dq", "qinv"):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"RSAPrivateKey.{field} must be an int")
        problem = _private_key_problem(self)
        if problem:
            raise ValidationError(f"RSA private key: {problem}")

    def __repr__(self) -> str:
        return f"<RSAPrivateKey {self.size} bits key_id={self.public_key().key_id().hex()}>"

    @property
    def size(self) -> int:
        """The modulus size in bits."""
        return self.n.bit_length()

    def public_key(self) -> RSAPublicKey:
        """The public half (n, e)."""
        return RSAPublicKey(n=self.n, e=self.e)

    def to_rsa(self) -> rsa.PrivateKey:
        """The same key as an ``rsa`` package object (for interop and as a test oracle)."""
        import rsa

        return rsa.PrivateKey(self.n, self.e, self.d, self.p, self.q)

    @classmethod
    def from_rsa(cls, key: rsa.PrivateKey) -> RSAPrivateKey:
        """A minica key from an ``rsa.PrivateKey``; raises ValidationError if inconsistent."""
        import rsa

        if not isinstance(key, rsa.PrivateKey):
            raise TypeError(f"expected rsa.PrivateKey, got {type(key).__name__}")
        p, q, d = int(key.p), int(key.q), int(key.d)
        return cls(
            n=int(key.n),
            e=int(key.e),
            d=d,
            p=p,
            q=q,
            dp=d % (p - 1),
            dq=d % (q - 1),
            qinv=pow(q, -1, p) if math.gcd(p, q) == 1 else 0,
        )

    # -- encodings ----------------------------------------------------------------------------
    def pkcs1_der(self) -> bytes:
        """RSAPrivateKey, version 0 (two-prime), RFC 8017 appendix A.1.2."""
        return der.sequence(
            der.integer(0),
            *(der.integer(v) for v in (self.n, self.e, self.d, self.p, self.q)),
            *(der.integer(v) for v in (self.dp, self.dq, self.qinv)),
        )

    def pkcs8_der(self) -> bytes:
        """PrivateKeyInfo {0, rsaEncryption NULL, OCTET STRING RSAPrivateKey} (RFC 5208 5)."""
        return der.sequence(
            der.integer(0),
            algorithms.rsa_encryption_der(),
            der.octet_string(self.pkcs1_der()),
        )

    def to_der(
        self,
        format: str = "pkcs8",
        passphrase: str | bytes | None = None,
        *,
        iterations: int | None = None,
        rng: Rng | None = None,
    ) -> bytes:
        """DER: PKCS#8 (default), encrypted PKCS#8 when ``passphrase`` is given, or PKCS#1.

        Encryption is PBES2 with PBKDF2-HMAC-SHA256 (``iterations``) and AES-256-CBC, RFC 5958
        section 3 and RFC 8018; ``rng`` supplies salt and IV (default os.urandom).
        """
        if format == "pkcs1":
            if passphrase is not None:
                raise ValidationError(
                    "private key format: PKCS#1 cannot be encrypted; use format='pkcs8'"
                )
            return self.pkcs1_der()
        if format != "pkcs8":
            raise ValidationError(f"private key format: {format!r} is not 'pkcs8' or 'pkcs1'")
        if passphrase is None:
            return self.pkcs8_der()
        secret = _passphrase_bytes(passphrase)
        if not secret:
            raise ValidationError("private key passphrase: must not be empty")
        from minica import pbe

        if iterations is None:
            iterations = pbe.DEFAULT_ITERATIONS
        params = pbe.PBES2Params.generate(_rng(rng), iterations=iterations)
        encrypted = pbe.encrypt(params, secret, self.pkcs8_der())
        # EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData }
        return der.sequence(params.to_der(), der.octet_string(encrypted))

    def to_pem(
        self,
        format: str = "pkcs8",
        passphrase: str | bytes | None = None,
        *,
        iterations: int | None = None,
        rng: Rng | None = None,
    ) -> str:
        """PEM ``PRIVATE KEY``, ``ENCRYPTED PRIVATE KEY`` (RFC 7468 10, 11) or ``RSA PRIVATE KEY``."""
        data = self.to_der(format, passphrase, iterations=iterations, rng=rng)
        if format == "pkcs1":
            label = "RSA PRIVATE KEY"
        else:
            label = "PRIVATE KEY" if passphrase is None else "ENCRYPTED PRIVATE KEY"
        return pem.encode(data, label)

    @classmethod
    def from_der(cls, data: bytes, passphrase: str | bytes | None = None) -> RSAPrivateKey:
        """Parse DER PKCS#8, encrypted PKCS#8 or PKCS#1 (see :func:`load_private_key`)."""
        return _private_key_from_der(_as_bytes(data), passphrase)

    def sign(
        self,
        data: bytes,
        hash: str = "sha256",
        pss: bool = False,
        *,
        salt_length: int | None = None,
        rng: Rng | None = None,
    ) -> bytes:
        """Sign with RSASSA-PKCS1-v1_5 or RSASSA-PSS (RFC 8017 sections 8.2.1, 8.1.1).

        PSS uses MGF1 with the same hash and a salt of ``salt_length`` bytes (default: the hash
        length). ``rng`` supplies blinding and salt randomness (default os.urandom).
        """
        name = _check_hash(hash, signing=True)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        random = _rng(rng)
        digest = _digest(name, bytes(data))
        k = (self.n.bit_length() + 7) // 8
        if pss:
            if salt_length is None:
                salt_length = len(digest)
            if not isinstance(salt_length, int) or salt_length < 0:
                raise ValidationError("RSA-PSS: salt length must be a non-negative int")
            salt = random(salt_length) if salt_length else b""
            if len(salt) != salt_length:
                raise TypeError(f"rng({salt_length}) must return {salt_length} bytes")
            em = _emsa_pss_encode(name, digest, self.n.bit_length() - 1, salt)
        else:
            if salt_length is not None:
                raise ValidationError("RSA PKCS#1 v1.5: salt_length applies to PSS only")
            em = _emsa_pkcs1_v15(name, digest, k)
        s = _rsasp1(self, int.from_bytes(em, "big"), random)
        return s.to_bytes(k, "big")


def _private_key_problem(key: RSAPrivateKey) -> str | None:
    """Why the numbers do not form a consistent RSA key, or None (cheap checks, no primality)."""
    n, e, d, p, q = key.n, key.e, key.d, key.p, key.q
    if p < 3 or q < 3 or p == q:
        return "primes must be distinct and > 2"
    if p * q != n:
        return "n is not p * q"
    if not 3 <= e < n or e % 2 == 0:
        return "public exponent must be odd, >= 3 and < n"
    if not 0 < d < n:
        return "private exponent out of range"
    lam = math.lcm(p - 1, q - 1)
    if e * d % lam != 1:
        return "e * d is not 1 modulo lcm(p-1, q-1)"
    if key.dp != d % (p - 1) or key.dq != d % (q - 1):
        return "CRT exponents are not d mod (p-1), d mod (q-1)"
    if key.qinv * q % p != 1 or not 0 < key.qinv < p:
        return "CRT coefficient is not q^-1 mod p"
    return None


def _crt(key: RSAPrivateKey, c: int) -> int:
    """RSASP1 by CRT (RFC 8017 section 5.2.1 step 2b), Garner's recombination."""
    m1 = pow(c % key.p, key.dp, key.p)
    m2 = pow(c % key.q, key.dq, key.q)
    h = (m1 - m2) * key.qinv % key.p
    return m2 + h * key.q


def _rsasp1(key: RSAPrivateKey, m: int, rng: Rng) -> int:
    """RSASP1 with blinding: sign m * r^e, unblind with r^-1, then check s^e = m."""
    n, e = key.n, key.e
    while True:
        r = _random_below(rng, n)
        if r > 1 and math.gcd(r, n) == 1:
            break
    s = _crt(key, m * pow(r, e, n) % n) * pow(r, -1, n) % n
    # A fault in the CRT computation (a wrong dp, a bit flip) would leak a factor of n through
    # gcd(s^e - m, n) (Boneh-DeMillo-Lipton); such a result must never be returned.
    if pow(s, e, n) != m:
        raise ValidationError(
            "RSA signature: CRT result failed the public-key check (corrupt key or fault); "
            "not returned"
        )
    return s


# ---------------------------------------------------------------------------------------------
# Loading

_PRIVATE_LABELS = ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY")
_PUBLIC_LABELS = ("PUBLIC KEY", "RSA PUBLIC KEY")

# What to tell someone whose key uses encryption minica does not implement.
_CONVERT_HINT = (
    "convert it with `openssl pkey -in old.pem -aes-256-cbc -out new.pem` "
    "(PKCS#8, PBES2, AES-256-CBC)"
)


def _as_bytes(data: object) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise TypeError(f"expected bytes, got {type(data).__name__}")


def _passphrase_bytes(passphrase: object) -> bytes:
    if isinstance(passphrase, str):
        return passphrase.encode("utf-8")
    if isinstance(passphrase, bytes | bytearray):
        return bytes(passphrase)
    raise TypeError(f"passphrase must be str or bytes, got {type(passphrase).__name__}")


def load_private_key(data: bytes | str, passphrase: str | bytes | None = None) -> RSAPrivateKey:
    """Load an RSA private key from PEM or DER.

    Reads PKCS#8 ``PRIVATE KEY`` (RFC 5208), ``ENCRYPTED PRIVATE KEY`` (PBES2 with PBKDF2 and
    AES-CBC, RFC 8018), PKCS#1 ``RSA PRIVATE KEY`` (RFC 8017 A.1.2), and legacy OpenSSL
    ``Proc-Type: 4,ENCRYPTED`` PEM with AES-CBC. The numbers are checked to form one key.

    Raises:
        DecodeError: not a well-formed or consistent RSA private key.
        PassphraseError: encrypted and the passphrase is missing or wrong, or the encryption
            is not supported (the message gives the openssl command that converts the key).
    """
    if passphrase is not None:
        _passphrase_bytes(passphrase)  # a wrong type is a TypeError before any work
    raw, block = pem.load_der(data, _PRIVATE_LABELS, what="private key")
    if block is None:
        return _private_key_from_der(raw, passphrase)
    if block.label == "RSA PRIVATE KEY":
        if "DEK-Info" in block.headers or "ENCRYPTED" in block.headers.get("Proc-Type", ""):
            raw = _decrypt_legacy_pem(block, passphrase)
            return _decrypted_key(raw, "RSA PRIVATE KEY", _pkcs1_private_key)
        return _pkcs1_private_key(der.decode(raw, what="RSAPrivateKey"), "RSAPrivateKey")
    if block.label == "ENCRYPTED PRIVATE KEY":
        return _encrypted_pkcs8(der.decode(raw, what="EncryptedPrivateKeyInfo"), passphrase)
    return _pkcs8_private_key(der.decode(raw, what="PrivateKeyInfo"), "PrivateKeyInfo")


def load_public_key(data: bytes | str) -> RSAPublicKey:
    """Load an RSA public key from PEM or DER: SPKI ``PUBLIC KEY`` (RFC 5280 4.1.2.7) or
    PKCS#1 ``RSA PUBLIC KEY`` (RFC 8017 A.1.1). Raises DecodeError."""
    raw, block = pem.load_der(data, _PUBLIC_LABELS, what="public key")
    if block is not None and block.label == "RSA PUBLIC KEY":
        return _pkcs1_public_key(der.decode(raw, what="RSAPublicKey"), "RSAPublicKey")
    if block is not None:
        return _public_key_from_spki(
            der.decode(raw, what="SubjectPublicKeyInfo"), "SubjectPublicKeyInfo"
        )
    return _public_key_from_der(raw, "public key")


def _public_key_from_der(raw: bytes, what: str) -> RSAPublicKey:
    el = der.decode(raw, what=what)
    if el.tag == der.SEQUENCE and el.children and el.children[0].tag == der.SEQUENCE:
        return _public_key_from_spki(el, "SubjectPublicKeyInfo")
    return _pkcs1_public_key(el, "RSAPublicKey")


def _private_key_from_der(raw: bytes, passphrase: str | bytes | None) -> RSAPrivateKey:
    el = der.decode(raw, what="private key")
    kids = el.expect(der.SEQUENCE, "private key").children
    if len(kids) == 2 and kids[0].tag == der.SEQUENCE:
        return _encrypted_pkcs8(el, passphrase)
    if len(kids) >= 3 and kids[1].tag == der.SEQUENCE:
        return _pkcs8_private_key(el, "PrivateKeyInfo")
    return _pkcs1_private_key(el, "RSAPrivateKey")


def _integers(kids: tuple[der.Element, ...], names: tuple[str, ...], what: str) -> list[int]:
    return [
        k.expect(der.INTEGER, f"{what}.{n}").as_int(f"{what}.{n}")
        for k, n in zip(kids, names, strict=True)
    ]


def _pkcs1_public_key(el: der.Element, what: str) -> RSAPublicKey:
    """RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)."""
    kids = el.expect(der.SEQUENCE, what).expect_children(what, 2)
    n, e = _integers(kids, ("modulus", "publicExponent"), what)
    try:
        return RSAPublicKey(n=n, e=e)
    except ValidationError as exc:
        raise el.error(what, str(exc)) from exc


def _check_rsa_algorithm(el: der.Element, what: str) -> None:
    """The key AlgorithmIdentifier must be {rsaEncryption, NULL} (RFC 3279 2.3.1)."""
    kids = el.expect(der.SEQUENCE, what).expect_children(what, 1, 2)
    dotted = kids[0].expect(der.OID, f"{what}.algorithm").as_oid(f"{what}.algorithm")
    if dotted == oids.RSASSA_PSS:
        raise kids[0].error(
            f"{what}.algorithm",
            "RSASSA-PSS-restricted keys (openssl genpkey -algorithm RSA-PSS) are not supported; "
            "use an rsaEncryption key (openssl genrsa)",
        )
    if dotted != algorithms.RSA_ENCRYPTION:
        name = oids.long_name(dotted) if oids.info(dotted) else dotted
        hint = ""
        if dotted == oids.EC_PUBLIC_KEY:
            # Requests for EC keys are fine (minica checks ECDSA); using an EC key is not.
            hint = (
                " (minica makes and uses RSA keys only; for an EC key, make the request with "
                "`openssl req -new -key KEY` and sign it with `minica sign`)"
            )
        raise kids[0].error(f"{what}.algorithm", f"expected rsaEncryption, found {name}{hint}")
    if len(kids) != 2:
        raise el.error(f"{what}.parameters", "rsaEncryption parameters must be NULL, found none")
    kids[1].expect(der.NULL, f"{what}.parameters")


def _public_key_from_spki(el: der.Element, what: str) -> RSAPublicKey:
    """SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }."""
    key = _rsa_spki_fast(el)
    if key is not None:
        return key
    # Something is off: the careful walk finds it and names the path.
    alg, bits = el.expect(der.SEQUENCE, what).expect_children(what, 2)
    _check_rsa_algorithm(alg, f"{what}.algorithm")
    w = f"{what}.subjectPublicKey"
    content = bits.expect(der.BIT_STRING, w).as_bit_string_bytes(w)
    # Offsets inside the BIT STRING are relative to its contents; say where they start.
    try:
        inner = der.decode(content, what=w)
    except DecodeError as exc:
        raise DecodeError(f"{exc} (inside the BIT STRING at byte {bits.offset})") from exc
    return _pkcs1_public_key(inner, w)


def _rsa_spki_fast(el: der.Element) -> RSAPublicKey | None:
    """The key of a well-formed rsaEncryption SPKI (the certificate-parsing hot path), or None
    if anything is off; checks what the careful walk checks, without building error paths."""
    kids = el.children
    if el.tag != der.SEQUENCE or len(kids) != 2:
        return None
    alg, bits = kids
    # The exact DER of {rsaEncryption, NULL}, and a BIT STRING of whole octets.
    if bits.tag != der.BIT_STRING or alg.raw != _RSA_ENCRYPTION_DER:
        return None
    c = bits.content
    if c[:1] != b"\x00":
        return None
    # RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, read in place: an
    # element tree for three TLVs would cost twice as much. Headers in any other form than
    # these (or malformed) go to the careful walk, which names the problem.
    size = len(c)
    start, end = _tlv_at(c, 1, der.SEQUENCE)
    if end != size:
        return None
    n_start, n_end = _tlv_at(c, start, der.INTEGER)
    if n_end < 0:
        return None
    e_start, e_end = _tlv_at(c, n_end, der.INTEGER)
    if e_end != size or not _minimal_integer(c, n_start, n_end):
        return None
    if not _minimal_integer(c, e_start, e_end):
        return None
    n = int.from_bytes(c[n_start:n_end], "big", signed=True)
    e = int.from_bytes(c[e_start:e_end], "big", signed=True)
    # RSAPublicKey.__post_init__'s checks (n, e are ints here).
    if n < 3 or not n & 1 or not 3 <= e < n or not e & 1:
        return None
    key = _new(RSAPublicKey)
    key.__dict__.update(n=n, e=e)
    return key


def _tlv_at(c: bytes, pos: int, tag: int) -> tuple[int, int]:
    """(content start, end) of the element at ``c[pos]`` if its identifier is ``tag`` and its
    length has a minimal DER form of one to three octets (any length below 64 KiB) within
    ``c``; (-1, -1) otherwise."""
    size = len(c)
    if pos + 2 > size or c[pos] != tag:
        return -1, -1
    length = c[pos + 1]
    if length < 0x80:
        start = pos + 2
    elif length == 0x81 and pos + 3 <= size and c[pos + 2] >= 0x80:
        length, start = c[pos + 2], pos + 3
    elif length == 0x82 and pos + 4 <= size and c[pos + 2]:
        length, start = (c[pos + 2] << 8) | c[pos + 3], pos + 4
    else:
        return -1, -1
    end = start + length
    return (start, end) if end <= size else (-1, -1)


def _minimal_integer(c: bytes, start: int, end: int) -> bool:
    """Whether ``c[start:end]`` is a DER INTEGER's content (X.690 8.3.2: non-empty, minimal)."""
    if end == start:
        return False
    if end - start == 1:
        return True
    b0, b1 = c[start], c[start + 1]
    return not ((b0 == 0 and b1 < 0x80) or (b0 == 0xFF and b1 >= 0x80))


_new = object.__new__
_RSA_ENCRYPTION_DER = algorithms.rsa_encryption_der()


_PRIVATE_FIELDS = (
    "modulus",
    "publicExponent",
    "privateExponent",
    "prime1",
    "prime2",
    "exponent1",
    "exponent2",
    "coefficient",
)


def _pkcs1_private_key(el: der.Element, what: str) -> RSAPrivateKey:
    """RSAPrivateKey (RFC 8017 appendix A.1.2), two-prime version 0 only."""
    kids = el.expect(der.SEQUENCE, what).children
    if not kids:
        raise el.error(what, "expected 9 elements, found 0")
    version = kids[0].expect(der.INTEGER, f"{what}.version").as_int(f"{what}.version")
    if version == 1:
        raise kids[0].error(f"{what}.version", "multi-prime RSA keys are not supported")
    if version != 0:
        raise kids[0].error(f"{what}.version", f"expected 0, found {version}")
    kids = el.expect_children(what, 9)
    n, e, d, p, q, dp, dq, qinv = _integers(kids[1:], _PRIVATE_FIELDS, what)
    key = RSAPrivateKey.__new__(RSAPrivateKey)
    for name, value in zip(
        ("n", "e", "d", "p", "q", "dp", "dq", "qinv"),
        (n, e, d, p, q, dp, dq, qinv),
        strict=True,
    ):
        object.__setattr__(key, name, value)
    problem = _private_key_problem(key)
    if problem:
        raise el.error(what, f"inconsistent key: {problem}")
    return key


def _pkcs8_private_key(el: der.Element, what: str) -> RSAPrivateKey:
    """PrivateKeyInfo / OneAsymmetricKey (RFC 5208 section 5, RFC 5958 section 2)."""
    kids = el.expect(der.SEQUENCE, what).expect_children(what, 3, 5)
    version = kids[0].expect(der.INTEGER, f"{what}.version").as_int(f"{what}.version")
    if version not in (0, 1):
        raise kids[0].error(f"{what}.version", f"expected 0 or 1, found {version}")
    _check_rsa_algorithm(kids[1], f"{what}.privateKeyAlgorithm")
    w = f"{what}.privateKey"
    content = kids[2].expect(der.OCTET_STRING, w).as_bytes()
    for extra in kids[3:]:
        # attributes [0] and publicKey [1] (RFC 5958) carry nothing minica needs.
        if extra.tag not in (0xA0, 0x81):
            raise extra.error(what, f"unexpected {extra.name}")
    try:
        inner = der.decode(content, what=w)
    except DecodeError as exc:
        raise DecodeError(f"{exc} (inside the OCTET STRING at byte {kids[2].offset})") from exc
    return _pkcs1_private_key(inner, w)


def _decrypted_key(
    plain: bytes, what: str, parse: Callable[[der.Element, str], RSAPrivateKey]
) -> RSAPrivateKey:
    """Parse decrypted key bytes; garbage means the passphrase was wrong, never a key."""
    try:
        return parse(der.decode(plain, what=what), what)
    except DecodeError as exc:
        raise PassphraseError(
            f"{what}: decrypted data is not a valid key (wrong passphrase?)"
        ) from exc


def _encrypted_pkcs8(el: der.Element, passphrase: str | bytes | None) -> RSAPrivateKey:
    """EncryptedPrivateKeyInfo (RFC 5958 section 3) with PBES2."""
    what = "EncryptedPrivateKeyInfo"
    alg, data = el.expect(der.SEQUENCE, what).expect_children(what, 2)
    from minica import pbe

    params = pbe.PBES2Params.from_element(alg, what=f"{what}.encryptionAlgorithm")
    ciphertext = data.expect(der.OCTET_STRING, f"{what}.encryptedData").as_bytes()
    if passphrase is None:
        raise PassphraseError(f"{what}: the key is encrypted; a passphrase is required")
    plain = pbe.decrypt(params, _passphrase_bytes(passphrase), ciphertext)
    return _decrypted_key(plain, "PrivateKeyInfo", _pkcs8_private_key)


# Legacy PEM encryption (OpenSSL PEM_write_bio_PrivateKey_traditional): cipher -> key size.
_LEGACY_CIPHERS = {"AES-128-CBC": 16, "AES-192-CBC": 24, "AES-256-CBC": 32}


def _evp_bytes_to_key(passphrase: bytes, salt: bytes, size: int) -> bytes:
    """OpenSSL EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} || pass || salt)."""
    out = b""
    block = b""
    while len(out) < size:
        block = hashlib.md5(block + passphrase + salt).digest()
        out += block
    return out[:size]


def _decrypt_legacy_pem(block: pem.Block, passphrase: str | bytes | None) -> bytes:
    """Decrypt ``Proc-Type: 4,ENCRYPTED`` / ``DEK-Info: cipher,IV`` PEM (RFC 1421 style)."""
    what = f"RSA PRIVATE KEY (PEM line {block.line})"
    dek = block.headers.get("DEK-Info", "")
    cipher, _, iv_hex = dek.partition(",")
    cipher = cipher.strip().upper()
    size = _LEGACY_CIPHERS.get(cipher)
    if size is None:
        raise PassphraseError(
            f"{what}: legacy PEM encryption {cipher or 'without DEK-Info'} is not supported; "
            f"{_CONVERT_HINT}"
        )
    try:
        iv = bytes.fromhex(iv_hex.strip())
    except ValueError:
        iv = b""
    if len(iv) != 16:
        raise DecodeError(f"{what}: DEK-Info IV must be 32 hex digits")
    if passphrase is None:
        raise PassphraseError(f"{what}: the key is encrypted; a passphrase is required")
    key = _evp_bytes_to_key(_passphrase_bytes(passphrase), iv[:8], size)
    if not block.der or len(block.der) % 16:
        raise DecodeError(f"{what}: ciphertext length {len(block.der)} is not a multiple of 16")
    try:
        from minica import _aes

        return _aes.cbc_decrypt(key, iv, block.der)
    except DecodeError as exc:
        raise PassphraseError(f"{what}: bad padding after decryption (wrong passphrase?)") from exc


# ---------------------------------------------------------------------------------------------
# Key files: the one place in this module that touches the filesystem (ARCHITECTURE: key-file
# helpers may, so that a private key is never written with a world-readable window).


def save_private_key(
    path: str | os.PathLike[str],
    key: RSAPrivateKey,
    passphrase: str | bytes | None = None,
    overwrite: bool = False,
    *,
    format: str = "pkcs8",
    iterations: int | None = None,
) -> None:
    """Write ``key`` as PEM to a new file created with mode 0600 (O_CREAT | O_EXCL).

    Refuses an existing file (FileExistsError) unless ``overwrite``; then the key is written to
    a fresh 0600 file in the same directory and renamed over the old one.
    """
    if not isinstance(key, RSAPrivateKey):
        raise TypeError(f"key must be an RSAPrivateKey, got {type(key).__name__}")
    data = key.to_pem(format, passphrase, iterations=iterations).encode("ascii")
    target = os.fspath(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    if not overwrite:
        try:
            fd = os.open(target, flags, 0o600)
        except FileExistsError:
            raise FileExistsError(
                f"{target}: exists; refusing to overwrite a key file (pass overwrite=True)"
            ) from None
        _write_fd(fd, data, target)
        return
    directory = os.path.dirname(os.path.abspath(target))
    while True:
        tmp = os.path.join(directory, f".{os.path.basename(target)}.{os.urandom(8).hex()}.tmp")
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:  # pragma: no cover - 64 random bits collided
            continue
    try:
        _write_fd(fd, data, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_fd(fd: int, data: bytes, path: str) -> None:
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)

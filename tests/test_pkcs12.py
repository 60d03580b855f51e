"""minica.pkcs12: PKCS#12 dump/load (RFC 7292), against bundles made by openssl (tests/data/pkcs12)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minica import der, keys, oids, pbe, pem, pkcs12
from minica.errors import DecodeError, PassphraseError, ValidationError

DATA = Path(__file__).parent / "data"
P12 = DATA / "pkcs12"
PASS = "minica-test"


def _der(cert: Any) -> bytes:
    """Certificate DER whether minica.cert has landed (Certificate) or not (bytes)."""
    return cert if isinstance(cert, bytes) else bytes(cert.der)


def _cert(name: str) -> bytes:
    return pem.load_der((P12 / name).read_bytes(), ("CERTIFICATE",))[0]


@pytest.fixture(scope="module")
def key_a() -> keys.RSAPrivateKey:
    return keys.load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())


@pytest.fixture(scope="module")
def key_b() -> keys.RSAPrivateKey:
    return keys.load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())


@pytest.fixture(scope="module")
def leaf() -> bytes:
    return _cert("leaf.pem")


@pytest.fixture(scope="module")
def chain() -> list[bytes]:
    return [b.der for b in pem.decode_all((P12 / "chain.pem").read_bytes())]


def _counter_rng() -> Any:
    counter = itertools.count()
    return lambda n: bytes(next(counter) % 256 for _ in range(n))


def _fast_dump(key: keys.RSAPrivateKey, cert: bytes, *args: Any, **kw: Any) -> bytes:
    return pkcs12.dump(key, cert, *args, iterations=1, mac_iterations=1, **kw)


# --- reading openssl's bundles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "passphrase"),
    [
        ("default.p12", PASS),
        ("aes128.p12", PASS),
        ("macsha1.p12", PASS),
        ("macsha512.p12", PASS),
        ("nokeypbe.p12", PASS),
        ("empty-pass.p12", ""),
        ("utf8-pass.p12", "pässwörd €"),
    ],
)
def test_load_openssl_variants(
    name: str, passphrase: str, key_a: keys.RSAPrivateKey, leaf: bytes
) -> None:
    """Every openssl 3 PBES2 variant loads with the original key and certificate."""
    key, cert, chain = pkcs12.load((P12 / name).read_bytes(), passphrase)
    assert key == key_a
    assert _der(cert) == leaf
    assert chain == ()


def test_load_chain_in_file_order(
    key_a: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]
) -> None:
    """The chain comes back in file order, without the leaf."""
    key, cert, got = pkcs12.load((P12 / "chain.p12").read_bytes(), PASS)
    assert key == key_a and _der(cert) == leaf
    assert [_der(c) for c in got] == chain


def test_load_nomac(key_a: keys.RSAPrivateKey, chain: list[bytes]) -> None:
    """A bundle without MacData (openssl -nomac) loads; the bundle says it has no MAC."""
    bundle = pkcs12.load_bundle((P12 / "nomac.p12").read_bytes(), PASS)
    assert bundle.key == key_a
    assert bundle.mac_hash is None and bundle.info[0] == "Warning: MAC is absent!"
    assert [_der(c) for c in bundle.chain] == chain


def test_load_attributes(leaf: bytes) -> None:
    """friendlyName and localKeyID (SHA-1 of the certificate, as openssl sets it) are read."""
    bundle = pkcs12.load_bundle((P12 / "default.p12").read_bytes(), PASS)
    assert bundle.friendly_name == "client cert"
    assert bundle.local_key_id == hashlib.sha1(leaf).digest()
    assert bundle.mac_hash == "sha256" and bundle.mac_iterations == 2048


def test_wrong_passphrase_is_passphrase_error() -> None:
    """A wrong passphrase fails the MAC check."""
    with pytest.raises(PassphraseError, match="MAC verification failed"):
        pkcs12.load((P12 / "default.p12").read_bytes(), "wrong")


def test_wrong_passphrase_without_mac() -> None:
    """Without a MAC, a wrong passphrase is still a PassphraseError (from the key decryption)."""
    with pytest.raises(PassphraseError, match="wrong passphrase"):
        pkcs12.load((P12 / "nomac.p12").read_bytes(), "wrong")


def test_mac_checked_before_decryption(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a wrong passphrase nothing is decrypted: the MAC fails first."""
    calls: list[object] = []
    monkeypatch.setattr(pbe, "decrypt", lambda *a: calls.append(a))
    with pytest.raises(PassphraseError, match="MAC"):
        pkcs12.load((P12 / "chain.p12").read_bytes(), "wrong")
    assert calls == []


@pytest.mark.parametrize("name", ["legacy.p12", "legacy-3des.p12"])
def test_legacy_bundle_names_conversion(name: str) -> None:
    """RC2/3DES bundles are refused with the openssl command that converts them."""
    with pytest.raises(PassphraseError, match=r"legacy encryption .*openssl pkcs12 -legacy -in"):
        pkcs12.load((P12 / name).read_bytes(), PASS)


def test_legacy_bundle_wrong_passphrase() -> None:
    """A legacy bundle with a wrong passphrase fails on the MAC, like a modern one."""
    with pytest.raises(PassphraseError, match="MAC"):
        pkcs12.load((P12 / "legacy.p12").read_bytes(), "wrong")


def test_certs_only_bundle(leaf: bytes, chain: list[bytes]) -> None:
    """A bundle without a key: load() refuses it, load_bundle() returns the certificates."""
    data = (P12 / "certs-only.p12").read_bytes()
    with pytest.raises(DecodeError, match="no private key"):
        pkcs12.load(data, PASS)
    bundle = pkcs12.load_bundle(data, PASS)
    assert bundle.key is None and bundle.cert is None
    assert [_der(c) for c in bundle.certificates] == [leaf, *chain]


def test_load_rejects_str() -> None:
    """PKCS#12 is binary only: a str is a TypeError."""
    with pytest.raises(TypeError, match="bytes"):
        pkcs12.load("MII...", PASS)  # type: ignore[arg-type]


def test_load_rejects_non_pkcs12() -> None:
    """A certificate is not a PFX: DecodeError naming the field."""
    with pytest.raises(DecodeError, match=r"PFX"):
        pkcs12.load(_cert("leaf.pem"), PASS)


# --- hand-built bundles (no MAC, plain safes) for pairing rules ------------------------------


def _bag(bag_id: str, value: bytes, *attrs: bytes) -> bytes:
    parts = [der.oid(bag_id), der.explicit(0, value)]
    if attrs:
        parts.append(der.set_of(attrs))
    return der.sequence(*parts)


def _cert_bag(cert: bytes, *attrs: bytes) -> bytes:
    value = der.sequence(der.oid(oids.X509_CERTIFICATE), der.explicit(0, der.octet_string(cert)))
    return _bag(oids.CERT_BAG, value, *attrs)


def _key_id(value: bytes) -> bytes:
    return der.sequence(der.oid(oids.LOCAL_KEY_ID), der.set_of([der.octet_string(value)]))


def _plain_pfx(*bags: bytes) -> bytes:
    safe = der.sequence(
        der.oid(oids.PKCS7_DATA), der.explicit(0, der.octet_string(der.sequence(*bags)))
    )
    auth = der.sequence(safe)
    return der.sequence(
        der.integer(3),
        der.sequence(der.oid(oids.PKCS7_DATA), der.explicit(0, der.octet_string(auth))),
    )


def test_leaf_by_public_key_without_local_key_id(
    key_a: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]
) -> None:
    """Without localKeyID the leaf is the certificate holding the key's public key."""
    data = _plain_pfx(
        _cert_bag(chain[0]),
        _cert_bag(leaf),
        _cert_bag(chain[1]),
        _bag(oids.KEY_BAG, key_a.pkcs8_der()),
    )
    key, cert, rest = pkcs12.load(data, "")
    assert key == key_a and _der(cert) == leaf
    assert [_der(c) for c in rest] == chain


def test_leaf_by_local_key_id_first(
    key_a: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]
) -> None:
    """localKeyID decides the pairing, even against file order."""
    data = _plain_pfx(
        _cert_bag(chain[0], _key_id(b"other")),
        _cert_bag(leaf, _key_id(b"mine")),
        _bag(oids.KEY_BAG, key_a.pkcs8_der(), _key_id(b"mine")),
    )
    _, cert, rest = pkcs12.load(data, "")
    assert _der(cert) == leaf and [_der(c) for c in rest] == [chain[0]]


def test_no_matching_certificate(key_b: keys.RSAPrivateKey, leaf: bytes) -> None:
    """A key without its certificate is a DecodeError from load()."""
    data = _plain_pfx(_cert_bag(leaf), _bag(oids.KEY_BAG, key_b.pkcs8_der()))
    with pytest.raises(DecodeError, match="no certificate matches"):
        pkcs12.load(data, "")


def test_two_keys_refused(
    key_a: keys.RSAPrivateKey, key_b: keys.RSAPrivateKey, leaf: bytes
) -> None:
    """Two private keys are ambiguous: DecodeError naming the second bag."""
    data = _plain_pfx(
        _cert_bag(leaf),
        _bag(oids.KEY_BAG, key_a.pkcs8_der()),
        _bag(oids.KEY_BAG, key_b.pkcs8_der()),
    )
    with pytest.raises(DecodeError, match=r"2 private keys \(AuthenticatedSafe\[0\]"):
        pkcs12.load(data, "")


def test_bad_bag_error_has_field_path(leaf: bytes) -> None:
    """A malformed bag names its place in the file."""
    data = _plain_pfx(_bag(oids.CERT_BAG, der.sequence(der.oid(oids.X509_CERTIFICATE))))
    with pytest.raises(DecodeError, match=r"SafeContents\[0\]\.bagValue\.CertBag"):
        pkcs12.load(data, "")


# --- writing ---------------------------------------------------------------------------------


def test_dump_load_round_trip(key_a: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]) -> None:
    """dump then load gives back the key, the certificate and the chain."""
    data = pkcs12.dump(key_a, leaf, chain, PASS, friendly_name="client")
    bundle = pkcs12.load_bundle(data, PASS)
    assert bundle.key == key_a and _der(bundle.cert) == leaf
    assert [_der(c) for c in bundle.chain] == chain
    assert bundle.friendly_name == "client"
    assert bundle.local_key_id == hashlib.sha1(leaf).digest()


def test_dump_default_profile(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """dump writes openssl 3's default profile: the same -info summary as openssl's own file."""
    ours = pkcs12.load_bundle(pkcs12.dump(key_a, leaf, passphrase=PASS), PASS)
    theirs = pkcs12.load_bundle((P12 / "default.p12").read_bytes(), PASS)
    assert ours.info == theirs.info
    assert ours.info[:3] == (
        "MAC: sha256, Iteration 2048",
        "MAC length: 32, salt length: 8",
        "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256",
    )


def test_dump_structure(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """PFX v3, encryptedData safe first, then a data safe; PBES2 salts of 8 bytes."""
    pfx = der.decode(_fast_dump(key_a, leaf, passphrase=PASS))
    assert pfx[0].as_int() == 3
    auth = der.decode(pfx[1][1][0].as_bytes())
    assert [ci[0].as_oid() for ci in auth] == [oids.PKCS7_ENCRYPTED_DATA, oids.PKCS7_DATA]
    params = pbe.PBES2Params.from_element(auth[0][1][0][1][1])
    assert (params.prf, params.cipher, len(params.salt)) == ("sha256", "aes-256-cbc", 8)
    assert pfx[2][0][0][0].as_oid() == oids.SHA256 and len(pfx[2][1].as_bytes()) == 8


def test_dump_deterministic_with_rng(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """All randomness comes from rng: the same rng gives the same bytes."""
    one = _fast_dump(key_a, leaf, passphrase=PASS, rng=_counter_rng())
    two = _fast_dump(key_a, leaf, passphrase=PASS, rng=_counter_rng())
    assert one == two != _fast_dump(key_a, leaf, passphrase=PASS)


def test_dump_iterations(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """iterations and mac_iterations are written as given."""
    bundle = pkcs12.load_bundle(
        pkcs12.dump(key_a, leaf, passphrase=PASS, iterations=3, mac_iterations=5), PASS
    )
    assert bundle.mac_iterations == 5 and "Iteration 3," in bundle.info[2]


def test_dump_mismatched_certificate(key_b: keys.RSAPrivateKey, leaf: bytes) -> None:
    """A certificate for another key is refused."""
    with pytest.raises(ValidationError, match="does not match the private key"):
        _fast_dump(key_b, leaf, passphrase=PASS)


def test_dump_needs_passphrase(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """No passphrase is a PassphraseError; "" is allowed."""
    with pytest.raises(PassphraseError, match="required"):
        _fast_dump(key_a, leaf)
    assert pkcs12.load(_fast_dump(key_a, leaf, passphrase=""), "")[0] == key_a


def test_dump_accepts_objects_with_der(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """Certificates may be anything with .der (a Certificate) or to_der()."""

    class WithDer:
        der = leaf

    class WithToDer:
        def to_der(self) -> bytes:
            return leaf

    for cert in (WithDer(), WithToDer()):
        assert _der(pkcs12.load(_fast_dump(key_a, cert, passphrase="x"), "x")[1]) == leaf  # type: ignore[arg-type]


def test_dump_type_errors(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """Wrong Python types stay TypeError."""
    with pytest.raises(TypeError):
        _fast_dump(key_a, 42, passphrase="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _fast_dump("key", leaf, passphrase="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _fast_dump(key_a, leaf, passphrase=1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(passphrase=st.one_of(st.just(""), st.text(max_size=20)))
def test_round_trip_any_passphrase(passphrase: str, key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """Any passphrase (empty, non-ASCII, beyond the BMP) round-trips; others fail."""
    data = _fast_dump(key_a, leaf, passphrase=passphrase)
    key, cert, _ = pkcs12.load(data, passphrase)
    assert key == key_a and _der(cert) == leaf
    with pytest.raises(PassphraseError):
        pkcs12.load(data, passphrase + "x")


# --- hostile input ---------------------------------------------------------------------------


def _remac(auth_safe: bytes, passphrase: str, password: bytes | None = None) -> bytes:
    """A PFX around ``auth_safe`` with a valid HMAC-SHA1 MAC (1 iteration), built by hand."""
    salt = b"12345678"
    if password is None:
        password = pbe.bmp_password(passphrase)
    mac_key = pbe.pkcs12_kdf("sha1", password, salt, 3, 1, 20)
    mac = hmac.new(mac_key, auth_safe, "sha1").digest()
    return der.sequence(
        der.integer(3),
        der.sequence(der.oid(oids.PKCS7_DATA), der.explicit(0, der.octet_string(auth_safe))),
        der.sequence(
            der.sequence(der.sequence(der.oid(oids.SHA1), der.null()), der.octet_string(mac)),
            der.octet_string(salt),
            der.integer(1),
        ),
    )


def test_empty_passphrase_null_form(key_a: keys.RSAPrivateKey, leaf: bytes) -> None:
    """A MAC keyed with the absent (zero-length) password opens with "", as in openssl."""
    auth_safe = der.decode(_fast_dump(key_a, leaf, passphrase=""))[1][1][0].as_bytes()
    assert pkcs12.load(_remac(auth_safe, "", b""), "")[0] == key_a
    with pytest.raises(PassphraseError, match="MAC"):
        pkcs12.load(_remac(auth_safe, "", b"x"), "")


def _mutate(data: bytes, op: int, pos: int, value: int) -> bytes:
    pos %= len(data)
    if op == 0:
        return data[:pos] + bytes([data[pos] ^ (value or 1)]) + data[pos + 1 :]
    if op == 1:
        return data[:pos]
    if op == 2:
        return data[:pos] + bytes([value]) + data[pos:]
    return data[:pos] + data[pos + 1 :]


_MUTATION = st.tuples(st.integers(0, 3), st.integers(0, 1 << 16), st.integers(0, 255))


@pytest.fixture(scope="module")
def small_bundle(key_a: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]) -> bytes:
    return _fast_dump(key_a, leaf, chain[:1], passphrase=PASS, friendly_name="n")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=_MUTATION, source=st.sampled_from(["ours", "nomac.p12", "nokeypbe.p12"]))
def test_mutated_files_raise_minica_errors(
    mutation: tuple[int, int, int], source: str, small_bundle: bytes
) -> None:
    """Any mutated file gives a result or DecodeError/PassphraseError, nothing else."""
    data = small_bundle if source == "ours" else (P12 / source).read_bytes()
    with contextlib.suppress(DecodeError, PassphraseError):
        pkcs12.load_bundle(_mutate(data, *mutation), PASS)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=_MUTATION, plain=st.booleans())
def test_mutated_content_behind_valid_mac(
    mutation: tuple[int, int, int], plain: bool, small_bundle: bytes
) -> None:
    """Mutations behind a valid MAC reach the bag parsers; still only minica errors."""
    source = (P12 / "nokeypbe.p12").read_bytes() if plain else small_bundle
    auth_safe = der.decode(source)[1][1][0].as_bytes()
    with contextlib.suppress(DecodeError, PassphraseError):
        pkcs12.load_bundle(_remac(_mutate(auth_safe, *mutation), PASS), PASS)

"""PKCS#12 both ways with the openssl CLI: openssl reads minica's bundles, minica reads openssl's."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from minica import keys, pem, pkcs12
from minica.errors import PassphraseError

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")

DATA = Path(__file__).resolve().parent.parent / "data"
P12 = DATA / "pkcs12"
KEY = DATA / "keys" / "rsa2048-a.pem"
PASS = "minica-test"


def _openssl(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=cwd,
    )


def _der(cert: Any) -> bytes:
    """Certificate DER whether minica.cert has landed (Certificate) or not (bytes)."""
    return cert if isinstance(cert, bytes) else bytes(cert.der)


@pytest.fixture(scope="module")
def key() -> keys.RSAPrivateKey:
    return keys.load_private_key(KEY.read_bytes())


@pytest.fixture(scope="module")
def leaf() -> bytes:
    return pem.load_der((P12 / "leaf.pem").read_bytes(), ("CERTIFICATE",))[0]


@pytest.fixture(scope="module")
def chain() -> list[bytes]:
    return [b.der for b in pem.decode_all((P12 / "chain.pem").read_bytes())]


def _info(path: Path, passphrase: str, *extra: str) -> list[str]:
    """openssl pkcs12 -info -noout: the summary lines it prints on stderr."""
    done = _openssl(
        "pkcs12", "-info", "-noout", "-in", path, "-passin", f"pass:{passphrase}", *extra
    )
    return done.stderr.splitlines()


def _blocks(path: Path, passphrase: str, *extra: str) -> tuple[pem.Block, ...]:
    out = _openssl("pkcs12", "-in", path, "-passin", f"pass:{passphrase}", "-nodes", *extra).stdout
    return pem.decode_all(out)


# --- openssl reads minica --------------------------------------------------------------------


def test_openssl_verifies_and_decrypts_ours(
    tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]
) -> None:
    """openssl verifies the MAC and prints the same -info summary minica reads back."""
    path = tmp_path / "ours.p12"
    path.write_bytes(pkcs12.dump(key, leaf, chain, PASS, friendly_name="client cert"))
    lines = _info(path, PASS)
    assert lines == list(pkcs12.load_bundle(path.read_bytes(), PASS).info)
    assert lines[0] == "MAC: sha256, Iteration 2048"


def test_openssl_nodes_gives_our_key_and_certs(
    tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]
) -> None:
    """openssl pkcs12 -nodes returns the same key and certificates (leaf first)."""
    path = tmp_path / "ours.p12"
    path.write_bytes(pkcs12.dump(key, leaf, chain, PASS))
    blocks = _blocks(path, PASS)
    keys_out = [b for b in blocks if b.label == "PRIVATE KEY"]
    assert len(keys_out) == 1 and keys.load_private_key(keys_out[0].der) == key
    assert [b.der for b in blocks if b.label == "CERTIFICATE"] == [leaf, *chain]


def test_openssl_pairs_leaf_by_local_key_id(
    tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]
) -> None:
    """-clcerts gives only the leaf and -cacerts only the chain: localKeyID pairs them."""
    path = tmp_path / "ours.p12"
    path.write_bytes(pkcs12.dump(key, leaf, chain, PASS))
    assert [b.der for b in _blocks(path, PASS, "-clcerts", "-nokeys")] == [leaf]
    assert [b.der for b in _blocks(path, PASS, "-cacerts", "-nokeys")] == chain


def test_openssl_reads_friendly_name(tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes) -> None:
    """The friendlyName bag attribute is what openssl shows."""
    path = tmp_path / "ours.p12"
    path.write_bytes(pkcs12.dump(key, leaf, passphrase=PASS, friendly_name="Alice's cert"))
    out = _openssl("pkcs12", "-in", path, "-passin", f"pass:{PASS}", "-nodes").stdout
    assert out.count("friendlyName: Alice's cert") == 2  # key bag and certificate bag


@pytest.mark.parametrize("passphrase", ["", "pässwörd €", "日本語", "key 🔑"])
def test_openssl_reads_our_passphrases(
    passphrase: str, tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes
) -> None:
    """Empty and non-ASCII passphrases are encoded as openssl expects (MAC and PBES2)."""
    path = tmp_path / "ours.p12"
    path.write_bytes(pkcs12.dump(key, leaf, passphrase=passphrase))
    blocks = _blocks(path, passphrase)
    assert keys.load_private_key(blocks[-1].der) == key


def test_structure_matches_openssl_export(
    tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes
) -> None:
    """asn1parse of ours and of openssl -export match field for field (random bytes aside)."""
    ours, theirs = tmp_path / "ours.p12", tmp_path / "theirs.p12"
    ours.write_bytes(pkcs12.dump(key, leaf, passphrase=PASS, friendly_name="client cert"))
    _openssl(
        "pkcs12", "-export", "-inkey", KEY, "-in", P12 / "leaf.pem", "-name", "client cert",
        "-passout", f"pass:{PASS}", "-out", theirs,
    )  # fmt: skip

    def shape(path: Path, *extra: str) -> list[str]:
        out = _openssl("asn1parse", "-inform", "DER", "-in", path, "-i", *extra).stdout
        return [re.sub(r"\[HEX DUMP\]:\S*", "", line) for line in out.splitlines()]

    assert shape(ours) == shape(theirs)
    assert shape(ours, "-strparse", "26") == shape(theirs, "-strparse", "26")


# --- minica reads openssl --------------------------------------------------------------------

_VARIANTS = {
    "default": (),
    "chain": ("-certfile", str(P12 / "chain.pem")),
    "nomac": ("-certfile", str(P12 / "chain.pem"), "-nomac"),
    "aes": ("-keypbe", "AES-128-CBC", "-certpbe", "AES-192-CBC"),
    "mac-sha1": ("-macalg", "sha1"),
    "mac-sha512": ("-macalg", "sha512"),
    "plain": ("-keypbe", "NONE", "-certpbe", "NONE"),
}


@pytest.mark.parametrize("variant", sorted(_VARIANTS))
def test_minica_reads_fresh_openssl_export(
    variant: str, tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes, chain: list[bytes]
) -> None:
    """openssl pkcs12 -export output loads with identical key and certs and the same -info."""
    path = tmp_path / f"{variant}.p12"
    extra = _VARIANTS[variant]
    _openssl(
        "pkcs12", "-export", "-inkey", KEY, "-in", P12 / "leaf.pem", "-passout", f"pass:{PASS}",
        "-out", path, *extra,
    )  # fmt: skip
    bundle = pkcs12.load_bundle(path.read_bytes(), PASS)
    assert bundle.key == key and _der(bundle.cert) == leaf
    assert [_der(c) for c in bundle.chain] == (chain if "-certfile" in extra else [])
    assert list(bundle.info) == _info(path, PASS)


def test_wrong_passphrase_on_openssl_export(tmp_path: Path) -> None:
    """A wrong passphrase on openssl's file is a PassphraseError."""
    path = tmp_path / "x.p12"
    _openssl(
        "pkcs12", "-export", "-inkey", KEY, "-in", P12 / "leaf.pem", "-passout", "pass:right",
        "-out", path,
    )  # fmt: skip
    with pytest.raises(PassphraseError, match="MAC"):
        pkcs12.load(path.read_bytes(), "wrong")


def test_legacy_conversion_command_works(
    tmp_path: Path, key: keys.RSAPrivateKey, leaf: bytes
) -> None:
    """The command in the legacy error converts the file into one minica loads."""
    old = tmp_path / "old.p12"
    _openssl(
        "pkcs12", "-export", "-legacy", "-inkey", KEY, "-in", P12 / "leaf.pem",
        "-passout", f"pass:{PASS}", "-out", old,
    )  # fmt: skip
    with pytest.raises(PassphraseError) as info:
        pkcs12.load(old.read_bytes(), PASS)
    command = re.search(r"`(openssl pkcs12 -legacy .*?)`", str(info.value))
    assert command is not None
    for step in command.group(1).split(" && "):
        args = step.split()[1:]
        args += ["-passin", f"pass:{PASS}"] if "-legacy" in args else ["-passout", f"pass:{PASS}"]
        _openssl(*args, cwd=tmp_path)
    got_key, got_cert, _ = pkcs12.load((tmp_path / "new.p12").read_bytes(), PASS)
    assert got_key == key and _der(got_cert) == leaf

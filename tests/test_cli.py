"""The ``minica`` command line, always through the real entry point (``python -m minica``).

Bad input must give one line ``minica: error: ...`` on stderr, exit 1, and write nothing.
Keys come from tests/data/keys (no pure-Python key generation except where the test is about it).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
KEYS = DATA / "keys"
SRC = Path(__file__).resolve().parents[1] / "src"
PASS = "minica-test"  # the passphrase of tests/data/keys/*.enc-*


def minica(
    *args: str | Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m minica *args`` with stdin not a terminal; never raises on failure."""
    full_env = {k: v for k, v in os.environ.items() if k != "MINICA_PASSPHRASE"}
    full_env["PYTHONPATH"] = str(SRC)
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "minica", *map(str, args)],
        capture_output=True,
        env=full_env,
        cwd=cwd,
        input=input if input is not None else b"",
        check=False,
        timeout=120,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode()
    )


def ok(*args: str | Path, **kw: object) -> str:
    """Run minica and expect exit 0; returns stdout."""
    done = minica(*args, **kw)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    return done.stdout


def assert_one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 1, nothing on stdout, exactly one stderr line starting 'minica: error: '."""
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("minica: error: "), lines[0]
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def snapshot(d: Path) -> dict[str, bytes]:
    """Every file under ``d`` with its bytes, to show that nothing was written."""
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def openssl(*args: str | Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command line")
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def made_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA made once by ``minica init`` with a pre-generated key."""
    d = tmp_path_factory.mktemp("made") / "pki"
    ok("init", d, "--subject", "/C=CN/O=Example/CN=CLI Test Root", "--key", KEYS / "rsa2048-a.pem")
    return d


@pytest.fixture
def ca(made_ca: Path, tmp_path: Path) -> Path:
    """A private copy of the CA for a test that changes it."""
    d = tmp_path / "pki"
    shutil.copytree(made_ca, d, symlinks=True)
    return d


@pytest.fixture(scope="session")
def made_enc_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA whose key is encrypted with the passphrase PASS."""
    d = tmp_path_factory.mktemp("made-enc") / "pki"
    ok(
        "init", d, "--subject", "/CN=Encrypted Root", "--key", KEYS / "rsa2048-b.pem", "--encrypt",
        env={"MINICA_PASSPHRASE": PASS},
    )  # fmt: skip
    return d


@pytest.fixture
def enc_ca(made_enc_ca: Path, tmp_path: Path) -> Path:
    d = tmp_path / "enc-pki"
    shutil.copytree(made_enc_ca, d, symlinks=True)
    return d


@pytest.fixture
def csr(tmp_path: Path) -> Path:
    """A request for www.example.com made by ``minica req``."""
    out = tmp_path / "web.csr"
    ok(
        "req", KEYS / "rsa3072.pem", "--subject", "/CN=www.example.com",
        "--san", "www.example.com", "10.0.0.5", "-o", out,
    )  # fmt: skip
    return out


# -- the program --------------------------------------------------------------------------------


def test_version() -> None:
    """--version prints the package version."""
    from minica import __version__

    assert ok("--version").strip() == f"minica {__version__}"


SUBCOMMANDS = [
    "init", "key", "req", "sign", "issue", "revoke", "crl", "list", "show", "asn1", "export",
    "verify", "demo",
]  # fmt: skip


def test_help_lists_subcommands_and_examples() -> None:
    """--help names every subcommand and shows examples."""
    out = ok("--help")
    assert "examples:" in out
    for name in SUBCOMMANDS:
        assert re.search(rf"^\s+{name}\s", out, re.M), name


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_help_has_examples(name: str) -> None:
    """Each subcommand's --help has an examples section using it."""
    out = ok(name, "--help")
    assert "examples:" in out
    assert f"minica {name}" in out


def test_no_subcommand_is_a_usage_error() -> None:
    """Without a subcommand: usage on stderr, exit 2."""
    done = minica()
    assert done.returncode == 2
    assert "usage:" in done.stderr


def test_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    """An unknown option or a bad value exits 2 with argparse's message."""
    assert minica("key", tmp_path / "k", "--bits", "12").returncode == 2
    assert minica("list", "--frobnicate").returncode == 2
    assert not (tmp_path / "k").exists()


def test_keyboard_interrupt_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a subcommand: exit 130 and no traceback."""
    from minica import cli

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_list", interrupted)
    assert cli.main(["list", "anywhere"]) == 130
    assert "Traceback" not in capsys.readouterr().err


def test_full_parser_matches_the_lean_one() -> None:
    """build_parser() with every subcommand parses what the per-subcommand parser parses."""
    from minica import cli

    argv = ["sign", "pki", "web.csr", "--profile", "client", "--days", "7", "-o", "-"]
    full = vars(cli.build_parser().parse_args(argv))
    lean = vars(cli.build_parser("sign").parse_args(argv))
    assert full == lean and full["days"] == 7


def test_lean_start_up() -> None:
    """The command line loads no crypto module before a subcommand needs it (lazy imports)."""
    code = (
        "import sys; from minica import cli; cli.main(['--version']); "
        "print(*sorted(m for m in sys.modules if m.startswith('minica')))"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    loaded = set(done.stdout.split()[2:])  # after "minica 0.1.0"
    assert loaded <= {"minica", "minica._version", "minica.errors", "minica.cli"}, loaded


# -- init -------------------------------------------------------------------------------------


def test_init_makes_an_openssl_usable_ca(made_ca: Path) -> None:
    """init writes the openssl layout; openssl accepts the root and the first CRL."""
    for name in ("cacert.pem", "private/cakey.pem", "index.txt", "serial", "crlnumber", "crl.pem"):
        assert (made_ca / name).is_file(), name
    assert stat.S_IMODE((made_ca / "private" / "cakey.pem").stat().st_mode) == 0o600
    cacert = made_ca / "cacert.pem"
    assert openssl("verify", "-CAfile", cacert, cacert).returncode == 0
    done = openssl("crl", "-in", made_ca / "crl.pem", "-CAfile", cacert, "-noout")
    assert "verify OK" in done.stdout + done.stderr


def test_init_refuses_an_existing_ca(ca: Path) -> None:
    """A second init into the same directory: one error line, nothing changed."""
    before = snapshot(ca)
    done = minica("init", ca, "--subject", "/CN=Another", "--key", KEYS / "rsa2048-b.pem")
    assert_one_line_error(done)
    assert snapshot(ca) == before


def test_init_with_missing_key_file(tmp_path: Path) -> None:
    """--key naming a missing file: one line naming it, no CA directory."""
    done = minica("init", tmp_path / "pki", "--subject", "/CN=x", "--key", tmp_path / "nokey.pem")
    assert_one_line_error(done, "nokey.pem", "No such file")
    assert not (tmp_path / "pki").exists()


def test_init_encrypted_needs_a_passphrase(tmp_path: Path) -> None:
    """--encrypt without any passphrase source (no terminal): error, nothing written."""
    done = minica(
        "init", tmp_path / "pki", "--subject", "/CN=x", "--key", KEYS / "rsa2048-a.pem", "--encrypt"
    )
    assert_one_line_error(done, "passphrase", "MINICA_PASSPHRASE")
    assert not (tmp_path / "pki").exists()


def test_init_encrypted_key_is_encrypted(made_enc_ca: Path) -> None:
    """The CA key written with --encrypt is encrypted PKCS#8 that openssl opens."""
    key = made_enc_ca / "private" / "cakey.pem"
    assert key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert openssl("pkey", "-in", key, "-passin", f"pass:{PASS}", "-noout").returncode == 0


# -- key --------------------------------------------------------------------------------------


def test_key_writes_a_private_key_0600(tmp_path: Path) -> None:
    """key OUT: a PKCS#8 key, mode 0600, that openssl checks; progress on stderr."""
    out = tmp_path / "k.pem"
    done = minica("key", out)
    assert done.returncode == 0, done.stderr
    assert "generating" in done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert openssl("pkey", "-in", out, "-check", "-noout").returncode == 0


def test_key_to_stdout(tmp_path: Path) -> None:
    """key - writes the PEM to stdout and nothing else there."""
    out = ok("key", "-")
    assert out.startswith("-----BEGIN PRIVATE KEY-----") and out.rstrip().endswith("-----")


def test_key_encrypted_with_env_passphrase(tmp_path: Path) -> None:
    """--encrypt takes MINICA_PASSPHRASE; openssl decrypts with it."""
    out = tmp_path / "k.pem"
    ok("key", out, "--encrypt", env={"MINICA_PASSPHRASE": "s3cret"})
    assert "ENCRYPTED PRIVATE KEY" in out.read_text()
    assert openssl("pkey", "-in", out, "-passin", "pass:s3cret", "-noout").returncode == 0


def test_key_encrypted_with_passphrase_file(tmp_path: Path) -> None:
    """--passphrase-file: its first line is the passphrase."""
    pw = tmp_path / "pw"
    pw.write_text("from-file\nignored\n")
    out = tmp_path / "k.pem"
    ok("key", out, "--encrypt", "--passphrase-file", pw)
    assert openssl("pkey", "-in", out, "-passin", "pass:from-file", "-noout").returncode == 0


def test_key_refuses_to_overwrite(tmp_path: Path) -> None:
    """An existing OUT is left alone: one error line, exit 1."""
    out = tmp_path / "k.pem"
    out.write_text("precious")
    assert_one_line_error(minica("key", out), "exists")
    assert out.read_text() == "precious"


# -- req --------------------------------------------------------------------------------------


def test_req_makes_a_request_openssl_verifies(csr: Path) -> None:
    """req: openssl verifies the request and sees the subject and SANs."""
    done = openssl("req", "-in", csr, "-verify", "-noout", "-text")
    assert done.returncode == 0, done.stderr
    assert "CN = www.example.com" in done.stdout
    assert "DNS:www.example.com, IP Address:10.0.0.5" in done.stdout


def test_req_to_stdout() -> None:
    """req without -o writes the PEM request to stdout."""
    out = ok("req", KEYS / "rsa2048-a.pem", "--subject", "/CN=x")
    assert out.startswith("-----BEGIN CERTIFICATE REQUEST-----")


def test_req_with_encrypted_key_and_passphrase(tmp_path: Path) -> None:
    """An encrypted key opens with MINICA_PASSPHRASE."""
    out = tmp_path / "r.csr"
    ok("req", KEYS / "rsa2048-a.enc-aes256-sha256.pem", "--subject", "/CN=x", "-o", out,
       env={"MINICA_PASSPHRASE": PASS})  # fmt: skip
    assert out.read_text().startswith("-----BEGIN CERTIFICATE REQUEST-----")


def test_req_wrong_passphrase(tmp_path: Path) -> None:
    """A wrong passphrase: one error line, no output file."""
    out = tmp_path / "r.csr"
    done = minica("req", KEYS / "rsa2048-a.enc-aes256-sha256.pem", "--subject", "/CN=x",
                  "-o", out, env={"MINICA_PASSPHRASE": "wrong"})  # fmt: skip
    assert_one_line_error(done, "passphrase")
    assert not out.exists()


def test_req_encrypted_key_without_passphrase(tmp_path: Path) -> None:
    """An encrypted key and no passphrase (no terminal): one error line naming the key."""
    out = tmp_path / "r.csr"
    done = minica("req", KEYS / "rsa2048-a.enc-aes256-sha256.pem", "--subject", "/CN=x", "-o", out)
    assert_one_line_error(done, "rsa2048-a.enc-aes256-sha256.pem")
    assert not out.exists()


def test_req_missing_key(tmp_path: Path) -> None:
    """A missing key file: one line with the file name and the system's reason."""
    out = tmp_path / "r.csr"
    done = minica("req", tmp_path / "missing.pem", "--subject", "/CN=x", "-o", out)
    assert_one_line_error(done, "missing.pem", "No such file or directory")
    assert not out.exists()


def test_req_garbage_key(tmp_path: Path) -> None:
    """A file of garbage where a key is expected: one error line, nothing written."""
    junk = tmp_path / "junk.pem"
    junk.write_bytes(os.urandom(300))
    out = tmp_path / "r.csr"
    assert_one_line_error(minica("req", junk, "--subject", "/CN=x", "-o", out), "private key")
    assert not out.exists()


def test_req_certificate_where_key_expected(made_ca: Path, tmp_path: Path) -> None:
    """A certificate given as the key: one error line saying a key was expected."""
    out = tmp_path / "r.csr"
    done = minica("req", made_ca / "cacert.pem", "--subject", "/CN=x", "-o", out)
    assert_one_line_error(done, "PRIVATE KEY")
    assert not out.exists()


def test_req_bad_subject(tmp_path: Path) -> None:
    """An unparsable subject: one error line."""
    done = minica("req", KEYS / "rsa2048-a.pem", "--subject", "/NOPE=x", "-o", tmp_path / "r")
    assert_one_line_error(done)
    assert not (tmp_path / "r").exists()


# -- sign -------------------------------------------------------------------------------------


def test_sign_issues_a_certificate(ca: Path, csr: Path, tmp_path: Path) -> None:
    """sign: openssl verifies the certificate; index.txt and newcerts record it."""
    out = tmp_path / "web.crt"
    stdout = ok("sign", ca, csr, "-o", out)
    assert "serial 1" in stdout
    assert (
        openssl("verify", "-CAfile", ca / "cacert.pem", "-purpose", "sslserver", out).returncode
        == 0
    )
    assert "CN=www.example.com" in (ca / "index.txt").read_text()
    assert (ca / "newcerts" / "01.pem").read_text() == out.read_text()


def test_sign_to_stdout_with_profile(ca: Path, csr: Path) -> None:
    """sign -o - prints the PEM; --profile client gives clientAuth; --days sets validity."""
    pem = ok("sign", ca, csr, "--profile", "client", "--days", "10", "-o", "-")
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    done = subprocess.run(
        ["openssl", "x509", "-noout", "-text"],
        input=pem,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "TLS Web Client Authentication" in done.stdout


def test_sign_with_encrypted_ca_key(enc_ca: Path, csr: Path, tmp_path: Path) -> None:
    """The CA key's passphrase from the environment signs."""
    out = tmp_path / "c.crt"
    ok("sign", enc_ca, csr, "-o", out, env={"MINICA_PASSPHRASE": PASS})
    assert openssl("verify", "-CAfile", enc_ca / "cacert.pem", out).returncode == 0


def test_sign_wrong_ca_passphrase_writes_nothing(enc_ca: Path, csr: Path, tmp_path: Path) -> None:
    """A wrong CA passphrase: one error line, no certificate, the CA unchanged."""
    before = snapshot(enc_ca)
    out = tmp_path / "c.crt"
    done = minica("sign", enc_ca, csr, "-o", out, env={"MINICA_PASSPHRASE": "wrong"})
    assert_one_line_error(done, "passphrase")
    assert not out.exists()
    assert snapshot(enc_ca) == before


def test_sign_garbage_request(ca: Path, tmp_path: Path) -> None:
    """Garbage instead of a CSR: one error line, the CA unchanged."""
    junk = tmp_path / "junk.csr"
    junk.write_text(
        "-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----\n"
    )
    before = snapshot(ca)
    out = tmp_path / "c.crt"
    assert_one_line_error(minica("sign", ca, junk, "-o", out))
    assert not out.exists() and snapshot(ca) == before


def test_sign_key_where_request_expected(ca: Path, tmp_path: Path) -> None:
    """A private key given as the CSR: one error line saying a request was expected."""
    before = snapshot(ca)
    out = tmp_path / "c.crt"
    done = minica("sign", ca, KEYS / "rsa2048-a.pem", "-o", out)
    assert_one_line_error(done, "CERTIFICATE REQUEST")
    assert not out.exists() and snapshot(ca) == before


def test_sign_missing_ca(csr: Path, tmp_path: Path) -> None:
    """A directory that is not a CA: one error line."""
    assert_one_line_error(minica("sign", tmp_path / "nope", csr, "-o", tmp_path / "c"), "not a CA")
    assert not (tmp_path / "c").exists()


# -- issue ------------------------------------------------------------------------------------


def test_issue_writes_key_and_certificate(ca: Path, tmp_path: Path) -> None:
    """issue NAME...: NAME.key (0600) and NAME.crt that openssl verifies with the SANs."""
    ok("issue", ca, "localhost", "127.0.0.1", "--out-dir", tmp_path)
    key, crt = tmp_path / "localhost.key", tmp_path / "localhost.crt"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert openssl("verify", "-CAfile", ca / "cacert.pem", crt).returncode == 0
    text = openssl("x509", "-in", crt, "-noout", "-text").stdout
    assert "DNS:localhost, IP Address:127.0.0.1" in text
    mod_key = openssl("rsa", "-in", key, "-noout", "-modulus").stdout
    assert mod_key == openssl("x509", "-in", crt, "-noout", "-modulus").stdout


def test_issue_refuses_existing_files_before_touching_the_ca(ca: Path, tmp_path: Path) -> None:
    """An existing NAME.crt: one error line, and the CA issued nothing."""
    (tmp_path / "host.crt").write_text("old")
    before = snapshot(ca)
    done = minica("issue", ca, "host", "--out-dir", tmp_path)
    assert_one_line_error(done, "host.crt", "exists")
    assert snapshot(ca) == before
    assert not (tmp_path / "host.key").exists()


# -- revoke, crl, list ------------------------------------------------------------------------


def _issued(ca: Path, csr: Path, tmp_path: Path, name: str = "web.crt") -> Path:
    out = tmp_path / name
    ok("sign", ca, csr, "-o", out)
    return out


def test_revoke_then_crl_lists_the_serial(ca: Path, csr: Path, tmp_path: Path) -> None:
    """revoke by file + crl: openssl sees the serial revoked, with the reason."""
    crt = _issued(ca, csr, tmp_path)
    assert "revoked serial 1" in ok("revoke", ca, crt, "--reason", "keyCompromise")
    assert "1 revoked" in ok("crl", ca)
    done = openssl(
        "verify", "-crl_check", "-CAfile", ca / "cacert.pem", "-CRLfile", ca / "crl.pem", crt
    )
    assert done.returncode != 0 and "certificate revoked" in done.stdout + done.stderr
    text = openssl("crl", "-in", ca / "crl.pem", "-noout", "-text").stdout
    assert "Serial Number: 01" in text and "Key Compromise" in text


def test_revoke_by_serial_and_twice(ca: Path, csr: Path, tmp_path: Path) -> None:
    """revoke by hex serial works; revoking again is one error line."""
    _issued(ca, csr, tmp_path)
    ok("revoke", ca, "01")
    assert_one_line_error(minica("revoke", ca, "01"), "already revoked")


def test_revoke_unknown_target(ca: Path, tmp_path: Path) -> None:
    """Neither a file nor a serial / a serial not issued: one error line each."""
    assert_one_line_error(minica("revoke", ca, "zz-not-hex"), "zz-not-hex")
    assert_one_line_error(minica("revoke", ca, "BEEF"), "BEEF")


def test_revoke_garbage_certificate_file(ca: Path, tmp_path: Path) -> None:
    """A garbage file as CRT: one error line, the index unchanged."""
    junk = tmp_path / "junk.crt"
    junk.write_bytes(b"\x30\x03\x02\x01")
    before = snapshot(ca)
    assert_one_line_error(minica("revoke", ca, junk))
    assert snapshot(ca) == before


def test_crl_to_stdout(ca: Path) -> None:
    """crl -o - prints the CRL; openssl verifies its signature."""
    pem = ok("crl", ca, "--days", "3", "-o", "-")
    assert pem.startswith("-----BEGIN X509 CRL-----")
    done = subprocess.run(
        ["openssl", "crl", "-CAfile", str(ca / "cacert.pem"), "-noout"], input=pem,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "verify OK" in done.stdout + done.stderr


def test_list_and_status_filter(ca: Path, csr: Path, tmp_path: Path) -> None:
    """list shows valid and revoked certificates; --status R only the revoked."""
    _issued(ca, csr, tmp_path, "a.crt")
    other = tmp_path / "other.csr"
    ok("req", KEYS / "rsa2048-b.pem", "--subject", "/CN=other", "-o", other)
    ok("sign", ca, other, "-o", tmp_path / "b.crt")
    ok("revoke", ca, "02")
    everything = ok("list", ca)
    assert re.search(r"^\s+01\s+valid\s.*CN=www.example.com", everything, re.M)
    assert re.search(r"^\s+02\s+revoked\s.*CN=other", everything, re.M)
    revoked = ok("list", ca, "--status", "R")
    assert "CN=other" in revoked and "www.example.com" not in revoked


def test_revoke_certificate_of_another_ca(ca: Path, tmp_path: Path) -> None:
    """A certificate this CA did not issue: one error line, the index unchanged."""
    before = snapshot(ca)
    done = minica("revoke", ca, DATA / "certs" / "root.pem")
    assert_one_line_error(done, "not by this CA")
    assert snapshot(ca) == before


def test_sign_request_with_bad_signature(ca: Path, csr: Path, tmp_path: Path) -> None:
    """A request whose signature does not verify: one error line, nothing issued."""
    from minica.csr import load_csr

    raw = bytearray(load_csr(csr.read_bytes()).der)
    raw[-3] ^= 0x01  # inside the signature
    bad = tmp_path / "bad.csr"
    bad.write_bytes(bytes(raw))
    before = snapshot(ca)
    out = tmp_path / "c.crt"
    assert_one_line_error(minica("sign", ca, bad, "-o", out))
    assert not out.exists() and snapshot(ca) == before


def test_crl_encrypted_ca_without_passphrase(enc_ca: Path) -> None:
    """crl on a CA with an encrypted key and no passphrase (no terminal): one error line."""
    before = snapshot(enc_ca)
    assert_one_line_error(minica("crl", enc_ca), "passphrase")
    assert snapshot(enc_ca) == before


def test_list_and_crl_outside_a_ca(tmp_path: Path) -> None:
    """list/crl/revoke on a directory that is not a CA: one error line each."""
    for args in (("list",), ("crl",), ("revoke",)):
        extra = ("01",) if args == ("revoke",) else ()
        assert_one_line_error(minica(*args, tmp_path, *extra), "not a CA directory")


def test_init_bad_subject(tmp_path: Path) -> None:
    """An unparsable CA subject: one error line, no directory."""
    done = minica("init", tmp_path / "pki", "--subject", "CN", "--key", KEYS / "rsa2048-a.pem")
    assert_one_line_error(done)
    assert not (tmp_path / "pki").exists()


# -- show -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("certs/root.pem", "Certificate:"),
        ("certs/root.der", "Certificate:"),
        ("certs/csr-basic.pem", "Certificate Request:"),
        ("keys/rsa2048-a.pub.pem", "Public-Key: (2048 bit)"),
        ("keys/rsa2048-a.pem", "Private-Key: (2048 bit"),
        ("keys/rsa2048-a.der", "Private-Key: (2048 bit"),
    ],
)
def test_show_recognises_the_kind(path: str, needle: str) -> None:
    """show prints certificates, requests, keys (PEM or DER) as text."""
    assert needle in ok("show", DATA / path)


def test_show_crl(made_ca: Path) -> None:
    """show crl.pem prints openssl's CRL heading."""
    assert "Certificate Revocation List (CRL):" in ok("show", made_ca / "crl.pem")


def test_show_certificate_text_matches_openssl() -> None:
    """show on a certificate: openssl x509 -text -noout, then openssl's SHA-256 fingerprint line."""
    root = DATA / "certs" / "root.pem"
    expected = openssl("x509", "-in", root, "-noout", "-text").stdout
    expected += openssl("x509", "-in", root, "-noout", "-fingerprint", "-sha256").stdout
    assert ok("show", root) == expected


def test_show_garbage_and_missing(tmp_path: Path) -> None:
    """Garbage or a missing file: one error line each."""
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00garbage" * 10)
    assert_one_line_error(minica("show", junk))
    assert_one_line_error(minica("show", tmp_path / "missing.pem"), "missing.pem")


def test_show_encrypted_key_wrong_passphrase() -> None:
    """An encrypted key with a wrong passphrase: one error line."""
    done = minica("show", KEYS / "rsa2048-a.enc-aes256-sha256.pem", env={"MINICA_PASSPHRASE": "no"})
    assert_one_line_error(done, "passphrase")


def test_show_pkcs12(tmp_path: Path) -> None:
    """show FILE.p12 with its passphrase: the openssl-like summary and every certificate."""
    out = ok("show", DATA / "pkcs12" / "chain.p12", env={"MINICA_PASSPHRASE": PASS})
    assert "MAC: sha256" in out
    assert "subject=CN = client.example" in out and "private key: 2048-bit RSA" in out


def test_show_pkcs12_wrong_passphrase() -> None:
    """A wrong PKCS#12 passphrase: one error line."""
    done = minica("show", DATA / "pkcs12" / "chain.p12", env={"MINICA_PASSPHRASE": "nope"})
    assert_one_line_error(done, "MAC")


def test_passphrase_prompt_on_a_terminal(tmp_path: Path) -> None:
    """With a terminal and no other source, the passphrase is prompted for (getpass)."""
    import pty
    import select
    import time

    out = tmp_path / "r.csr"
    env = {k: v for k, v in os.environ.items() if k != "MINICA_PASSPHRASE"}
    env["PYTHONPATH"] = str(SRC)
    argv = [sys.executable, "-m", "minica", "req", str(KEYS / "rsa2048-a.enc-aes256-sha256.pem"),
            "--subject", "/CN=x", "-o", str(out)]  # fmt: skip
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin/stdout/stderr are the terminal
        os.execve(sys.executable, argv, env)
    seen = b""
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"passphrase for" in seen:
            os.write(fd, PASS.encode() + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert answered, seen
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert out.read_text().startswith("-----BEGIN CERTIFICATE REQUEST-----")


# -- asn1 -------------------------------------------------------------------------------------


def test_asn1_lines_up_with_asn1parse() -> None:
    """asn1: each line starts with what openssl asn1parse -i prints, and names the field."""
    root = DATA / "certs" / "root.pem"
    out = ok("asn1", root).splitlines()
    theirs = openssl("asn1parse", "-i", "-in", root).stdout.splitlines()
    assert len(out) >= len(theirs)
    assert out[0].startswith("    0:d=0  hl=4 l=") and "certificate: Certificate" in out[0]
    heads = [line.split(":", 2)[0] + ":" + line.split(":", 2)[1][:15] for line in theirs]
    mine = [line.split(":", 2)[0] + ":" + line.split(":", 2)[1][:15] for line in out]
    assert [h for h in mine if h in heads] == heads


def test_asn1_depth_limits_the_tree() -> None:
    """--depth 1 shows only depth 0 and 1."""
    out = ok("asn1", DATA / "certs" / "root.pem", "--depth", "1")
    depths = {int(m) for m in re.findall(r"d=(\d+)", out)}
    assert depths == {0, 1}


def test_asn1_pyasn1_schema() -> None:
    """--schema module.Type decodes with a pyasn1-modules type."""
    out = ok("asn1", DATA / "certs" / "root.der", "--schema", "rfc5280.Certificate")
    assert "tbsCertificate" in out


def test_asn1_truncated_shows_the_readable_part(tmp_path: Path) -> None:
    """A truncated file: the readable lines on stdout, one error line, exit 1."""
    cut = tmp_path / "cut.der"
    cut.write_bytes((DATA / "certs" / "root.der").read_bytes()[:200])
    done = minica("asn1", cut)
    assert done.returncode == 1
    assert done.stdout.startswith("    0:d=0")
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("minica: error: ")


# -- export -----------------------------------------------------------------------------------


def test_export_makes_a_pkcs12_openssl_reads(ca: Path, tmp_path: Path) -> None:
    """export: openssl pkcs12 opens the bundle with the passphrase; key, cert and chain inside."""
    ok("issue", ca, "alice@example.com", "--profile", "client", "--out-dir", tmp_path)
    out = tmp_path / "alice.p12"
    ok(
        "export", tmp_path / "alice@example.com.crt", "--key", tmp_path / "alice@example.com.key",
        "--chain", ca / "cacert.pem", "-o", out, "--name", "Alice",
        env={"MINICA_PASSPHRASE": "transport"},
    )  # fmt: skip
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    done = openssl("pkcs12", "-in", out, "-passin", "pass:transport", "-nodes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("BEGIN CERTIFICATE") == 2 and "PRIVATE KEY" in done.stdout
    assert "friendlyName: Alice" in done.stdout


def test_export_needs_a_passphrase(tmp_path: Path) -> None:
    """No passphrase source and no terminal: one error line, no file."""
    out = tmp_path / "x.p12"
    done = minica(
        "export", DATA / "pkcs12" / "leaf.pem", "--key", KEYS / "rsa2048-a.pem", "-o", out
    )
    assert_one_line_error(done, "passphrase")
    assert not out.exists()


def test_export_key_not_matching(made_ca: Path, tmp_path: Path) -> None:
    """A key that does not belong to the certificate: one error line, no file."""
    out = tmp_path / "x.p12"
    done = minica(
        "export", made_ca / "cacert.pem", "--key", KEYS / "rsa2048-b.pem", "-o", out,
        env={"MINICA_PASSPHRASE": "p"},
    )  # fmt: skip
    assert_one_line_error(done)
    assert not out.exists()


# -- verify -----------------------------------------------------------------------------------

from test_verify import CASES, Case, build_chains, openssl_verify, write_case  # noqa: E402


@pytest.fixture(scope="session")
def written_chains(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    d = tmp_path_factory.mktemp("cli-chains")
    return {name: write_case(c, d / name) for name, c in build_chains().items()}


_MINICA_ERROR = re.compile(r"error (\d+) at (\d+) depth lookup")


@pytest.mark.parametrize("name", CASES)
def test_verify_agrees_with_openssl(written_chains: dict[str, Case], name: str) -> None:
    """minica verify and openssl verify (-crl_check with a CRL) agree: exit status and code."""
    case = written_chains[name]
    f = case.files
    args: list[str | Path] = ["verify", "--ca", f["ca"]]
    if "untrusted" in f:
        args += ["--untrusted", f["untrusted"]]
    if "crl" in f:
        args += ["--crl", f["crl"]]
    if case.crl_all:
        args.append("--crl-check-all")
    if case.purpose:
        args += ["--purpose", case.purpose]
    done = minica(*args, f["leaf"])
    expected = openssl_verify(case)
    if expected == (0, 0):
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"{f['leaf']}: OK\n"
    else:
        assert_one_line_error(done, "verification failed")
        m = _MINICA_ERROR.search(done.stderr)
        assert m and (int(m.group(1)), int(m.group(2))) == expected, done.stderr


def test_verify_missing_certificate(made_ca: Path, tmp_path: Path) -> None:
    """A missing certificate file: one error line."""
    done = minica("verify", "--ca", made_ca / "cacert.pem", tmp_path / "nope.pem")
    assert_one_line_error(done, "nope.pem")


def test_verify_key_where_certificate_expected(made_ca: Path) -> None:
    """A key given as the certificate: one error line saying a certificate was expected."""
    done = minica("verify", "--ca", made_ca / "cacert.pem", KEYS / "rsa2048-a.pem")
    assert_one_line_error(done, "CERTIFICATE")


# -- hostile input ------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SAMPLES = [
    (DATA / "certs" / "root.der").read_bytes(),
    (DATA / "certs" / "root.pem").read_bytes(),
    (DATA / "certs" / "csr-basic.pem").read_bytes(),
    (DATA / "keys" / "rsa2048-a.der").read_bytes(),
]


def _run_in_process(argv: list[str]) -> tuple[int, str]:
    """cli.main in this process (fast), with stdout/stderr captured."""
    import contextlib
    import io

    from minica import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, err.getvalue()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sample=st.sampled_from(_SAMPLES),
    flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(1, 255)), min_size=1, max_size=4),
    cut=st.integers(0, 4000),
)
def test_show_and_asn1_survive_mutated_files(
    tmp_path: Path, sample: bytes, flips: list[tuple[int, int]], cut: int
) -> None:
    """Mutated or truncated files: exit 0 or a one-line error, never a traceback."""
    data = bytearray(sample)
    for pos, xor in flips:
        data[pos % len(data)] ^= xor
    path = tmp_path / "mutated"
    path.write_bytes(bytes(data[: max(1, cut % (len(data) + 1))]))
    for command in ("show", "asn1"):
        code, err = _run_in_process([command, str(path)])
        assert code in (0, 1), err
        if code == 1:
            assert err.startswith("minica: error: "), err
            assert err.count("minica: error: ") == 1


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, 2000), st.integers(1, 255)), min_size=1, max_size=3))
def test_verify_survives_mutated_certificates(tmp_path: Path, flips: list[tuple[int, int]]) -> None:
    """A mutated leaf: verify fails with one error line (or, rarely, still verifies)."""
    data = bytearray((DATA / "certs" / "root.der").read_bytes())
    for pos, xor in flips:
        data[pos % len(data)] ^= xor
    path = tmp_path / "leaf.der"
    path.write_bytes(bytes(data))
    code, err = _run_in_process(["verify", "--ca", str(DATA / "certs" / "root.pem"), str(path)])
    assert code in (0, 1), err
    if code == 1:
        assert err.startswith("minica: error: ") and err.count("\n") == 1, err


# -- demo -------------------------------------------------------------------------------------


def test_demo_refuses_an_existing_ca(ca: Path) -> None:
    """demo DIR where DIR holds a CA: one error line, nothing changed."""
    before = snapshot(ca)
    assert_one_line_error(minica("demo", ca))
    assert snapshot(ca) == before


def test_show_reads_a_certificate_after_text(ca: Path, tmp_path: Path) -> None:
    """`show` reads what `openssl x509 -text` / `openssl ca -out` write: text, then the PEM."""
    texty = tmp_path / "texty.pem"
    texty.write_text(openssl("x509", "-in", ca / "cacert.pem", "-text").stdout)
    out = ok("show", texty)
    assert out.startswith("Certificate:")
    assert out == ok("show", ca / "cacert.pem")


def test_show_of_a_text_file_is_one_clear_line(ca: Path) -> None:
    """A file that is neither PEM nor DER (here the empty index) is named in one error line."""
    assert_one_line_error(minica("show", ca / "index.txt"), "index.txt", "neither PEM nor DER")


def test_asn1_schema_honours_depth(ca: Path) -> None:
    """`asn1 --schema module.Type --depth N` stops at depth N."""
    out = ok("asn1", ca / "cacert.pem", "--schema", "rfc5280.Certificate", "--depth", "1")
    depths = [int(m) for m in re.findall(r":d=(\d+)", out)]
    assert depths and max(depths) == 1


def test_cli_choices_match_the_library() -> None:
    """The parser's spelled-out choices agree with the library's tables."""
    from minica import cli, index, profiles

    assert cli.REASONS == index.OPENSSL_CA_REASONS
    assert set(cli.PROFILES) <= set(profiles.PROFILES)

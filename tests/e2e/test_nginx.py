"""nginx + curl with client certificates: the classic recipe's step 6, on a real web server.

Each scenario runs twice: with a PKI made by the openssl command line (which proves the harness:
if those pass and minica's fail, minica is at fault) and with one made by the ``minica`` command.
Both PKIs have the same shape: a CA; a server certificate for localhost/127.0.0.1; client 1
(valid); client 2 (revoked, listed in the CA's CRL); and a client of another CA.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import CURL, NGINX, NginxServer, curl, run_nginx

pytestmark = pytest.mark.skipif(
    NGINX is None or CURL is None, reason="needs nginx and curl (apt-get install -y nginx curl)"
)

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass(frozen=True, kw_only=True)
class Pki:
    """Files of one test PKI (every key unencrypted, every certificate PEM)."""

    ca_cert: Path
    crl: Path
    server_cert: Path
    server_key: Path
    client1_cert: Path
    client1_key: Path
    client2_cert: Path  # revoked
    client2_key: Path
    other_ca_cert: Path
    other_client_cert: Path  # issued by the other CA
    other_client_key: Path
    maker: str  # "openssl" or "minica"
    ca_dir: Path  # the CA directory (openssl ca's or minica's)
    out_dir: Path  # where issued keys and certificates go


# -- the openssl-made PKI ----------------------------------------------------------------------

_OPENSSL_CNF = """\
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/cacert.pem
private_key = $dir/cakey.pem
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
[ req ]
distinguished_name = dn
[ dn ]
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
"""


def _openssl(*args: str | Path, cwd: Path | None = None) -> None:
    done = subprocess.run(["openssl", *map(str, args)], capture_output=True, cwd=cwd, check=False)
    if done.returncode != 0:
        pytest.fail(f"openssl {' '.join(map(str, args))}:\n{done.stderr.decode(errors='replace')}")


def _openssl_ca(d: Path, subject: str) -> Path:
    d.mkdir()
    (d / "newcerts").mkdir()
    (d / "index.txt").write_text("")
    (d / "serial").write_text("01\n")
    (d / "crlnumber").write_text("01\n")
    cnf = d / "openssl.cnf"
    cnf.write_text(_OPENSSL_CNF.format(dir=d))
    _openssl("genrsa", "-out", d / "cakey.pem", "2048")
    _openssl(
        "req", "-config", cnf, "-new", "-x509", "-key", d / "cakey.pem", "-subj", subject,
        "-days", "30", "-extensions", "ca_ext", "-out", d / "cacert.pem",
    )  # fmt: skip
    return cnf


def _openssl_issue(d: Path, cnf: Path, name: str, ext: str, out: Path) -> tuple[Path, Path]:
    key, csr, crt = out / f"{name}.key", out / f"{name}.csr", out / f"{name}.crt"
    _openssl("genrsa", "-out", key, "2048")
    _openssl("req", "-config", cnf, "-new", "-key", key, "-subj", f"/CN={name}", "-out", csr)
    _openssl(
        "ca", "-config", cnf, "-batch", "-notext", "-in", csr, "-extensions", ext, "-out", crt
    )  # fmt: skip
    return crt, key


def make_openssl_pki(d: Path) -> Pki:
    """The PKI made with the openssl command line, as the classic recipe does it."""
    cnf = _openssl_ca(d / "ca", "/O=Harness/CN=Harness Root")
    other_cnf = _openssl_ca(d / "other", "/O=Elsewhere/CN=Other Root")
    server = _openssl_issue(d / "ca", cnf, "localhost", "server_ext", d)
    client1 = _openssl_issue(d / "ca", cnf, "client1", "client_ext", d)
    client2 = _openssl_issue(d / "ca", cnf, "client2", "client_ext", d)
    other = _openssl_issue(d / "other", other_cnf, "intruder", "client_ext", d)
    _openssl("ca", "-config", cnf, "-revoke", client2[0], "-crl_reason", "keyCompromise")
    _openssl("ca", "-config", cnf, "-gencrl", "-out", d / "ca" / "crl.pem")
    return Pki(
        ca_cert=d / "ca" / "cacert.pem",
        crl=d / "ca" / "crl.pem",
        server_cert=server[0],
        server_key=server[1],
        client1_cert=client1[0],
        client1_key=client1[1],
        client2_cert=client2[0],
        client2_key=client2[1],
        other_ca_cert=d / "other" / "cacert.pem",
        other_client_cert=other[0],
        other_client_key=other[1],
        maker="openssl",
        ca_dir=d / "ca",
        out_dir=d,
    )


# -- the minica-made PKI -----------------------------------------------------------------------


def minica(*args: str | Path, cwd: Path | None = None) -> str:
    """Run ``python -m minica`` (the real entry point); fail the test on a non-zero exit."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("MINICA_PASSPHRASE", None)
    done = subprocess.run(
        [sys.executable, "-m", "minica", *map(str, args)],
        capture_output=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        pytest.fail(
            f"minica {' '.join(map(str, args))} exited {done.returncode}:\n"
            f"{done.stderr.decode(errors='replace')}"
        )
    return done.stdout.decode()


def make_minica_pki(d: Path) -> Pki:
    """The same PKI made with the ``minica`` command line only."""
    d.mkdir(parents=True, exist_ok=True)
    minica("init", d / "ca", "--subject", "/O=Minica E2E/CN=Minica E2E Root")
    minica("init", d / "other", "--subject", "/O=Elsewhere/CN=Other Root")
    minica("issue", d / "ca", "localhost", "127.0.0.1", "--out-dir", d)
    for name in ("client1", "client2"):
        minica("issue", d / "ca", name, "--profile", "client", "--out-dir", d)
    minica("issue", d / "other", "intruder", "--profile", "client", "--out-dir", d)
    minica("revoke", d / "ca", d / "client2.crt", "--reason", "keyCompromise")
    minica("crl", d / "ca")
    return Pki(
        ca_cert=d / "ca" / "cacert.pem",
        crl=d / "ca" / "crl.pem",
        server_cert=d / "localhost.crt",
        server_key=d / "localhost.key",
        client1_cert=d / "client1.crt",
        client1_key=d / "client1.key",
        client2_cert=d / "client2.crt",
        client2_key=d / "client2.key",
        other_ca_cert=d / "other" / "cacert.pem",
        other_client_cert=d / "intruder.crt",
        other_client_key=d / "intruder.key",
        maker="minica",
        ca_dir=d / "ca",
        out_dir=d,
    )


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["openssl", "minica"])
def pki(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """One PKI per maker (openssl proves the harness, minica is under test)."""
    d = tmp_path_factory.mktemp(f"pki-{request.param}")
    if request.param == "openssl":
        return make_openssl_pki(d)
    return make_minica_pki(d)


@pytest.fixture(scope="module")
def server(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxServer]:
    """nginx serving with ``pki``'s server certificate, requiring its clients, with its CRL."""
    prefix = tmp_path_factory.mktemp("nginx")
    with run_nginx(
        prefix,
        cert=pki.server_cert,
        key=pki.server_key,
        client_ca=pki.ca_cert,
        crl=pki.crl,
    ) as running:
        yield running


# -- scenarios ---------------------------------------------------------------------------------


def test_valid_client_is_served(server: NginxServer, pki: Pki) -> None:
    """A client certificate from the CA, not revoked: 200 and nginx saw the client's name."""
    mark = server.log_size()
    r = curl(server, cacert=pki.ca_cert, cert=pki.client1_cert, key=pki.client1_key)
    assert (r.returncode, r.status) == (0, 200), r.stderr
    assert "CN=client1" in r.body
    assert "verify error" not in server.error_log(mark)


def test_revoked_client_is_rejected(server: NginxServer, pki: Pki) -> None:
    """A client listed in the CA's CRL: nginx answers 400 "The SSL certificate error"."""
    mark = server.log_size()
    r = curl(server, cacert=pki.ca_cert, cert=pki.client2_cert, key=pki.client2_key)
    assert (r.returncode, r.status) == (0, 400), r.stderr
    assert "The SSL certificate error" in r.body
    assert "client SSL certificate verify error: (23:certificate revoked)" in server.error_log(mark)


def test_client_of_another_ca_is_rejected(server: NginxServer, pki: Pki) -> None:
    """A client certificate from an unrelated CA: 400 "The SSL certificate error"."""
    mark = server.log_size()
    r = curl(server, cacert=pki.ca_cert, cert=pki.other_client_cert, key=pki.other_client_key)
    assert (r.returncode, r.status) == (0, 400), r.stderr
    assert "The SSL certificate error" in r.body
    log = server.error_log(mark)
    assert "client SSL certificate verify error: (21:unable to verify the first certificate)" in log


def test_client_without_certificate_is_rejected(server: NginxServer, pki: Pki) -> None:
    """No client certificate at all: 400 "No required SSL certificate was sent"."""
    r = curl(server, cacert=pki.ca_cert)
    assert (r.returncode, r.status) == (0, 400), r.stderr
    assert "No required SSL certificate was sent" in r.body


def test_server_certificate_needs_our_ca(server: NginxServer, pki: Pki) -> None:
    """Without --cacert curl refuses the server (exit 60, peer verification failed)."""
    r = curl(server, cert=pki.client1_cert, key=pki.client1_key)
    assert (r.returncode, r.status) == (60, 0), r.stderr
    assert "certificate" in r.stderr.lower()


def test_server_certificate_refused_under_another_ca(server: NginxServer, pki: Pki) -> None:
    """Trusting only another CA, curl refuses the server too (exit 60)."""
    r = curl(server, cacert=pki.other_ca_cert, cert=pki.client1_cert, key=pki.client1_key)
    assert (r.returncode, r.status) == (60, 0), r.stderr


def test_nginx_runs_unprivileged(server: NginxServer) -> None:
    """nginx never runs as root, even when the tests do (it runs as nobody then)."""
    status = Path(f"/proc/{server.process.pid}/status")
    if not status.exists():
        pytest.skip("no /proc here")
    uids = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
    assert all(int(uid) != 0 for uid in uids.split()[1:]), uids


def _issue_client(pki: Pki, name: str) -> tuple[Path, Path]:
    """One more client certificate from the PKI's CA, made by its own tool."""
    if pki.maker == "openssl":
        return _openssl_issue(
            pki.ca_dir, pki.ca_dir / "openssl.cnf", name, "client_ext", pki.out_dir
        )
    minica("issue", pki.ca_dir, name, "--profile", "client", "--out-dir", pki.out_dir)
    return pki.out_dir / f"{name}.crt", pki.out_dir / f"{name}.key"


def _revoke_and_publish(pki: Pki, cert: Path) -> None:
    """Revoke ``cert`` and regenerate the CA's crl.pem, with the PKI's own tool."""
    if pki.maker == "openssl":
        cnf = pki.ca_dir / "openssl.cnf"
        _openssl("ca", "-config", cnf, "-revoke", cert, "-crl_reason", "superseded")
        _openssl("ca", "-config", cnf, "-gencrl", "-out", pki.crl)
    else:
        minica("revoke", pki.ca_dir, cert, "--reason", "superseded")
        minica("crl", pki.ca_dir)


def test_revocation_reaches_a_running_server(pki: Pki, tmp_path: Path) -> None:
    """Served, then revoked + new CRL + nginx reload: refused, while client1 is still served."""
    cert, key = _issue_client(pki, "client3")
    with run_nginx(
        tmp_path / "nginx", cert=pki.server_cert, key=pki.server_key, client_ca=pki.ca_cert,
        crl=pki.crl,
    ) as server:  # fmt: skip
        before = curl(server, cacert=pki.ca_cert, cert=cert, key=key)
        assert (before.returncode, before.status) == (0, 200), before.stderr
        _revoke_and_publish(pki, cert)
        reload_mark = server.log_size()
        server.reload_crl(pki.crl)
        mark = server.log_size()
        after = curl(server, cacert=pki.ca_cert, cert=cert, key=key)
        assert (after.returncode, after.status) == (0, 400), after.stderr + server.error_log(
            reload_mark
        )
        assert "(23:certificate revoked)" in server.error_log(mark)
        still = curl(server, cacert=pki.ca_cert, cert=pki.client1_cert, key=pki.client1_key)
        assert (still.returncode, still.status) == (0, 200), still.stderr

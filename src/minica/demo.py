"""``minica demo``: the classic private-CA story, end to end, against a real HTTPS server (layer 7).

In DIR (a temp directory by default) it makes a CA, a server certificate for localhost and
127.0.0.1 and two client certificates; starts an HTTPS server on 127.0.0.1 (stdlib ``ssl`` and
``http.server``) that requires client certificates from the CA and checks the CA's CRL; shows
that client 1 is served; revokes client 2, publishes a new CRL and reloads the server's TLS
context; shows that client 2 is refused and client 1 still served. Each step is printed as it
happens and, where ``openssl`` is on PATH, each file is checked with it too. The exit status is
non-zero when any step does not behave.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from minica.ca import CA
from minica.cert import Certificate
from minica.errors import CAError
from minica.keys import RSAPrivateKey, save_private_key

__all__ = ["run"]

CA_SUBJECT = "/O=minica demo/CN=minica demo root CA"


class _Story:
    """Prints numbered steps and remembers whether each behaved."""

    def __init__(self) -> None:
        self.step = 0
        self.failures: list[str] = []

    def say(self, text: str) -> None:
        self.step += 1
        print(f"[{self.step}] {text}", flush=True)

    def detail(self, text: str) -> None:
        print(f"    {text}", flush=True)

    def check(self, ok: bool, good: str, bad: str) -> bool:
        if ok:
            print(f"    ok: {good}", flush=True)
        else:
            print(f"    FAILED: {bad}", flush=True)
            self.failures.append(bad)
        return ok


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the client certificate's subject."""

    server: _TLSServer

    def do_GET(self) -> None:
        peer = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        cn = "?"
        for rdn in (peer or {}).get("subject", ()):
            for attribute in rdn:
                if attribute[0] == "commonName":
                    cn = str(attribute[1])
        body = f"hello {cn}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the story prints what matters


class _TLSServer(http.server.ThreadingHTTPServer):
    """An HTTPS server whose SSLContext can be swapped (a reload) between connections."""

    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.refusals: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        sock, addr = self.socket.accept()
        sock.settimeout(10)
        try:
            # The context in force when the connection arrives: a reload takes effect at once.
            return self.context.wrap_socket(sock, server_side=True), addr
        except (ssl.SSLError, OSError) as e:
            # SSLCertVerificationError says why in verify_message ("certificate revoked").
            why = getattr(e, "verify_message", None) or getattr(e, "reason", None) or str(e)
            self.refusals.append(why)
            sock.close()
            raise


def _server_context(ca_cert: Path, crl: Path, cert: Path, key: Path) -> ssl.SSLContext:
    """Require a client certificate from the CA and check the leaf against the CA's CRL."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=ca_cert)
    ctx.load_verify_locations(cafile=crl)  # a PEM file of CRLs loads into the same store
    ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
    return ctx


def _get(port: int, ca_cert: Path, cert: Path, key: Path) -> tuple[int, str]:
    """GET / as a client with ``cert``; (HTTP status, body) or (0, why it failed)."""
    ctx = ssl.create_default_context(cafile=str(ca_cert))
    ctx.load_cert_chain(cert, key)
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
            ctx.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := tls.recv(4096):
                data += chunk
    except (ssl.SSLError, OSError) as e:
        return 0, getattr(e, "reason", None) or str(e) or type(e).__name__
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return 0, "no HTTP response (connection closed)"
    return int(parts[1]), body.decode(errors="replace").strip()


def _openssl(*args: str | Path) -> tuple[int, str]:
    done = subprocess.run(
        ["openssl", *map(str, args)], capture_output=True, check=False, timeout=30
    )
    return done.returncode, (done.stdout + done.stderr).decode(errors="replace").strip()


def _save(d: Path, name: str, key: RSAPrivateKey, cert: Certificate) -> tuple[Path, Path]:
    key_path = d / "private" / f"{name}.key"
    cert_path = d / "certs" / f"{name}.crt"
    save_private_key(key_path, key)
    with open(cert_path, "x", encoding="ascii") as f:
        f.write(cert.to_pem())
    return cert_path, key_path


def run(
    directory: str | os.PathLike[str] | None = None, *, bits: int = 2048, keep: bool = False
) -> int:
    """Run the demo in ``directory`` (a new temp directory when None); returns the exit status.

    Refuses (CAError, before writing anything) a directory that already holds a CA.
    """
    temp = directory is None
    if directory is None:
        d = Path(tempfile.mkdtemp(prefix="minica-demo-"))
    else:
        d = Path(directory).absolute()
    story = _Story()
    has_openssl = shutil.which("openssl") is not None
    try:
        code = _run(d, story, bits, has_openssl)
    finally:
        if temp and not keep:
            shutil.rmtree(d, ignore_errors=True)
    if temp and not keep:
        print(f"(removed {d}; run `minica demo DIR` to keep the files)")
    else:
        print(f"files in {d}: cacert.pem, crl.pem, certs/, private/, index.txt")
    return code


def _run(d: Path, story: _Story, bits: int, has_openssl: bool) -> int:
    if (d / "cacert.pem").exists() or (d / "private").exists():
        # Checked again (atomically) by CA.init; this only keeps the refusal free of chatter.
        raise CAError(f"{d}: already holds a CA; the demo does not touch it (pick a new DIR)")
    print(f"minica demo in {d}", flush=True)
    if not has_openssl:
        print("(openssl is not on PATH: the files are not cross-checked with it)")

    story.say(f"create a CA: {bits}-bit RSA key and a self-signed root certificate")
    started = time.monotonic()
    ca = CA.init(d, CA_SUBJECT, key_size=bits, days=3650)
    story.detail(
        f"{ca.cert_path.relative_to(d)}: {ca.certificate.subject.to_openssl()}, "
        f"{time.monotonic() - started:.1f} s"
    )
    story.detail(
        f"{ca.key_path.relative_to(d)} (mode 0600), index.txt, serial, crlnumber, openssl.cnf"
    )
    if has_openssl:
        rc, out = _openssl("verify", "-CAfile", ca.cert_path, ca.cert_path)
        story.check(rc == 0, "openssl verify: the root verifies itself", f"openssl verify: {out}")

    story.say("issue a server certificate for localhost and 127.0.0.1")
    key, cert = ca.issue(["localhost", "127.0.0.1"], profile="server", key_size=bits)
    server_cert, server_key = _save(d, "server", key, cert)
    story.detail(
        f"{server_cert.relative_to(d)}: serial {cert.serial_number:X}, "
        f"{cert.subject.to_openssl()}, SAN DNS:localhost, IP:127.0.0.1"
    )
    if has_openssl:
        rc, out = _openssl("verify", "-CAfile", ca.cert_path, "-purpose", "sslserver", server_cert)
        story.check(rc == 0, "openssl verify -purpose sslserver: OK", f"openssl verify: {out}")

    clients: dict[str, tuple[Path, Path, int]] = {}
    story.say("issue two client certificates")
    for name in ("client1", "client2"):
        key, cert = ca.issue([], profile="client", subject=f"/CN={name}", key_size=bits)
        cert_path, key_path = _save(d, name, key, cert)
        clients[name] = (cert_path, key_path, cert.serial_number)
        story.detail(f"{cert_path.relative_to(d)}: serial {cert.serial_number:X}, /CN={name}")
        if has_openssl:
            rc, out = _openssl(
                "verify", "-CAfile", ca.cert_path, "-purpose", "sslclient", cert_path
            )
            story.check(rc == 0, f"openssl verify -purpose sslclient {name}: OK", out)

    story.say("publish the CRL (nothing revoked yet)")
    crl = ca.generate_crl(days=7)
    story.detail(f"crl.pem: CRL number {crl.crl_number}, {len(crl)} revoked")
    if has_openssl:
        rc, out = _openssl("crl", "-in", ca.crl_path, "-CAfile", ca.cert_path, "-noout")
        story.check(rc == 0 and "verify OK" in out, "openssl crl -verify: verify OK", out)

    story.say("start an HTTPS server on 127.0.0.1 (client certificate required, CRL checked)")
    server = _TLSServer(_server_context(ca.cert_path, ca.crl_path, server_cert, server_key))
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="minica-demo-https", daemon=True)
    thread.start()
    try:
        story.detail(f"listening on https://localhost:{port}/")
        c1_cert, c1_key, _ = clients["client1"]
        c2_cert, c2_key, c2_serial = clients["client2"]

        story.say("client1 connects")
        status, text = _get(port, ca.cert_path, c1_cert, c1_key)
        story.check(status == 200, f"HTTP {status}: {text}", f"client1 was not served: {text}")

        story.say("client2 connects (not revoked yet)")
        status, text = _get(port, ca.cert_path, c2_cert, c2_key)
        story.check(status == 200, f"HTTP {status}: {text}", f"client2 was not served: {text}")

        story.say("revoke client2 (keyCompromise), publish a new CRL, reload the server")
        ca.revoke(c2_serial, reason="keyCompromise")
        crl = ca.generate_crl(days=7)
        story.detail(
            f"crl.pem: CRL number {crl.crl_number}, {len(crl)} revoked (serial {c2_serial:X})"
        )
        server.context = _server_context(ca.cert_path, ca.crl_path, server_cert, server_key)
        story.detail("server: new SSLContext with the new CRL swapped in")
        if has_openssl:
            rc, out = _openssl(
                "verify", "-crl_check", "-CAfile", ca.cert_path, "-CRLfile", ca.crl_path, c2_cert
            )
            story.check(
                rc != 0 and "certificate revoked" in out,
                "openssl verify -crl_check client2: certificate revoked",
                out,
            )

        story.say("client2 connects again")
        before = len(server.refusals)
        status, text = _get(port, ca.cert_path, c2_cert, c2_key)
        time.sleep(0.05)  # let the server thread record why it refused
        why = "; server said: " + server.refusals[-1] if len(server.refusals) > before else ""
        story.check(
            status == 0,
            f"refused ({text}{why})",
            f"client2 was served after revocation: HTTP {status}",
        )

        story.say("client1 connects again")
        status, text = _get(port, ca.cert_path, c1_cert, c1_key)
        story.check(status == 200, f"HTTP {status}: {text}", f"client1 was not served: {text}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    if story.failures:
        print(f"demo FAILED: {len(story.failures)} step(s) misbehaved", file=sys.stderr)
        return 1
    print("demo OK: every step behaved")
    return 0

"""The nginx + curl harness for end-to-end tests (imported by conftest.py and the tests).

nginx runs as a foreground child of the test (``daemon off;``, one worker) with its own prefix,
config, pid file and logs in a temp directory, listening on a free 127.0.0.1 port; as root it
runs as ``nobody``. Tests skip only when nginx or curl is genuinely absent; CI installs both.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def _find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


NGINX = _find_nginx()
CURL = shutil.which("curl")

_CONF = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_client_certificate {client_ca};
        ssl_verify_client on;
        ssl_verify_depth 2;
{crl_line}
        location / {{
            default_type text/plain;
            return 200 "hello $ssl_client_s_dn serial=$ssl_client_serial\\n";
        }}
    }}
}}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True, kw_only=True)
class NginxServer:
    """A running nginx: where it listens and where its logs are."""

    port: int
    prefix: Path
    process: subprocess.Popen[bytes]
    crl_path: Path | None = None  # the CRL file nginx reads (a copy when it runs as nobody)
    owner: tuple[int, int] | None = None  # (uid, gid) nginx runs as, when dropped from root

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}/"

    def reload_crl(self, crl: Path) -> None:
        """Publish ``crl`` to nginx and make it re-read its configuration (SIGHUP), as an
        operator does after `openssl ca -gencrl`; returns once nginx has reconfigured."""
        if self.crl_path is None:
            raise ValueError("nginx was started without a CRL")
        if crl != self.crl_path:
            shutil.copyfile(crl, self.crl_path)
            if self.owner is not None:
                os.chown(self.crl_path, *self.owner)
        mark = self.log_size()
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        # The master starts a new worker with the new configuration and the old worker
        # finishes; once it has exited, every new connection meets the new CRL.
        while "exited with code" not in self.error_log(mark):
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"nginx did not reconfigure:\n{self.error_log(mark)}")
            time.sleep(0.02)

    def error_log(self, start: int = 0) -> str:
        """The error log from byte ``start`` on (see :meth:`log_size`)."""
        path = self.prefix / "error.log"
        if not path.exists():
            return ""
        with open(path, "rb") as f:
            f.seek(start)
            return f.read().decode(errors="replace")

    def log_size(self) -> int:
        """The error log's current size: pass it to :meth:`error_log` to see only new lines."""
        path = self.prefix / "error.log"
        return path.stat().st_size if path.exists() else 0


def _wait_for_port(port: int, process: subprocess.Popen[bytes], prefix: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_path = prefix / "error.log"
            log = log_path.read_text(errors="replace") if log_path.exists() else ""
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.fail(f"nginx exited with {process.returncode}:\n{out}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    pytest.fail(f"nginx did not listen on 127.0.0.1:{port} within 10 s")


def _unprivileged_user() -> tuple[int, int] | None:
    """(uid, gid) of ``nobody`` when the tests run as root, so nginx never runs privileged."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


@contextmanager
def run_nginx(
    prefix: Path, *, cert: Path, key: Path, client_ca: Path, crl: Path | None
) -> Iterator[NginxServer]:
    """Start nginx with TLS client authentication against ``client_ca`` (and ``crl``).

    As root, nginx runs as ``nobody`` in a private directory of its own (pytest's temp dirs
    are root-only), holding copies of the certificate files.
    """
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    drop = _unprivileged_user()
    if drop is not None:
        prefix = Path(tempfile.mkdtemp(prefix="minica-nginx-"))
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "tmp").mkdir(exist_ok=True)
    files = {"cert": cert, "key": key, "client_ca": client_ca}
    if crl is not None:
        files["crl"] = crl
    if drop is not None:
        for name, path in list(files.items()):
            files[name] = prefix / f"{name}.pem"
            shutil.copyfile(path, files[name])
        for path in (prefix, prefix / "tmp", *files.values()):
            os.chown(path, *drop)
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(
        _CONF.format(
            prefix=prefix,
            port=port,
            cert=files["cert"],
            key=files["key"],
            client_ca=files["client_ca"],
            crl_line=f"        ssl_crl {files['crl']};" if crl is not None else "",
        )
    )
    user = {} if drop is None else {"user": drop[0], "group": drop[1], "extra_groups": []}
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    try:
        # Check the config first: a clear failure beats a port that never opens.
        check = subprocess.run(
            [*command, "-t", "-q"],
            capture_output=True,
            check=False,
            **user,  # type: ignore[arg-type]
        )
        if check.returncode != 0:
            pytest.fail(f"nginx -t failed:\n{check.stderr.decode(errors='replace')}")
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            **user,  # type: ignore[arg-type]
        )
        try:
            _wait_for_port(port, process, prefix)
            yield NginxServer(
                port=port,
                prefix=prefix,
                process=process,
                crl_path=files.get("crl"),
                owner=drop,
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout:
                process.stdout.close()
    finally:
        if drop is not None:
            shutil.rmtree(prefix, ignore_errors=True)


@dataclass(frozen=True, kw_only=True)
class CurlResult:
    """What curl saw: exit status (0 = transfer done), HTTP status (0 = none), body, stderr."""

    returncode: int
    status: int
    body: str
    stderr: str


def curl(
    server: NginxServer,
    *,
    cacert: Path | None = None,
    cert: Path | None = None,
    key: Path | None = None,
) -> CurlResult:
    """GET the server's root with curl; ``--resolve`` pins localhost to 127.0.0.1."""
    if CURL is None:
        pytest.skip("curl is not installed (apt-get install -y curl)")
    marker = "\n@@status="
    cmd = [
        CURL,
        "--silent",
        "--show-error",
        "--max-time",
        "10",
        "--resolve",
        f"localhost:{server.port}:127.0.0.1",
        "--write-out",
        marker + "%{http_code}",
    ]
    if cacert is not None:
        cmd += ["--cacert", str(cacert)]
    if cert is not None:
        cmd += ["--cert", str(cert)]
    if key is not None:
        cmd += ["--key", str(key)]
    cmd.append(server.url)
    # An empty CA path so that curl trusts nothing but --cacert (no system store surprises
    # either way: without --cacert the system store is used, which never holds our CA).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSL_CERT", "CURL_CA"))}
    done = subprocess.run(cmd, capture_output=True, check=False, timeout=30, env=env)
    out = done.stdout.decode(errors="replace")
    body, _, status = out.rpartition(marker)
    return CurlResult(
        returncode=done.returncode,
        status=int(status) if status.isdigit() else 0,
        body=body,
        stderr=done.stderr.decode(errors="replace"),
    )

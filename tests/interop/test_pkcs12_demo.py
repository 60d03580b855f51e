"""Issue 9: the demo's client certificate, exported as .p12 and re-imported with openssl,
is accepted by the demo's HTTPS server (client certificate required, CRL checked)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from minica import demo

SRC = Path(__file__).resolve().parents[2] / "src"

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def _minica(*args: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "minica", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC), **(env or {})},
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_exported_client_p12_reimported_by_openssl_is_served(tmp_path: Path) -> None:
    """minica export -> openssl pkcs12 -nodes -> that PEM as client cert -> HTTP 200."""
    d = tmp_path / "demo"
    _minica("demo", d)
    p12 = tmp_path / "client1.p12"
    _minica(
        "export",
        d / "certs" / "client1.crt",
        "--key",
        d / "private" / "client1.key",
        "--chain",
        d / "cacert.pem",
        "-o",
        p12,
        env={"MINICA_PASSPHRASE": "browser pass"},
    )
    pem_out = tmp_path / "client1-from-p12.pem"
    subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-in",
            p12,
            "-passin",
            "pass:browser pass",
            "-nodes",
            "-out",
            pem_out,
        ],
        check=True,
        capture_output=True,
    )
    text = pem_out.read_text()
    assert "PRIVATE KEY" in text and "CERTIFICATE" in text

    context = demo._server_context(
        d / "cacert.pem", d / "crl.pem", d / "certs" / "server.crt", d / "private" / "server.key"
    )
    server = demo._TLSServer(context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        status, body = demo._get(port, d / "cacert.pem", pem_out, pem_out)
        assert (status, body) == (200, "hello client1")
        # The revoked client of the same demo is still refused with the same server.
        status, _ = demo._get(
            port, d / "cacert.pem", d / "certs" / "client2.crt", d / "private" / "client2.key"
        )
        assert status == 0
    finally:
        server.shutdown()
        server.server_close()

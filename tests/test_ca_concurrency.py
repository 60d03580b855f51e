"""Many processes issuing into one CA directory at once (the flock and the append path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from minica.ca import CA
from minica.cert import load_certificate
from minica.csr import create_csr
from minica.index import format_serial, parse_index, parse_serial_file
from minica.keys import load_private_key

DATA = Path(__file__).parent / "data"
SRC = Path(__file__).parent.parent / "src"
PROCESSES = 8
EACH = 25

WORKER = """
import sys
from minica.ca import CA
from minica.csr import load_csr

ca = CA.open(sys.argv[1], lock_timeout=120)
csr = load_csr(open(sys.argv[2], "rb").read())
for _ in range(int(sys.argv[3])):
    print(ca.sign(csr).serial_number, flush=True)
"""


def test_eight_processes_issue_two_hundred_distinct_certificates(tmp_path: Path) -> None:
    """8 processes x 25 signings -> 200 distinct serials, 200 index lines, all verifying."""
    ca_key = load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())
    leaf_key = load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())
    pki = CA.init(tmp_path / "pki", "/CN=Concurrent CA", key=ca_key)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    workers = []
    for i in range(PROCESSES):
        csr_path = tmp_path / f"w{i}.csr"
        csr_path.write_text(create_csr(leaf_key, f"/CN=worker-{i}").to_pem())
        workers.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(pki.path), str(csr_path), str(EACH)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        )
    received: list[int] = []
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err.decode()
        received.extend(int(x) for x in out.split())

    total = PROCESSES * EACH
    assert sorted(received) == list(range(1, total + 1))
    entries = parse_index(pki.index_path.read_text(), unterminated="error")
    assert len(entries) == total
    assert sorted(e.serial for e in entries) == list(range(1, total + 1))
    assert parse_serial_file(pki.serial_path.read_text()) == total + 1
    by_serial = {e.serial: e for e in entries}
    for serial in received:
        cert = load_certificate((pki.newcerts_path / f"{format_serial(serial)}.pem").read_bytes())
        assert cert.serial_number == serial
        assert by_serial[serial].subject == cert.subject.to_oneline()
        cert.verify_signature(pki.certificate)

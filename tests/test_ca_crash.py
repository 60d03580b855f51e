"""Crash safety: SIGKILL a process at random moments while it signs, revokes and makes CRLs."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from minica.ca import CA
from minica.cert import load_certificate
from minica.crl import load_crl
from minica.csr import create_csr
from minica.index import format_serial, parse_index, parse_serial_file
from minica.keys import load_private_key

DATA = Path(__file__).parent / "data"
SRC = Path(__file__).parent.parent / "src"
KILLS = 50

CHILD = """
import random, sys
from minica.ca import CA
from minica.csr import load_csr

ca = CA.open(sys.argv[1])
csr = load_csr(open(sys.argv[2], "rb").read())
rnd = random.Random(int(sys.argv[3]))
ca._load_key()
print("ready", flush=True)
mine = []
while True:
    op = rnd.random()
    if op < 0.6 or not mine:
        serial = ca.sign(csr).serial_number
        mine.append(serial)
        print("S", serial, flush=True)
    elif op < 0.85:
        serial = mine.pop(rnd.randrange(len(mine)))
        ca.revoke(serial, reason="superseded")
        print("R", serial, flush=True)
    else:
        print("C", ca.generate_crl().crl_number, flush=True)
"""


def check_directory(pki: CA, issued: set[int], revoked: set[int], crls: list[int]) -> None:
    """Every invariant a crash must not break."""
    reopened = CA.open(pki.path)
    text = reopened.index_path.read_text()
    # A SIGKILL cannot tear a single append: the index always ends with a whole line.
    entries = parse_index(text, unterminated="error")  # also refuses duplicate serials
    by_serial = {e.serial: e for e in entries}
    next_serial = parse_serial_file(reopened.serial_path.read_text())
    assert all(serial < next_serial for serial in by_serial)
    for serial in issued:
        assert serial in by_serial, f"serial {serial:X} returned to a caller but not in index"
        cert = load_certificate(
            (reopened.newcerts_path / f"{format_serial(serial)}.pem").read_bytes()
        )
        assert cert.serial_number == serial
    for serial in revoked:
        assert by_serial[serial].status == "R"
    for path in reopened.newcerts_path.iterdir():
        if not path.name.startswith("."):
            assert load_certificate(path.read_bytes()).serial_number == int(path.stem, 16)
    if reopened.crl_path.exists():
        crl = load_crl(reopened.crl_path.read_bytes())
        crl.verify_signature(reopened.certificate)
        assert crl.crl_number is not None
        assert crl.crl_number < parse_serial_file(reopened.crlnumber_path.read_text())
        if crls:
            assert crl.crl_number >= max(crls)


def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    """>= 50 kills: reopens, no serial twice, every returned certificate recorded, no torn file."""
    ca_key = load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())
    leaf_key = load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())
    pki = CA.init(tmp_path / "pki", "/CN=Crash CA", key=ca_key)
    csr_path = tmp_path / "leaf.csr"
    csr_path.write_text(create_csr(leaf_key, "/CN=leaf").to_pem())
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    rnd = random.Random(20240601)
    issued: set[int] = set()
    revoked: set[int] = set()
    crls: list[int] = []
    for round_ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(pki.path), str(csr_path), str(round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n", child.stderr.read() if child.stderr else ""
        time.sleep(rnd.uniform(0.0, 0.25))
        child.kill()
        out, err = child.communicate()
        assert child.returncode == -9, err.decode()
        for line in out.decode().splitlines():
            kind, _, value = line.partition(" ")
            if kind == "S":
                serial = int(value)
                assert serial not in issued, f"serial {serial:X} issued twice"
                issued.add(serial)
            elif kind == "R":
                revoked.add(int(value))
            elif kind == "C":
                crls.append(int(value))
        check_directory(pki, issued, revoked, crls)
    assert len(issued) > KILLS  # the kills landed among real work
    # The lock died with the last process: the CA still works.
    assert CA.open(pki.path).sign(create_csr(leaf_key, "/CN=after")).serial_number not in issued

"""CA directory benchmark (issue 6): issuing into a big index, and gencrl from 100k revocations.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_ca.py [--entries N] [--signs S] [--runs R]

Prints medians of:
  * CA.sign into a CA with an empty index and into one whose index.txt already holds N
    entries (target: at most 2x: issuing appends one line, it never rewrites the index);
  * CA.generate_crl over an index with N revoked entries, and `openssl ca -gencrl` (the whole
    process) over the same directory in the same run (target: <= 1 s and <= 2x openssl).
Keys are the pre-generated test keys (tests/data/keys), so no key generation is timed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from minica.ca import CA
from minica.crl import load_crl
from minica.csr import create_csr
from minica.index import IndexEntry, format_serial_file, parse_index
from minica.keys import load_private_key

KEYS = Path(__file__).parent.parent / "tests" / "data" / "keys"
REASONS = ("keyCompromise", "superseded", "cessationOfOperation", None, "affiliationChanged")


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fill_index(pki: CA, entries: int, *, revoked: bool) -> None:
    """Write `entries` lines straight into index.txt and move the serial file past them."""
    expiry = datetime(2034, 1, 1, tzinfo=UTC)
    lines = []
    for i in range(1, entries + 1):
        entry = IndexEntry(status="V", expiry=expiry, serial=i, subject=f"/CN=host{i}.example.com")
        if revoked:
            when = datetime(2024, 1, 1 + i % 28, i % 24, i % 60, i % 59, tzinfo=UTC)
            entry = entry.revoke(when, REASONS[i % len(REASONS)])
        lines.append(entry.format_line())
    pki.index_path.write_text("".join(lines))
    pki.serial_path.write_text(format_serial_file(entries + 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--signs", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    ca_key = load_private_key((KEYS / "rsa2048-a.pem").read_bytes())
    leaf_key = load_private_key((KEYS / "rsa2048-b.pem").read_bytes())
    csr = create_csr(leaf_key, "/CN=bench.example.com", san=["bench.example.com"])
    work = Path(tempfile.mkdtemp(prefix="bench_ca."))
    try:
        empty = CA.init(work / "empty", "/CN=Bench CA", key=ca_key)
        full = CA.init(work / "full", "/CN=Bench CA", key=ca_key)
        fill_index(full, args.entries, revoked=False)
        empty.sign(csr)  # warm-up: imports, key caches
        full.sign(csr)
        t_empty = median_time(lambda: empty.sign(csr), args.signs)
        t_full = median_time(lambda: full.sign(csr), args.signs)
        t_empty2 = median_time(lambda: empty.sign(csr), args.signs)  # noise check, interleaved
        t_empty = min(t_empty, t_empty2)
        print(f"sign, empty index:          {t_empty * 1000:8.2f} ms")
        print(f"sign, {args.entries:,}-entry index: {t_full * 1000:8.2f} ms")
        print(f"  ratio {t_full / t_empty:.2f}x (target <= 2x)")
        text = full.index_path.read_text()
        t_parse = median_time(lambda: parse_index(text), args.runs)
        print(
            f"parse_index, {args.entries:,} lines: {t_parse:8.3f} s (no target; revoke and generate_crl parse it)"
        )

        crl_ca = CA.init(work / "crl", "/CN=Bench CA", key=ca_key)
        fill_index(crl_ca, args.entries, revoked=True)
        cnf = crl_ca.path / "openssl.cnf"
        out = work / "openssl-crl.pem"
        openssl = shutil.which("openssl")
        t_mine = median_time(crl_ca.generate_crl, args.runs)
        mine = load_crl(crl_ca.crl_path.read_bytes())
        print(f"generate_crl, {len(mine):,} revoked:  {t_mine:8.3f} s (target <= 1 s)")
        if openssl is None:
            print("openssl not found: no comparison")
            return 0

        def openssl_gencrl() -> None:
            subprocess.run(
                [openssl, "ca", "-config", str(cnf), "-gencrl", "-out", str(out)],
                check=True,
                capture_output=True,
            )

        t_openssl = median_time(openssl_gencrl, args.runs)
        theirs = load_crl(out.read_bytes())
        assert len(theirs) == len(mine), (len(theirs), len(mine))
        print(f"openssl ca -gencrl, same directory: {t_openssl:8.3f} s")
        print(f"  ratio {t_mine / t_openssl:.2f}x (target <= 2x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

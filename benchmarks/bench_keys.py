"""RSA-2048 key generation and signing: minica against its anchors, side by side in one run.

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_keys.py [--keygen-runs 30] [--slow-runs 10]

Anchors: rsa.newkeys(2048) (slow: fewer runs, --slow-runs), tlslite-ng's Python_RSAKey.generate
(if installed; not a project dependency), the openssl genrsa 2048 process, and rsa.sign for
signatures. Key generation times are random (prime gaps), so medians need many runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import rsa

from minica import keys


def _median(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def _row(label: str, runs: int, result: tuple[float, float, float], unit: float, name: str) -> None:
    med, low, high = result
    print(
        f"  {label:<44} {runs:>4} runs  median {med * unit:9.2f} {name}"
        f"  (min {low * unit:.2f}, max {high * unit:.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keygen-runs", type=int, default=30)
    parser.add_argument("--slow-runs", type=int, default=10, help="runs for rsa.newkeys")
    parser.add_argument("--sign-runs", type=int, default=100)
    args = parser.parse_args(argv)

    print(f"Python {sys.version.split()[0]}, rsa {rsa.__version__}, {os.cpu_count()} CPUs")
    print("RSA-2048 key generation")
    results: dict[str, float] = {}

    keys._small_primes(1 << 18)  # the sieve table is built once per process; not timed
    res = _median(lambda: keys.generate_private_key(2048), args.keygen_runs)
    _row("minica.generate_private_key(2048)", args.keygen_runs, res, 1, "s")
    results["minica"] = res[0]

    res = _median(lambda: rsa.newkeys(2048), args.slow_runs)
    _row("rsa.newkeys(2048)  [fewer runs: slow]", args.slow_runs, res, 1, "s")
    results["rsa"] = res[0]

    try:
        from tlslite.utils.python_rsakey import Python_RSAKey  # type: ignore[import-untyped]
    except ImportError:
        print("  tlslite-ng not installed: skipped (pip install tlslite-ng)")
    else:
        res = _median(lambda: Python_RSAKey.generate(2048), args.keygen_runs)
        _row("tlslite-ng Python_RSAKey.generate(2048)", args.keygen_runs, res, 1, "s")
        results["tlslite"] = res[0]

    openssl = shutil.which("openssl")
    if openssl:
        cmd = [openssl, "genrsa", "-out", os.devnull, "2048"]
        res = _median(
            lambda: subprocess.run(cmd, check=True, capture_output=True), args.keygen_runs
        )
        _row("openssl genrsa 2048 (whole process)", args.keygen_runs, res, 1, "s")
        results["openssl"] = res[0]

    m = results["minica"]
    print(f"  ratio rsa.newkeys / minica:      {results['rsa'] / m:6.2f}x  (goal >= 8x)")
    if "tlslite" in results:
        print(f"  ratio tlslite-ng / minica:       {results['tlslite'] / m:6.2f}x  (goal > 1x)")
    if "openssl" in results:
        print(f"  ratio minica / openssl genrsa:   {m / results['openssl']:6.2f}x  (aim <= 1.5x)")

    print("RSA-2048 PKCS#1 v1.5 SHA-256 signature")
    key = keys.generate_private_key(2048)
    rkey = key.to_rsa()
    data = b"minica benchmark message" * 40
    res = _median(lambda: key.sign(data), args.sign_runs)
    _row("minica key.sign (CRT + blinding + check)", args.sign_runs, res, 1e3, "ms")
    ms = res[0]
    res = _median(lambda: rsa.sign(data, rkey, "SHA-256"), args.sign_runs)
    _row("rsa.sign", args.sign_runs, res, 1e3, "ms")
    print(f"  ratio rsa.sign / minica:         {res[0] / ms:6.2f}x  (goal >= 3x)")
    pub = key.public_key()
    sig = key.sign(data)
    res = _median(lambda: pub.verify(sig, data), args.sign_runs)
    _row("minica pub.verify", args.sign_runs, res, 1e3, "ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

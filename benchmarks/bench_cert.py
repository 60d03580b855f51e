"""Certificate parsing and issuing: minica against pyasn1, asn1crypto, x509kit and cryptography.

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_cert.py [--repeat 15] [--number 200]

The certificate is bench_der.py's typical leaf (made with openssl at run time: RSA-2048,
subject C/ST/O/CN, SAN with three names, KU, EKU, BC, SKI, AKI; about 1.2 KB). Medians of:

- minica: ``Certificate.from_der`` (every field decoded, the RSA key parsed, every extension
  typed) and a walk over the extensions; target <= 60 us (issue 4);
- pyasn1: ``decoder.decode(der, asn1Spec=rfc5280.Certificate())`` (the ~700 us anchor);
- asn1crypto: ``Certificate.load`` + ``.subject.native`` + the extensions' ``.native``;
- x509kit: ``Cert(der)`` + ``.san`` + ``.eku``;
- cryptography (Rust, for scale): load + subject + extensions, in the system Python when the
  venv lacks it;
- issuing from a CSR in-process: parse + verify the CSR, build the TBS, sign with RSA-2048,
  PEM (``load_csr`` -> ``sign_csr`` -> ``to_pem``); target <= 10 ms.

asn1crypto and x509kit are benchmark-only installs (``.venv/bin/pip install asn1crypto
x509kit``); a missing one is reported and skipped. Exit status 0 when both targets are met.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_der import make_leaf_certificate  # noqa: E402

from minica.cert import Certificate  # noqa: E402
from minica.csr import create_csr, load_csr  # noqa: E402
from minica.keys import load_private_key  # noqa: E402
from minica.profiles import self_signed, sign_csr  # noqa: E402

PARSE_TARGET_US = 60.0
ISSUE_TARGET_MS = 10.0


def median_us(fn: Callable[[], object], repeat: int, number: int) -> float:
    """Median over ``repeat`` runs of the per-call time in microseconds."""
    times = timeit.repeat(fn, repeat=repeat, number=number)
    return statistics.median(times) / number * 1e6


def minica_parse(data: bytes) -> object:
    cert = Certificate.from_der(data)
    cert.public_key  # noqa: B018 - parsed eagerly already; touch it to be sure
    return [ext.oid for ext in cert.extensions]


def pyasn1_parse(data: bytes) -> Callable[[], object] | None:
    try:
        from pyasn1.codec.der import decoder
        from pyasn1_modules import rfc5280
    except ImportError:
        return None
    return lambda: decoder.decode(data, asn1Spec=rfc5280.Certificate())


def asn1crypto_parse(data: bytes) -> Callable[[], object] | None:
    if importlib.util.find_spec("asn1crypto") is None:
        return None
    from asn1crypto import x509  # type: ignore[import-untyped]

    def run() -> object:
        cert = x509.Certificate.load(data)
        return cert.subject.native, cert["tbs_certificate"]["extensions"].native

    return run


def x509kit_parse(data: bytes) -> Callable[[], object] | None:
    if importlib.util.find_spec("x509kit") is None:
        return None
    import x509kit  # type: ignore[import-untyped,unused-ignore]

    def run() -> object:
        cert = x509kit.Cert(data)
        return cert.san, cert.eku

    return run


_CRYPTOGRAPHY = """
import statistics, sys, timeit
from cryptography import x509
data = sys.stdin.buffer.read()
def run():
    cert = x509.load_der_x509_certificate(data)
    return cert.subject.rfc4514_string(), [e.value for e in cert.extensions]
times = timeit.repeat(run, repeat={repeat}, number={number})
print(statistics.median(times) / {number} * 1e6)
"""


def cryptography_us(data: bytes, repeat: int, number: int) -> float | None:
    """cryptography's time, measured in whichever Python has it (venv first, then system)."""
    code = _CRYPTOGRAPHY.format(repeat=repeat, number=number)
    for python in (sys.executable, "/usr/bin/python3"):
        done = subprocess.run([python, "-c", code], input=data, capture_output=True, check=False)
        if done.returncode == 0:
            return float(done.stdout)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--issue-number", type=int, default=5)
    args = parser.parse_args(argv)
    data = make_leaf_certificate()
    print(f"certificate: {len(data)} bytes DER; Python {sys.version.split()[0]}")

    rows: list[tuple[str, float | None]] = []
    ours = median_us(lambda: minica_parse(data), args.repeat, args.number)
    rows.append(("minica Certificate.from_der (all fields + extensions)", ours))
    small = max(5, args.number // 10)
    for label, maker in (
        ("pyasn1 decode(asn1Spec=rfc5280.Certificate())", pyasn1_parse),
        ("asn1crypto load + subject + extensions.native", asn1crypto_parse),
        ("x509kit Cert(der) + san + eku", x509kit_parse),
    ):
        fn = maker(data)
        rows.append((label, None if fn is None else median_us(fn, args.repeat, small)))
    rows.append(
        (
            "cryptography (Rust) load + subject + extensions",
            cryptography_us(data, args.repeat, args.number),
        )
    )
    print("\nparse a typical leaf certificate (median per call)")
    for label, us in rows:
        if us is None:
            print(f"  {label:<56} not installed, skipped")
        else:
            ratio = us / ours
            print(f"  {label:<56} {us:9.1f} us   {ratio:6.2f}x minica")

    keys = ROOT / "tests" / "data" / "keys"
    ca_key = load_private_key((keys / "rsa2048-a.pem").read_bytes())
    leaf_key = load_private_key((keys / "rsa2048-b.pem").read_bytes())
    now = datetime(2025, 1, 1, tzinfo=UTC)
    ca = self_signed(ca_key, "/C=CN/O=Example/CN=Bench Root CA", now=now)
    csr_pem = create_csr(
        leaf_key, "/O=Example/CN=www.example.com", san=["www.example.com"]
    ).to_pem()

    def issue() -> str:
        csr = load_csr(csr_pem)
        return sign_csr(csr, ca, ca_key, "server", now=now).to_pem()

    issue_ms = median_us(issue, args.repeat, args.issue_number) / 1000
    print("\nissue from a CSR (load_csr + verify + TBS + RSA-2048 sign + PEM)")
    print(f"  minica                                                   {issue_ms:9.2f} ms")

    parse_ok = ours <= PARSE_TARGET_US
    issue_ok = issue_ms <= ISSUE_TARGET_MS
    print(
        f"\ntargets: parse <= {PARSE_TARGET_US:.0f} us: {'met' if parse_ok else 'MISSED'}; "
        f"issue <= {ISSUE_TARGET_MS:.0f} ms: {'met' if issue_ok else 'MISSED'}"
    )
    return 0 if parse_ok and issue_ok else 1


if __name__ == "__main__":
    sys.exit(main())

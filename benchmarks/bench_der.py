"""DER decoding of a typical leaf certificate: minica.der against pyasn1, and minica's import cost.

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_der.py [--repeat 15] [--number 200]

The certificate is made with openssl at run time: RSA-2048, subject C/ST/O/CN, SAN with three
names, keyUsage, extendedKeyUsage, basicConstraints, SKI and AKI, signed by a throwaway CA
(about 1.2 KB of DER). minica.der.decode builds the element tree; the anchor is
pyasn1's ``decoder.decode(der, asn1Spec=rfc5280.Certificate())``. Target (issue 2): >= 15x.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from minica import der  # noqa: E402

_EXT = """\
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:www.shop.example-services.com, DNS:shop.example-services.com, DNS:static-content.shop.example-services.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


def _openssl(*args: str | Path, cwd: Path) -> None:
    subprocess.run(["openssl", *map(str, args)], cwd=cwd, check=True, capture_output=True)


def make_leaf_certificate() -> bytes:
    """A CA-signed RSA-2048 leaf certificate with the usual server extensions, as DER."""
    with tempfile.TemporaryDirectory() as name:
        d = Path(name)
        (d / "ext.cnf").write_text(_EXT)
        _openssl("genrsa", "-out", "ca.key", "2048", cwd=d)
        _openssl("genrsa", "-out", "leaf.key", "2048", cwd=d)
        _openssl(
            "req", "-x509", "-new", "-key", "ca.key", "-days", "3650", "-out", "ca.pem",
            "-subj", "/C=CN/ST=Guangdong Province/O=Example Internet Services Co., Ltd./CN=Example Internet Services TLS Issuing CA G2", cwd=d,
        )  # fmt: skip
        _openssl(
            "req", "-new", "-key", "leaf.key", "-out", "leaf.csr",
            "-subj", "/C=CN/ST=Guangdong Province/O=Example Internet Services Co., Ltd./CN=www.shop.example-services.com", cwd=d,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-set_serial", "0x5f3a9c0e1d2b4a6c", "-days", "397", "-sha256",
            "-extfile", "ext.cnf", "-extensions", "leaf", "-outform", "DER", "-out", "leaf.der",
            cwd=d,
        )  # fmt: skip
        return (d / "leaf.der").read_bytes()


def per_call(fn: Callable[[], object], repeat: int, number: int) -> tuple[float, float]:
    """(median, min) seconds per call over ``repeat`` timings of ``number`` calls each."""
    fn()  # warm caches (OID table, pyasn1 spec objects) outside the timing
    times = [t / number for t in timeit.repeat(fn, repeat=repeat, number=number)]
    return statistics.median(times), min(times)


def process_time(code: str, runs: int) -> float:
    """Median wall time of ``python -c code`` as a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    times = []
    for _ in range(runs):
        start = timeit.default_timer()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        times.append(timeit.default_timer() - start)
    return statistics.median(times)


def import_times() -> tuple[int, int, bool]:
    """(cumulative us of `minica`, sum of self us of every module, pyasn1 imported?)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    code = "import minica, sys; print('pyasn1' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    minica_cumulative = 0
    total_self = 0
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m is None:
            continue
        total_self += int(m[1])
        if m[4] == "minica":
            minica_cumulative = int(m[2])
    return minica_cumulative, total_self, done.stdout.strip() == "True"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15, help="timings per contender")
    parser.add_argument("--number", type=int, default=200, help="calls per timing (minica)")
    parser.add_argument("--process-runs", type=int, default=20)
    args = parser.parse_args(argv)

    from pyasn1 import __version__ as pyasn1_version
    from pyasn1.codec.der import decoder
    from pyasn1_modules import rfc5280

    cert = make_leaf_certificate()
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"pyasn1 {pyasn1_version}"
    )
    print(
        f"leaf certificate: {len(cert)} bytes DER, {sum(1 for _ in _walk(der.decode(cert)))} TLVs"
    )

    ours = per_call(lambda: der.decode(cert), args.repeat, args.number)
    theirs = per_call(
        lambda: decoder.decode(cert, asn1Spec=rfc5280.Certificate()),
        args.repeat,
        max(1, args.number // 40),
    )
    ratio = theirs[0] / ours[0]
    print("decode into an element tree (median per call, min in brackets)")
    print(f"  minica.der.decode                    {ours[0] * 1e6:9.1f} us  ({ours[1] * 1e6:.1f})")
    print(
        f"  pyasn1 decode(rfc5280.Certificate)   {theirs[0] * 1e6:9.1f} us  ({theirs[1] * 1e6:.1f})"
    )
    print(f"  ratio pyasn1 / minica                {ratio:9.1f} x   (target >= 15 x)")

    cumulative, total_self, pyasn1_loaded = import_times()
    bare = process_time("pass", args.process_runs)
    with_minica = process_time("import minica", args.process_runs)
    print("import cost")
    print(f"  -X importtime: minica cumulative     {cumulative / 1000:9.2f} ms")
    print(f"  -X importtime: all modules (self)    {total_self / 1000:9.2f} ms")
    print(f"  python -c pass                       {bare * 1000:9.2f} ms")
    print(f"  python -c 'import minica'            {with_minica * 1000:9.2f} ms")
    print(f"  difference                           {(with_minica - bare) * 1000:9.2f} ms")
    print(f"  pyasn1 imported by `import minica`:  {pyasn1_loaded}")
    return 0 if ratio >= 15 and not pyasn1_loaded else 1


def _walk(el: der.Element) -> list[der.Element]:
    out = [el]
    for child in el.children:
        out += _walk(child)
    return out


if __name__ == "__main__":
    raise SystemExit(main())

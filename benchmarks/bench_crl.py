"""CRL benchmark: 100,000 revoked entries, minica against openssl and pyasn1, in one run.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_crl.py [--entries N] [--runs R]
        [--pyasn1-runs P]   (pyasn1 takes seconds per run; 0 skips it)

Prints medians of:
  * minica create_crl (build + sign + DER) from (serial, when, reason) tuples;
  * minica load_crl + the first is_revoked (which builds the serial index);
  * openssl ca -gencrl, the whole process, over a CA directory whose index.txt holds the
    same revoked lines (written directly by this script; CA key and cert made with openssl);
  * minica load_crl of openssl's CRL (a check that both describe the same list);
  * pyasn1 + pyasn1-modules building the same TBSCertList (rfc5280) and decoding the CRL;
  * peak memory (ru_maxrss of a fresh child process) for minica build and for minica parse.
Issue 5 targets: build+sign+DER <= 0.5 s and <= 2x openssl; parse + first is_revoked <= 0.5 s;
both >= 10x faster than pyasn1; peak memory <= 200 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import minica
from minica import der, oids
from minica.crl import (
    REASONS,
    CertificateRevocationList,
    RevokedCertificate,
    TBSCertList,
    create_crl,
    load_crl,
)

NOW = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
# openssl's index.txt spellings of the reasons used here (None: no reason given).
_REASONS = (None, "keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged")


def entries(n: int) -> list[tuple[int, datetime, str | None]]:
    """n distinct 16-octet random serials, revocation times a second apart, mixed reasons."""
    rng = random.Random(5)
    serials: set[int] = set()
    while len(serials) < n:
        serials.add(rng.getrandbits(127) | 1 << 120)
    start = NOW - timedelta(days=365)
    return [
        (serial, start + timedelta(seconds=i * 300), _REASONS[i % len(_REASONS)])
        for i, serial in enumerate(sorted(serials))
    ]


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


class _CA:
    """The CA certificate fields create_crl needs, read from openssl's PEM."""

    def __init__(self, pem_text: str) -> None:
        try:
            cert = minica.load_certificate(pem_text)
        except ImportError:
            cert = None
        if cert is not None:
            self.subject = cert.subject
            self.public_key = cert.public_key
            self.extensions = cert.extensions
            return
        # cert.py not available: pick the fields out of the DER directly.
        raw, _ = minica.pem.load_der(pem_text, ("CERTIFICATE",))
        tbs = der.decode(raw)[0]
        kids = tbs.children
        self.subject = minica.Name.from_element(kids[5])
        self.public_key = minica.keys.RSAPublicKey.from_spki_element(kids[6])
        self.extensions = ()


def openssl_ca_dir(root: Path, items: list[tuple[int, datetime, str | None]]) -> Path:
    """A CA directory for `openssl ca -gencrl` with one index.txt line per revoked entry."""
    ca = root / "ca"
    ca.mkdir()
    run = ["openssl"]
    subprocess.run(
        [*run, "genrsa", "-out", str(ca / "ca.key"), "2048"], check=True, capture_output=True
    )
    subprocess.run(
        [*run, "req", "-new", "-x509", "-key", str(ca / "ca.key"), "-subj",
         "/C=CN/O=Example/CN=Bench CA", "-days", "3650", "-out", str(ca / "ca.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    lines = []
    for i, (serial, when, reason) in enumerate(items):
        rev = when.strftime("%y%m%d%H%M%SZ") + (f",{reason}" if reason else "")
        hex_serial = f"{serial:X}"
        hex_serial = "0" * (len(hex_serial) % 2) + hex_serial  # openssl wants whole octets
        lines.append(f"R\t341231000000Z\t{rev}\t{hex_serial}\tunknown\t/CN=host{i}\n")
    (ca / "index.txt").write_text("".join(lines))
    (ca / "crlnumber").write_text("01\n")
    (ca / "ca.cnf").write_text(
        f"[ca]\ndefault_ca = d\n[d]\ndir = {ca}\ndatabase = {ca}/index.txt\n"
        f"certificate = {ca}/ca.pem\nprivate_key = {ca}/ca.key\ncrlnumber = {ca}/crlnumber\n"
        "default_md = sha256\ndefault_crl_days = 7\ncrl_extensions = e\nunique_subject = no\n"
        "[e]\nauthorityKeyIdentifier = keyid:always\n"
    )
    return ca


def openssl_gencrl(ca: Path) -> None:
    """One whole `openssl ca -gencrl` process (what is timed)."""
    done = subprocess.run(
        ["openssl", "ca", "-gencrl", "-config", str(ca / "ca.cnf"), "-crl_lastupdate",
         NOW.strftime("%Y%m%d%H%M%SZ"), "-out", str(ca / "crl.pem")],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"openssl ca -gencrl failed: {done.stderr}")


def openssl_crl_der(ca: Path) -> bytes:
    out = ca / "crl.der"
    subprocess.run(
        ["openssl", "crl", "-in", str(ca / "crl.pem"), "-outform", "DER", "-out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out.read_bytes()


def pyasn1_build(items: list[tuple[int, datetime, str | None]], issuer_der: bytes) -> bytes:
    """The same revokedCertificates list through pyasn1-modules' rfc5280 TBSCertList."""
    from pyasn1.codec.der import decoder, encoder
    from pyasn1.type import univ
    from pyasn1_modules import rfc5280

    tbs = rfc5280.TBSCertList()
    tbs["version"] = rfc5280.Version(1)
    tbs["signature"]["algorithm"] = univ.ObjectIdentifier(oids.SHA256_WITH_RSA)
    tbs["signature"]["parameters"] = univ.Null("")
    issuer, _ = decoder.decode(issuer_der, asn1Spec=rfc5280.Name())
    tbs["issuer"] = issuer
    tbs["thisUpdate"]["utcTime"] = NOW.strftime("%y%m%d%H%M%SZ")
    tbs["nextUpdate"]["utcTime"] = (NOW + timedelta(days=7)).strftime("%y%m%d%H%M%SZ")
    revoked = tbs["revokedCertificates"]
    for i, (serial, when, reason) in enumerate(items):
        entry = revoked.getComponentType().clone()
        entry["userCertificate"] = serial
        entry["revocationDate"]["utcTime"] = when.strftime("%y%m%d%H%M%SZ")
        if reason:
            ext = rfc5280.Extension()
            ext["extnID"] = rfc5280.id_ce_cRLReasons
            ext["extnValue"] = encoder.encode(rfc5280.CRLReason(REASONS[reason]))
            entry["crlEntryExtensions"].append(ext)
        revoked[i] = entry
    return bytes(encoder.encode(tbs))


def pyasn1_decode(data: bytes) -> int:
    from pyasn1.codec.der import decoder
    from pyasn1_modules import rfc5280

    crl, _ = decoder.decode(data, asn1Spec=rfc5280.CertificateList())
    return len(crl["tbsCertList"]["revokedCertificates"])


_CHILD = r"""
import pickle, sys
sys.path.insert(0, "src")
from minica.crl import create_crl, load_crl
mode, path = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    payload = pickle.load(f)
def hwm():
    # VmHWM is the peak RSS of this process image (ru_maxrss would include the parent's peak,
    # which Linux carries across fork and exec).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
base = hwm()
if mode == "build":
    ca, key, items, now = payload
    create_crl(ca, key, revoked=items, crl_number=1, days=7, now=now).to_der()
else:
    crl = load_crl(payload)
    crl.is_revoked(1)
peak = hwm()
print(base, peak)
"""


def child_memory(mode: str, payload: Any, tmp: Path) -> tuple[float, float]:
    """(baseline MB after loading inputs, peak MB) of a fresh process doing one build/parse."""
    import pickle

    path = tmp / f"{mode}.pickle"
    path.write_bytes(pickle.dumps(payload))
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path)],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    base, peak = (int(x) / 1024 for x in out.stdout.split())
    return base, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyasn1-runs", type=int, default=1)
    args = parser.parse_args()
    n = args.entries
    items = entries(n)
    probe = items[n // 2][0]

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ca_dir = openssl_ca_dir(tmp, items)
        key = minica.load_private_key((ca_dir / "ca.key").read_bytes())
        ca = _CA((ca_dir / "ca.pem").read_text())

        def build() -> bytes:
            crl = create_crl(ca, key, revoked=items, crl_number=1, days=7, now=NOW)
            return crl.to_der()

        def parse(data: bytes) -> CertificateRevocationList:
            crl = load_crl(data)
            if not crl.is_revoked(probe):
                raise SystemExit("probe serial not found")
            return crl

        t_build, ours = median_time(build, args.runs)
        t_parse, _ = median_time(lambda: parse(ours), args.runs)

        def build_objects() -> bytes:
            revoked = tuple(
                RevokedCertificate(serial_number=s, revocation_date=w, reason=r)
                for s, w, r in items
            )
            tbs = TBSCertList(
                issuer=ca.subject,
                this_update=NOW,
                next_update=NOW + timedelta(days=7),
                revoked=revoked,
                crl_number=1,
                authority_key_identifier=ca.public_key.key_id(),
            )
            return tbs.sign(key).to_der()

        t_objects, ours_objects = median_time(build_objects, args.runs)
        t_iterate, _ = median_time(lambda: sum(1 for _ in load_crl(ours)), args.runs)
        t_openssl, _ = median_time(lambda: openssl_gencrl(ca_dir), args.runs)
        theirs = openssl_crl_der(ca_dir)
        t_parse_openssl, parsed = median_time(lambda: parse(theirs), args.runs)
        same = [(e.serial_number, e.revocation_date, e.reason) for e in parsed] == [
            (s, w, r) for s, w, r in items
        ]
        ours_crl = load_crl(ours)
        ours_span, theirs_span = ours_crl._revoked_span, parsed._revoked_span
        same_tbs_entries = bool(ours_span and theirs_span) and (
            ours[slice(*ours_span)] == theirs[slice(*theirs_span)]  # type: ignore[misc]
        )

        print(f"CRL with {n:,} revoked entries; medians of {args.runs} runs; {len(ours):,} bytes")
        print(f"  minica build+sign+DER        {t_build:8.3f} s")
        print(f"  openssl ca -gencrl (process) {t_openssl:8.3f} s   minica/openssl = "
              f"{t_build / t_openssl:.2f}x")  # fmt: skip
        print(f"  minica TBSCertList(RevokedCertificate x{n:,}).sign {t_objects:.3f} s "
              f"(objects made and checked one by one; same DER: {ours_objects == ours})")  # fmt: skip
        print(f"  minica parse+is_revoked      {t_parse:8.3f} s   (openssl's CRL: "
              f"{t_parse_openssl:.3f} s)")  # fmt: skip
        print(f"  minica parse + iterate all   {t_iterate:8.3f} s   (every entry materialised)")
        print(f"  openssl's entries == ours    {same}; identical revokedCertificates bytes: "
              f"{same_tbs_entries}")  # fmt: skip
        if args.pyasn1_runs:
            t_pb, built = median_time(lambda: pyasn1_build(items, ca.subject.der), args.pyasn1_runs)
            t_pd, count = median_time(lambda: pyasn1_decode(theirs), args.pyasn1_runs)
            if count != n:
                raise SystemExit("pyasn1 decoded a different number of entries")
            note = f"{args.pyasn1_runs} run{'s' if args.pyasn1_runs > 1 else ''}"
            same_pyasn1 = der.decode(built).children[5].content == ours[slice(*ours_span)]  # type: ignore[misc]
            print(f"  pyasn1 build TBSCertList     {t_pb:8.3f} s   ({note}) pyasn1/minica = "
                  f"{t_pb / t_build:.1f}x; same entry bytes as minica: {same_pyasn1}")  # fmt: skip
            print(f"  pyasn1 decode CRL            {t_pd:8.3f} s   ({note}) pyasn1/minica = "
                  f"{t_pd / t_parse:.1f}x")  # fmt: skip
        plain_ca = SimpleNamespace(
            subject=ca.subject, public_key=ca.public_key, extensions=tuple(ca.extensions)
        )
        base_b, peak_b = child_memory("build", (plain_ca, key, items, NOW), tmp)
        base_p, peak_p = child_memory("parse", ours, tmp)
        print(
            f"  peak RSS build  {peak_b:6.1f} MB (process after loading its inputs: {base_b:.1f} MB)"
        )
        print(
            f"  peak RSS parse  {peak_p:6.1f} MB (process after loading its inputs: {base_p:.1f} MB)"
        )
        print(f"  python {sys.version.split()[0]}, {os.cpu_count()} cpus")


if __name__ == "__main__":
    main()

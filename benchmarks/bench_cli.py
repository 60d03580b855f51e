"""Whole-process cost of signing a request: ``minica sign DIR CSR`` against ``openssl ca -batch``.

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_cli.py [--runs 20]

Both sign the same openssl-made CSR (RSA-2048, /CN=bench.example.com with a SAN) in equivalent
CA directories: both are made by ``minica init`` with the same pre-generated RSA-2048 CA key,
and ``openssl ca`` runs on its copy with the ``openssl.cnf`` that minica writes there. Every run
is a fresh process that writes a new certificate and appends to ``index.txt``; the three
commands are interleaved so that machine load hits them alike. Also timed: ``python -c pass``
(the interpreter's own start-up) and ``minica --version`` (the CLI's start-up). Bytecode caches
are allowed (PYTHONDONTWRITEBYTECODE is dropped for the children), as in an installed package.
Also printed, to show where the time goes: the import of the sign path, ``cli.main(["sign",
...])`` timed inside a process that has imported everything (so without start-up), and the
floor no Python implementation gets under: interpreter start-up plus one RSA-2048 signature.
Target (issue 7): minica sign at most 3x openssl ca. Exit status 0 when met.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
CA_KEY = ROOT / "tests" / "data" / "keys" / "rsa2048-a.pem"
LEAF_KEY = ROOT / "tests" / "data" / "keys" / "rsa2048-b.pem"
TARGET = 3.0


_SPLIT = """
import contextlib, io, statistics, sys, time
directory, csr, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
import minica.ca, minica.csr, minica.cli
imports = time.perf_counter() - start
times = []
for i in range(runs):
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        minica.cli.main(["sign", directory, csr, "-o", f"{out}/split{i}.pem"])
    times.append(time.perf_counter() - start)
from minica.keys import load_private_key
key = load_private_key(open(f"{directory}/private/cakey.pem", "rb").read())
rsa = []
for i in range(runs):
    start = time.perf_counter()
    key.sign(b"tbs" * 400)
    rsa.append(time.perf_counter() - start)
print(imports * 1000, statistics.median(times) * 1000, statistics.median(rsa) * 1000)
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    env["PYTHONPATH"] = str(SRC)
    env.pop("MINICA_PASSPHRASE", None)
    return env


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms (min {min(values) * 1000:6.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="processes per command (default 20)")
    args = parser.parse_args()
    if shutil.which("openssl") is None:
        print("needs the openssl command line", file=sys.stderr)
        return 2
    env = _env()
    py = sys.executable
    # What the console script `minica` runs (pyproject: minica = "minica.cli:main").
    minica = [py, "-c", "import sys; from minica.cli import main; sys.exit(main())"]
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as name:
        d = Path(name)
        subprocess.run(
            [*minica, "init", str(d / "m"), "--subject", "/O=Bench/CN=Bench Root",
             "--key", str(CA_KEY)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        shutil.copytree(d / "m", d / "o")
        # The copy's openssl.cnf names its own directory: point it at the copy.
        cnf = d / "o" / "openssl.cnf"
        cnf.write_text(cnf.read_text().replace(str(d / "m"), str(d / "o")))
        csr = d / "bench.csr"
        subprocess.run(
            ["openssl", "req", "-new", "-key", str(LEAF_KEY), "-subj", "/CN=bench.example.com",
             "-addext", "subjectAltName=DNS:bench.example.com", "-out", str(csr)],
            check=True, capture_output=True,
        )  # fmt: skip
        (d / "out").mkdir()
        # Warm-up: bytecode caches written, page cache filled.
        _time([*minica, "--version"], env)
        _time([*minica, "sign", str(d / "m"), str(csr), "-o", str(d / "out" / "warm-m.pem")], env)
        _time(
            ["openssl", "ca", "-config", str(cnf), "-batch", "-notext", "-in", str(csr),
             "-out", str(d / "out" / "warm-o.pem")],
            env,
        )  # fmt: skip
        times: dict[str, list[float]] = {k: [] for k in ("pass", "version", "minica", "openssl")}
        for i in range(args.runs):
            times["pass"].append(_time([py, "-c", "pass"], env))
            times["version"].append(_time([*minica, "--version"], env))
            times["minica"].append(
                _time(
                    [*minica, "sign", str(d / "m"), str(csr), "-o", str(d / "out" / f"m{i}.pem")],
                    env,
                )
            )
            times["openssl"].append(
                _time(
                    [
                        "openssl",
                        "ca",
                        "-config",
                        str(cnf),
                        "-batch",
                        "-notext",
                        "-in",
                        str(csr),
                        "-out",
                        str(d / "out" / f"o{i}.pem"),
                    ],
                    env,
                )
            )
        issued_m = len((d / "m" / "index.txt").read_text().splitlines())
        issued_o = len((d / "o" / "index.txt").read_text().splitlines())
        # Where the time goes: importing the sign path, and the signing itself in a process
        # that has already imported everything (medians of --runs calls of cli.main).
        split = subprocess.run(
            [py, "-c", _SPLIT, str(d / "m"), str(csr), str(d / "out"), str(args.runs)],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        importtime = subprocess.run(
            [py, "-X", "importtime", "-c", "from minica.cli import main; main(['--version'])"],
            env=env, capture_output=True, text=True, check=True,
        ).stderr  # fmt: skip
    cli_import_us = next(
        (
            int(line.split("|")[1])
            for line in importtime.splitlines()
            if line.endswith("| minica.cli")
        ),
        0,
    )
    ratio = statistics.median(times["minica"]) / statistics.median(times["openssl"])
    openssl_version = subprocess.run(
        ["openssl", "version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"python {platform.python_version()}, {openssl_version}, {os.cpu_count()} CPUs, "
          f"{args.runs} runs each, medians")  # fmt: skip
    print(f"  python -c pass           {_ms(times['pass'])}")
    print(f"  minica --version         {_ms(times['version'])}")
    print(f"  minica sign DIR CSR      {_ms(times['minica'])}")
    print(f"  openssl ca -batch        {_ms(times['openssl'])}")
    print(f"  ratio minica/openssl     {ratio:7.2f}x (target <= {TARGET:g}x)")
    print(f"  import minica.cli        {cli_import_us / 1000:7.1f} ms cumulative (-X importtime)")
    print(
        f"  import the sign path     {float(split[0]):7.1f} ms (minica.cli, minica.ca, minica.csr)"
    )
    print(f"  sign, imports done       {float(split[1]):7.1f} ms (cli.main in-process, median)")
    floor = statistics.median(times["pass"]) * 1000 + float(split[2])
    openssl_ms = statistics.median(times["openssl"]) * 1000
    print(
        f"  floor: start + RSA sign  {floor:7.1f} ms = {floor / openssl_ms:.2f}x openssl "
        f"(python -c pass + one RSA-2048 signature, {float(split[2]):.1f} ms, before any import)"
    )
    print(f"  certificates issued      minica {issued_m}, openssl {issued_o}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

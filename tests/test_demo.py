"""``minica demo``: the whole story runs, prints each step, and refuses to clobber a CA."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def run_demo(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m minica demo *args`` through the real entry point."""
    full = {k: v for k, v in os.environ.items() if k != "MINICA_PASSPHRASE"}
    full["PYTHONPATH"] = str(SRC)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "minica", "demo", *map(str, args)],
        capture_output=True, text=True, env=full, check=False, timeout=300,
    )  # fmt: skip


def test_demo_tells_the_whole_story(tmp_path: Path) -> None:
    """In DIR: CA, server and client certs, HTTPS server, revocation; every step ok, exit 0."""
    d = tmp_path / "pki"
    done = run_demo(d)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "FAILED" not in out
    assert "ok: HTTP 200: hello client1" in out
    assert "ok: HTTP 200: hello client2" in out  # before revocation
    assert "ok: refused" in out and "certificate revoked" in out.lower()
    assert "demo OK: every step behaved\n" in out
    assert out.rstrip().endswith(f"files in {d}: cacert.pem, crl.pem, certs/, private/, index.txt")
    # The steps come in the story's order.
    steps = [line for line in out.splitlines() if line.startswith("[")]
    assert [s.split("]")[0] for s in steps] == [f"[{i}" for i in range(1, len(steps) + 1)]
    for name in ("cacert.pem", "crl.pem", "certs/server.crt", "certs/client1.crt",
                 "certs/client2.crt", "private/server.key", "private/client2.key"):  # fmt: skip
        assert (d / name).is_file(), name
    assert ",keyCompromise\t" in (d / "index.txt").read_text()  # openssl's R line


def test_demo_checks_with_openssl_when_present(tmp_path: Path) -> None:
    """With openssl on PATH each artefact is cross-checked; without it the demo still runs."""
    with_openssl = run_demo(tmp_path / "a")
    assert "ok: openssl verify -crl_check client2: certificate revoked" in with_openssl.stdout
    without = run_demo(tmp_path / "b", env={"PATH": str(tmp_path / "empty")})
    assert without.returncode == 0, without.stdout + without.stderr
    assert "openssl is not on PATH" in without.stdout
    assert "openssl verify" not in without.stdout


def test_demo_refuses_to_clobber_an_existing_ca(tmp_path: Path) -> None:
    """A second run into the same DIR: one error line, exit 1, the CA untouched."""
    d = tmp_path / "pki"
    assert run_demo(d).returncode == 0
    before = {p: p.read_bytes() for p in d.rglob("*") if p.is_file()}
    again = run_demo(d)
    assert again.returncode == 1
    assert again.stdout == ""
    assert again.stderr.startswith("minica: error: ") and len(again.stderr.splitlines()) == 1
    assert "already holds a CA" in again.stderr
    assert {p: p.read_bytes() for p in d.rglob("*") if p.is_file()} == before


def test_demo_in_a_temp_dir_cleans_up(tmp_path: Path) -> None:
    """Without DIR the demo works in a temp directory and removes it afterwards."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = run_demo(env={"TMPDIR": str(scratch)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "minica demo in " + str(scratch) in done.stdout
    assert list(scratch.iterdir()) == []


def test_demo_exits_non_zero_when_a_step_misbehaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the revoked client were still served, the demo says FAILED and returns 1."""
    from minica import demo

    real_get = demo._get

    def never_refused(port: int, ca_cert: Path, cert: Path, key: Path) -> tuple[int, str]:
        status, text = real_get(port, ca_cert, cert, key)
        return (200, "pretend") if status == 0 else (status, text)

    monkeypatch.setattr(demo, "_get", never_refused)
    assert demo.run(tmp_path / "pki") == 1
    captured = capsys.readouterr()
    assert "FAILED: client2 was served after revocation" in captured.out
    assert "demo FAILED: 1 step(s) misbehaved" in captured.err

"""The ``minica`` command line (layer 7): a thin shell over the library.

Every subcommand parses its arguments, calls the library, and writes files atomically (temp file
+ rename; private keys created 0600 with O_EXCL). Errors: a :class:`MinicaError` or an
``OSError`` on a user's file is one line on stderr, ``minica: error: <message>``, exit 1; a usage
error exits 2 (argparse); Ctrl-C exits 130. A traceback means a bug.

Start-up is kept lean: only the standard library's ``argparse``, ``contextlib``, ``os`` and
``sys`` are imported here; each subcommand imports what it needs, and only the chosen
subcommand's arguments are set up.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from minica._version import __version__
from minica.errors import MinicaError

# Not `from typing import ...`: typing costs milliseconds of start-up and only checkers need it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, TypeVar

    from minica.ca import CA
    from minica.cert import Certificate
    from minica.crl import CertificateRevocationList
    from minica.keys import RSAPrivateKey

    T = TypeVar("T")

PASSPHRASE_ENV = "MINICA_PASSPHRASE"

_DESCRIPTION = """\
minica: a private certificate authority in pure Python.

The classic "build your own CA with openssl" workflow -- CA key and self-signed root, key and
request, the CA signs it, revoke, publish a CRL -- in an openssl-compatible CA directory.
"""

_EPILOG = """\
examples:
  minica demo                                   the whole story against a real HTTPS server
  minica init pki --subject "/C=CN/O=Example/CN=Example Root CA"
  minica issue pki www.example.com 127.0.0.1    key + certificate in one step
  minica key web.key && minica req web.key --subject /CN=www.example.com \\
      --san www.example.com -o web.csr && minica sign pki web.csr -o web.crt
  minica revoke pki web.crt --reason keyCompromise && minica crl pki
  minica list pki --status R
  minica show web.crt
  minica asn1 web.crt --depth 2
  minica export web.crt --key web.key --chain pki/cacert.pem -o web.p12
  minica verify --ca pki/cacert.pem --crl pki/crl.pem web.crt

Passphrases are read from --passphrase-file FILE, the MINICA_PASSPHRASE environment variable,
or a prompt on the terminal -- never from the command line. "-o -" writes to standard output.
"""


class CLIError(MinicaError):
    """A problem with what the user asked for that the library does not see (exit 1)."""


class _VerifyFailed(Exception):
    """`minica verify` found the certificate invalid: exit 2 is usage, so this exits 1 too."""


# ---------------------------------------------------------------------------------------------
# Small I/O helpers: the only place the CLI touches user files.


def _read(path: str) -> bytes:
    """The bytes of ``path`` (``-`` = standard input)."""
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def _refuse_existing(path: str, force: bool = False) -> None:
    if path != "-" and not force and os.path.lexists(path):
        raise CLIError(f"{path}: exists; refusing to overwrite it (use --force)")


def _write(path: str, data: bytes | str, *, mode: int = 0o644, force: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same directory + rename).

    ``-`` writes to standard output. Private files get ``mode`` 0600 from creation on, so a
    key is never readable by others, not even for a moment, and are fsynced: a new key exists
    nowhere else. Certificates, requests and CRLs are not (the CA directory keeps its own
    durable copy of what it issues and publishes).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if not force:
        _refuse_existing(path)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if mode & 0o077 == 0:
                f.flush()
                os.fsync(f.fileno())
        if not force:
            # O_EXCL semantics for the final name too: link fails if it appeared meanwhile.
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _progress(message: str) -> None:
    """Progress on slow steps goes to stderr so that ``-o -`` output stays clean."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Passphrases: --passphrase-file, then $MINICA_PASSPHRASE, then a prompt; never argv.


def _given_passphrase(args: argparse.Namespace, passphrase_file: str | None = None) -> str | None:
    """The passphrase supplied without prompting (``passphrase_file`` overrides
    ``--passphrase-file``), or None."""
    path = passphrase_file or getattr(args, "passphrase_file", None)
    if path:
        text = _read(path).decode("utf-8", errors="strict")
        # openssl's file: convention: the first line, without its line ending.
        line = text.splitlines()[0] if text else ""
        if not line:
            raise CLIError(f"{path}: empty passphrase file")
        return line
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    return None


def _prompt_passphrase(prompt: str, *, confirm: bool = False) -> str:
    if not sys.stdin.isatty():
        from minica.errors import PassphraseError

        raise PassphraseError(
            f"{prompt}: passphrase needed; use --passphrase-file FILE or {PASSPHRASE_ENV}"
        )
    import getpass

    first = getpass.getpass(f"{prompt}: ")
    if not first:
        raise CLIError("passphrase: empty")
    if confirm and getpass.getpass(f"{prompt} (again): ") != first:
        raise CLIError("passphrase: the two entries differ")
    return first


def _new_passphrase(args: argparse.Namespace, prompt: str) -> str | None:
    """The passphrase to encrypt a new key with, when ``--encrypt`` was given."""
    if not getattr(args, "encrypt", False):
        return None
    return _given_passphrase(args) or _prompt_passphrase(prompt, confirm=True)


def _load_key(
    path: str, args: argparse.Namespace, *, passphrase_file: str | None = None
) -> RSAPrivateKey:
    """Load a private key, asking for a passphrase only when the key is encrypted."""
    from minica.errors import PassphraseError
    from minica.keys import load_private_key

    data = _read(path)
    given = _given_passphrase(args, passphrase_file)
    try:
        return load_private_key(data, passphrase=given)
    except PassphraseError as e:
        if given is not None or not sys.stdin.isatty():
            raise PassphraseError(f"{path}: {e}") from e
    return load_private_key(data, passphrase=_prompt_passphrase(f"passphrase for {path}"))


def _open_ca(directory: str, args: argparse.Namespace) -> CA:
    from minica.ca import CA

    return CA.open(directory, passphrase=_given_passphrase(args))


def _with_ca(args: argparse.Namespace, action: Callable[[CA], T]) -> T:
    """Open the CA in ``args.dir`` and run ``action(ca)``. When the CA key turns out encrypted
    and no passphrase was supplied, prompt on a terminal and retry once: the CA loads its key
    before it changes anything, so the failed attempt left no trace."""
    from minica.ca import CA
    from minica.errors import PassphraseError

    given = _given_passphrase(args)
    try:
        return action(CA.open(args.dir, passphrase=given))
    except PassphraseError:
        if given is not None or not sys.stdin.isatty():
            raise
    passphrase = _prompt_passphrase(f"passphrase for {args.dir}/private/cakey.pem")
    return action(CA.open(args.dir, passphrase=passphrase))


def _output_name(name: str) -> str:
    """A file-name stem for a certificate name: wildcards and separators made safe."""
    stem = name.replace("*", "_").replace("/", "_").replace(":", "_").replace("\\", "_")
    return stem.lstrip(".") or "cert"


# ---------------------------------------------------------------------------------------------
# Subcommands


def cmd_init(args: argparse.Namespace) -> int:
    """`minica init DIR`: a new CA directory (CA.init) and its first, empty CRL."""
    from minica.ca import CA

    passphrase = _new_passphrase(args, "passphrase for the new CA key")
    key = _load_key(args.key, args) if args.key else None
    if key is None:
        _progress(f"generating a {args.bits}-bit RSA key for the CA ...")
    ca = CA.init(
        args.dir,
        args.subject,
        key_size=args.bits,
        days=args.days,
        passphrase=passphrase,
        serial=args.serial,
        key=key,
    )
    # The CA directory layout includes crl.pem: publish the first, empty CRL right away so
    # that a web server can be pointed at it from the start (openssl ca -gencrl).
    ca.generate_crl()
    cert = ca.certificate
    print(f"created CA in {args.dir}: {cert.subject.to_openssl()}")
    print(
        f"  certificate {os.path.join(args.dir, 'cacert.pem')} "
        f"(valid until {cert.not_valid_after:%Y-%m-%d})"
    )
    print(f"  key         {os.path.join(args.dir, 'private', 'cakey.pem')}")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    """`minica key OUT`: a new RSA key, PKCS#8 PEM, mode 0600, optionally encrypted."""
    from minica.keys import generate_private_key

    if args.out != "-":
        _refuse_existing(args.out, args.force)
    passphrase = _new_passphrase(args, f"passphrase for {args.out}")
    _progress(f"generating a {args.bits}-bit RSA key ...")
    key = generate_private_key(args.bits)
    pem = key.to_pem(passphrase=passphrase)
    _write(args.out, pem, mode=0o600, force=args.force)
    if args.out != "-":
        print(f"wrote {args.out} ({args.bits}-bit RSA{', encrypted' if passphrase else ''})")
    return 0


def cmd_req(args: argparse.Namespace) -> int:
    """`minica req KEY`: a PKCS#10 request (RFC 2986) signed with KEY."""
    from minica.csr import create_csr

    key = _load_key(args.key, args)
    csr = create_csr(key, args.subject, san=args.san or ())
    _write(args.out, csr.to_pem())
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    """`minica sign DIR CSR`: the CA issues a certificate for the request (openssl ca)."""
    from minica.csr import load_csr

    csr = load_csr(_read(args.csr))
    cert = _with_ca(args, lambda ca: ca.sign(csr, profile=args.profile, days=args.days))
    _write(args.out, cert.to_pem())
    if args.out != "-":
        print(f"wrote {args.out}: serial {cert.serial_number:X}, {cert.subject.to_openssl()}")
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    """`minica issue DIR NAME...`: key and certificate in one step, NAME.key / NAME.crt."""
    stem = os.path.join(args.out_dir, _output_name(args.names[0]))
    key_path, cert_path = f"{stem}.key", f"{stem}.crt"
    for path in (key_path, cert_path):
        _refuse_existing(path, args.force)
    passphrase = _new_passphrase(args, f"passphrase for {key_path}")
    _progress(f"generating a {args.bits}-bit RSA key for {args.names[0]} ...")
    key, cert = _with_ca(
        args,
        lambda ca: ca.issue(
            args.names,
            profile=args.profile,
            key_size=args.bits,
            days=args.days,
            subject=args.subject,
        ),
    )
    _write(key_path, key.to_pem(passphrase=passphrase), mode=0o600, force=args.force)
    try:
        _write(cert_path, cert.to_pem(), force=args.force)
    except BaseException:
        os.unlink(key_path)
        raise
    print(
        f"wrote {key_path} and {cert_path}: serial {cert.serial_number:X}, "
        f"{cert.subject.to_openssl()}"
    )
    return 0


def _serial_or_cert(text: str) -> int | Certificate:
    """A revocation target: an existing certificate file, or a serial number in hex."""
    if os.path.exists(text):
        from minica.cert import load_certificate

        return load_certificate(_read(text))
    digits = text[2:] if text.lower().startswith("0x") else text
    try:
        return int(digits.replace(":", ""), 16)
    except ValueError:
        raise CLIError(f"{text}: neither a certificate file nor a hexadecimal serial") from None


def cmd_revoke(args: argparse.Namespace) -> int:
    """`minica revoke DIR CRT|SERIAL`: mark a certificate revoked in index.txt."""
    target = _serial_or_cert(args.target)
    ca = _open_ca(args.dir, args)
    entry = ca.revoke(target, reason=args.reason)
    print(f"revoked serial {entry.serial:X} ({entry.subject}), reason {args.reason}")
    print(f"publish it: minica crl {args.dir}")
    return 0


def cmd_crl(args: argparse.Namespace) -> int:
    """`minica crl DIR`: sign a CRL of every revoked certificate into DIR/crl.pem."""
    crl = _with_ca(args, lambda ca: ca.generate_crl(days=args.days, hours=args.hours))
    if args.out:
        _write(args.out, crl.to_pem())
    if args.out != "-":
        next_update = f"{crl.next_update:%Y-%m-%d %H:%M:%S}Z" if crl.next_update else "never"
        print(
            f"wrote {os.path.abspath(os.path.join(args.dir, 'crl.pem'))}: "
            f"CRL number {crl.crl_number}, {len(crl)} revoked, "
            f"next update {next_update}"
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """`minica list DIR`: the issued certificates from index.txt, one per line."""
    from datetime import UTC, datetime

    ca = _open_ca(args.dir, args)
    now = datetime.now(UTC)
    names = {"V": "valid", "R": "revoked", "E": "expired"}
    rows = []
    for e in ca.records():
        # A "V" line past its expiry is expired (openssl ca -updatedb would rewrite it as "E").
        status = "E" if e.status == "V" and e.expiry < now else str(e.status)
        if args.status is None or status == args.status:
            rows.append((e, status))
    if not rows:
        return 0
    print(f"{'SERIAL':>8}  {'STATUS':7}  {'EXPIRES':10}  SUBJECT")
    for e, status in rows:
        revoked = ""
        if e.revocation is not None:
            revoked = f"  (revoked {e.revocation:%Y-%m-%d}{', ' + e.reason if e.reason else ''})"
        print(
            f"{e.serial_hex:>8}  {names.get(status, status):7}  {e.expiry:%Y-%m-%d}  "
            f"{e.subject}{revoked}"
        )
    return 0


def _key_text(args: argparse.Namespace, path: str) -> str:
    key = _load_key(path, args)
    pub = key.public_key()
    return (
        f"Private-Key: ({key.size} bit, 2 primes)\n"
        f"modulus: {pub.n:X}\n"
        f"publicExponent: {pub.e} (0x{pub.e:x})\n"
        f"key id (SHA-1 of the public key): {pub.key_id().hex(':').upper()}\n"
    )


def _public_key_text(data: bytes) -> str:
    from minica.keys import load_public_key

    pub = load_public_key(data)
    return (
        f"Public-Key: ({pub.size} bit)\n"
        f"Modulus: {pub.n:X}\n"
        f"Exponent: {pub.e} (0x{pub.e:x})\n"
        f"key id (SHA-1 of the public key): {pub.key_id().hex(':').upper()}\n"
    )


_SHOW_KINDS = {
    "CERTIFICATE": "cert",
    "TRUSTED CERTIFICATE": "cert",
    "CERTIFICATE REQUEST": "csr",
    "NEW CERTIFICATE REQUEST": "csr",
    "X509 CRL": "crl",
    "PRIVATE KEY": "key",
    "ENCRYPTED PRIVATE KEY": "key",
    "RSA PRIVATE KEY": "key",
    "PUBLIC KEY": "pub",
    "RSA PUBLIC KEY": "pub",
}


def _show_one(kind: str, data: bytes, args: argparse.Namespace, path: str) -> str:
    if kind == "cert":
        from minica.cert import load_certificate

        cert = load_certificate(data)
        # openssl x509 -text, then the fingerprint as `openssl x509 -fingerprint -sha256` says it.
        fingerprint = cert.fingerprint("sha256").hex(":").upper()
        return f"{cert.to_text()}sha256 Fingerprint={fingerprint}\n"
    if kind == "csr":
        from minica.csr import load_csr

        return load_csr(data).to_text()
    if kind == "crl":
        from minica.crl import load_crl

        return load_crl(data).to_text()
    if kind == "key":
        return _key_text(args, path)
    return _public_key_text(data)


def _sniff_der(data: bytes, path: str) -> str:
    """Which kind of DER object ``data`` is, by shape (RFC 5280 4.1, 5.1; RFC 2986 4.2)."""
    from minica import der
    from minica.errors import DecodeError

    if data[:1] != b"\x30":
        raise DecodeError(f"{path}: neither PEM nor DER (a certificate, request, CRL or key)")
    root = der.decode(data, what=path)
    kids = root.children if root.tag == der.SEQUENCE else ()
    if len(kids) == 3 and kids[0].tag == der.SEQUENCE:
        tags = [child.tag for child in kids[0].children]
        if tags[:1] == [0xA0]:
            return "cert"  # TBSCertificate with [0] EXPLICIT version
        if len(tags) == 4 and tags[0] == der.INTEGER and tags[3] == 0xA0:
            return "csr"  # CertificationRequestInfo: version, subject, spki, [0] attributes
        if 0x17 in tags[2:4] or 0x18 in tags[2:4]:
            return "crl"  # TBSCertList: thisUpdate right after the issuer
        return "cert"  # a v1 certificate: serial, signature, issuer, validity, ...
    if kids and kids[0].tag == der.INTEGER:
        return "key"  # PKCS#1 RSAPrivateKey or PKCS#8 PrivateKeyInfo
    if len(kids) == 2 and kids[0].tag == der.SEQUENCE:
        return "pub" if kids[1].tag == der.BIT_STRING else "key"  # SPKI or encrypted PKCS#8
    raise DecodeError(f"{path}: not a certificate, request, CRL or key in DER")


def cmd_show(args: argparse.Namespace) -> int:
    """`minica show FILE`: a certificate, request, CRL, key or PKCS#12 file as text."""
    data = _read(args.file)
    path = args.file
    if path.lower().endswith((".p12", ".pfx")):
        from minica import pkcs12

        passphrase = _given_passphrase(args)
        if passphrase is None:
            passphrase = _prompt_passphrase(f"passphrase for {path}")
        bundle = pkcs12.load_bundle(data, passphrase)
        lines = [bundle.to_text().rstrip("\n")]
        for cert in bundle.certificates:
            lines.append(f"subject={cert.subject.to_text()}")
            lines.append(f"issuer={cert.issuer.to_text()}")
        if bundle.key is not None:
            lines.append(f"private key: {bundle.key.size}-bit RSA")
        print("\n".join(lines))
        return 0
    # PEM may follow text, as in what `openssl ca -out` and `openssl x509 -text` write.
    if b"-----BEGIN " in data:
        from minica import pem

        blocks = pem.decode_all(data, what=path)
        texts = []
        for block in blocks:
            kind = _SHOW_KINDS.get(block.label)
            if kind is None:
                continue
            texts.append(_show_one(kind, data if len(blocks) == 1 else block.der, args, path))
        if not texts:
            labels = ", ".join(b.label for b in blocks) or "no complete block"
            raise CLIError(f"{path}: nothing minica can show (PEM: {labels})")
        sys.stdout.write("\n".join(texts))
        return 0
    sys.stdout.write(_show_one(_sniff_der(data, path), data, args, path))
    return 0


def cmd_asn1(args: argparse.Namespace) -> int:
    """`minica asn1 FILE`: the annotated DER tree (field names, values), like asn1parse -i."""
    from minica import explain
    from minica.errors import DecodeError

    data = _read(args.file)
    try:
        if args.schema and "." in args.schema:
            lines = explain.explain_with_schema(data, args.schema, max_depth=args.depth)
        else:
            lines = explain.explain(
                data, schema=args.schema, max_depth=args.depth, show_hex=args.hex
            )
    except DecodeError:
        # Show the readable part, then the one-line error (from the top-level handler).
        raw = data
        if b"-----BEGIN " in data:
            from minica import pem

            blocks = pem.decode_all(data, what=args.file)
            if not blocks:
                raise
            raw = blocks[0].der
        partial, _ = explain.partial_lines(raw)
        for line in explain.render(partial, paths=args.paths):
            print(line)
        raise
    for line in explain.render(lines, paths=args.paths):
        print(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`minica export CRT --key KEY`: a PKCS#12 bundle (openssl pkcs12 -export)."""
    from minica import pkcs12
    from minica.cert import load_certificate, load_certificates

    cert = load_certificate(_read(args.cert))
    key = _load_key(args.key, args, passphrase_file=args.key_passphrase_file)
    chain: list[Certificate] = []
    for path in args.chain or ():
        chain.extend(load_certificates(_read(path)))
    if args.out != "-":
        _refuse_existing(args.out, args.force)
    passphrase = _given_passphrase(args) or _prompt_passphrase(
        f"passphrase for {args.out}", confirm=True
    )
    data = pkcs12.dump(key, cert, chain, passphrase, friendly_name=args.name)
    _write(args.out, data, mode=0o600, force=args.force)
    if args.out != "-":
        print(
            f"wrote {args.out}: {cert.subject.to_openssl()} + key, "
            f"{len(chain)} chain certificate(s)"
        )
    return 0


def _load_crls(path: str) -> list[CertificateRevocationList]:
    """Every CRL in a file: one DER CRL, or each ``X509 CRL`` block of a PEM file."""
    from minica import pem
    from minica.crl import load_crl

    data = _read(path)
    if data.lstrip()[:11] != b"-----BEGIN ":
        return [load_crl(data)]
    blocks = [b for b in pem.decode_all(data, what=path) if b.label == "X509 CRL"]
    if not blocks:
        return [load_crl(data)]  # says which label it expected
    return [load_crl(b.der) for b in blocks]


def cmd_verify(args: argparse.Namespace) -> int:
    """`minica verify --ca CA CERT...`: path validation as openssl verify does it."""
    from minica import verify
    from minica.cert import load_certificate, load_certificates

    trusted: list[Certificate] = []
    for path in args.ca:
        trusted.extend(load_certificates(_read(path)))
    untrusted: list[Certificate] = []
    for path in args.untrusted or ():
        untrusted.extend(load_certificates(_read(path)))
    crls = [crl for path in args.crl or () for crl in _load_crls(path)]
    failed = False
    for path in args.cert:
        leaf = load_certificate(_read(path))
        result = verify.verify_chain(
            leaf,
            trusted=trusted,
            untrusted=untrusted,
            crls=crls,
            crl_check="all" if args.crl_check_all else ("leaf" if crls else None),
            purpose=args.purpose,
        )
        if result.ok:
            print(f"{path}: OK")
        else:
            failed = True
            print(f"minica: error: {path}: verification failed: {result.message}", file=sys.stderr)
    if failed:
        raise _VerifyFailed
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """`minica demo [DIR]`: the end-to-end story against a real HTTPS server."""
    from minica import demo

    return demo.run(args.dir, bits=args.bits, keep=args.keep)


# ---------------------------------------------------------------------------------------------
# The parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help as written (examples keep their lines), at the terminal's width.

    argparse makes a formatter for every argument it adds, and its default asks
    ``shutil.get_terminal_size`` each time; importing shutil alone costs ~2 ms of start-up,
    so the width comes from the same sources here: $COLUMNS, the terminal, else 80.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


_COLUMNS: list[int] = []


def _terminal_columns() -> int:
    if not _COLUMNS:
        columns = 0
        with contextlib.suppress(ValueError):
            columns = int(os.environ.get("COLUMNS", "0"))
        if columns <= 0:
            try:
                columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                columns = 0
        _COLUMNS.append(columns or 80)
    return _COLUMNS[0]


def _add_passphrase(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help=f"read the passphrase from FILE's first line (else ${PASSPHRASE_ENV}, else a prompt)",
    )


class _Skipped(argparse.ArgumentParser):
    """Stands in for the parser of a subcommand that was not asked for: ignores its arguments.

    argparse formats every argument as it is added (one terminal-size query each): adding only
    the chosen subcommand's arguments saves several milliseconds of start-up.
    """

    def __init__(self) -> None:  # no super().__init__: nothing of it is used
        pass

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        return argparse.Action(option_strings=[], dest="_skipped")


def _sub(
    subs: argparse._SubParsersAction[argparse.ArgumentParser] | list[tuple[str, str]],
    only: str | None,
    name: str,
    help: str,
    examples: Sequence[str],
    func: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """Add subcommand ``name``; see :func:`build_parser` for ``only``."""
    if isinstance(subs, list):  # the top level alone: list the subcommand, nothing more
        subs.append((name, help))
        return _Skipped()
    if only is not None and name != only:
        return _Skipped()
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
    p = subs.add_parser(
        name, help=help, description=help, epilog=epilog, formatter_class=_Formatter
    )
    p.set_defaults(func=func)
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be positive")
    return value


def _bits(text: str) -> int:
    value = _positive(text)
    if value not in KEY_SIZES:
        raise argparse.ArgumentTypeError(f"{value}: key size must be one of 2048, 3072, 4096")
    return value


SUBCOMMANDS = (
    "init", "key", "req", "sign", "issue", "revoke", "crl", "list", "show", "asn1", "export",
    "verify", "demo",
)  # fmt: skip
# Choices spelled out here so that building the parser imports nothing else;
# tests/test_cli.py checks them against the library's own tables.
KEY_SIZES = (2048, 3072, 4096)
PROFILES = ("server", "client", "server_client", "intermediate_ca")
REASONS = (
    "unspecified",
    "keyCompromise",
    "CACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "removeFromCRL",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser for ``minica`` and its subcommands.

    ``only`` names the one subcommand to set up fully; ``""`` sets up the top level alone
    (``--help``, ``--version``, usage errors). Either saves start-up time.
    """
    parser = argparse.ArgumentParser(
        prog="minica", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=_Formatter
    )
    parser.add_argument("--version", action="version", version=f"minica {__version__}")
    # The top level alone makes no sub-parsers (each costs a few hundred microseconds): a
    # COMMAND choice and the list of subcommands in the help text do.
    subs: argparse._SubParsersAction[argparse.ArgumentParser] | list[tuple[str, str]] = (
        [] if only == "" else parser.add_subparsers(dest="command", metavar="COMMAND")
    )

    p = _sub(
        subs,
        only,
        "init",
        "create a CA directory: key, self-signed root certificate, index, serial, CRL",
        [
            'minica init pki --subject "/C=CN/ST=Beijing/O=Example/CN=Example Root CA"',
            "minica init pki --subject 'CN=Example Root CA,O=Example' --encrypt --days 7300",
            "minica init pki --subject /CN=Root --key existing-ca.key",
        ],
        cmd_init,
    )
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--subject", required=True, help="the CA's name, /C=../CN=.. or RFC 4514")
    p.add_argument("--bits", type=_bits, default=2048, help="RSA key size (default 2048)")
    p.add_argument("--days", type=_positive, default=3650, help="validity (default 3650)")
    p.add_argument("--key", metavar="KEYFILE", help="use this existing key instead of a new one")
    p.add_argument("--encrypt", action="store_true", help="encrypt the CA key with a passphrase")
    p.add_argument("--serial", choices=("sequential", "random"), default="sequential")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "key",
        "generate an RSA private key (PKCS#8 PEM, mode 0600)",
        ["minica key web.key", "minica key web.key --bits 3072 --encrypt", "minica key -o - | ..."],
        cmd_key,
    )
    p.add_argument("out", metavar="OUT", help="output file (- = stdout)")
    p.add_argument("--bits", type=_bits, default=2048, help="RSA key size (default 2048)")
    p.add_argument("--encrypt", action="store_true", help="encrypt with a passphrase (AES-256)")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "req",
        "create a certificate signing request (PKCS#10) for a key",
        [
            "minica req web.key --subject /CN=www.example.com --san www.example.com -o web.csr",
            "minica req web.key --subject 'CN=app,O=Example' --san app.example.com 10.0.0.5",
        ],
        cmd_req,
    )
    p.add_argument("key", metavar="KEY")
    p.add_argument("--subject", required=True)
    p.add_argument(
        "--san", nargs="+", metavar="NAME", help="DNS names, IP addresses, e-mails, URIs"
    )
    p.add_argument("-o", "--out", default="-", metavar="CSR", help="output file (default stdout)")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "sign",
        "sign a certificate request with the CA (like openssl ca -in CSR)",
        [
            "minica sign pki web.csr -o web.crt",
            "minica sign pki laptop.csr --profile client --days 90 -o laptop.crt",
        ],
        cmd_sign,
    )
    p.add_argument("dir", metavar="DIR")
    p.add_argument("csr", metavar="CSR")
    p.add_argument("--profile", choices=PROFILES, default="server")
    p.add_argument("--days", type=_positive, default=365)
    p.add_argument("-o", "--out", default="-", metavar="CRT", help="output file (default stdout)")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "issue",
        "make a key and a certificate in one step (files named after the first name)",
        [
            "minica issue pki localhost 127.0.0.1          -> localhost.key, localhost.crt",
            "minica issue pki alice@example.com --profile client --subject /CN=alice",
        ],
        cmd_issue,
    )
    p.add_argument("dir", metavar="DIR")
    p.add_argument("names", metavar="NAME", nargs="+", help="host names / IPs (the SAN)")
    p.add_argument("--profile", choices=PROFILES, default="server")
    p.add_argument("--subject", help="subject (default /CN=<first name>)")
    p.add_argument("--days", type=_positive, default=365)
    p.add_argument("--bits", type=_bits, default=2048)
    p.add_argument("--out-dir", default=".", metavar="DIR", help="where to write (default .)")
    p.add_argument("--encrypt", action="store_true", help="encrypt the new key")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "revoke",
        "revoke a certificate (by file or hex serial); then run `minica crl`",
        ["minica revoke pki web.crt --reason keyCompromise", "minica revoke pki 1A2B"],
        cmd_revoke,
    )
    p.add_argument("dir", metavar="DIR")
    p.add_argument("target", metavar="CRT|SERIAL")
    p.add_argument("--reason", choices=REASONS, default="unspecified")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "crl",
        "generate the CA's CRL (writes DIR/crl.pem)",
        ["minica crl pki", "minica crl pki --days 7 -o -"],
        cmd_crl,
    )
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--days", type=_positive)
    p.add_argument("--hours", type=_positive)
    p.add_argument("-o", "--out", metavar="FILE", help="also write the CRL here (- = stdout)")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "list",
        "list the certificates the CA issued (index.txt)",
        ["minica list pki", "minica list pki --status R"],
        cmd_list,
    )
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--status", choices=("V", "R", "E"))

    p = _sub(
        subs,
        only,
        "show",
        "print a certificate, request, CRL, key or PKCS#12 file as text (like openssl -text)",
        ["minica show web.crt", "minica show pki/crl.pem", "minica show bundle.p12"],
        cmd_show,
    )
    p.add_argument("file", metavar="FILE")
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "verify",
        "verify certificates against trusted CAs (chain, validity, constraints, CRL)",
        [
            "minica verify --ca pki/cacert.pem web.crt",
            "minica verify --ca root.pem --untrusted intermediate.pem --crl pki/crl.pem web.crt",
        ],
        cmd_verify,
    )
    p.add_argument("--ca", action="append", required=True, metavar="CA.pem", help="trusted")
    p.add_argument("--untrusted", action="append", metavar="FILE", help="intermediates")
    p.add_argument("--crl", action="append", metavar="CRL", help="check revocation (leaf)")
    p.add_argument("--crl-check-all", action="store_true", help="check every CA's CRL too")
    p.add_argument("--purpose", choices=("sslserver", "sslclient"))
    p.add_argument("cert", metavar="CERT", nargs="+")

    p = _sub(
        subs,
        only,
        "asn1",
        "print the DER tree of any PKI file with field names and values (like asn1parse -i)",
        [
            "minica asn1 web.crt --depth 2",
            "minica asn1 pki/crl.pem --hex --paths",
            "minica asn1 signed.p7 --schema rfc5652.ContentInfo   (any pyasn1-modules type)",
        ],
        cmd_asn1,
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--depth", type=int, metavar="N", help="show elements down to depth N only")
    p.add_argument(
        "--schema", metavar="NAME", help="certificate, csr, crl, ... or a pyasn1 module.Type"
    )
    p.add_argument("--hex", action="store_true", help="show the content bytes in hex too")
    p.add_argument("--paths", action="store_true", help="label elements with full field paths")

    p = _sub(
        subs,
        only,
        "export",
        "bundle a certificate, its key and a chain into PKCS#12 (like openssl pkcs12 -export)",
        [
            "minica export alice.crt --key alice.key --chain pki/cacert.pem -o alice.p12",
            "MINICA_PASSPHRASE=... minica export web.crt --key web.key -o web.p12",
        ],
        cmd_export,
    )
    p.add_argument("cert", metavar="CRT")
    p.add_argument("--key", required=True, metavar="KEY")
    p.add_argument("--chain", action="append", metavar="FILE", help="CA certificates to include")
    p.add_argument("--name", metavar="NAME", help="friendly name shown by browsers")
    p.add_argument("-o", "--out", required=True, metavar="P12", help="output file (- = stdout)")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument(
        "--key-passphrase-file", metavar="FILE", help="passphrase of KEY when it differs"
    )
    _add_passphrase(p)

    p = _sub(
        subs,
        only,
        "demo",
        "the whole story: CA, server and client certificates, a real HTTPS server, revocation",
        ["minica demo", "minica demo ./demo-pki"],
        cmd_demo,
    )
    p.add_argument("dir", metavar="DIR", nargs="?", help="where to build it (default: temp dir)")
    p.add_argument("--bits", type=_bits, default=2048)
    p.add_argument("--keep", action="store_true", help="keep the temp dir")
    if isinstance(subs, list):
        width = max(len(name) for name, _ in subs) + 2
        listing = "\n".join(f"  {name:{width}}{text}" for name, text in subs)
        parser.description = f"{_DESCRIPTION}\ncommands:\n{listing}\n"
        parser.add_argument(
            "command", metavar="COMMAND", nargs="?", choices=[name for name, _ in subs],
            help="one of the commands above; `minica COMMAND --help` for its options",
        )  # fmt: skip
    return parser


def _describe_os_error(e: OSError) -> str:
    if e.filename is not None:
        return f"{e.filename}: {e.strerror or e}"
    return str(e)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 error, 2 usage, 130 Ctrl-C)."""
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv[0] if argv and argv[0] in SUBCOMMANDS else "")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors
        return e.code if isinstance(e.code, int) else 2
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except _VerifyFailed:
        return 1
    except MinicaError as e:
        print(f"minica: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"minica: error: {_describe_os_error(e)}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as e:
        print(f"minica: error: not text where text was expected: {e.reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("minica: interrupted", file=sys.stderr)
        return 130

"""The CA directory (layer 6): openssl's ``[CA_default]`` layout, kept safe for many writers.

A :class:`CA` is a directory that ``openssl ca -config <dir>/openssl.cnf`` can use too::

    certs/ crl/ newcerts/ private/cakey.pem cacert.pem index.txt index.txt.attr
    serial crlnumber crl.pem openssl.cnf .minica.lock

Every mutation holds an exclusive ``flock`` on ``.minica.lock`` and writes files in an order that
survives a crash at any instant:

* whole files are replaced atomically (temp file in the same directory, fsync, ``os.replace``,
  fsync of the directory); ``serial.old`` / ``crlnumber.old`` / ``index.txt.old`` keep the
  previous version as openssl does (a hard link to the replaced file, so no copy is made);
* issuing appends one line to ``index.txt`` (one ``write`` + fsync) and never rewrites it, so its
  cost does not grow with the database; revocation and ``update_expired`` rewrite it;
* issuing persists the advanced ``serial`` first, then ``newcerts/<SERIAL>.pem`` (created
  exclusively, complete or absent), then the index line; the caller gets the certificate only
  after all three are durable.

A crash between the newcerts file and the index line leaves an *orphan* ``newcerts`` file: it is
ignored (no caller ever received that certificate, and it is not in any CRL), and its serial is
never reused because the ``serial`` file had already moved past it and a newcerts file that
exists is never overwritten. An index line torn by a crash (no final newline) is ignored by
readers, as openssl ignores it, and cut off by the next writer before it appends.

The issued subject is built as ``openssl ca`` builds it: with ``preserve = no`` (the default,
and what ``CA.init`` writes) in policy order, one RDN per attribute, fields the policy does not
list dropped (:func:`apply_policy`); with ``preserve = yes`` the request's subject as it is.

Deliberate differences from ``openssl ca``: ``newcerts`` files hold only the PEM (openssl puts the text dump before it); ``index.txt.old`` is
updated when the index is rewritten (revoke, update_expired), not by appends.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from minica import der, oids, profiles
from minica._opensslcnf import render_openssl_cnf
from minica.cert import Certificate, load_certificate
from minica.csr import CertificateSigningRequest, create_csr, load_csr
from minica.errors import (
    CAError,
    DecodeError,
    InvalidSignature,
    PassphraseError,
    PolicyError,
    ValidationError,
)
from minica.index import (
    OPENSSL_CA_REASONS,
    IndexEntry,
    expire_entries,
    format_attr,
    format_serial,
    format_serial_file,
    parse_attr,
    parse_index,
    parse_serial_file,
)
from minica.keys import RSAPrivateKey, generate_private_key, load_private_key, save_private_key
from minica.name import Name, NameAttribute

# crl is loaded by generate_crl only: signing, the common path, need not pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from minica.crl import CertificateRevocationList, RevokedCertificate

__all__ = [
    "CA",
    "POLICIES",
    "POLICY_ANYTHING",
    "POLICY_MATCH",
    "apply_policy",
    "check_policy",
]

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from typing import Final, Literal

    Rule = Literal["match", "supplied", "optional"]
    PolicyRules = Mapping[str, Rule]
    SerialMode = Literal["sequential", "random"]

#: openssl.cnf's ``[ policy_anything ]``: only a commonName is required.
POLICY_ANYTHING: Final[Mapping[str, Rule]] = {
    "C": "optional",
    "ST": "optional",
    "L": "optional",
    "O": "optional",
    "OU": "optional",
    "CN": "supplied",
    "emailAddress": "optional",
}
#: openssl.cnf's ``[ policy_match ]``: country, state and organisation equal to the CA's.
POLICY_MATCH: Final[Mapping[str, Rule]] = {
    "C": "match",
    "ST": "match",
    "O": "match",
    "OU": "optional",
    "CN": "supplied",
    "emailAddress": "optional",
}
#: Policy presets by name (openssl's section names work too).
POLICIES: Final[Mapping[str, Mapping[str, Rule]]] = {
    "anything": POLICY_ANYTHING,
    "policy_anything": POLICY_ANYTHING,
    "match": POLICY_MATCH,
    "policy_match": POLICY_MATCH,
}

_LOCK: Final = ".minica.lock"
_TMP: Final = ".minica-tmp."  # prefix of every temp file; stale ones are removed under the lock
_DEFAULT_LOCK_TIMEOUT: Final = 30.0
_DEFAULT_CRL_DAYS: Final = 30  # openssl.cnf default_crl_days, as CA.init writes it

# The revoked rows of index.txt, for generate_crl: one C-level pass instead of building 100,000
# IndexEntry objects (that parse alone would take longer than `openssl ca -gencrl` does in all).
# Compiled on first use (by re's cache), not at import: issuing never needs it.
_REVOKED: Final = (
    r"^R\t[0-9]{12}(?:[0-9]{2})?Z\t([0-9]{12}(?:[0-9]{2})?Z)(?:,([A-Za-z]+)(?:,([^,\t\n]+))?)?"
    r"\t(-?[0-9A-Fa-f]+)\t[^\t\n]*\t[^\t\n]*\n"
)
# openssl's pseudo reasons (ca.c make_revocation_str) and the CRLReason each stands for.
_PSEUDO: Final[dict[str, str]] = {
    "holdInstruction": "certificateHold",
    "keyTime": "keyCompromise",
    "CAkeyTime": "CACompromise",
}


# ---------------------------------------------------------------------------------------------
# Policy


def check_policy(subject: Name, ca_subject: Name, policy: PolicyRules) -> None:
    """Apply an openssl ``policy`` section to a request subject (openssl ca, "policy").

    ``match``: present and equal to the CA certificate's value; ``supplied``: present;
    ``optional``: anything. Raises PolicyError naming the field. Attributes the policy does
    not list are no error (:func:`apply_policy` says what is issued).
    """
    apply_policy(subject, ca_subject, policy)


def apply_policy(subject: Name, ca_subject: Name, policy: PolicyRules) -> Name:
    """The subject ``openssl ca`` issues for a request under ``policy`` (``preserve = no``).

    As ca.c do_body() builds it: the fields in the policy's order, each occurrence of a field
    in the request's order, every one its own RDN; fields the policy does not list are
    dropped, and a ``match`` field takes the CA certificate's attribute (its exact encoding).
    Raises PolicyError as :func:`check_policy` does. (openssl also refuses a ``match`` whose
    string type differs from the CA's while the text is equal; minica compares the text.)
    """
    if not isinstance(subject, Name) or not isinstance(ca_subject, Name):
        raise TypeError("check_policy: subject and ca_subject must be Names")
    issued: list[NameAttribute] = []
    for field, rule in policy.items():
        try:
            oid = oids.lookup(field)
        except ValidationError as e:
            raise PolicyError(f"policy: unknown field {field!r}") from e
        name = oids.short_name(oid)
        if rule not in ("optional", "supplied", "match"):
            raise PolicyError(
                f"policy: {name}: rule must be match, supplied or optional, not {rule!r}"
            )
        found = [a for rdn in subject.rdns for a in rdn if a.oid == oid]
        if not found and rule != "optional":
            raise PolicyError(f"policy: the {name} field needed to be supplied and was missing")
        if rule != "match":
            issued.extend(found)
            continue
        theirs = [a for rdn in ca_subject.rdns for a in rdn if a.oid == oid]
        if not theirs:
            raise PolicyError(
                f"policy: the {name} field does not exist in the CA certificate, "
                "so it cannot be matched"
            )
        for attr in found:
            same = next((a for a in theirs if a.value == attr.value), None)
            if same is None:
                raise PolicyError(
                    f"policy: the {name} field is different between the CA certificate "
                    f"({theirs[0].value!r}) and the request ({attr.value!r})"
                )
            issued.append(same)
    return Name.build(issued)


def _policy_rules(policy: str | PolicyRules) -> PolicyRules:
    if isinstance(policy, str):
        found = POLICIES.get(policy)
        if found is None:
            raise PolicyError(f"policy {policy!r}: unknown, use one of {', '.join(POLICIES)}")
        return found
    if not isinstance(policy, Mapping):
        raise TypeError(f"policy must be a str or a mapping, got {type(policy).__name__}")
    return policy


# ---------------------------------------------------------------------------------------------
# Files: atomic replacement, appends, the lock


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _temp_file(directory: Path, data: bytes, mode: int) -> Path:
    """A new, fsynced file holding ``data`` under a temp name in ``directory``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    while True:
        tmp = directory / f"{_TMP}{os.urandom(8).hex()}"
        try:
            fd = os.open(tmp, flags, mode)
            break
        except FileExistsError:  # pragma: no cover - 64 random bits collided
            continue
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def _replace(path: Path, data: bytes, *, keep_old: bool = False, mode: int = 0o644) -> None:
    """Replace ``path`` atomically; with ``keep_old`` the previous file becomes ``<name>.old``."""
    tmp = _temp_file(path.parent, data, mode)
    try:
        if keep_old and path.exists():
            # A hard link keeps the old inode as <name>.old without copying it; the link is
            # made under a temp name and renamed, so <name>.old is never missing either.
            link = path.parent / f"{_TMP}{os.urandom(8).hex()}"
            os.link(path, link)
            os.replace(link, path.with_name(path.name + ".old"))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _create_exclusive(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Create ``path`` with ``data``, all or nothing; FileExistsError if it exists."""
    tmp = _temp_file(path.parent, data, mode)
    try:
        os.link(tmp, path)  # fails if path exists; never shows a partial file
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _read_text(path: Path, what: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CAError(f"{what}: missing ({path})") from None
    except OSError as e:
        raise CAError(f"{what}: cannot read {path}: {e.strerror}") from e
    # Subjects in index.txt are X509_NAME_oneline() output: ASCII with \xHH escapes, but a
    # hand-edited file may hold other bytes; surrogateescape keeps them round-tripping.
    return data.decode("utf-8", "surrogateescape")


def _config_value(text: str, section: str, key: str) -> str | None:
    """A value from one section of an openssl.cnf (a simple NCONF reading, no $variables)."""
    current = ""
    found: str | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        name, eq, value = line.partition("=")
        if eq and current == section and name.strip() == key:
            found = value.strip().strip("\"'")
    return found


def _yes(value: str) -> bool:
    # apps.c parse_yesno(): judged by the first letter.
    return value[:1] in ("y", "Y", "t", "T", "1") or value.lower() == "on"


# ---------------------------------------------------------------------------------------------
# The CA


class CA:
    """A certificate authority kept in an openssl-compatible directory (openssl ``ca``).

    Make one with :meth:`CA.init`, open an existing one (also a hand-made openssl one) with
    :meth:`CA.open`. The CA key is loaded on the first operation that signs.
    """

    path: Path
    certificate: Certificate

    def __init__(
        self,
        path: Path,
        certificate: Certificate,
        *,
        passphrase: str | bytes | None = None,
        key: RSAPrivateKey | None = None,
        serial_mode: SerialMode = "sequential",
        policy: PolicyRules = POLICY_ANYTHING,
        preserve: bool = False,
        lock_timeout: float = _DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        """Use :meth:`CA.open` or :meth:`CA.init`; this only stores what they found."""
        self.path = path
        self.certificate = certificate
        self.serial_mode: SerialMode = serial_mode
        self.policy: PolicyRules = policy
        # openssl.cnf ``preserve``: issue the request's subject as it is, not policy-built.
        self.preserve = preserve
        self.lock_timeout = lock_timeout
        self._passphrase = passphrase
        self._key = key

    # -- paths ----------------------------------------------------------------------------

    @property
    def cert_path(self) -> Path:
        """``cacert.pem``, the CA certificate."""
        return self.path / "cacert.pem"

    @property
    def key_path(self) -> Path:
        """``private/cakey.pem``, the CA key (mode 0600)."""
        return self.path / "private" / "cakey.pem"

    @property
    def crl_path(self) -> Path:
        """``crl.pem``, the CRL written by :meth:`generate_crl`."""
        return self.path / "crl.pem"

    @property
    def index_path(self) -> Path:
        """``index.txt``, openssl's certificate database."""
        return self.path / "index.txt"

    @property
    def serial_path(self) -> Path:
        """``serial``, the next serial number in hex."""
        return self.path / "serial"

    @property
    def crlnumber_path(self) -> Path:
        """``crlnumber``, the next CRL number in hex (RFC 5280 5.2.3)."""
        return self.path / "crlnumber"

    @property
    def newcerts_path(self) -> Path:
        """``newcerts/``, every issued certificate as ``<SERIAL>.pem``."""
        return self.path / "newcerts"

    def __repr__(self) -> str:
        return f"<CA path={str(self.path)!r} subject={self.certificate.subject.to_openssl()!r}>"

    # -- making and opening ---------------------------------------------------------------

    @classmethod
    def init(
        cls,
        path: str | os.PathLike[str],
        subject: Name | str,
        *,
        key_size: int = 2048,
        days: int = 3650,
        passphrase: str | bytes | None = None,
        serial: SerialMode = "sequential",
        key: RSAPrivateKey | None = None,
        policy: Literal["anything", "match"] = "anything",
        unique_subject: bool = False,
        now: datetime | None = None,
    ) -> CA:
        """Create a CA directory in openssl's ``[CA_default]`` layout with a root_ca certificate.

        Refuses (CAError, writing nothing) a path that holds a CA or any other file. The
        directory is built under a temp name beside ``path`` and renamed into place, so a
        failure midway leaves nothing that blocks a retry.
        """
        if serial not in ("sequential", "random"):
            raise ValidationError(f"serial: expected 'sequential' or 'random', got {serial!r}")
        if policy not in ("anything", "match"):
            raise ValidationError(f"policy: expected 'anything' or 'match', got {policy!r}")
        if key is not None and not isinstance(key, RSAPrivateKey):
            raise TypeError(f"key must be an RSAPrivateKey, got {type(key).__name__}")
        target = Path(os.path.abspath(os.fspath(path)))
        _check_free(target)
        cnf = render_openssl_cnf(
            str(target),
            policy="policy_match" if policy == "match" else "policy_anything",
            unique_subject=unique_subject,
        )
        if serial == "random":
            # openssl ca's rand_serial option (OpenSSL 1.1.1+): 159-bit random serials.
            cnf = cnf.replace("serial = $dir/serial\n", "serial = $dir/serial\nrand_serial = yes\n")
        if key is None:
            key = generate_private_key(key_size)
        cacert = profiles.self_signed(key, subject, profile="root_ca", days=days, now=now)
        target.parent.mkdir(parents=True, exist_ok=True)
        build = target.parent / f".{target.name}.minica-init-{os.urandom(6).hex()}"
        try:
            build.mkdir(mode=0o755)
            for sub in ("certs", "crl", "newcerts"):
                (build / sub).mkdir(mode=0o755)
            (build / "private").mkdir(mode=0o700)
            os.chmod(build / "private", 0o700)  # whatever the umask says
            save_private_key(build / "private" / "cakey.pem", key, passphrase)
            files = {
                "cacert.pem": cacert.to_pem(),
                "index.txt": "",
                "index.txt.attr": format_attr(unique_subject=unique_subject),
                "serial": format_serial_file(1),
                "crlnumber": format_serial_file(1),
                "openssl.cnf": cnf,
            }
            for name, text in files.items():
                (build / name).write_bytes(text.encode("utf-8"))
            fd = os.open(build / _LOCK, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            for directory in (build, build / "private"):
                for entry in directory.iterdir():
                    if entry.is_file():
                        with open(entry, "rb") as f:
                            os.fsync(f.fileno())
                _fsync_dir(directory)
            try:
                # rename(2) replaces an empty directory and refuses a non-empty one.
                os.rename(build, target)
            except OSError as e:
                if e.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                    raise CAError(f"{target}: appeared meanwhile; not touching it") from e
                raise
        except BaseException:
            import shutil  # only on this failure path (start-up cost)

            shutil.rmtree(build, ignore_errors=True)
            raise
        _fsync_dir(target.parent)
        return cls(
            target,
            cacert,
            passphrase=passphrase,
            key=key,
            serial_mode=serial,
            policy=POLICY_MATCH if policy == "match" else POLICY_ANYTHING,
        )

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        passphrase: str | bytes | None = None,
        lock_timeout: float = _DEFAULT_LOCK_TIMEOUT,
    ) -> CA:
        """Open a CA directory made by :meth:`init`, by ``openssl ca`` or by hand.

        Needs ``cacert.pem``, ``private/cakey.pem`` and ``index.txt``; ``serial``,
        ``crlnumber``, ``index.txt.attr`` and ``openssl.cnf`` may be missing. The key is
        read (and the passphrase checked) on the first signing operation.
        """
        root = Path(os.path.abspath(os.fspath(path)))
        if not root.is_dir():
            raise CAError(f"{root}: not a CA directory (no such directory)")
        for need in ("cacert.pem", "index.txt", "private/cakey.pem"):
            if not (root / need).is_file():
                raise CAError(f"{root}: not a CA directory ({need} is missing)")
        try:
            cacert = load_certificate((root / "cacert.pem").read_bytes())
        except DecodeError as e:
            raise CAError(f"cacert.pem: {e}") from e
        serial_mode: SerialMode = "sequential"
        policy: PolicyRules = POLICY_ANYTHING
        preserve = False
        cnf_path = root / "openssl.cnf"
        if cnf_path.is_file():
            cnf = _read_text(cnf_path, "openssl.cnf")
            section = _config_value(cnf, "ca", "default_ca") or "CA_default"
            rand = _config_value(cnf, section, "rand_serial")
            if rand is not None and _yes(rand):
                serial_mode = "random"
            name = _config_value(cnf, section, "policy")
            if name is not None and name in POLICIES:
                policy = POLICIES[name]
            keep = _config_value(cnf, section, "preserve")
            preserve = keep is not None and _yes(keep)
        return cls(
            root,
            cacert,
            passphrase=passphrase,
            serial_mode=serial_mode,
            policy=policy,
            preserve=preserve,
            lock_timeout=lock_timeout,
        )

    # -- the key and the lock -------------------------------------------------------------

    def _load_key(self) -> RSAPrivateKey:
        if self._key is None:
            try:
                data = self.key_path.read_bytes()
            except OSError as e:
                raise CAError(f"private/cakey.pem: cannot read: {e.strerror}") from e
            try:
                key = load_private_key(data, self._passphrase)
            except PassphraseError as e:
                raise PassphraseError(f"CA key private/cakey.pem: {e}") from e
            except DecodeError as e:
                raise CAError(f"private/cakey.pem: {e}") from e
            if key.public_key() != self.certificate.public_key:
                raise CAError("private/cakey.pem: does not belong to cacert.pem")
            self._key = key
        return self._key

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the directory's exclusive lock (flock on .minica.lock), waiting lock_timeout."""
        try:
            fd = os.open(self.path / _LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise CAError(f"{self.path}: cannot open the lock file: {e.strerror}") from e
        try:
            deadline = time.monotonic() + self.lock_timeout
            delay = 0.001
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise CAError(
                            f"{self.path}: locked by another process "
                            f"(waited {self.lock_timeout:g} s for {_LOCK})"
                        ) from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.02)
            self._clean_up()
            yield
        finally:
            os.close(fd)  # closing drops the flock

    def _clean_up(self) -> None:
        """Under the lock: drop temp files of crashed writers and cut a torn index line."""
        for directory in (self.path, self.newcerts_path):
            with contextlib.suppress(OSError):
                for entry in os.scandir(directory):
                    if entry.name.startswith(_TMP):
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
        try:
            fd = os.open(self.index_path, os.O_RDWR)
        except OSError as e:
            raise CAError(f"index.txt: cannot open: {e.strerror}") from e
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                # A line without its newline was never completed; openssl ignores it too.
                start = max(0, size - 65536)
                tail = os.pread(fd, size - start, start)
                cut = tail.rfind(b"\n")
                keep = start + cut + 1 if cut >= 0 else 0
                if cut < 0 and start:
                    raise CAError("index.txt: last line longer than 64 KiB without a newline")
                os.ftruncate(fd, keep)
                os.fsync(fd)
        finally:
            os.close(fd)

    # -- reading ------------------------------------------------------------------------

    def _index_text(self) -> str:
        return _read_text(self.index_path, "index.txt")

    def records(self, status: Literal["V", "R", "E"] | None = None) -> tuple[IndexEntry, ...]:
        """The ``index.txt`` entries, in file order; only those with ``status`` when given."""
        entries = parse_index(self._index_text())
        if status is None:
            return entries
        return tuple(e for e in entries if e.status == status)

    def find(self, serial: int) -> IndexEntry | None:
        """The index entry for ``serial``, or None."""
        for entry in self.records():
            if entry.serial == serial:
                return entry
        return None

    def find_subject(self, subject: Name | str) -> tuple[IndexEntry, ...]:
        """The entries whose subject equals ``subject`` (compared in index.txt's oneline form)."""
        name = Name.parse(subject) if isinstance(subject, str) else subject
        if not isinstance(name, Name):
            raise TypeError(f"subject must be a Name or str, got {type(subject).__name__}")
        line = name.to_oneline()
        return tuple(e for e in self.records() if e.subject == line)

    def certificate_for(self, serial: int) -> Certificate:
        """The issued certificate ``newcerts/<SERIAL>.pem``; CAError when it is missing."""
        path = self.newcerts_path / f"{format_serial(serial)}.pem"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CAError(f"newcerts/{path.name}: missing") from None
        try:
            return load_certificate(data)
        except DecodeError as e:
            raise CAError(f"newcerts/{path.name}: {e}") from e

    def unique_subject(self) -> bool:
        """openssl's unique_subject: ``index.txt.attr``, else openssl.cnf, else yes (ca.c)."""
        attr = self.path / "index.txt.attr"
        if attr.is_file():
            value = parse_attr(_read_text(attr, "index.txt.attr"))
            if value is not None:
                return value
        cnf = self.path / "openssl.cnf"
        if cnf.is_file():
            text = _read_text(cnf, "openssl.cnf")
            section = _config_value(text, "ca", "default_ca") or "CA_default"
            value_text = _config_value(text, section, "unique_subject")
            if value_text is not None:
                return _yes(value_text)
        return True

    # -- issuing --------------------------------------------------------------------------

    def sign(
        self,
        csr: CertificateSigningRequest | bytes | str,
        *,
        profile: profiles.Profile | str = "server",
        days: int = 365,
        policy: str | PolicyRules | None = None,
        now: datetime | None = None,
    ) -> Certificate:
        """Issue a certificate for a request, as ``openssl ca -in req.csr`` does.

        Checks the request's signature (InvalidSignature), the policy and unique_subject
        (PolicyError); only then allocates the serial and records the certificate in
        ``newcerts/`` and ``index.txt``. Nothing in the directory changes when it refuses.
        """
        request = csr if isinstance(csr, CertificateSigningRequest) else load_csr(csr)
        request.verify()
        rules = self.policy if policy is None else _policy_rules(policy)
        if self.preserve:
            check_policy(request.subject, self.certificate.subject, rules)
            subject = request.subject
        else:
            subject = apply_policy(request.subject, self.certificate.subject, rules)
        key = self._load_key()
        with self._locked():
            if self.serial_mode == "random":
                serial = profiles.random_serial()
                next_serial = None
            else:
                serial = self._read_number(self.serial_path, "serial")
                next_serial = serial + 1
            newcert = self.newcerts_path / f"{format_serial(serial)}.pem"
            if newcert.exists():
                raise CAError(
                    f"serial {format_serial(serial)}: already issued (newcerts/{newcert.name} "
                    "exists); the serial file is behind"
                )
            cert = profiles.sign_csr(
                request,
                self.certificate,
                key,
                profile=profile,
                days=days,
                serial=serial,
                now=now,
                subject=subject,
            )
            entry = IndexEntry(
                status="V",
                expiry=cert.not_valid_after,
                serial=serial,
                subject=cert.subject.to_oneline(),
            )
            if self.unique_subject():
                self._check_unique(entry.subject)
            line = entry.format_line().encode("utf-8", "surrogateescape")
            # Crash-safe order: the serial moves first, so a crash can only skip a serial.
            if next_serial is not None:
                _replace(self.serial_path, format_serial_file(next_serial).encode(), keep_old=True)
            try:
                _create_exclusive(newcert, cert.to_pem().encode("ascii"))
            except FileExistsError:
                raise CAError(f"newcerts/{newcert.name}: appeared while issuing") from None
            self._append_index(line)
        return cert

    def issue(
        self,
        names: Sequence[str],
        *,
        profile: profiles.Profile | str = "server",
        key_size: int = 2048,
        days: int = 365,
        subject: Name | str | None = None,
        key: RSAPrivateKey | None = None,
        now: datetime | None = None,
    ) -> tuple[RSAPrivateKey, Certificate]:
        """Make a key, a request for ``names`` (subjectAltName) and its certificate.

        The subject defaults to ``CN=<names[0]>``, plus the CA's values for fields the
        policy says must match.
        """
        if isinstance(names, str):
            names = [names]
        names = list(names)
        if not names and subject is None:
            raise ValidationError("issue: give at least one name or a subject")
        if subject is None:
            pairs = [
                (oids.lookup(field), value)
                for field, rule in self.policy.items()
                if rule == "match"
                for value in self.certificate.subject.get(oids.lookup(field))[:1]
            ]
            pairs.append((oids.COMMON_NAME, names[0]))
            subject = Name.from_attributes(pairs)
        if key is None:
            key = generate_private_key(key_size)
        request = create_csr(key, subject, san=names)
        return key, self.sign(request, profile=profile, days=days, now=now)

    def _read_number(self, path: Path, what: str) -> int:
        try:
            text = path.read_text("ascii", "replace")
        except FileNotFoundError:
            raise CAError(f"{what}: missing; create it with `echo 01 > {what}`") from None
        return parse_serial_file(text, filename=what)

    def _check_unique(self, subject: str) -> None:
        text = self._index_text()
        # Cheap test first: the subject is the last field of a line.
        if f"\t{subject}\n" not in text:
            return
        for entry in parse_index(text):
            if entry.status == "V" and entry.subject == subject:
                raise PolicyError(
                    f"unique_subject: a valid certificate for {subject} exists already "
                    f"(serial {entry.serial_hex}); revoke it first or set unique_subject = no"
                )

    def _append_index(self, line: bytes) -> None:
        fd = os.open(self.index_path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        try:
            _write_all(fd, line)  # one write(2) in practice: a line is far below a page
            os.fsync(fd)
        finally:
            os.close(fd)

    # -- revocation -----------------------------------------------------------------------

    def revoke(
        self,
        cert_or_serial: Certificate | int,
        *,
        reason: str | None = "unspecified",
        invalidity_date: datetime | None = None,
        now: datetime | None = None,
    ) -> IndexEntry:
        """Mark a certificate revoked in ``index.txt``, as ``openssl ca -revoke`` does.

        ``reason`` is an RFC 5280 5.3.1 name; "unspecified" is recorded without a reason (5.3.1
        says to omit the reasonCode then). A certificate of this CA that the index lacks is
        added, revoked (openssl does the same); a bare serial must be in the index (CAError).
        PolicyError for one already revoked or a certificate from another issuer.
        """
        if isinstance(cert_or_serial, Certificate):
            if cert_or_serial.issuer != self.certificate.subject:
                raise PolicyError(
                    f"revoke: certificate {format_serial(cert_or_serial.serial_number)} was "
                    f"issued by {cert_or_serial.issuer}, not by this CA"
                )
            serial = cert_or_serial.serial_number
        elif isinstance(cert_or_serial, int) and not isinstance(cert_or_serial, bool):
            serial = cert_or_serial
        else:
            raise TypeError(
                f"revoke: expected a Certificate or int serial, got {type(cert_or_serial).__name__}"
            )
        when = profiles.now_utc(now)
        if reason is not None and reason.casefold() == "unspecified":
            reason = None
        with self._locked():
            text = self._index_text()
            entries = parse_index(text)
            lines = text.split("\n")
            number = 0
            for lineno, raw in enumerate(lines):
                if not raw or raw.startswith("#"):
                    continue
                entry = entries[number]
                number += 1
                if entry.serial != serial:
                    continue
                if entry.status == "R":
                    raise PolicyError(
                        f"revoke: serial {entry.serial_hex} is already revoked "
                        f"({entry.revocation_field()})"
                    )
                try:
                    revoked = entry.revoke(when, reason, invalidity_date=invalidity_date)
                except ValidationError as e:
                    raise PolicyError(f"revoke: {e}") from e
                lines[lineno] = revoked.format_line()[:-1]
                _replace(
                    self.index_path,
                    "\n".join(lines).encode("utf-8", "surrogateescape"),
                    keep_old=True,
                )
                return revoked
            if not isinstance(cert_or_serial, Certificate):
                raise CAError(
                    f"revoke: serial {format_serial(serial)} is not in index.txt (give the "
                    "certificate itself to add it, as openssl ca -revoke does)"
                )
            # As openssl ca -revoke does with a certificate its database lacks (issued
            # elsewhere, or the index was restored from a backup): add it, revoked.
            try:
                cert_or_serial.verify_signature(self.certificate)
            except InvalidSignature:
                raise PolicyError(
                    f"revoke: certificate {format_serial(serial)} names this CA as its issuer "
                    "but was not signed by its key"
                ) from None
            missing = IndexEntry(
                status="V",
                expiry=cert_or_serial.not_valid_after,
                serial=serial,
                subject=cert_or_serial.subject.to_oneline(),
            )
            try:
                revoked = missing.revoke(when, reason, invalidity_date=invalidity_date)
            except ValidationError as e:
                raise PolicyError(f"revoke: {e}") from e
            if text and not text.endswith("\n"):
                text = text[: text.rfind("\n") + 1]  # a torn last line (crash) is not kept
            _replace(
                self.index_path,
                (text + revoked.format_line()).encode("utf-8", "surrogateescape"),
                keep_old=True,
            )
            return revoked

    def update_expired(self, now: datetime | None = None) -> int:
        """Mark valid entries whose expiry has passed as ``E`` (``openssl ca -updatedb``)."""
        when = profiles.now_utc(now)
        with self._locked():
            text = self._index_text()
            entries = parse_index(text)
            updated, changed = expire_entries(entries, when)
            if not changed:
                return 0
            gone = set(changed)
            lines = text.split("\n")
            number = 0
            for lineno, raw in enumerate(lines):
                if not raw or raw.startswith("#"):
                    continue
                if entries[number].serial in gone:
                    lines[lineno] = updated[number].format_line()[:-1]
                number += 1
            _replace(
                self.index_path,
                "\n".join(lines).encode("utf-8", "surrogateescape"),
                keep_old=True,
            )
            return len(changed)

    # -- CRLs -----------------------------------------------------------------------------

    def generate_crl(
        self, *, days: int | None = None, hours: int | None = None, now: datetime | None = None
    ) -> CertificateRevocationList:
        """Sign a CRL of every revoked entry and write ``crl.pem`` (``openssl ca -gencrl``).

        Uses and advances ``crlnumber`` (RFC 5280 5.2.3; created as ``01`` when missing).
        nextUpdate is ``days`` + ``hours`` after now; 30 days when neither is given.
        """
        if days is None and hours is None:
            days = _DEFAULT_CRL_DAYS
        key = self._load_key()
        with self._locked():
            if self.crlnumber_path.exists():
                number = self._read_number(self.crlnumber_path, "crlnumber")
            else:
                number = 1
            revoked = _revoked_items(self._index_text())
            from minica.crl import create_crl

            crl = create_crl(
                self.certificate,
                key,
                revoked,
                crl_number=number,
                days=days,
                hours=hours,
                now=profiles.now_utc(now),
            )
            # The number moves first: a crash may skip a CRL number but never reuse one.
            _replace(self.crlnumber_path, format_serial_file(number + 1).encode(), keep_old=True)
            _replace(self.crl_path, crl.to_pem().encode("ascii"))
        return crl


def _check_free(target: Path) -> None:
    """CA.init's refusal: an existing CA, a file, or a directory that is not empty."""
    if not target.exists():
        if target.is_symlink():
            raise CAError(f"{target}: a dangling symbolic link; refusing")
        return
    if not target.is_dir():
        raise CAError(f"{target}: exists and is not a directory")
    for marker in ("cacert.pem", "index.txt", "private", "serial"):
        if (target / marker).exists():
            raise CAError(f"{target}: already holds a CA ({marker} exists); refusing to init")
    if any(target.iterdir()):
        raise CAError(f"{target}: not empty; CA.init wants a new or empty directory")


def _fast_time(text: str) -> datetime:
    # index.txt times: UTCTime YYMMDDHHMMSSZ (RFC 5280 4.1.2.5.1) or GeneralizedTime.
    if len(text) == 13:
        text = ("19" if text[0] >= "5" else "20") + text
    return datetime.fromisoformat(f"{text[:8]}T{text[8:]}")


def _revoked_items(text: str) -> list[tuple[int, datetime, str | None] | RevokedCertificate]:
    """The CRL entries for the R lines of an index.txt, as ``openssl ca -gencrl`` makes them."""
    from minica.crl import RevokedCertificate

    rows = re.findall(_REVOKED, text, re.ASCII | re.MULTILINE)
    expected = text.count("\nR") + text.startswith("R")
    if len(rows) != expected or "\\\t" in text:
        # Something unusual (escaped tabs, a torn line, a bad field): the full parser
        # either reads it or says which line is wrong.
        return _revoked_from_entries(parse_index(text))
    items: list[tuple[int, datetime, str | None] | RevokedCertificate] = []
    times: dict[str, datetime] = {}
    serials: set[int] = set()
    for when_text, reason, arg, serial_text in rows:
        when = times.get(when_text)
        if when is None:
            when = times[when_text] = _fast_time(when_text)
        serial = int(serial_text, 16)
        serials.add(serial)
        if not reason:
            items.append((serial, when, None))
        elif reason in _PSEUDO:
            if reason == "holdInstruction":
                items.append(_held(serial, when, arg))
            else:
                items.append(
                    RevokedCertificate(
                        serial_number=serial,
                        revocation_date=when,
                        reason=_PSEUDO[reason],
                        invalidity_date=_fast_time(arg),
                    )
                )
        elif arg or reason not in OPENSSL_CA_REASONS:
            return _revoked_from_entries(parse_index(text))  # names the bad line
        else:
            items.append((serial, when, reason))
    if len(serials) != len(rows):
        return _revoked_from_entries(parse_index(text))  # names the duplicate
    return items


def _held(serial: int, when: datetime, instruction: str) -> RevokedCertificate:
    """A certificateHold entry with its holdInstructionCode (RFC 5280 5.3.2), as ca.c has it.

    The instruction is what ``-crl_hold`` was given (a name or dotted OID); one that is neither
    is a CAError naming it (openssl refuses it the same way).
    """
    from minica.crl import RevokedCertificate
    from minica.extensions import UnrecognizedExtension

    try:
        value = der.oid(oids.lookup(instruction))
    except ValidationError:
        raise CAError(
            f"index.txt: serial {format_serial(serial)}: hold instruction {instruction!r} is "
            "not an OID"
        ) from None
    code = UnrecognizedExtension(oid=oids.HOLD_INSTRUCTION_CODE, critical=False, value=value)
    return RevokedCertificate(
        serial_number=serial,
        revocation_date=when,
        reason="certificateHold",
        extensions=(code,),
    )


def _revoked_from_entries(
    entries: Sequence[IndexEntry],
) -> list[tuple[int, datetime, str | None] | RevokedCertificate]:
    from minica.crl import RevokedCertificate

    items: list[tuple[int, datetime, str | None] | RevokedCertificate] = []
    for e in entries:
        if e.status != "R" or e.revocation is None:
            continue
        if e.hold_instruction is not None:
            items.append(_held(e.serial, e.revocation, e.hold_instruction))
        elif e.invalidity_date is not None:
            items.append(
                RevokedCertificate(
                    serial_number=e.serial,
                    revocation_date=e.revocation,
                    reason=e.crl_reason,
                    invalidity_date=e.invalidity_date,
                )
            )
        else:
            items.append((e.serial, e.revocation, e.crl_reason))
    return items

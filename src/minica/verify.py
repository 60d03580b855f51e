"""Certificate path validation for ``minica verify`` (layer 6): the checks ``openssl verify`` makes.

A path is built from the leaf through the untrusted certificates to a trusted one (RFC 5280
6.1, in openssl's order: build the chain, check the CA certificates' basicConstraints, keyUsage
and pathLenConstraint, check revocation against CRLs, then signatures and validity periods from
the trust anchor down). The first failure is reported with openssl's ``X509_V_ERR`` code and
text so that the two tools can be compared. Sans-I/O: the clock is the only default.

Name constraints are checked for DNS names, e-mail addresses, IP addresses, URIs and directory
names (RFC 5280 4.2.1.10, with openssl's matching rules). Not checked (as ``openssl verify``
does by default or not at all): certificate policies, delta CRLs and indirect CRLs, host names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from minica import oids
from minica._record import record
from minica.cert import Certificate
from minica.crl import CertificateRevocationList
from minica.errors import InvalidSignature, ValidationError
from minica.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    DirectoryName,
    DNSName,
    ExtendedKeyUsage,
    GeneralName,
    IPAddress,
    KeyUsage,
    NameConstraints,
    RFC822Name,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
    UniformResourceIdentifier,
    UnrecognizedExtension,
)
from minica.name import Name

__all__ = ["ERRORS", "VerifyResult", "verify_chain"]

#: openssl's X509_V_ERR codes and texts (crypto/x509/x509_txt.c, OpenSSL 3.0).
ERRORS: dict[int, str] = {
    0: "ok",
    2: "unable to get issuer certificate",
    3: "unable to get certificate CRL",
    7: "certificate signature failure",
    8: "CRL signature failure",
    9: "certificate is not yet valid",
    10: "certificate has expired",
    11: "CRL is not yet valid",
    12: "CRL has expired",
    18: "self-signed certificate",
    19: "self-signed certificate in certificate chain",
    20: "unable to get local issuer certificate",
    22: "certificate chain too long",
    23: "certificate revoked",
    25: "path length constraint exceeded",
    26: "unsupported certificate purpose",
    34: "unhandled critical extension",
    35: "key usage does not include CRL signing",
    47: "permitted subtree violation",
    48: "excluded subtree violation",
    51: "unsupported name constraint type",
    79: "invalid CA certificate",  # 24 before OpenSSL 3.0
}

_PURPOSE_EKU = {"sslserver": oids.SERVER_AUTH, "sslclient": oids.CLIENT_AUTH}
_ANY_EKU = "2.5.29.37.0"  # anyExtendedKeyUsage, RFC 5280 4.2.1.12
_MAX_DEPTH = 100  # openssl's default verify depth


@record
class VerifyResult:
    """The outcome of :func:`verify_chain`: the path built (leaf first) and the first error."""

    ok: bool
    chain: tuple[Certificate, ...]
    code: int = 0
    depth: int = 0

    @property
    def reason(self) -> str:
        """openssl's text for :attr:`code` ("certificate has expired")."""
        return ERRORS.get(self.code, f"error {self.code}")

    @property
    def message(self) -> str:
        """One line as ``openssl verify`` reports it, with the subject at fault."""
        if self.ok:
            return "OK"
        subject = (
            self.chain[self.depth].subject.to_openssl() if self.depth < len(self.chain) else "?"
        )
        return f"error {self.code} at {self.depth} depth lookup: {self.reason} ({subject})"

    def __bool__(self) -> bool:
        return self.ok


def _ext(cert: Certificate, cls: type) -> object | None:
    found: object | None = cert.extensions.get(cls)
    return found


def _self_issued(cert: Certificate) -> bool:
    """Subject and issuer are the same name (RFC 5280 6.1: self-issued)."""
    return cert.subject.matches(cert.issuer)


def _signed_by(cert: Certificate, issuer: Certificate) -> bool:
    try:
        cert.verify_signature(issuer)
    except (InvalidSignature, ValidationError):
        return False
    return True


def _self_signed(cert: Certificate) -> bool:
    """Self-issued and its signature verifies with its own key (openssl's EXFLAG_SS)."""
    return _self_issued(cert) and _names_key(cert, cert) and _signed_by(cert, cert)


def _names_key(cert: Certificate, issuer: Certificate) -> bool:
    """The AKI keyIdentifier, when present with the issuer's SKI, names the issuer's key."""
    aki = _ext(cert, AuthorityKeyIdentifier)
    ski = _ext(issuer, SubjectKeyIdentifier)
    key_id = getattr(aki, "key_identifier", None)
    if isinstance(aki, AuthorityKeyIdentifier) and key_id and isinstance(ski, SubjectKeyIdentifier):
        return bool(key_id == ski.digest)
    return True


def _likely_issued(cert: Certificate, issuer: Certificate) -> bool:
    """openssl's check_issued: names match and the key identifiers do not contradict."""
    return issuer.subject.matches(cert.issuer) and _names_key(cert, issuer)


def _valid_at(cert: Certificate, now: datetime) -> bool:
    return cert.not_valid_before <= now <= cert.not_valid_after


def _find(cert: Certificate, pool: Iterable[Certificate], now: datetime) -> Certificate | None:
    """The issuer of ``cert`` in ``pool``; a currently valid one is preferred, as openssl does."""
    found = None
    for candidate in pool:
        if _likely_issued(cert, candidate):
            if _valid_at(candidate, now):
                return candidate
            found = found or candidate
    return found


def _build(
    leaf: Certificate,
    trusted: Sequence[Certificate],
    untrusted: Sequence[Certificate],
    now: datetime,
) -> tuple[list[Certificate], int, int]:
    """Build the path (openssl build_chain); returns (chain, error code, error depth)."""
    chain = [leaf]
    # openssl trusts the leaf itself only when it is self-signed (no -partial_chain).
    anchored = leaf in trusted and _self_signed(leaf)
    while not anchored:
        if len(chain) > _MAX_DEPTH:
            return chain, 22, len(chain) - 1
        cur = chain[-1]
        if _self_signed(cur):
            # A self-signed certificate that is not trusted ends the path unanchored.
            return chain, (18 if len(chain) == 1 else 19), len(chain) - 1
        issuer = _find(cur, trusted, now)
        if issuer is not None:
            chain.append(issuer)
            anchored = True
            break
        issuer = _find(cur, [c for c in untrusted if c not in chain], now)
        if issuer is None:
            # openssl: 20 when nothing came from the trust store, 2 when the path reached it.
            return chain, 20, len(chain) - 1
        chain.append(issuer)
    # A trusted certificate that is not self-signed still wants its own issuer from the store
    # (openssl without -partial_chain).
    while not _self_signed(chain[-1]):
        if len(chain) > _MAX_DEPTH:
            return chain, 22, len(chain) - 1
        issuer = _find(chain[-1], [c for c in trusted if c not in chain], now)
        if issuer is None:
            return chain, 2, len(chain) - 1
        chain.append(issuer)
    return chain, 0, 0


def _check_extensions(chain: Sequence[Certificate], purpose: str | None) -> tuple[int, int]:
    """Critical extensions, CA-ness of issuers, path lengths, purpose (openssl check_extensions)."""
    plen = 0  # non-self-issued intermediates below the current certificate
    for depth, cert in enumerate(chain):
        for ext in cert.extensions:
            if isinstance(ext, UnrecognizedExtension) and ext.critical:
                return 34, depth
        bc = _ext(cert, BasicConstraints)
        if depth > 0:
            ku = _ext(cert, KeyUsage)
            # RFC 5280 6.1.4 (k), (n): an issuer must be a CA allowed to sign certificates.
            if not isinstance(bc, BasicConstraints) or not bc.ca:
                return 79, depth
            if isinstance(ku, KeyUsage) and not ku.key_cert_sign:
                return 79, depth
            # RFC 5280 6.1.4 (l), (m); openssl: plen > pathlen + 1 counting the leaf.
            if depth > 1 and bc.path_length is not None and plen > bc.path_length + 1:
                return 25, depth
        if purpose is not None and depth == 0:
            eku = _ext(cert, ExtendedKeyUsage)
            if isinstance(eku, ExtendedKeyUsage) and not (
                _PURPOSE_EKU[purpose] in eku.usages or _ANY_EKU in eku.usages
            ):
                return 26, depth
        if depth == 0 or not _self_issued(cert):
            plen += 1
    return 0, 0


def _crl_for(
    cert: Certificate, issuer: Certificate, crls: Sequence[CertificateRevocationList]
) -> CertificateRevocationList | None:
    for crl in crls:
        if crl.issuer.matches(cert.issuer) and issuer.subject.matches(crl.issuer):
            aki = crl.authority_key_identifier
            ski = _ext(issuer, SubjectKeyIdentifier)
            if aki and isinstance(ski, SubjectKeyIdentifier) and aki != ski.digest:
                continue
            return crl
    return None


def _check_revocation(
    chain: Sequence[Certificate],
    crls: Sequence[CertificateRevocationList],
    mode: str | None,
    now: datetime,
) -> tuple[int, int]:
    """RFC 5280 6.3 for the leaf ("leaf", openssl -crl_check) or every certificate ("all")."""
    if mode is None:
        return 0, 0
    last = len(chain) - 1 if mode == "all" else 0
    for depth in range(last + 1):
        cert = chain[depth]
        issuer = chain[min(depth + 1, len(chain) - 1)]
        crl = _crl_for(cert, issuer, crls)
        if crl is None:
            return 3, depth
        ku = _ext(issuer, KeyUsage)
        if isinstance(ku, KeyUsage) and not ku.crl_sign:
            return 35, depth
        try:
            crl.verify_signature(issuer)
        except (InvalidSignature, ValidationError):
            return 8, depth
        if crl.this_update > now:
            return 11, depth
        if crl.next_update is not None and crl.next_update < now:
            return 12, depth
        if crl.is_revoked(cert.serial_number):
            return 23, depth
    return 0, 0


def _check_signatures_and_times(chain: Sequence[Certificate], now: datetime) -> tuple[int, int]:
    """From the anchor down: the signature on each, then its validity (openssl internal_verify)."""
    for depth in range(len(chain) - 1, -1, -1):
        cert = chain[depth]
        if depth < len(chain) - 1 and not _signed_by(cert, chain[depth + 1]):
            return 7, depth
        if cert.not_valid_before > now:
            return 9, depth
        if cert.not_valid_after < now:
            return 10, depth
    return 0, 0


# -- name constraints (RFC 5280 4.2.1.10; openssl crypto/x509/v3_ncons.c) ----------------------

_HOSTNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")


def _dns_match(name: str, base: str) -> bool:
    """``base`` "example.com" covers it and its subdomains; ".example.com" subdomains only."""
    name, base = name.lower(), base.lower()
    if not base:
        return True
    if base.startswith("."):
        return name.endswith(base)
    return name == base or name.endswith("." + base)


def _email_match(address: str, base: str) -> bool:
    """A mailbox constraint matches exactly (domain case-insensitively), ".dom" any host
    below dom, "host" that host exactly."""
    local, at, host = address.rpartition("@")
    if not at:
        return False
    if "@" in base:
        base_local, _, base_host = base.rpartition("@")
        return local == base_local and host.lower() == base_host.lower()
    if base.startswith("."):
        return host.lower().endswith(base.lower())
    return host.lower() == base.lower()


def _uri_host(uri: str) -> str | None:
    scheme, sep, rest = uri.partition("://")
    if not sep or not scheme:
        return None
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    if host.startswith("["):
        return None  # IP literals are not host names
    return host.split(":", 1)[0] or None


def _uri_match(uri: str, base: str) -> bool:
    host = _uri_host(uri)
    if host is None:
        return False
    if base.startswith("."):
        return host.lower().endswith(base.lower())
    return host.lower() == base.lower()


def _dir_match(name: Name, base: Name) -> bool:
    """The constraint's RDNs are the first RDNs of the name (RFC 5280 7.1 comparison)."""
    if len(base.rdns) > len(name.rdns):
        return False
    return Name.build(name.rdns[: len(base.rdns)]).matches(base)


def _ip_match(address: object, network: object) -> bool:
    import ipaddress

    if not isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return False
    if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return False
    return address.version == network.version and address in network


def _subtree_match(name: GeneralName, base: GeneralName) -> bool | None:
    """Whether ``name`` is in the subtree ``base``; None when they are of different kinds."""
    if type(name) is not type(base):
        return None
    if isinstance(name, DNSName) and isinstance(base, DNSName):
        return _dns_match(name.value, base.value)
    if isinstance(name, RFC822Name) and isinstance(base, RFC822Name):
        return _email_match(name.value, base.value)
    if isinstance(name, UniformResourceIdentifier) and isinstance(base, UniformResourceIdentifier):
        return _uri_match(name.value, base.value)
    if isinstance(name, IPAddress) and isinstance(base, IPAddress):
        return _ip_match(name.value, base.value)
    if isinstance(name, DirectoryName) and isinstance(base, DirectoryName):
        return _dir_match(name.value, base.value)
    return None


_SUPPORTED_SUBTREES = (DNSName, RFC822Name, UniformResourceIdentifier, IPAddress, DirectoryName)


def _names_of(cert: Certificate, *, leaf: bool) -> list[GeneralName]:
    """The names a constraint applies to: subject, its emailAddress values, the SANs, and for
    a leaf without DNS SANs each commonName that looks like a host name (openssl 1.1.0+)."""
    names: list[GeneralName] = []
    if cert.subject:
        names.append(DirectoryName(cert.subject))
    names.extend(RFC822Name(v) for v in cert.subject.get(oids.EMAIL_ADDRESS) if v.isascii())
    san = _ext(cert, SubjectAlternativeName)
    sans = san.names if isinstance(san, SubjectAlternativeName) else ()
    names.extend(sans)
    if leaf and not any(isinstance(n, DNSName) for n in sans):
        for cn in cert.subject.get(oids.COMMON_NAME):
            host = cn.lower()
            if "." in host and set(host) <= _HOSTNAME_CHARS and not host.startswith("."):
                names.append(DNSName(host))
    return names


def _check_name_constraints(chain: Sequence[Certificate]) -> tuple[int, int]:
    """Each certificate's names against the constraints of every CA above it (6.1.3 (b), (c))."""
    for depth in range(len(chain) - 1, -1, -1):
        cert = chain[depth]
        if depth > 0 and _self_issued(cert):
            continue  # RFC 5280 6.1.3 (b): self-issued intermediates are exempt
        for upper in chain[depth + 1 :]:
            nc = _ext(upper, NameConstraints)
            if not isinstance(nc, NameConstraints):
                continue
            if any(not isinstance(t, _SUPPORTED_SUBTREES) for t in (*nc.permitted, *nc.excluded)):
                return 51, depth
            for name in _names_of(cert, leaf=depth == 0):
                permitted = [_subtree_match(name, t) for t in nc.permitted]
                kinds = [m for m in permitted if m is not None]
                if kinds and not any(kinds):
                    return 47, depth
                if any(_subtree_match(name, t) for t in nc.excluded):
                    return 48, depth
    return 0, 0


def verify_chain(
    leaf: Certificate,
    *,
    trusted: Sequence[Certificate],
    untrusted: Sequence[Certificate] = (),
    crls: Sequence[CertificateRevocationList] = (),
    crl_check: str | None = None,
    purpose: str | None = None,
    now: datetime | None = None,
) -> VerifyResult:
    """Validate ``leaf`` up to one of ``trusted`` (RFC 5280 section 6, openssl's checks).

    ``crl_check``: None, "leaf" (``openssl verify -crl_check``) or "all" (``-crl_check_all``);
    a certificate checked needs a CRL from its issuer among ``crls``. ``purpose``: None,
    "sslserver" or "sslclient" (the leaf's extendedKeyUsage). Returns a :class:`VerifyResult`
    whose ``code`` is openssl's X509_V_ERR number of the first failure (0 when valid).
    """
    if not isinstance(leaf, Certificate):
        raise TypeError(f"leaf must be a Certificate, got {type(leaf).__name__}")
    if crl_check not in (None, "leaf", "all"):
        raise ValidationError(f"crl_check: expected None, 'leaf' or 'all', got {crl_check!r}")
    if purpose is not None and purpose not in _PURPOSE_EKU:
        raise ValidationError(
            f"purpose: expected one of {', '.join(_PURPOSE_EKU)}, got {purpose!r}"
        )
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValidationError(f"now: naive datetime {now.isoformat()}, give tzinfo=UTC")
    trusted = tuple(trusted)
    chain, code, depth = _build(leaf, trusted, tuple(untrusted), now)
    if not code:
        code, depth = _check_extensions(chain, purpose)
    if not code:
        code, depth = _check_revocation(chain, tuple(crls), crl_check, now)
    if not code:
        code, depth = _check_signatures_and_times(chain, now)
    if not code:
        code, depth = _check_name_constraints(chain)
    return VerifyResult(ok=code == 0, chain=tuple(chain), code=code, depth=depth)

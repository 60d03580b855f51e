"""Issuance profiles and the two everyday entry points, ``self_signed`` and ``sign_csr`` (layer 6).

A :class:`Profile` says which extensions a certificate gets: basicConstraints, keyUsage,
extendedKeyUsage, key identifiers, and whether subjectAltNames are copied from the request.
A request never grants itself anything: from a CSR only the subjectAltName is taken (and only
by profiles that copy it); CA:TRUE, key usages, or unknown critical extensions it asks for are
ignored. Here, and only here below the CA layer, the clock and ``os.urandom`` supply defaults:

* serial numbers: 159 random bits, as openssl draws them (at most 20 octets, positive; RFC 5280
  4.1.2.2 and the CA/Browser Forum's 64-bit entropy minimum);
* ``notBefore`` = now (whole seconds, as ``openssl ca`` and ``openssl x509 -req`` do; pass
  ``now=`` to back-date), ``notAfter`` = now + ``days``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from minica import der, oids
from minica._record import record, replace
from minica.algorithms import SignatureAlgorithm
from minica.cert import Certificate, TBSCertificate, check_serial_number
from minica.csr import CertificateSigningRequest
from minica.errors import PolicyError, ValidationError
from minica.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    DNSName,
    ExtendedKeyUsage,
    Extension,
    Extensions,
    GeneralName,
    IPAddress,
    KeyUsage,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from minica.keys import RSAPrivateKey
from minica.name import Name

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "PROFILES",
    "Profile",
    "client",
    "get_profile",
    "intermediate_ca",
    "now_utc",
    "random_serial",
    "root_ca",
    "self_signed",
    "server",
    "server_client",
    "sign_csr",
]


@record
class Profile:
    """What a certificate of one kind carries (RFC 5280 4.2.1): a frozen value.

    Call a profile to vary it: ``intermediate_ca(path_length=1)`` is
    ``dataclasses.replace(intermediate_ca, path_length=1)``.
    """

    name: str
    ca: bool = False
    path_length: int | None = None
    key_usage: KeyUsage
    extended_key_usage: tuple[str, ...] = ()
    #: RFC 5280 4.2.1.9: MUST be critical in CA certificates; minica marks leaves critical too.
    basic_constraints_critical: bool = True
    subject_key_identifier: bool = True
    authority_key_identifier: bool = True
    #: Take the subjectAltName from the request.
    copy_san: bool = True
    #: Without any SAN, put the subject's CN into one (browsers ignore the CN, RFC 6125 6.4.4).
    cn_to_san: bool = False

    def __post_init__(self) -> None:
        if self.path_length is not None:
            if not isinstance(self.path_length, int) or isinstance(self.path_length, bool):
                raise TypeError("path_length must be an int or None")
            if self.path_length < 0:
                raise ValidationError(f"profile {self.name}: path_length must not be negative")
            if not self.ca:
                raise ValidationError(f"profile {self.name}: path_length needs ca=True")

    def __call__(self, **changes: Any) -> Profile:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def extensions(
        self,
        *,
        subject: Name,
        public_key_id: bytes,
        authority_key_id: bytes | None,
        san: SubjectAlternativeName | None = None,
        extra: Iterable[Extension] = (),
    ) -> Extensions:
        """The extensions this profile grants, in the order ``openssl ca`` writes them with the
        openssl.cnf minica makes (the subjectAltName, copied from the request, last); ``extra``
        ones (chosen by the CA operator) replace the profile's of the same type."""
        out: list[Extension] = [
            BasicConstraints(
                ca=self.ca,
                path_length=self.path_length,
                critical=self.basic_constraints_critical,
            ),
            self.key_usage,
        ]
        if self.extended_key_usage:
            out.append(ExtendedKeyUsage(usages=self.extended_key_usage))
        if self.subject_key_identifier:
            out.append(SubjectKeyIdentifier(digest=public_key_id))
        if self.authority_key_identifier and authority_key_id is not None:
            out.append(AuthorityKeyIdentifier(key_identifier=authority_key_id))
        if san is not None:
            # RFC 5280 4.2.1.6: critical when the subject is empty.
            out.append(SubjectAlternativeName(names=san.names, critical=not subject))
        extra = tuple(extra)
        replaced = {e.oid for e in extra}
        return Extensions(tuple(e for e in out if e.oid not in replaced) + extra)


_CA_KEY_USAGE = KeyUsage(key_cert_sign=True, crl_sign=True, critical=True)
_LEAF_KEY_USAGE = KeyUsage(digital_signature=True, key_encipherment=True, critical=True)

#: A self-signed trust anchor: CA:TRUE without a path length, keyCertSign + cRLSign, SKI.
root_ca = Profile(
    name="root_ca",
    ca=True,
    key_usage=_CA_KEY_USAGE,
    authority_key_identifier=False,  # RFC 5280 4.2.1.1: MAY be omitted when self-signed
    copy_san=False,
)
#: A subordinate CA; ``intermediate_ca(path_length=n)`` for deeper hierarchies.
intermediate_ca = Profile(
    name="intermediate_ca", ca=True, path_length=0, key_usage=_CA_KEY_USAGE, copy_san=False
)
#: A TLS server: serverAuth, digitalSignature + keyEncipherment, the CN copied into SAN if none.
server = Profile(
    name="server",
    key_usage=_LEAF_KEY_USAGE,
    extended_key_usage=(oids.SERVER_AUTH,),
    cn_to_san=True,
)
#: A TLS client: clientAuth, digitalSignature + keyEncipherment.
client = Profile(name="client", key_usage=_LEAF_KEY_USAGE, extended_key_usage=(oids.CLIENT_AUTH,))
#: Both TLS server and client.
server_client = Profile(
    name="server_client",
    key_usage=_LEAF_KEY_USAGE,
    extended_key_usage=(oids.SERVER_AUTH, oids.CLIENT_AUTH),
    cn_to_san=True,
)

PROFILES: dict[str, Profile] = {
    p.name: p for p in (root_ca, intermediate_ca, server, client, server_client)
}


def get_profile(profile: Profile | str) -> Profile:
    """A Profile by value or by name (``"server"``); PolicyError for an unknown name."""
    if isinstance(profile, Profile):
        return profile
    if not isinstance(profile, str):
        raise TypeError(f"profile must be a Profile or str, got {type(profile).__name__}")
    found = PROFILES.get(profile)
    if found is None:
        raise PolicyError(f"profile {profile!r}: unknown, use one of {', '.join(PROFILES)}")
    return found


def random_serial() -> int:
    """A serial of 159 random bits, as ``openssl ca -rand_serial`` draws it (RFC 5280 4.1.2.2).

    159 bits keep the DER INTEGER positive and within 20 octets.
    """
    while True:
        serial = int.from_bytes(os.urandom(20)) >> 1  # 159 random bits
        if serial:  # zero is not a positive serial (odds 2**-159, but exact is cheap)
            return serial


def now_utc(now: datetime | None = None) -> datetime:
    """``now`` checked to be aware and moved to UTC, whole seconds; the clock when None."""
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime, got {type(now).__name__}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValidationError(f"now: naive datetime {now.isoformat()}, give tzinfo=UTC")
    return now.astimezone(UTC).replace(microsecond=0)


def _days(days: object) -> timedelta:
    if not isinstance(days, int) or isinstance(days, bool):
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    if days <= 0:
        raise ValidationError(f"days: {days} must be positive")
    return timedelta(days=days)


def _cn_san(subject: Name) -> SubjectAlternativeName | None:
    """The subject's CN as a SAN entry: an IPAddress when it parses as one, else a DNSName."""
    cn = subject.common_name
    if not cn:
        return None
    try:
        address = ipaddress.ip_address(cn)
    except ValueError:
        return SubjectAlternativeName(names=(DNSName(cn),))
    return SubjectAlternativeName(names=(IPAddress(address),))


def _san(
    profile: Profile, subject: Name, requested: SubjectAlternativeName | None
) -> SubjectAlternativeName | None:
    san = requested if profile.copy_san else None
    if san is None and profile.cn_to_san:
        san = _cn_san(subject)
        if san is None:
            raise PolicyError(
                f"profile {profile.name}: the request names no host (no subjectAltName and "
                "no commonName)"
            )
    return san


def self_signed(
    key: RSAPrivateKey,
    subject: Name | str,
    profile: Profile | str = "root_ca",
    days: int = 3650,
    serial: int | None = None,
    now: datetime | None = None,
    hash: str = "sha256",
    san: Iterable[str | GeneralName] = (),
    *,
    extensions: Iterable[Extension] = (),
    pss: bool = False,
) -> Certificate:
    """A self-signed certificate for ``key`` (a root CA by default, RFC 5280 3.2)."""
    if not isinstance(key, RSAPrivateKey):
        raise TypeError(f"key must be an RSAPrivateKey, got {type(key).__name__}")
    chosen = get_profile(profile)
    name = Name.parse(subject) if isinstance(subject, str) else subject
    if not isinstance(name, Name):
        raise TypeError(f"subject must be a Name or str, got {type(subject).__name__}")
    if isinstance(san, str):
        san = [san]
    names = tuple(san)
    requested = SubjectAlternativeName.from_strings(names) if names else None
    if requested is not None and not chosen.copy_san:
        chosen = chosen(copy_san=True)
    if not name and requested is None:
        raise ValidationError("self_signed: empty subject and no subjectAltName")
    public_key = key.public_key()
    start = now_utc(now)
    key_id = public_key.key_id()
    tbs = TBSCertificate(
        serial_number=check_serial_number(random_serial() if serial is None else serial),
        issuer=name,
        subject=name,
        not_valid_before=start,
        not_valid_after=start + _days(days),
        public_key=public_key,
        extensions=chosen.extensions(
            subject=name,
            public_key_id=key_id,
            authority_key_id=key_id,
            san=_san(chosen, name, requested),
            extra=extensions,
        ),
        signature_algorithm=SignatureAlgorithm(hash=hash, pss=pss),
    )
    return tbs.sign(key)


def _spki_key_id(spki_der: bytes) -> bytes:
    """SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1, what
    openssl's ``subjectKeyIdentifier = hash`` computes), for any key type."""
    bits = der.decode(spki_der).children[1].as_bit_string_bytes()
    return hashlib.sha1(bits).digest()


def _issuer_key_id(issuer_cert: Certificate) -> bytes:
    """The issuer's subjectKeyIdentifier, or the RFC 5280 4.2.1.2 method-1 hash of its key."""
    ski = issuer_cert.extensions.get(SubjectKeyIdentifier)
    if isinstance(ski, SubjectKeyIdentifier):
        return ski.digest
    return issuer_cert.public_key.key_id()


def _check_issuer(issuer_cert: Certificate, issuer_key: RSAPrivateKey, profile: Profile) -> None:
    if issuer_key.public_key() != issuer_cert.public_key:
        raise ValidationError("sign_csr: issuer_key does not match issuer_cert's public key")
    bc = issuer_cert.extensions.get(BasicConstraints)
    if isinstance(bc, BasicConstraints):
        if not bc.ca:
            raise PolicyError(
                f"sign_csr: issuer {issuer_cert.subject.to_openssl()!r} is not a CA (CA:FALSE)"
            )
        if profile.ca and bc.path_length == 0:
            raise PolicyError(
                f"sign_csr: issuer {issuer_cert.subject.to_openssl()!r} has pathlen:0 and "
                "cannot issue CA certificates"
            )
    ku = issuer_cert.extensions.get(KeyUsage)
    if isinstance(ku, KeyUsage) and not ku.key_cert_sign:
        raise PolicyError(
            f"sign_csr: issuer {issuer_cert.subject.to_openssl()!r} lacks keyCertSign"
        )


def sign_csr(
    csr: CertificateSigningRequest,
    issuer_cert: Certificate,
    issuer_key: RSAPrivateKey,
    profile: Profile | str = "server",
    days: int = 365,
    serial: int | None = None,
    now: datetime | None = None,
    hash: str = "sha256",
    extensions: Iterable[Extension] = (),
    *,
    pss: bool = False,
    subject: Name | None = None,
) -> Certificate:
    """Issue a certificate for a verified request under ``issuer_cert`` (RFC 5280 4.1).

    Raises InvalidSignature for a request that does not verify, PolicyError when the issuer
    may not issue it. Only the request's subject, key and (per profile) subjectAltName are used;
    ``subject`` replaces the request's (the CA passes the one its policy builds).
    """
    if not isinstance(csr, CertificateSigningRequest):
        raise TypeError(f"csr must be a CertificateSigningRequest, got {type(csr).__name__}")
    if not isinstance(issuer_cert, Certificate):
        raise TypeError(f"issuer_cert must be a Certificate, got {type(issuer_cert).__name__}")
    if not isinstance(issuer_key, RSAPrivateKey):
        raise TypeError(f"issuer_key must be an RSAPrivateKey, got {type(issuer_key).__name__}")
    if subject is None:
        subject = csr.subject
    elif not isinstance(subject, Name):
        raise TypeError(f"subject must be a Name, got {type(subject).__name__}")
    chosen = get_profile(profile)
    csr.verify()  # proof of possession first (RFC 4211 4; RFC 2986 3)
    _check_issuer(issuer_cert, issuer_key, chosen)
    requested = csr.extensions.get(SubjectAlternativeName)
    san = _san(
        chosen,
        subject,
        requested if isinstance(requested, SubjectAlternativeName) else None,
    )
    if not subject and san is None:
        raise PolicyError("sign_csr: the request has an empty subject and no subjectAltName")
    start = now_utc(now)
    tbs = TBSCertificate(
        serial_number=check_serial_number(random_serial() if serial is None else serial),
        issuer=issuer_cert.subject,  # byte-identical to the issuer's subject (RFC 5280 4.1.2.4)
        subject=subject,
        not_valid_before=start,
        not_valid_after=start + _days(days),
        spki_der=csr.spki_der,  # RSA or EC: the request's key as it is
        extensions=chosen.extensions(
            subject=subject,
            public_key_id=_spki_key_id(csr.spki_der),
            authority_key_id=_issuer_key_id(issuer_cert),
            san=san,
            extra=extensions,
        ),
        signature_algorithm=SignatureAlgorithm(hash=hash, pss=pss),
    )
    return tbs.sign(issuer_key)

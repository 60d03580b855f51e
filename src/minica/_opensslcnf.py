"""The ``openssl.cnf`` that ``CA.init`` writes next to the database (layer 6, returns text only).

With it, ``openssl ca -config <dir>/openssl.cnf`` issues, revokes and makes CRLs in the same
directory as minica. The extension sections mirror minica's profiles (root_ca, server, client).
"""

from __future__ import annotations

from minica.errors import ValidationError

__all__ = ["render_openssl_cnf"]

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from typing import Literal

    Policy = Literal["policy_anything", "policy_match"]
    CopyExtensions = Literal["none", "copy", "copyall"]

_TEMPLATE = """\
# openssl.cnf for the CA in this directory, written by minica.
# Use it with: openssl ca -config {dir}/openssl.cnf ...

[ ca ]
default_ca = CA_default

[ CA_default ]
dir = {dir}
certs = $dir/certs
crl_dir = $dir/crl
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/cacert.pem
serial = $dir/serial
crlnumber = $dir/crlnumber
crl = $dir/crl.pem
private_key = $dir/private/cakey.pem
unique_subject = {unique_subject}
default_days = {default_days}
default_crl_days = {default_crl_days}
default_md = sha256
preserve = no
policy = {policy}
copy_extensions = {copy_extensions}
x509_extensions = server_cert
crl_extensions = crl_ext
name_opt = ca_default
cert_opt = ca_default

# Subject fields must equal the CA's (match), be present (supplied) or may be absent (optional).
[ policy_match ]
countryName = match
stateOrProvinceName = match
organizationName = match
organizationalUnitName = optional
commonName = supplied
emailAddress = optional

[ policy_anything ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional

[ req ]
default_bits = 2048
default_md = sha256
distinguished_name = req_distinguished_name
string_mask = utf8only
x509_extensions = v3_ca

[ req_distinguished_name ]
countryName = Country Name (2 letter code)
countryName_min = 2
countryName_max = 2
stateOrProvinceName = State or Province Name
localityName = Locality Name
organizationName = Organization Name
organizationalUnitName = Organizational Unit Name
commonName = Common Name
commonName_max = 64
emailAddress = Email Address
emailAddress_max = 64

# root_ca profile (RFC 5280 4.2.1.9, 4.2.1.3, 4.2.1.2)
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

# server profile: openssl ca -extensions server_cert (the default)
[ server_cert ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

# client profile: openssl ca -extensions usr_cert
[ usr_cert ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

# CRLs: openssl ca -gencrl (RFC 5280 5.2.1). "keyid, issuer" rather than "keyid" because
# OpenSSL 3.0 fails on "keyid" alone when a hand-made CA certificate has no subjectKeyIdentifier.
[ crl_ext ]
authorityKeyIdentifier = keyid, issuer
"""


def render_openssl_cnf(
    ca_dir: str,
    *,
    default_days: int = 365,
    default_crl_days: int = 30,
    policy: Policy = "policy_anything",
    unique_subject: bool = False,
    copy_extensions: CopyExtensions = "copy",
) -> str:
    """An ``openssl.cnf`` whose ``[ CA_default ]`` describes the CA directory ``ca_dir``.

    ``ca_dir`` should be absolute (openssl resolves ``$dir`` against its working directory).
    ``copy_extensions = copy`` takes subjectAltName from the request, as minica does.
    """
    if not isinstance(ca_dir, str):
        raise TypeError(f"ca_dir: expected str, got {type(ca_dir).__name__}")
    # NCONF reads '#' as a comment, '$' as a variable and '\' as an escape; a newline would
    # end the value. Refuse them rather than write a config that means something else.
    bad = sorted({c for c in ca_dir if c in "\n\r#$\\\"'" or ord(c) < 0x20})
    if not ca_dir or bad:
        raise ValidationError(f"ca_dir: cannot be written into openssl.cnf: {ca_dir!r}")
    if ca_dir != ca_dir.strip():
        raise ValidationError(
            f"ca_dir: leading or trailing spaces are lost in openssl.cnf: {ca_dir!r}"
        )
    for name, value in (("default_days", default_days), ("default_crl_days", default_crl_days)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name}: expected int, got {type(value).__name__}")
        if value < 1:
            raise ValidationError(f"{name}: must be at least 1, got {value}")
    if policy not in ("policy_anything", "policy_match"):
        raise ValidationError(f"policy: expected policy_anything or policy_match, got {policy!r}")
    if copy_extensions not in ("none", "copy", "copyall"):
        raise ValidationError(
            f"copy_extensions: expected none, copy or copyall, got {copy_extensions!r}"
        )
    return _TEMPLATE.format(
        dir=ca_dir,
        unique_subject="yes" if unique_subject else "no",
        default_days=default_days,
        default_crl_days=default_crl_days,
        policy=policy,
        copy_extensions=copy_extensions,
    )

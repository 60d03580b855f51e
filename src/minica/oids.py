"""The OID registry: dotted form <-> openssl short name <-> long name, in one table.

Short and long names are openssl's (``objects.txt``), so text output and ``-subj`` parsing read
like openssl's. Constants name the OIDs the rest of minica refers to in code.
"""

from __future__ import annotations

from minica._record import record
from minica.errors import ValidationError

__all__ = ["OidInfo", "info", "long_name", "lookup", "register", "short_name"]


@record(kw_only=False, slots=True)
class OidInfo:
    """One registered OID: dotted form, openssl short name and long name."""

    dotted: str
    short: str
    long: str


_BY_OID: dict[str, OidInfo] = {}
_BY_NAME: dict[str, OidInfo] = {}


def register(dotted: str, short: str, long: str | None = None) -> str:
    """Add an OID to the registry and return its dotted form (so tables can name constants)."""
    entry = OidInfo(dotted, short, long or short)
    _BY_OID[dotted] = entry
    for key in (short, entry.long):
        _BY_NAME.setdefault(key, entry)
        _BY_NAME.setdefault(key.lower(), entry)
    return dotted


def info(dotted: str) -> OidInfo | None:
    """The registry entry for a dotted OID, or None."""
    return _BY_OID.get(dotted)


def short_name(dotted: str) -> str:
    """openssl's short name (``CN``, ``serverAuth``), or the dotted form when unknown."""
    entry = _BY_OID.get(dotted)
    return entry.short if entry else dotted


def long_name(dotted: str) -> str:
    """openssl's long name (``commonName``, ``TLS Web Server Authentication``), or dotted."""
    entry = _BY_OID.get(dotted)
    return entry.long if entry else dotted


def lookup(name: str) -> str:
    """The dotted OID for a short name, long name or dotted form; ValidationError if unknown."""
    entry = _BY_NAME.get(name) or _BY_NAME.get(name.lower())
    if entry is not None:
        return entry.dotted
    parts = name.split(".")
    if len(parts) >= 2 and all(p.isdigit() for p in parts):
        return name
    raise ValidationError(f"OID name {name!r}: unknown (give a dotted OID instead)")


# --- X.520 / PKCS#9 / RFC 4519 name attributes ----------------------------------------------
COMMON_NAME = register("2.5.4.3", "CN", "commonName")
SURNAME = register("2.5.4.4", "SN", "surname")
SERIAL_NUMBER = register("2.5.4.5", "serialNumber", "serialNumber")
COUNTRY_NAME = register("2.5.4.6", "C", "countryName")
LOCALITY_NAME = register("2.5.4.7", "L", "localityName")
STATE_OR_PROVINCE_NAME = register("2.5.4.8", "ST", "stateOrProvinceName")
STREET_ADDRESS = register("2.5.4.9", "street", "streetAddress")
ORGANIZATION_NAME = register("2.5.4.10", "O", "organizationName")
ORGANIZATIONAL_UNIT_NAME = register("2.5.4.11", "OU", "organizationalUnitName")
TITLE = register("2.5.4.12", "title", "title")
DESCRIPTION = register("2.5.4.13", "description", "description")
BUSINESS_CATEGORY = register("2.5.4.15", "businessCategory", "businessCategory")
POSTAL_CODE = register("2.5.4.17", "postalCode", "postalCode")
NAME = register("2.5.4.41", "name", "name")
GIVEN_NAME = register("2.5.4.42", "GN", "givenName")
INITIALS = register("2.5.4.43", "initials", "initials")
GENERATION_QUALIFIER = register("2.5.4.44", "generationQualifier", "generationQualifier")
DN_QUALIFIER = register("2.5.4.46", "dnQualifier", "dnQualifier")
PSEUDONYM = register("2.5.4.65", "pseudonym", "pseudonym")
ORGANIZATION_IDENTIFIER = register("2.5.4.97", "organizationIdentifier", "organizationIdentifier")
EMAIL_ADDRESS = register("1.2.840.113549.1.9.1", "emailAddress", "emailAddress")
UNSTRUCTURED_NAME = register("1.2.840.113549.1.9.2", "unstructuredName", "unstructuredName")
DOMAIN_COMPONENT = register("0.9.2342.19200300.100.1.25", "DC", "domainComponent")
USER_ID = register("0.9.2342.19200300.100.1.1", "UID", "userId")
JURISDICTION_L = register("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL", "jurisdictionLocalityName")
JURISDICTION_ST = register(
    "1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST", "jurisdictionStateOrProvinceName"
)
JURISDICTION_C = register("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC", "jurisdictionCountryName")

# --- Keys, hashes and signature algorithms (RFC 8017, RFC 4055, RFC 5758) --------------------
RSA_ENCRYPTION = register("1.2.840.113549.1.1.1", "rsaEncryption", "rsaEncryption")
MD5_WITH_RSA = register("1.2.840.113549.1.1.4", "RSA-MD5", "md5WithRSAEncryption")
SHA1_WITH_RSA = register("1.2.840.113549.1.1.5", "RSA-SHA1", "sha1WithRSAEncryption")
MGF1 = register("1.2.840.113549.1.1.8", "MGF1", "mgf1")
RSASSA_PSS = register("1.2.840.113549.1.1.10", "RSASSA-PSS", "rsassaPss")
SHA256_WITH_RSA = register("1.2.840.113549.1.1.11", "RSA-SHA256", "sha256WithRSAEncryption")
SHA384_WITH_RSA = register("1.2.840.113549.1.1.12", "RSA-SHA384", "sha384WithRSAEncryption")
SHA512_WITH_RSA = register("1.2.840.113549.1.1.13", "RSA-SHA512", "sha512WithRSAEncryption")
SHA224_WITH_RSA = register("1.2.840.113549.1.1.14", "RSA-SHA224", "sha224WithRSAEncryption")
EC_PUBLIC_KEY = register("1.2.840.10045.2.1", "id-ecPublicKey", "id-ecPublicKey")
ECDSA_WITH_SHA1 = register("1.2.840.10045.4.1", "ecdsa-with-SHA1", "ecdsa-with-SHA1")
ECDSA_WITH_SHA224 = register("1.2.840.10045.4.3.1", "ecdsa-with-SHA224", "ecdsa-with-SHA224")
ECDSA_WITH_SHA256 = register("1.2.840.10045.4.3.2", "ecdsa-with-SHA256", "ecdsa-with-SHA256")
ECDSA_WITH_SHA384 = register("1.2.840.10045.4.3.3", "ecdsa-with-SHA384", "ecdsa-with-SHA384")
ECDSA_WITH_SHA512 = register("1.2.840.10045.4.3.4", "ecdsa-with-SHA512", "ecdsa-with-SHA512")
ED25519 = register("1.3.101.112", "ED25519", "ED25519")
MD5 = register("1.2.840.113549.2.5", "MD5", "md5")
SHA1 = register("1.3.14.3.2.26", "SHA1", "sha1")
SHA256 = register("2.16.840.1.101.3.4.2.1", "SHA256", "sha256")
SHA384 = register("2.16.840.1.101.3.4.2.2", "SHA384", "sha384")
SHA512 = register("2.16.840.1.101.3.4.2.3", "SHA512", "sha512")
SHA224 = register("2.16.840.1.101.3.4.2.4", "SHA224", "sha224")

# --- Password-based encryption (RFC 8018, RFC 7292) ------------------------------------------
PBKDF2 = register("1.2.840.113549.1.5.12", "PBKDF2", "PBKDF2")
PBES2 = register("1.2.840.113549.1.5.13", "PBES2", "PBES2")
PBE_MD5_DES = register("1.2.840.113549.1.5.3", "PBE-MD5-DES", "pbeWithMD5AndDES-CBC")
PBE_SHA1_DES = register("1.2.840.113549.1.5.10", "PBE-SHA1-DES", "pbeWithSHA1AndDES-CBC")
HMAC_SHA1 = register("1.2.840.113549.2.7", "hmacWithSHA1", "hmacWithSHA1")
HMAC_SHA224 = register("1.2.840.113549.2.8", "hmacWithSHA224", "hmacWithSHA224")
HMAC_SHA256 = register("1.2.840.113549.2.9", "hmacWithSHA256", "hmacWithSHA256")
HMAC_SHA384 = register("1.2.840.113549.2.10", "hmacWithSHA384", "hmacWithSHA384")
HMAC_SHA512 = register("1.2.840.113549.2.11", "hmacWithSHA512", "hmacWithSHA512")
AES_128_CBC = register("2.16.840.1.101.3.4.1.2", "AES-128-CBC", "aes-128-cbc")
AES_192_CBC = register("2.16.840.1.101.3.4.1.22", "AES-192-CBC", "aes-192-cbc")
AES_256_CBC = register("2.16.840.1.101.3.4.1.42", "AES-256-CBC", "aes-256-cbc")
DES_EDE3_CBC = register("1.2.840.113549.3.7", "DES-EDE3-CBC", "des-ede3-cbc")
RC2_CBC = register("1.2.840.113549.3.2", "RC2-CBC", "rc2-cbc")
PBE_SHA1_RC4_128 = register(
    "1.2.840.113549.1.12.1.1", "PBE-SHA1-RC4-128", "pbeWithSHA1And128BitRC4"
)
PBE_SHA1_RC4_40 = register("1.2.840.113549.1.12.1.2", "PBE-SHA1-RC4-40", "pbeWithSHA1And40BitRC4")
PBE_SHA1_3DES = register(
    "1.2.840.113549.1.12.1.3", "PBE-SHA1-3DES", "pbeWithSHA1And3-KeyTripleDES-CBC"
)
PBE_SHA1_2DES = register(
    "1.2.840.113549.1.12.1.4", "PBE-SHA1-2DES", "pbeWithSHA1And2-KeyTripleDES-CBC"
)
PBE_SHA1_RC2_128 = register(
    "1.2.840.113549.1.12.1.5", "PBE-SHA1-RC2-128", "pbeWithSHA1And128BitRC2-CBC"
)
PBE_SHA1_RC2_40 = register(
    "1.2.840.113549.1.12.1.6", "PBE-SHA1-RC2-40", "pbeWithSHA1And40BitRC2-CBC"
)

# --- PKCS#7 / PKCS#9 / PKCS#12 ---------------------------------------------------------------
PKCS7_DATA = register("1.2.840.113549.1.7.1", "pkcs7-data", "pkcs7-data")
PKCS7_ENCRYPTED_DATA = register(
    "1.2.840.113549.1.7.6", "pkcs7-encryptedData", "pkcs7-encryptedData"
)
CHALLENGE_PASSWORD = register("1.2.840.113549.1.9.7", "challengePassword", "challengePassword")
EXTENSION_REQUEST = register("1.2.840.113549.1.9.14", "extReq", "Extension Request")
FRIENDLY_NAME = register("1.2.840.113549.1.9.20", "friendlyName", "friendlyName")
LOCAL_KEY_ID = register("1.2.840.113549.1.9.21", "localKeyID", "localKeyID")
X509_CERTIFICATE = register("1.2.840.113549.1.9.22.1", "x509Certificate", "x509Certificate")
KEY_BAG = register("1.2.840.113549.1.12.10.1.1", "keyBag", "keyBag")
PKCS8_SHROUDED_KEY_BAG = register(
    "1.2.840.113549.1.12.10.1.2", "pkcs8ShroudedKeyBag", "pkcs8ShroudedKeyBag"
)
CERT_BAG = register("1.2.840.113549.1.12.10.1.3", "certBag", "certBag")
CRL_BAG = register("1.2.840.113549.1.12.10.1.4", "crlBag", "crlBag")
SECRET_BAG = register("1.2.840.113549.1.12.10.1.5", "secretBag", "secretBag")
SAFE_CONTENTS_BAG = register("1.2.840.113549.1.12.10.1.6", "safeContentsBag", "safeContentsBag")

# --- X.509 extensions (RFC 5280 4.2, 5.2, 5.3) -----------------------------------------------
SUBJECT_DIRECTORY_ATTRIBUTES = register(
    "2.5.29.9", "subjectDirectoryAttributes", "X509v3 Subject Directory Attributes"
)
SUBJECT_KEY_IDENTIFIER = register(
    "2.5.29.14", "subjectKeyIdentifier", "X509v3 Subject Key Identifier"
)
KEY_USAGE = register("2.5.29.15", "keyUsage", "X509v3 Key Usage")
PRIVATE_KEY_USAGE_PERIOD = register(
    "2.5.29.16", "privateKeyUsagePeriod", "X509v3 Private Key Usage Period"
)
SUBJECT_ALT_NAME = register("2.5.29.17", "subjectAltName", "X509v3 Subject Alternative Name")
ISSUER_ALT_NAME = register("2.5.29.18", "issuerAltName", "X509v3 Issuer Alternative Name")
BASIC_CONSTRAINTS = register("2.5.29.19", "basicConstraints", "X509v3 Basic Constraints")
CRL_NUMBER = register("2.5.29.20", "crlNumber", "X509v3 CRL Number")
CRL_REASON = register("2.5.29.21", "CRLReason", "X509v3 CRL Reason Code")
HOLD_INSTRUCTION_CODE = register("2.5.29.23", "holdInstructionCode", "Hold Instruction Code")
HOLD_INSTRUCTION_NONE = register(
    "1.2.840.10040.2.1", "holdInstructionNone", "Hold Instruction None"
)
HOLD_INSTRUCTION_CALL_ISSUER = register(
    "1.2.840.10040.2.2", "holdInstructionCallIssuer", "Hold Instruction Call Issuer"
)
HOLD_INSTRUCTION_REJECT = register(
    "1.2.840.10040.2.3", "holdInstructionReject", "Hold Instruction Reject"
)
INVALIDITY_DATE = register("2.5.29.24", "invalidityDate", "Invalidity Date")
DELTA_CRL_INDICATOR = register("2.5.29.27", "deltaCRL", "X509v3 Delta CRL Indicator")
ISSUING_DISTRIBUTION_POINT = register(
    "2.5.29.28", "issuingDistributionPoint", "X509v3 Issuing Distribution Point"
)
CERTIFICATE_ISSUER = register("2.5.29.29", "certificateIssuer", "X509v3 Certificate Issuer")
NAME_CONSTRAINTS = register("2.5.29.30", "nameConstraints", "X509v3 Name Constraints")
CRL_DISTRIBUTION_POINTS = register(
    "2.5.29.31", "crlDistributionPoints", "X509v3 CRL Distribution Points"
)
CERTIFICATE_POLICIES = register("2.5.29.32", "certificatePolicies", "X509v3 Certificate Policies")
ANY_POLICY = register("2.5.29.32.0", "anyPolicy", "X509v3 Any Policy")
POLICY_MAPPINGS = register("2.5.29.33", "policyMappings", "X509v3 Policy Mappings")
AUTHORITY_KEY_IDENTIFIER = register(
    "2.5.29.35", "authorityKeyIdentifier", "X509v3 Authority Key Identifier"
)
POLICY_CONSTRAINTS = register("2.5.29.36", "policyConstraints", "X509v3 Policy Constraints")
EXTENDED_KEY_USAGE = register("2.5.29.37", "extendedKeyUsage", "X509v3 Extended Key Usage")
FRESHEST_CRL = register("2.5.29.46", "freshestCRL", "X509v3 Freshest CRL")
INHIBIT_ANY_POLICY = register("2.5.29.54", "inhibitAnyPolicy", "X509v3 Inhibit Any Policy")
AUTHORITY_INFO_ACCESS = register(
    "1.3.6.1.5.5.7.1.1", "authorityInfoAccess", "Authority Information Access"
)
SUBJECT_INFO_ACCESS = register(
    "1.3.6.1.5.5.7.1.11", "subjectInfoAccess", "Subject Information Access"
)
TLS_FEATURE = register("1.3.6.1.5.5.7.1.24", "tlsfeature", "TLS Feature")
OCSP = register("1.3.6.1.5.5.7.48.1", "OCSP", "OCSP")
CA_ISSUERS = register("1.3.6.1.5.5.7.48.2", "caIssuers", "CA Issuers")
OCSP_NO_CHECK = register("1.3.6.1.5.5.7.48.1.5", "noCheck", "OCSP No Check")
CPS_QUALIFIER = register("1.3.6.1.5.5.7.2.1", "id-qt-cps", "Policy Qualifier CPS")
USER_NOTICE_QUALIFIER = register(
    "1.3.6.1.5.5.7.2.2", "id-qt-unotice", "Policy Qualifier User Notice"
)
NS_CERT_TYPE = register("2.16.840.1.113730.1.1", "nsCertType", "Netscape Cert Type")
NS_COMMENT = register("2.16.840.1.113730.1.13", "nsComment", "Netscape Comment")
CT_PRECERT_SCTS = register("1.3.6.1.4.1.11129.2.4.2", "ct_precert_scts", "CT Precertificate SCTs")
CT_PRECERT_POISON = register(
    "1.3.6.1.4.1.11129.2.4.3", "ct_precert_poison", "CT Precertificate Poison"
)

# --- Extended key usage purposes (RFC 5280 4.2.1.12) -----------------------------------------
ANY_EXTENDED_KEY_USAGE = register("2.5.29.37.0", "anyExtendedKeyUsage", "Any Extended Key Usage")
SERVER_AUTH = register("1.3.6.1.5.5.7.3.1", "serverAuth", "TLS Web Server Authentication")
CLIENT_AUTH = register("1.3.6.1.5.5.7.3.2", "clientAuth", "TLS Web Client Authentication")
CODE_SIGNING = register("1.3.6.1.5.5.7.3.3", "codeSigning", "Code Signing")
EMAIL_PROTECTION = register("1.3.6.1.5.5.7.3.4", "emailProtection", "E-mail Protection")
IPSEC_END_SYSTEM = register("1.3.6.1.5.5.7.3.5", "ipsecEndSystem", "IPSec End System")
IPSEC_TUNNEL = register("1.3.6.1.5.5.7.3.6", "ipsecTunnel", "IPSec Tunnel")
IPSEC_USER = register("1.3.6.1.5.5.7.3.7", "ipsecUser", "IPSec User")
TIME_STAMPING = register("1.3.6.1.5.5.7.3.8", "timeStamping", "Time Stamping")
OCSP_SIGNING = register("1.3.6.1.5.5.7.3.9", "OCSPSigning", "OCSP Signing")
IPSEC_IKE = register("1.3.6.1.5.5.7.3.17", "ipsecIKE", "ipsec Internet Key Exchange")
MS_SMARTCARD_LOGIN = register(
    "1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin", "Microsoft Smartcard Login"
)
MS_EFS = register("1.3.6.1.4.1.311.10.3.4", "msEFS", "Microsoft Encrypted File System")

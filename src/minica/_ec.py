"""ECDSA signature verification on the NIST prime curves (layer 2), for what others signed.

minica's own keys are RSA. This module lets it check the ECDSA signatures it meets: the proof of
possession of a request for an EC key (``openssl req -newkey ec``), and certificates or CRLs
signed by an EC issuer. Verification only: there is no secret here, so plain (not constant-time)
arithmetic is fine.

Curves: P-256, P-384 and P-521 (FIPS 186-5 / SEC 2 parameters, RFC 5480 named curves), points in
Jacobian coordinates, ``u1*G + u2*Q`` in one pass (Shamir's trick). The verification steps are
those of FIPS 186-5 6.4.2 / SEC 1 4.1.4.
"""

from __future__ import annotations

import hashlib

from minica import der, oids
from minica.errors import DecodeError, InvalidSignature, ValidationError

__all__ = ["CURVES", "Curve", "ec_point_from_spki", "verify"]


class Curve:
    """A short Weierstrass curve y^2 = x^3 - 3x + b over GF(p), of prime order ``n``."""

    __slots__ = ("b", "gx", "gy", "n", "name", "oid", "p", "size")

    def __init__(self, name: str, oid: str, p: int, b: int, n: int, gx: int, gy: int) -> None:
        self.name, self.oid, self.p, self.b, self.n, self.gx, self.gy = name, oid, p, b, n, gx, gy
        self.size = (p.bit_length() + 7) // 8

    def __repr__(self) -> str:
        return f"<Curve {self.name}>"

    def on_curve(self, x: int, y: int) -> bool:
        p = self.p
        return 0 <= x < p and 0 <= y < p and (y * y - (x * x * x - 3 * x + self.b)) % p == 0


# SEC 2 version 2.0 sections 2.4.2, 2.5.1, 2.6.1 (= FIPS 186-5 / SP 800-186 P-256, P-384, P-521).
_P256 = Curve(
    "P-256",
    "1.2.840.10045.3.1.7",
    p=2**256 - 2**224 + 2**192 + 2**96 - 1,
    b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)
_P384 = Curve(
    "P-384",
    "1.3.132.0.34",
    p=2**384 - 2**128 - 2**96 + 2**32 - 1,
    b=int(
        "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875A"
        "C656398D8A2ED19D2A85C8EDD3EC2AEF",
        16,
    ),
    n=int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
    gx=int(
        "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A38"
        "5502F25DBF55296C3A545E3872760AB7",
        16,
    ),
    gy=int(
        "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C0"
        "0A60B1CE1D7E819D7A431D7C90EA0E5F",
        16,
    ),
)
_P521 = Curve(
    "P-521",
    "1.3.132.0.35",
    p=2**521 - 1,
    b=int(
        "0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF1"
        "09E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B50"
        "3F00",
        16,
    ),
    n=int(
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "FFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E9138"
        "6409",
        16,
    ),
    gx=int(
        "00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D"
        "3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5"
        "BD66",
        16,
    ),
    gy=int(
        "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E"
        "662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD1"
        "6650",
        16,
    ),
)

#: Named-curve OID (RFC 5480 2.1.1.1) -> curve.
CURVES: dict[str, Curve] = {c.oid: c for c in (_P256, _P384, _P521)}

# A point in Jacobian coordinates (X, Y, Z) stands for (X/Z^2, Y/Z^3); Z == 0 is infinity.
_Point = tuple[int, int, int]
_INFINITY: _Point = (1, 1, 0)


def _double(pt: _Point, p: int) -> _Point:
    x, y, z = pt
    if not z or not y:
        return _INFINITY
    # dbl-2001-b (a = -3): 3 squarings, 5 multiplications.
    delta = z * z % p
    gamma = y * y % p
    beta = x * gamma % p
    alpha = 3 * (x - delta) * (x + delta) % p
    x3 = (alpha * alpha - 8 * beta) % p
    z3 = ((y + z) ** 2 - gamma - delta) % p
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % p
    return x3, y3, z3


def _add(p1: _Point, p2: _Point, p: int) -> _Point:
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if not z1:
        return p2
    if not z2:
        return p1
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    h, r = (u2 - u1) % p, (s2 - s1) % p
    if not h:
        return _double(p1, p) if not r else _INFINITY
    hh = h * h % p
    hhh = h * hh % p
    v = u1 * hh % p
    x3 = (r * r - hhh - 2 * v) % p
    y3 = (r * (v - x3) - s1 * hhh) % p
    z3 = z1 * z2 * h % p
    return x3, y3, z3


def _combined(curve: Curve, u1: int, u2: int, qx: int, qy: int) -> int | None:
    """The affine x of u1*G + u2*Q (Shamir's trick), or None for the point at infinity."""
    p = curve.p
    g: _Point = (curve.gx, curve.gy, 1)
    q: _Point = (qx, qy, 1)
    table = {(1, 0): g, (0, 1): q, (1, 1): _add(g, q, p)}
    acc = _INFINITY
    for i in range(max(u1.bit_length(), u2.bit_length()) - 1, -1, -1):
        acc = _double(acc, p)
        bits = (u1 >> i & 1, u2 >> i & 1)
        if bits != (0, 0):
            acc = _add(acc, table[bits], p)
    x, _, z = acc
    if not z:
        return None
    return x * pow(z * z, -1, p) % p


def ec_point_from_spki(
    spki_der: bytes, what: str = "subjectPublicKeyInfo"
) -> tuple[Curve, int, int]:
    """The curve and public point of an id-ecPublicKey SubjectPublicKeyInfo (RFC 5480 2).

    Uncompressed and compressed points are read; DecodeError for a malformed key, one off its
    curve, or explicit curve parameters; ValidationError for a curve minica does not know.
    """
    kids = der.decode(spki_der, what=what).expect(der.SEQUENCE, what).expect_children(what, 2)
    w = f"{what}.algorithm"
    alg = kids[0].expect(der.SEQUENCE, w).expect_children(w, 2)
    if alg[0].expect(der.OID, w).as_oid(w) != oids.EC_PUBLIC_KEY:
        raise alg[0].error(w, "not an id-ecPublicKey")
    if alg[1].tag != der.OID:
        raise alg[1].error(f"{w}.parameters", "expected a namedCurve OID (RFC 5480 2.1.1)")
    curve_oid = alg[1].as_oid(w)
    curve = CURVES.get(curve_oid)
    if curve is None:
        name = oids.long_name(curve_oid) if oids.info(curve_oid) else curve_oid
        raise ValidationError(f"{what}: EC curve {name} is not supported (P-256, P-384, P-521)")
    w = f"{what}.subjectPublicKey"
    point = kids[1].expect(der.BIT_STRING, w).as_bit_string_bytes(w)
    size = curve.size
    if len(point) == 1 + 2 * size and point[0] == 4:
        x, y = int.from_bytes(point[1 : 1 + size]), int.from_bytes(point[1 + size :])
    elif len(point) == 1 + size and point[0] in (2, 3):
        x = int.from_bytes(point[1:])
        # p = 3 (mod 4) for all three curves: a square root is one exponentiation.
        y = pow((x * x * x - 3 * x + curve.b) % curve.p, (curve.p + 1) // 4, curve.p)
        if y & 1 != point[0] & 1:
            y = curve.p - y
    else:
        raise kids[1].error(w, f"not an uncompressed or compressed {curve.name} point")
    if not curve.on_curve(x, y):
        raise kids[1].error(w, f"the point is not on {curve.name}")
    return curve, x, y


def verify(spki_der: bytes, signature: bytes, data: bytes, hash: str) -> None:
    """Check an ECDSA signature (DER Ecdsa-Sig-Value, RFC 5480 / RFC 3279 2.2.3) over ``data``
    with ``hash``; raises InvalidSignature (also for a malformed signature or key)."""
    try:
        curve, qx, qy = ec_point_from_spki(spki_der)
    except (DecodeError, ValidationError) as e:
        raise InvalidSignature(f"ECDSA: {e}") from None
    try:
        r_el, s_el = der.decode(signature, what="Ecdsa-Sig-Value").expect_children("ECDSA", 2, 2)
        r = r_el.expect(der.INTEGER, "r").as_int("r")
        s = s_el.expect(der.INTEGER, "s").as_int("s")
    except DecodeError:
        raise InvalidSignature("ECDSA: the signature is not a DER Ecdsa-Sig-Value") from None
    n = curve.n
    if not (0 < r < n and 0 < s < n):
        raise InvalidSignature("ECDSA: r or s out of range")
    digest = hashlib.new(hash, data).digest()
    z = int.from_bytes(digest)
    excess = 8 * len(digest) - n.bit_length()
    if excess > 0:
        z >>= excess  # the leftmost bits of the hash, as many as n has (SEC 1 4.1.4 step 5)
    w = pow(s, -1, n)
    x = _combined(curve, z * w % n, r * w % n, qx, qy)
    if x is None or x % n != r:
        raise InvalidSignature("ECDSA: the signature does not verify")

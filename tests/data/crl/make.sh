#!/bin/sh
# Regenerates the golden CRLs in this directory with the openssl CLI (OpenSSL 3.0).
# Every file here is made by the commands below; nothing is edited by hand.
#   ca.key, ca.pem            CA key (openssl genrsa) and self-signed CA certificate (SKI + AKI)
#   leaf.key                  key shared by both leaf certificates
#   leaf-revoked.pem          leaf with serial 0x1000 (revoked in crl-reasons.pem)
#   leaf-good.pem             leaf with serial 0x1001 (never revoked)
#   crl-empty.pem             openssl ca -gencrl over an empty index.txt (no revokedCertificates)
#   crl-reasons.pem/.der/.txt every reason openssl ca knows, a hold instruction, invalidity
#                             dates (-crl_compromise / -crl_CA_compromise), CRL number, AKI;
#                             .txt is `openssl crl -text -noout`
#   crl-empty.txt             `openssl crl -text -noout` of crl-empty.pem
#   crl-pss.pem/.txt          the same entries signed with RSASSA-PSS (-sigopt rsa_padding_mode:pss)
#   crl-noext.pem/.txt        no CRL extensions, no crlnumber file (still v2: the entries have extensions)
# Usage: sh make.sh   (from anywhere; writes next to this script)
set -eu
cd "$(dirname "$0")"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

openssl genrsa -out ca.key 2048 2>/dev/null
openssl req -new -x509 -key ca.key -sha256 -days 36500 -set_serial 1 \
    -subj "/C=CN/O=Example/CN=Example CRL Test CA" -out ca.pem
openssl genrsa -out leaf.key 2048 2>/dev/null

cat > "$W/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $W
database = $W/index.txt
new_certs_dir = $W
certificate = $PWD/ca.pem
private_key = $PWD/ca.key
serial = $W/serial
crlnumber = $W/crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
x509_extensions = leaf_ext
crl_extensions = crl_ext
[ policy_any ]
commonName = supplied
[ leaf_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF

# Leaf certificates, fixed validity so the files do not depend on the clock.
touch "$W/index.txt"
for serial in 1000 1001; do
    echo $serial > "$W/serial"
    openssl req -new -key leaf.key -subj "/O=Example/CN=leaf-$serial.example" -out "$W/leaf.csr"
    openssl ca -batch -config "$W/ca.cnf" -in "$W/leaf.csr" -out "$W/leaf-$serial.pem" \
        -startdate 20240101000000Z -enddate 21240101000000Z -notext 2>/dev/null
done
cp "$W/leaf-1000.pem" leaf-revoked.pem
cp "$W/leaf-1001.pem" leaf-good.pem

gencrl() { # gencrl OUT [extra openssl ca options]
    out=$1; shift
    openssl ca -gencrl -config "$W/ca.cnf" -crl_lastupdate 20240601120000Z \
        -crl_nextupdate 20240608120000Z -out "$out" "$@" 2>/dev/null
}

# Empty CRL (openssl omits revokedCertificates entirely).
: > "$W/index.txt"
echo 05 > "$W/crlnumber"
gencrl crl-empty.pem
openssl crl -in crl-empty.pem -text -noout > crl-empty.txt

# index.txt lines written directly: status, expiry, revocation[,reason[,extra]], serial, file, DN.
# openssl ca -revoke writes exactly these forms: -crl_compromise T gives ",keyTime,T",
# -crl_CA_compromise T gives ",CAkeyTime,T", -crl_hold OID gives ",holdInstruction,OID".
T=$(printf '\t')
{
    echo "R${T}341231000000Z${T}240501000000Z${T}1000${T}unknown${T}/O=Example/CN=leaf-1000.example"
    echo "V${T}341231000000Z${T}${T}1001${T}unknown${T}/O=Example/CN=leaf-1001.example"
    echo "R${T}341231000000Z${T}240502000000Z,keyTime,20240415103000Z${T}1002${T}unknown${T}/CN=key"
    echo "R${T}341231000000Z${T}240502000001Z,CAkeyTime,20240416000000Z${T}1003${T}unknown${T}/CN=ca"
    echo "R${T}341231000000Z${T}240502000002Z,affiliationChanged${T}1004${T}unknown${T}/CN=aff"
    echo "R${T}341231000000Z${T}240502000003Z,superseded${T}1005${T}unknown${T}/CN=sup"
    echo "R${T}341231000000Z${T}240502000004Z,cessationOfOperation${T}1006${T}unknown${T}/CN=cess"
    echo "R${T}341231000000Z${T}240502000005Z,holdInstruction,holdInstructionReject${T}1007${T}unknown${T}/CN=hold"
    echo "R${T}341231000000Z${T}240502000006Z,removeFromCRL${T}1008${T}unknown${T}/CN=remove"
    echo "R${T}341231000000Z${T}240502000007Z,unspecified${T}1009${T}unknown${T}/CN=unspec"
    echo "R${T}341231000000Z${T}500101000000Z,keyCompromise${T}00FFEE${T}unknown${T}/CN=late"
    echo "R${T}341231000000Z${T}240502000008Z${T}7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF${T}unknown${T}/CN=big"
} > "$W/index.txt"
echo 2A > "$W/crlnumber"
gencrl crl-reasons.pem
openssl crl -in crl-reasons.pem -outform DER -out crl-reasons.der
openssl crl -in crl-reasons.pem -text -noout > crl-reasons.txt
echo 2B > "$W/crlnumber"
gencrl crl-pss.pem -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
openssl crl -in crl-pss.pem -text -noout > crl-pss.txt

# No crl_extensions and no crlnumber file (openssl writes v2 anyway: entry extensions).
rm "$W/crlnumber"
sed -i -e '/^crlnumber/d' -e '/^crl_extensions/d' "$W/ca.cnf"
gencrl crl-noext.pem
openssl crl -in crl-noext.pem -text -noout > crl-noext.txt

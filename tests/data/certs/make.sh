#!/bin/sh
# Regenerates the golden certificates and CSRs in this directory with the openssl CLI
# (OpenSSL 3.0). Every file here is made by the commands below; nothing is edited by hand.
# Keys come from ../keys (see its README) except ec.key, made here.
#
#   root.pem            openssl req -x509: self-signed CA (SKI, AKI, BC critical CA:TRUE, KU)
#   inter.pem           openssl x509 -req: intermediate CA under root (pathlen:0, AKI keyid+issuer)
#   leaf-many.pem       openssl x509 -req: leaf under inter with many extensions (SAN of every
#                       kind, KU, EKU, CRL DP, AIA, policies, nsComment, an unknown extension)
#   leaf-ca.pem         openssl ca: leaf under root with fixed dates (notAfter 2055: GeneralizedTime)
#   leaf-pss.pem        openssl x509 -req -sigopt rsa_padding_mode:pss, sha384
#   leaf-sha512.pem     openssl x509 -req -sha512, negative-free long serial
#   leaf-v1.pem         openssl x509 -req without extensions (version 1), short serial
#   leaf-ec.pem         EC P-256 subject key (minica keeps its SPKI, cannot use the key)
#   csr-basic.pem       openssl req -new, subject only
#   csr-san-only.pem    empty subject, subjectAltName only
#   csr-attrs.pem       challengePassword + unstructuredName attributes and extensions
#   csr-many.pem        many requested extensions (CA:TRUE, unknown critical one included)
#   csr-pss.pem         RSASSA-PSS signed request
#   *.txt               `openssl x509 -text -noout` / `openssl req -text -noout` of each
#   *.der               DER form of root/leaf-many/csr-attrs
# Usage: sh make.sh   (from anywhere; writes next to this script)
set -eu
cd "$(dirname "$0")"
K=../keys
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cat > "$W/ext.cnf" <<'CNF'
[ root_ext ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[ inter_ext ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
[ many_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, dataEncipherment, keyAgreement
extendedKeyUsage = serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, 1.2.3.4.5
subjectAltName = @alt
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
crlDistributionPoints = URI:http://crl.example.com/inter.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.com/, caIssuers;URI:http://ca.example.com/inter.cer
certificatePolicies = 2.23.140.1.2.1, @cps
nsComment = "minica golden test certificate"
1.3.6.1.4.1.55555.1 = ASN1:UTF8String:an unknown extension
[ alt ]
DNS.1 = www.example.com
DNS.2 = *.example.com
IP.1 = 192.0.2.7
IP.2 = 2001:db8::1
email.1 = admin@example.com
URI.1 = https://www.example.com/
dirName.1 = dir_sect
[ dir_sect ]
C = CN
O = Example Dir
CN = Dir Name
[ cps ]
policyIdentifier = 1.3.6.1.4.1.55555.2
CPS.1 = https://www.example.com/cps
[ leaf_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:leaf.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ req ]
distinguished_name = dn
attributes = req_attrs
prompt = no
[ dn ]
C = CN
O = Example
CN = attrs.example.com
[ req_attrs ]
challengePassword = s3cret pass
unstructuredName = Example Unstructured
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = WORK
database = WORK/index.txt
new_certs_dir = WORK
certificate = PWD/root.pem
private_key = KEYS/rsa2048-a.pem
serial = WORK/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
x509_extensions = leaf_ext
[ policy_any ]
commonName = supplied
CNF
sed -i "s|WORK|$W|g; s|PWD|$PWD|g; s|KEYS|$PWD/$K|g" "$W/ext.cnf"

openssl ecparam -name prime256v1 -genkey -noout -out ec.key

# Root and intermediate CAs.
openssl req -x509 -new -key $K/rsa2048-a.pem -sha256 -days 7300 -set_serial 0x01 \
    -subj "/C=CN/ST=Beijing/O=Example/CN=Example Root CA" \
    -config "$W/ext.cnf" -extensions root_ext -out root.pem
openssl req -new -key $K/rsa2048-b.pem -subj "/C=CN/O=Example/OU=Issuing/CN=Example Intermediate CA" \
    -out "$W/inter.csr"
openssl x509 -req -in "$W/inter.csr" -CA root.pem -CAkey $K/rsa2048-a.pem -sha256 -days 3650 \
    -set_serial 0x1000 -extfile "$W/ext.cnf" -extensions inter_ext -out inter.pem

# Leaves.
openssl req -new -key $K/rsa3072.pem -subj "/C=CN/ST=Beijing/L=Haidian/O=Example/OU=Web/CN=www.example.com/emailAddress=admin@example.com" \
    -out "$W/many.csr"
openssl x509 -req -in "$W/many.csr" -CA inter.pem -CAkey $K/rsa2048-b.pem -sha256 -days 825 \
    -set_serial 0x5a17c0de0123456789abcdef00112233 -extfile "$W/ext.cnf" -extensions many_ext \
    -out leaf-many.pem
openssl req -new -key $K/rsa3072.pem -subj "/O=Example/CN=leaf.example.com" -out "$W/ca.csr"
touch "$W/index.txt"; echo 2A > "$W/serial"
openssl ca -batch -config "$W/ext.cnf" -in "$W/ca.csr" -startdate 20240101000000Z \
    -enddate 20550101000000Z -notext -out leaf-ca.pem 2>/dev/null
openssl x509 -req -in "$W/ca.csr" -CA root.pem -CAkey $K/rsa2048-a.pem -sha384 \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -days 365 -set_serial 7 \
    -extfile "$W/ext.cnf" -extensions leaf_ext -out leaf-pss.pem
openssl x509 -req -in "$W/ca.csr" -CA root.pem -CAkey $K/rsa2048-a.pem -sha512 -days 365 \
    -set_serial 0x7fffffffffffffffffffffffffffffffffffffff \
    -extfile "$W/ext.cnf" -extensions leaf_ext -out leaf-sha512.pem
openssl x509 -req -in "$W/ca.csr" -CA root.pem -CAkey $K/rsa2048-a.pem -sha256 -days 30 \
    -set_serial 4096 -out leaf-v1.pem
openssl req -new -key ec.key -subj "/CN=ec.example.com" -out "$W/ec.csr"
openssl x509 -req -in "$W/ec.csr" -CA root.pem -CAkey $K/rsa2048-a.pem -sha256 -days 365 \
    -set_serial 0x0ec0 -extfile "$W/ext.cnf" -extensions leaf_ext -out leaf-ec.pem

# Requests.
openssl req -new -key $K/rsa2048-b.pem -subj "/C=CN/ST=Beijing/O=Example/CN=basic.example.com" \
    -out csr-basic.pem
openssl req -new -key $K/rsa2048-b.pem -subj "/" \
    -addext "subjectAltName=critical,DNS:san-only.example.com,IP:10.0.0.5" -out csr-san-only.pem
openssl req -new -key $K/rsa2048-b.pem -config "$W/ext.cnf" \
    -addext "subjectAltName=DNS:attrs.example.com" -addext "keyUsage=critical,digitalSignature" \
    -out csr-attrs.pem
openssl req -new -key $K/rsa3072.pem -subj "/C=CN/O=Example/CN=many.example.com" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyCertSign" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" \
    -addext "subjectAltName=DNS:many.example.com,DNS:alt.example.com,IP:192.0.2.9,email:a@example.com" \
    -addext "1.3.6.1.4.1.55555.3=critical,ASN1:NULL" \
    -addext "nsComment=requested" -out csr-many.pem
openssl req -new -key $K/rsa2048-b.pem -subj "/CN=pss.example.com" -sha256 \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -out csr-pss.pem

for f in root inter leaf-many leaf-ca leaf-pss leaf-sha512 leaf-v1 leaf-ec; do
    openssl x509 -in $f.pem -text -noout > $f.txt
done
for f in csr-basic csr-san-only csr-attrs csr-many csr-pss; do
    openssl req -in $f.pem -text -noout > $f.txt
done
openssl x509 -in root.pem -outform DER -out root.der
openssl x509 -in leaf-many.pem -outform DER -out leaf-many.der
openssl req -in csr-attrs.pem -outform DER -out csr-attrs.der

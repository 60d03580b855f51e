#!/bin/sh
# Regenerate the PKCS#12 test bundles with the openssl CLI (OpenSSL 3.0). Run from this directory.
# Keys come from ../keys; every bundle uses the passphrase "minica-test" unless noted.
set -eu
K=../keys
P=pass:minica-test
DAYS=36500

# A three-level chain: root (rsa3072) -> intermediate (rsa2048-b) -> leaf (rsa2048-a).
cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl req -x509 -new -key $K/rsa3072.pem -subj "/CN=minica test root" -days $DAYS \
    -set_serial 1 -extensions ca -config ext.cnf -out root.pem
openssl req -new -key $K/rsa2048-b.pem -subj "/CN=minica test intermediate" -out inter.csr
openssl x509 -req -in inter.csr -CA root.pem -CAkey $K/rsa3072.pem -set_serial 2 -days $DAYS \
    -extfile ext.cnf -extensions ca -out inter.pem
openssl req -new -key $K/rsa2048-a.pem -subj "/CN=client.example" -out leaf.csr
openssl x509 -req -in leaf.csr -CA inter.pem -CAkey $K/rsa2048-b.pem -set_serial 3 -days $DAYS \
    -extfile ext.cnf -extensions leaf -out leaf.pem
cat inter.pem root.pem > chain.pem
rm -f inter.csr leaf.csr ext.cnf

export_p12() {  # out, extra options...
    out=$1; shift
    openssl pkcs12 -export -inkey $K/rsa2048-a.pem -in leaf.pem -passout $P -out "$out" "$@"
}
export_p12 default.p12 -name "client cert"
export_p12 chain.p12 -certfile chain.pem -name "client cert"
export_p12 nomac.p12 -certfile chain.pem -nomac
export_p12 aes128.p12 -keypbe AES-128-CBC -certpbe AES-192-CBC
export_p12 macsha1.p12 -macalg sha1
export_p12 macsha512.p12 -macalg sha512 -iter 1000 -maciter
export_p12 nokeypbe.p12 -keypbe NONE -certpbe NONE
export_p12 legacy-3des.p12 -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1
export_p12 legacy.p12 -legacy
openssl pkcs12 -export -inkey $K/rsa2048-a.pem -in leaf.pem -passout pass: -out empty-pass.p12
openssl pkcs12 -export -inkey $K/rsa2048-a.pem -in leaf.pem -passout "pass:pässwörd €" \
    -out utf8-pass.p12
# Certificates only (no key): load() refuses it, load_bundle() reads it.
openssl pkcs12 -export -nokeys -in leaf.pem -certfile chain.pem -passout $P -out certs-only.p12

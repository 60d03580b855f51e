#!/bin/sh
# Regenerates the golden openssl CA database files in this directory with the real
# `openssl ca` (made with OpenSSL 3.0.19). Revocation times are the wall clock at the time of
# the run, so a rerun changes those columns; everything else is fixed by the commands below.
# Usage: sh tests/data/index/make.sh   (from anywhere)
set -eu
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rc=$?; [ $rc = 0 ] || tail -20 "$work/log" >&2; rm -rf "$work"' EXIT
cd "$work"
openssl version > "$out/OPENSSL_VERSION"

mkdir -p certs crl newcerts private reqs
chmod 700 private
touch index.txt
echo 01 > serial
echo 01 > crlnumber
cat > openssl.cnf <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $work
certs = \$dir/certs
crl_dir = \$dir/crl
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/cacert.pem
serial = \$dir/serial
crlnumber = \$dir/crlnumber
crl = \$dir/crl.pem
private_key = \$dir/private/cakey.pem
default_days = 365
default_crl_days = 30
default_md = sha256
policy = policy_anything
unique_subject = no
copy_extensions = copy
x509_extensions = usr_cert
[ policy_anything ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional
[ usr_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ req ]
distinguished_name = req_dn
x509_extensions = v3_ca
[ req_dn ]
CNF

(umask 077; openssl genrsa -out private/cakey.pem 2048 2>/dev/null)
openssl req -config openssl.cnf -new -x509 -key private/cakey.pem -out cacert.pem -days 3650 \
    -subj "/C=CN/ST=Beijing/O=Example/CN=Example Root CA"
openssl genrsa -out leaf.key 2048 2>>"$work/log"

# req NAME SUBJECT [extra req options]: a request for SUBJECT signed with leaf.key
req() {
    name=$1; subj=$2; shift 2
    openssl req -config openssl.cnf -new -key leaf.key -subj "$subj" "$@" -out "reqs/$name.csr"
}
# sign NAME [extra ca options]
sign() {
    name=$1; shift
    openssl ca -config openssl.cnf -batch -notext -in "reqs/$name.csr" -out "certs/$name.pem" "$@" \
        2>>"$work/log"
}

# 01: an ordinary server certificate
req www "/C=CN/ST=Beijing/L=Haidian/O=Example/OU=Web/CN=www.example.com"
sign www -startdate 20240101000000Z -enddate 20250101000000Z
# 02: expiry after 2049 -> GeneralizedTime in the expiry column
req far "/CN=far-future.example.com"
sign far -startdate 20240101000000Z -enddate 20600101123456Z
# 03: UTF-8 subject (non-ASCII bytes) and an emailAddress
req utf8 "/O=Bücher GmbH/CN=Müller/emailAddress=m@example.com" -utf8
sign utf8 -utf8 -startdate 20240101000000Z -enddate 20490101000000Z
# 04: already expired -> 'E' after -updatedb
req old "/CN=expired.example.com"
sign old -startdate 20200101000000Z -enddate 20210101000000Z
# 05..08: revoked with different reason forms
for n in kc hold holdoid keytime cakeytime plain; do
    req "$n" "/CN=$n.example.com"
done
sign kc -startdate 20240101000000Z -enddate 20300101000000Z
sign hold -startdate 20240101000000Z -enddate 20300101000000Z
sign holdoid -startdate 20240101000000Z -enddate 20300101000000Z
sign keytime -startdate 20240101000000Z -enddate 20300101000000Z
sign cakeytime -startdate 20240101000000Z -enddate 20300101000000Z
sign plain -startdate 20240101000000Z -enddate 20300101000000Z
# serials 0FFF and 1000: padding to an even number of digits
echo 0FFF > serial
req s0fff "/CN=serial-0fff.example.com"
sign s0fff -startdate 20240101000000Z -enddate 20300101000000Z
req s1000 "/CN=serial-1000.example.com"
sign s1000 -startdate 20240101000000Z -enddate 20300101000000Z
# a 159-bit random serial (serial file is left alone)
req rand "/CN=random-serial.example.com"
sign rand -rand_serial -startdate 20240101000000Z -enddate 20300101000000Z
# a multi-valued RDN
req multi "/O=Example/CN=multi+OU=Ops" -multivalue-rdn
sign multi -multivalue-rdn -startdate 20240101000000Z -enddate 20300101000000Z

cp index.txt "$out/index.issued.txt"

openssl ca -config openssl.cnf -revoke certs/kc.pem -crl_reason keyCompromise 2>>"$work/log"
openssl ca -config openssl.cnf -revoke certs/hold.pem -crl_reason certificateHold 2>>"$work/log"
openssl ca -config openssl.cnf -revoke certs/holdoid.pem -crl_hold holdInstructionReject 2>>"$work/log"
openssl ca -config openssl.cnf -revoke certs/keytime.pem -crl_compromise 20240315101112Z \
    2>>"$work/log"
openssl ca -config openssl.cnf -revoke certs/cakeytime.pem -crl_CA_compromise 20240316000000Z \
    2>>"$work/log"
openssl ca -config openssl.cnf -revoke certs/plain.pem 2>>"$work/log"
openssl ca -config openssl.cnf -revoke certs/s1000.pem -crl_reason superseded 2>>"$work/log"
openssl ca -config openssl.cnf -updatedb 2>>"$work/log"
openssl ca -config openssl.cnf -gencrl -out crl.pem 2>>"$work/log"
openssl ca -config openssl.cnf -gencrl -out crl.pem 2>>"$work/log"

cp index.txt index.txt.attr serial crlnumber crl.pem cacert.pem "$out/"

cp serial.old "$out/serial.old"
cp crlnumber.old "$out/crlnumber.old"

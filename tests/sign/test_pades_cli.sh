#!/usr/bin/env bash
# test_pades_cli.sh MOTCUA - `motcua signature sign|verify` on a PDF of
# motcua's own renderer (the reform report), judged by others as well:
# poppler's pdfsig (with the test CA trusted in an NSS database), qpdf --check
# and `openssl cms -verify` on the CMS and the bytes its ByteRange names.
# The CA and the keys are made here with openssl; none is committed.
set -euo pipefail
M=$1
base=${MC_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$base"
T=$(mktemp -d "$base/pades.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
# json FILE EXPR: evaluates a Python expression over the parsed JSON as `j`
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }

# a PDF of motcua's renderer: the reform report of a province without dossiers
"$M" init --db t.db >/dev/null
"$M" unit add --db t.db --code T01 --name "Tỉnh Thử" --level province >/dev/null
"$M" report reform --db t.db --from 2025-01-01 --to 2025-06-30 --format pdf --out r.pdf
qpdf --check r.pdf >/dev/null || fail "qpdf rejects the unsigned report"

# a test CA, a signer (the official) and the organisation, and another CA
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" \
		-days 30 -subj "/O=Test/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
ca ca "Test Root CA"
ca other "Other CA"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >ext.cnf
echo 'mật khẩu thử' >pw
for who in signer org; do
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key -out $who.csr \
		-subj "/O=Test/CN=$who" 2>/dev/null
	openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $who.pem -days 10 \
		-extfile ext.cnf 2>/dev/null
	openssl pkcs12 -export -inkey $who.key -in $who.pem -certfile ca.pem -out $who.p12 -passout file:pw
done

# wrong password: refused, nothing written
echo wrong >badpw
if "$M" signature sign r.pdf x.pdf --p12 signer.p12 --password-file badpw 2>/dev/null; then
	fail "signed with a wrong password"
fi
[ ! -e x.pdf ] || fail "a file was written with a wrong password"
# an unsigned file: verify says so and exits 1
"$M" signature verify r.pdf --json >v0.json && fail "verify of an unsigned PDF exited 0"
[ "$(json v0.json 'len(j)')" = 0 ] || fail "signatures found in an unsigned PDF"

# the signer, then the organisation as a second incremental update
"$M" signature sign r.pdf s1.pdf --p12 signer.p12 --password-file pw
"$M" signature sign s1.pdf s2.pdf --p12 org.p12 --password-file pw
cmp -n "$(stat -c %s s1.pdf)" s1.pdf s2.pdf || fail "the second signature changed the first revision's bytes"

"$M" signature verify s2.pdf --trust ca.pem --json >v.json
[ "$(json v.json 'len(j)')" = 2 ] || fail "not two signatures"
[ "$(json v.json '[s["valid"] and s["trusted"] for s in j]')" = "[True, True]" ] || fail "ours: not both valid and trusted"
[ "$(json v.json '[s["covers_whole_file"] for s in j]')" = "[False, True]" ] || fail "ours: coverage wrong"
[ "$(json v.json '[s["signer"] for s in j]')" = "['CN=signer,O=Test', 'CN=org,O=Test']" ] || fail "ours: signers"
json v.json '[s["signed_at"] for s in j]' | grep -Eq "^\['[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z', " ||
	fail "ours: signed_at"
# another CA: intact but not trusted; exit 0 since every signature is intact
"$M" signature verify s2.pdf --trust other.pem --json >vo.json
[ "$(json vo.json '[(s["valid"], s["trusted"]) for s in j]')" = "[(True, False), (True, False)]" ] ||
	fail "ours: trusted under another CA"

# poppler, with the test CA trusted in an NSS database
mkdir nss
certutil -N -d "sql:$T/nss" --empty-password
certutil -A -d "sql:$T/nss" -n testca -t "CT,C,C" -i ca.pem
pdfsig -nssdir "sql:$T/nss" s2.pdf >p.txt 2>&1 || true
[ "$(grep -c 'Signature Validation: Signature is Valid.' p.txt)" = 2 ] || { cat p.txt; fail "pdfsig: not both valid"; }
[ "$(grep -c 'Certificate Validation: Certificate is Trusted.' p.txt)" = 2 ] || { cat p.txt; fail "pdfsig: not both trusted"; }
grep -q 'Signature Type: ETSI.CAdES.detached' p.txt || fail "pdfsig: not ETSI.CAdES.detached"
grep -q 'Total document signed' p.txt || fail "pdfsig: the last signature does not cover the file"
qpdf --check s2.pdf >/dev/null || fail "qpdf rejects the signed file"

# openssl on the CMS of each signature and the bytes of its ByteRange
python3 - s2.pdf <<'PY'
import re, sys
d = open(sys.argv[1], 'rb').read()
for i, m in enumerate(re.finditer(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', d)):
    a, b, c, e = map(int, m.groups())
    open(f'content{i}.bin', 'wb').write(d[a:a + b] + d[c:c + e])
    open(f'cms{i}.der', 'wb').write(bytes.fromhex(d[a + b + 1:c - 1].decode()))
PY
for i in 0 1; do
	openssl cms -verify -binary -inform DER -in cms$i.der -content content$i.bin -CAfile ca.pem -purpose any \
		-out /dev/null 2>/dev/null || fail "openssl cms -verify rejects signature $i"
	openssl cms -cmsout -print -inform DER -in cms$i.der | grep -q 'id-smime-aa-signingCertificateV2' ||
		fail "signature $i has no signing-certificate-v2 attribute"
done
# ...and refuses it over other bytes (the check can fail)
printf 'x' >>content0.bin
if openssl cms -verify -binary -inform DER -in cms0.der -content content0.bin -CAfile ca.pem -purpose any \
	-out /dev/null 2>/dev/null; then
	fail "openssl cms -verify accepts changed content"
fi

# one byte changed in the first revision: both signatures invalid, for pdfsig and for us
python3 - s2.pdf bad.pdf <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'/Creator')
d[i + 3] ^= 1
open(sys.argv[2], 'wb').write(d)
PY
pdfsig -nssdir "sql:$T/nss" bad.pdf >pb.txt 2>&1 || true
[ "$(grep -c 'Signature is Valid' pb.txt)" = 0 ] || { cat pb.txt; fail "pdfsig: a changed file is valid"; }
if "$M" signature verify bad.pdf --trust ca.pem --json >vb.json; then fail "verify of a changed file exited 0"; fi
[ "$(json vb.json '[s["valid"] for s in j]')" = "[False, False]" ] || fail "ours: a changed file is valid"

# one byte changed in the second update only: the first stays valid, the second not
python3 - s2.pdf bad2.pdf s1.pdf <<'PY'
import os, sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'/Type /Sig', os.path.getsize(sys.argv[3]))
d[i + 7] ^= 1  # /Type /Sig -> /Type /Sih
open(sys.argv[2], 'wb').write(d)
PY
"$M" signature verify bad2.pdf --trust ca.pem --json >vb2.json || true
[ "$(json vb2.json '[s["valid"] for s in j]')" = "[True, False]" ] || fail "ours: a change after the first signature"
# PEM files instead of PKCS#12: the certificate file carries the chain
cat signer.pem ca.pem >signer-chain.pem
"$M" signature sign r.pdf pem.pdf --key signer.key --cert signer-chain.pem
"$M" signature verify pem.pdf --trust ca.pem --json >vp.json
[ "$(json vp.json '[(s["valid"], s["trusted"]) for s in j]')" = "[(True, True)]" ] || fail "ours: PEM-signed file"
# a key with another's certificate: refused, nothing written
if "$M" signature sign r.pdf mism.pdf --key signer.key --cert org.pem 2>/dev/null; then
	fail "signed with a key that is not the certificate's"
fi
[ ! -e mism.pdf ] || fail "a file was written with a mismatched key"
# a catalog inside an object stream (not read yet): refused cleanly, nothing written
qpdf --object-streams=generate r.pdf objstm.pdf
if "$M" signature sign objstm.pdf objstm-s.pdf --p12 signer.p12 --password-file pw 2>/dev/null; then
	fail "signed a PDF whose catalog it cannot read"
fi
[ ! -e objstm-s.pdf ] || fail "a file was written for a PDF it cannot read"

echo "test_pades_cli: ok"

#!/usr/bin/env bash
# test_pades_crl.sh MOTCUA - `motcua signature verify --crl` on signed PDFs:
# a CA made here with `openssl ca` revokes one signer's certificate
# (keyCompromise) and publishes its CRL with `openssl ca -gencrl`; the
# revoked signer's signature is still intact but not trusted, with a
# "revoked" warning on its certificate; a good signer passes the same CRL;
# a CRL of another CA is not applied; a CRL past its nextUpdate warns; SHA-1
# in the CMS digest (a signature remade with `openssl cms -md sha1` over the
# same ByteRange) or in the certificate's signature (`openssl ca -md sha1`)
# is accepted with a "weak-algorithm" warning naming the field. The CA and
# the keys are made here; none is committed.
set -euo pipefail
M=$1
base=${MC_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$base"
T=$(mktemp -d "$base/padescrl.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }

# a PDF of motcua's renderer
"$M" init --db t.db >/dev/null
"$M" unit add --db t.db --code T01 --name "Tỉnh Thử" --level province >/dev/null
"$M" report reform --db t.db --from 2025-01-01 --to 2025-06-30 --format pdf --out r.pdf

# a CA kept by `openssl ca` (its database is what -revoke and -gencrl use)
mkdir newcerts crls other
: >index.txt
echo 01 >serial
cat >ca.cnf <<EOF
[ca]
default_ca = the_ca
[the_ca]
dir = $T
database = $T/index.txt
new_certs_dir = $T/newcerts
serial = $T/serial
certificate = $T/ca.pem
private_key = $T/ca.key
default_md = sha256
default_crl_days = 30
policy = any
unique_subject = no
x509_extensions = leaf
[any]
organizationName = optional
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
EOF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 \
	-subj "/O=Test/CN=Test Root CA" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
issue() { # name [openssl ca options]
	local n=$1
	shift
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$n.key" -out "$n.csr" \
		-subj "/O=Test/CN=$n" 2>/dev/null
	openssl ca -batch -config ca.cnf -in "$n.csr" -out "$n.pem" -notext -days 10 "$@" 2>/dev/null
}
issue good
issue revoked
issue weakcert -md sha1
openssl ca -config ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config ca.cnf -gencrl -out crls/ca.crl 2>/dev/null
openssl crl -in crls/ca.crl -noout -text | grep -q "Key Compromise" || fail "the CRL does not list the revocation"
# signed once revoked (a signature made with a revoked certificate is not trusted)
for n in good revoked weakcert; do
	"$M" signature sign r.pdf $n.pdf --key $n.key --cert $n.pem
done

# the revoked signer: intact, not trusted, a "revoked" warning on the certificate (CRL as a directory)
"$M" signature verify revoked.pdf --trust ca.pem --crl crls --json >vr.json
[ "$(json vr.json '[(s["valid"], s["trusted"], s["revocation"], s["status"]) for s in j]')" = \
	"[(True, False, 'revoked', 'warning')]" ] || { cat vr.json; fail "a revoked signer passes"; }
[ "$(json vr.json '[(w["type"], w["field"]) for w in j[0]["warnings"]]')" = "[('revoked', 'certificate')]" ] ||
	{ cat vr.json; fail "no revoked warning"; }
json vr.json 'j[0]["warnings"][0]["detail"]' | grep -q "keyCompromise" || fail "the reason is not said"
json vr.json 'j[0]["revoked_at"]' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' || fail "no revoked_at"
# the text output says it too
"$M" signature verify revoked.pdf --trust ca.pem --crl crls/ca.crl >vr.txt
grep -q "warning (revoked, certificate): the signer's certificate was revoked" vr.txt || { cat vr.txt; fail "text"; }
# without the CRL: not checked, trusted
"$M" signature verify revoked.pdf --trust ca.pem --json >vn.json
[ "$(json vn.json '[(s["trusted"], s["revocation"], s["status"]) for s in j]')" = "[(True, 'not-checked', 'valid')]" ] ||
	{ cat vn.json; fail "without a CRL"; }

# the good signer, the same CRL (as a file): good, no warning
"$M" signature verify good.pdf --trust ca.pem --crl crls/ca.crl --json >vg.json
[ "$(json vg.json '[(s["trusted"], s["revocation"], s["status"], s["warnings"]) for s in j]')" = \
	"[(True, 'good', 'valid', [])]" ] || { cat vg.json; fail "a good signer"; }
[ "$(json vg.json 'j[0]["digest_algorithm"]')" = sha256 ] || fail "digest_algorithm"

# a CRL of another CA with the same name is not applied (its signature does not verify)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout o.key -out o.pem -days 30 \
	-subj "/O=Test/CN=Test Root CA" 2>/dev/null
sed -e "s|$T/ca.pem|$T/o.pem|; s|$T/ca.key|$T/o.key|" ca.cnf >o.cnf
openssl ca -config o.cnf -gencrl -out other/o.crl 2>/dev/null
"$M" signature verify revoked.pdf --trust ca.pem --crl other --json >vx.json
[ "$(json vx.json '[(s["trusted"], s["revocation"]) for s in j]')" = "[(True, 'not-checked')]" ] ||
	{ cat vx.json; fail "a forged CRL was applied"; }

# a CRL past its nextUpdate: a warning on the crl
mkdir old
openssl ca -config ca.cnf -gencrl -crl_lastupdate 20200101000000Z -crl_nextupdate 20200102000000Z \
	-out old/old.crl 2>/dev/null
"$M" signature verify good.pdf --trust ca.pem --crl old --json >vo.json
[ "$(json vo.json '[(w["type"], w["field"]) for w in j[0]["warnings"]]')" = "[('crl-expired', 'crl')]" ] ||
	{ cat vo.json; fail "an expired CRL"; }

# a certificate signed with SHA-1: accepted, flagged on the certificate
"$M" signature verify weakcert.pdf --trust ca.pem --crl crls --json >vw.json
[ "$(json vw.json '[(s["valid"], s["trusted"], s["status"]) for s in j]')" = "[(True, True, 'warning')]" ] ||
	{ cat vw.json; fail "a SHA-1 certificate"; }
[ "$(json vw.json '[(w["type"], w["field"]) for w in j[0]["warnings"]]')" = "[('weak-algorithm', 'certificate')]" ] ||
	{ cat vw.json; fail "no weak-algorithm warning on the certificate"; }

# a CMS whose digest is SHA-1 over the same ByteRange: valid, flagged on digest_algorithm
python3 - good.pdf <<'PY'
import re, sys
d = open(sys.argv[1], 'rb').read()
m = re.search(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', d)
a, b, c, e = map(int, m.groups())
open('content.bin', 'wb').write(d[a:a + b] + d[c:c + e])
PY
openssl cms -sign -binary -md sha1 -signer good.pem -inkey good.key -in content.bin -outform DER -out sha1.der \
	-nosmimecap 2>/dev/null
python3 - good.pdf sha1.der sha1.pdf <<'PY'
import re, sys
d = bytearray(open(sys.argv[1], 'rb').read())
m = re.search(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', d)
a, b, c, e = map(int, m.groups())
h = open(sys.argv[2], 'rb').read().hex().encode()
room = c - 1 - (a + b + 1)
assert len(h) <= room
d[a + b + 1:c - 1] = h + b'0' * (room - len(h))
open(sys.argv[3], 'wb').write(d)
PY
"$M" signature verify sha1.pdf --trust ca.pem --json >vs.json
[ "$(json vs.json '[(s["valid"], s["digest_algorithm"], s["status"]) for s in j]')" = "[(True, 'sha1', 'warning')]" ] ||
	{ cat vs.json; fail "a SHA-1 digest"; }
[ "$(json vs.json '[(w["type"], w["field"]) for w in j[0]["warnings"]]')" = "[('weak-algorithm', 'digest_algorithm')]" ] ||
	{ cat vs.json; fail "no weak-algorithm warning on the digest"; }

# an unreadable CRL path: a clear refusal
if "$M" signature verify good.pdf --crl nowhere 2>err.txt; then fail "a missing CRL was accepted"; fi
grep -q "cannot read CRLs from nowhere" err.txt || fail "the missing CRL is not named"
echo "ok"

#!/usr/bin/env bash
# Benchmarks of the official documents (docs/documents.md), each beside a
# reference measured in the same run on the same machine, as the median of
# ROUNDS alternated rounds (motcua, then the reference, then the other way
# round …), as bench/run.sh does:
#
#   PAdES, in one process  bench/sign_bench.c: mc_sign_pdf / mc_sign_verify of a
#                             PDF of motcua's renderer vs OpenSSL's CMS_sign /
#                             CMS_verify of the same bytes with the same key and
#                             trust store, SIGN_N * 5 operations a round
#   PAdES signing          `motcua signature sign` of a PDF of motcua's renderer
#                             vs `openssl cms -sign` of the same file (SHA-256,
#                             the same key, DER, detached): one process per
#                             signature for both, SIGN_N signatures a round
#   PAdES verification     `motcua signature verify --trust CA` of the signed
#                             file vs `openssl cms -verify -CAfile` of its CMS
#                             over the bytes its ByteRange names
#   edXML reception        POST /api/v1/edxml of distinct signed packages (a new
#                             document each) vs nginx serving a static file of
#                             the same size, both through the same node client
#                             (bench/edxml_client.mjs), EDXML_CONNS at a time
#
# PARTS=sign,edxml picks the parts. Prints Markdown; states the load average.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
SIGN_N=${SIGN_N:-40}
EDXML_N=${EDXML_N:-400}         # packages a round (each one new document)
EDXML_CONNS=${EDXML_CONNS:-8}
KEY=${KEY:-rsa}                 # rsa (2048) or ec (P-256)
PARTS=${PARTS:-sign,edxml}
part() { [[ ",$PARTS," == *",$1,"* ]]; }

[ -x build/motcua ] || make build >/dev/null
bin=$PWD/build/motcua
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }
. bench/lib.sh
per_s() { awk -v n="$1" -v s="$2" -v e="$(now)" 'BEGIN {printf "%.1f", n/(e-s)}'; }
load=$(cut -d' ' -f1-3 /proc/loadavg)
src=$PWD
cd "$work"

# ---- keys: a test CA, the signer ----------------------------------------
keygen() { # name
  if [ "$KEY" = ec ]; then openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
  else openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; fi
}
keygen ca
openssl req -x509 -new -key ca.key -out ca.pem -days 30 -subj "/O=Bench/CN=Bench Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >ext.cnf
for who in signer peer; do
  keygen $who
  openssl req -new -key $who.key -out $who.csr -subj "/O=Bench/CN=$who" 2>/dev/null
  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $who.pem -days 10 \
    -extfile ext.cnf 2>/dev/null
done

if part sign; then
  # a PDF of motcua's own renderer, as test_pades_cli.sh takes
  "$bin" init --db r.db >/dev/null
  "$bin" unit add --db r.db --code T01 --name "Tỉnh Thử" --level province >/dev/null
  "$bin" report reform --db r.db --from 2025-01-01 --to 2025-06-30 --format pdf --out in.pdf
  size=$(stat -c %s in.pdf)
  "$bin" signature sign in.pdf signed.pdf --key signer.key --cert signer.pem >/dev/null
  # the CMS and the bytes its ByteRange names, for openssl cms -verify
  python3 - <<'PY'
import re
b = open('signed.pdf', 'rb').read()
m = re.search(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', b)
a, l1, c, l2 = map(int, m.groups())
open('content.bin', 'wb').write(b[a:a + l1] + b[c:c + l2])
open('cms.der', 'wb').write(bytes.fromhex(b[a + l1 + 1:c - 1].decode()))
PY
  openssl cms -verify -binary -inform DER -in cms.der -content content.bin -CAfile ca.pem -purpose any \
    -out /dev/null 2>/dev/null || { echo "bench: openssl does not verify motcua's CMS" >&2; exit 1; }
  "$bin" signature verify signed.pdf --trust ca.pem --json | grep -q '"valid": *true' ||
    { echo "bench: motcua does not verify its own signature" >&2; exit 1; }

  # in one process: motcua's sign layer against OpenSSL's CMS, same bytes, same key
  cc -std=c17 -O2 -I"$src/src" $(pkg-config --cflags libcrypto xmlsec1-openssl) "$src/bench/sign_bench.c" \
    "$src/build/libmotcua_sign.a" "$src/build/libmotcua_core.a" \
    $(pkg-config --libs libcrypto libp11 zlib xmlsec1-openssl libutf8proc libxml-2.0) -lm -o sign_bench
  for r in $(seq "$ROUNDS"); do
    log "signatures in one process, round $r of $ROUNDS"
    ./sign_bench in.pdf signer.key signer.pem ca.pem $((SIGN_N * 5)) >>inproc
  done
  ips=$(cut -d' ' -f1 inproc | median); ops=$(cut -d' ' -f2 inproc | median)
  ipv=$(cut -d' ' -f3 inproc | median); opv=$(cut -d' ' -f4 inproc | median)

  # from the command line: one process per operation for both
  m_sign() { for i in $(seq "$SIGN_N"); do "$bin" signature sign in.pdf out.pdf --key signer.key --cert signer.pem >/dev/null; done; }
  o_sign() { for i in $(seq "$SIGN_N"); do openssl cms -sign -binary -md sha256 -in in.pdf -signer signer.pem \
    -inkey signer.key -outform DER -out out.der -nosmimecap 2>/dev/null; done; }
  m_verify() { for i in $(seq "$SIGN_N"); do "$bin" signature verify signed.pdf --trust ca.pem >/dev/null; done; }
  o_verify() { for i in $(seq "$SIGN_N"); do openssl cms -verify -binary -inform DER -in cms.der -content content.bin \
    -CAfile ca.pem -purpose any -out /dev/null 2>/dev/null; done; }
  m_start() { for i in $(seq "$SIGN_N"); do "$bin" help >/dev/null 2>&1 || true; done; }
  o_start() { for i in $(seq "$SIGN_N"); do openssl version >/dev/null; done; }
  for r in $(seq "$ROUNDS"); do
    log "signatures from the command line, round $r of $ROUNDS"
    if (( r % 2 )); then order="m o"; else order="o m"; fi
    for who in $order; do
      for op in sign verify start; do
        t=$(now); ${who}_$op; per_s "$SIGN_N" "$t" >>"$op-$who"; echo >>"$op-$who"
      done
    done
  done
  ms=$(median <sign-m); os=$(median <sign-o); mv=$(median <verify-m); ov=$(median <verify-o)
  mst=$(median <start-m); ost=$(median <start-o)
  echo "PAdES signatures of a $size-byte PDF of motcua's renderer, $( [ "$KEY" = ec ] && echo "ECDSA P-256" || echo "RSA-2048") key, SHA-256 (load average at the start: $load; $(nproc) cores)."
  echo
  echo "In one process (bench/sign_bench.c), $((SIGN_N * 5)) operations of each a round; medians of $ROUNDS rounds:"
  echo
  echo '| operation | motcua (`mc_sign_pdf`, `mc_sign_verify`) | OpenSSL (`CMS_sign`, `CMS_verify`) | motcua / OpenSSL |'
  echo "|---|---|---|---|"
  echo "| sign | $ips /s | $ops /s | $(ratio "$ips" "$ops") |"
  echo "| verify, chain to the CA | $ipv /s | $opv /s | $(ratio "$ipv" "$opv") |"
  echo
  echo "From the command line, one process per operation for both, $SIGN_N a round; medians of $ROUNDS alternated rounds:"
  echo
  echo "| operation | motcua | openssl cms | motcua / openssl |"
  echo "|---|---|---|---|"
  echo '| sign (`motcua signature sign` vs `openssl cms -sign`) | '"$ms /s | $os /s | $(ratio "$ms" "$os") |"
  echo '| verify (`motcua signature verify --trust` vs `openssl cms -verify -CAfile`) | '"$mv /s | $ov /s | $(ratio "$mv" "$ov") |"
  echo '| start-up only (`motcua help` vs `openssl version`) | '"$mst /s | $ost /s | $(ratio "$mst" "$ost") |"
  echo
fi

if part edxml; then
  PEER=000.00.00.H26; DISTRICT=000.00.33.H56
  export MOTCUA_DEMO_PASSWORD=bench-password
  # the PDF the packages carry: a signed PDF of motcua's renderer, as issued documents carry theirs
  if [ ! -f signed.pdf ]; then
    "$bin" init --db r.db >/dev/null
    "$bin" unit add --db r.db --code T01 --name "Tỉnh Thử" --level province >/dev/null
    "$bin" report reform --db r.db --from 2025-01-01 --to 2025-06-30 --format pdf --out in.pdf
    "$bin" signature sign in.pdf signed.pdf --key signer.key --cert signer.pem >/dev/null
  fi
  pdf64=$(base64 -w0 signed.pdf)
  total=$((EDXML_N * (ROUNDS + 1)))
  log "signing $total distinct packages with xmlsec1"
  mkdir -p pkg
  for i in $(seq 1 "$total"); do
    cat >t.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXMLEnvelope xmlns:edXML="http://www.e-doc.vn/Schema/"><edXML:edXMLHeader><edXML:MessageHeader><edXML:From><edXML:OrganId>$PEER</edXML:OrganId><edXML:OrganName>UBND tỉnh Thử Hai</edXML:OrganName></edXML:From><edXML:To><edXML:OrganId>$DISTRICT</edXML:OrganId></edXML:To><edXML:DocumentId>$PEER,$i,$DISTRICT,0</edXML:DocumentId><edXML:Code><edXML:CodeNumber>$i</edXML:CodeNumber><edXML:CodeNotation>UBND-VP</edXML:CodeNotation></edXML:Code><edXML:PromulgationInfo><edXML:Place>Thử Hai</edXML:Place><edXML:PromulgationDate>2026-12-01</edXML:PromulgationDate></edXML:PromulgationInfo><edXML:DocumentType><edXML:Type>2</edXML:Type><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType><edXML:Subject>Về việc phối hợp giải quyết thủ tục hành chính liên tỉnh số $i</edXML:Subject><edXML:SignerInfo><edXML:Position>CHỦ TỊCH</edXML:Position><edXML:FullName>Trần Văn Hai</edXML:FullName></edXML:SignerInfo><edXML:OtherInfo><edXML:Priority>1</edXML:Priority></edXML:OtherInfo></edXML:MessageHeader><edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>$PEER</edXML:OrganId><edXML:Timestamp>2026-12-01T09:00:00+07:00</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="$( [ "$KEY" = ec ] && echo http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256 || echo http://www.w3.org/2001/04/xmldsig-more#rsa-sha256)"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature></edXML:edXMLHeader><edXML:edXMLBody><edXML:AttachmentEncoded><edXML:ContentId>cid:1</edXML:ContentId><edXML:AttachmentName>$i-UBND-VP.pdf</edXML:AttachmentName><edXML:ContentType>application/pdf</edXML:ContentType><edXML:ContentTransferEncoded>base64</edXML:ContentTransferEncoded><edXML:AttachmentText>$pdf64</edXML:AttachmentText></edXML:AttachmentEncoded></edXML:edXMLBody></edXML:edXMLEnvelope>
XML
    xmlsec1 --sign --privkey-pem peer.key,peer.pem --output "pkg/$i.xml" t.xml 2>/dev/null
  done
  size=$(stat -c %s pkg/1.xml)

  # the receiver: the demo province, H26 its peer, the district's incoming register
  "$bin" init --db recv.db --demo --dossiers 5 >/dev/null 2>&1
  echo "*.H26 http://127.0.0.1:9/api/v1/edxml $work/peer.pem" >peers
  port=$(free_port)
  MOTCUA_EXCHANGE_PEERS=$work/peers MOTCUA_EXCHANGE_KEY_FILE=$work/signer.key \
    MOTCUA_EXCHANGE_CERT_FILE=$work/signer.pem MOTCUA_PUBLIC_URL="http://127.0.0.1:$port" \
    "$bin" serve --db recv.db --listen "127.0.0.1:$port" >server.out 2>server.err &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening server.out && break; sleep 0.1; done
  tok=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/document-registers" -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' -d "{\"unit\":\"$DISTRICT\",\"box\":\"in\",\"organ_abbr\":\"UBND\"}"

  # the reference: nginx serving a static file of the package's size, access log on
  nport=$(free_port)
  mkdir -p www
  head -c "$size" /dev/zero | tr '\0' ' ' >www/package.xml
  cat >nginx.conf <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$nport; root $work/www; default_type application/xml; }
}
NGINX
  nginx -c "$work/nginx.conf"
  sleep 0.3

  client=$src/bench/edxml_client.mjs
  # warm-up: the first EDXML_N packages
  node "$client" post "http://127.0.0.1:$port/api/v1/edxml" pkg 1 "$EDXML_N" "$EDXML_CONNS" >/dev/null
  node "$client" get "http://127.0.0.1:$nport/package.xml" "$EDXML_N" "$EDXML_CONNS" >/dev/null
  for r in $(seq "$ROUNDS"); do
    if (( r % 2 )); then order="m n"; else order="n m"; fi
    for who in $order; do
      if [ "$who" = m ]; then
        node "$client" post "http://127.0.0.1:$port/api/v1/edxml" pkg $((r * EDXML_N + 1)) "$EDXML_N" "$EDXML_CONNS" >>edxml-m
      else
        node "$client" get "http://127.0.0.1:$nport/package.xml" "$EDXML_N" "$EDXML_CONNS" >>edxml-n
      fi
    done
    log "edXML round $r: motcua $(tail -1 edxml-m)/s, nginx $(tail -1 edxml-n)/s"
  done
  stored=$(sqlite3 recv.db "SELECT count(*) FROM document_file f JOIN document d ON d.id = f.document_id WHERE d.box = 2" 2>/dev/null || echo "?")
  em=$(median <edxml-m); en=$(median <edxml-n)
  echo "edXML packages received: POST /api/v1/edxml of $((EDXML_N * ROUNDS)) distinct packages of $size bytes (a new document each, signed with xmlsec1 by the peer's ${KEY} key, carrying a signed PDF), $EDXML_CONNS at a time from one node client, $EDXML_N a round; nginx serving a static file of the same size to the same client; access log on for both; medians of $ROUNDS alternated rounds (load average at the start: $load; $(nproc) cores). Copies with their PDF stored: $stored."
  echo
  echo "| | motcua POST /api/v1/edxml | nginx GET, same size | motcua / nginx |"
  echo "|---|---|---|---|"
  echo "| packages (requests) per second | $em /s | $en /s | $(ratio "$em" "$en") |"
  echo
fi

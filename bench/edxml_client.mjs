// bench/edxml_client.mjs - the client of bench/documents.sh's edXML figure:
// COUNT requests, CONNS at a time, through one node process (fetch), and
// prints the requests per second. Each request must answer its status.
//
//   node edxml_client.mjs post URL DIR FIRST COUNT CONNS   POST DIR/FIRST.xml …, 201 each
//   node edxml_client.mjs get URL COUNT CONNS              GET URL, 200 each
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, url, ...rest] = process.argv.slice(2);
let count, conns, body = () => undefined, expect = 200, method = 'GET';
if (mode === 'post') {
  const [dir, first, n, c] = rest;
  count = Number(n); conns = Number(c); method = 'POST'; expect = 201;
  // read before the clock starts: the client measures the server, not the disk
  const files = [];
  for (let i = 0; i < count; i++) files.push(readFileSync(join(dir, `${Number(first) + i}.xml`)));
  body = (i) => files[i];
} else {
  [count, conns] = rest.map(Number);
}
let next = 0, bad = 0, lastBad = '';
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= count) return;
    const res = await fetch(url, { method, body: body(i), headers: method === 'POST' ? { 'Content-Type': 'application/xml' } : {} });
    const text = await res.arrayBuffer();
    if (res.status !== expect) { bad++; lastBad = `${res.status} ${Buffer.from(text).toString().slice(0, 300)}`; }
  }
}
const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: conns }, worker));
const s = Number(process.hrtime.bigint() - t0) / 1e9;
if (bad) {
  console.error(`edxml_client: ${bad} of ${count} answered otherwise than ${expect}; last: ${lastBad}`);
  process.exit(1);
}
console.log((count / s).toFixed(1));

// docs/openapi.yaml describes every route of the route table with each of its
// methods, so the API reference cannot drift from the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './harness.mjs';
import { ROOT } from './helpers.mjs';

test('docs/openapi.yaml is well-formed YAML', () => {
  execFileSync('python3', ['-c', 'import sys, yaml; yaml.safe_load(open(sys.argv[1], encoding="utf-8"))',
    join(ROOT, 'docs', 'openapi.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
});

test('every route and method is in docs/openapi.yaml, and the document names no route the server lacks', () => {
  const routes = JSON.parse(execFileSync(BIN, ['routes', '--json'], { encoding: 'utf8' }));
  const doc = readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8');
  // The paths section: two-space keys starting with "/" up to "components:".
  const paths = doc.slice(doc.indexOf('\npaths:'), doc.indexOf('\ncomponents:'));
  const blocks = {};
  let current = null;
  for (const line of paths.split('\n')) {
    const p = /^ {2}(\/[^:]*):\s*$/.exec(line);
    if (p) { current = p[1]; blocks[current] = new Set(); continue; }
    const m = /^ {4}(get|post|put|patch|delete):\s*$/.exec(line);
    if (m && current) blocks[current].add(m[1].toUpperCase());
  }
  for (const r of routes) {
    assert.ok(blocks[r.pattern], `docs/openapi.yaml has no path ${r.pattern}`);
    for (const m of r.methods) assert.ok(blocks[r.pattern].has(m), `docs/openapi.yaml lacks ${m} ${r.pattern}`);
  }
  const served = new Set(routes.map((r) => r.pattern));
  for (const p of Object.keys(blocks)) assert.ok(served.has(p), `docs/openapi.yaml describes ${p}, which the server does not serve`);
});

test('every problem type of the registry is in the Problem schema and its table, with its status', () => {
  const registry = readFileSync(join(ROOT, 'src', 'http', 'problem.c'), 'utf8');
  const doc = readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8');
  const entries = [...registry.matchAll(/\[MC_PROB_[A-Z_]+\] = \{"([a-z0-9-]+)", (\d{3}),/g)];
  assert.ok(entries.length > 20, 'the registry was read');
  for (const [, slug, status] of entries) {
    assert.ok(doc.includes(`            - urn:motcua:problem:${slug}\n`), `the Problem enum lacks ${slug}`);
    assert.match(doc, new RegExp(`\\| \`urn:motcua:problem:${slug}\` \\| ${status} \\|`), `the problem table lacks ${slug} (${status})`);
  }
});

// `make bench`: runs the four drivers one after another on this machine — our core native
// (Rust), our core as wasm in Node, the peer with its clock fast-forwarded, the peer on its real
// clock — each in its own process under a time cap, measures both bundles, and prints one
// table (also written to bench/results/latest.md and latest.json).
//
// Usage: node run.mjs [--requests N] [--no-real]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';

const here = new URL('.', import.meta.url).pathname;
const args = process.argv.slice(2);
const requests = Number(args[args.indexOf('--requests') + 1] || 10000) || 10000;
const withReal = !args.includes('--no-real');

/** Runs one driver under `capS` seconds; its JSON lines keyed by step (partial on timeout). */
function drive(label, cmd, argv, capS, env = {}) {
  process.stderr.write(`bench: ${label} (cap ${capS} s)…\n`);
  const r = spawnSync(cmd, argv, {
    cwd: here,
    encoding: 'utf8',
    timeout: capS * 1000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 << 20,
    env: { ...process.env, ...env },
  });
  const steps = {};
  for (const line of (r.stdout ?? '').split('\n')) {
    if (!line.startsWith('{')) continue;
    const s = JSON.parse(line);
    steps[s.step] = s;
  }
  if (r.status !== 0) {
    const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${capS} s` : `exit ${r.status}`;
    process.stderr.write(`bench: ${label} ${why}\n${(r.stderr ?? '').slice(-2000)}\n`);
    steps._note = why;
  }
  return steps;
}

const runs = {
  native: drive('ours, native', join(here, 'wasm/target/native/kubeplay-bench-native'), [String(requests)], 300),
  wasm: drive('ours, wasm in Node', 'node', ['wasm.mjs', String(requests)], 300),
  peerFf: drive('peer, clock fast-forwarded', 'node', ['--import', './resolve-hook.mjs', 'peer.mjs', 'ff', String(requests)], 1500),
};
if (withReal) {
  // Real clock: same scenarios minus the per-request-cost runs (their CPU is the ff run's).
  runs.peerReal = drive('peer, real clock', 'node', ['--import', './resolve-hook.mjs', 'peer.mjs', 'real', String(requests)], 1200, { BENCH_FLAT: '' });
}

// ---- bundles -------------------------------------------------------------------------------
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}
const dist = join(here, '../dist');
let ours;
if (existsSync(dist)) {
  const all = [...files(dist)];
  const wasmRaw = all.filter((p) => p.endsWith('.wasm')).reduce((a, p) => a + statSync(p).size, 0);
  ours = { what: 'dist/ (trunk build --release: page wasm + JS + CSS + HTML)', gzip: all.reduce((a, p) => a + gz(p), 0), wasmRaw };
} else {
  const pkg = join(here, 'pkg');
  const parts = ['kubeplay_bench_bg.wasm', 'kubeplay_bench.js'].map((f) => join(pkg, f));
  ours = { what: 'core only: bench/pkg wasm + JS glue (no UI, no wasm-opt; dist/ not built)', gzip: parts.reduce((a, p) => a + gz(p), 0) };
}
// Trunk runs wasm-opt on the page; when the repo's binaryen is installed, show what it does to ours.
const wasmOpt = join(here, '../node_modules/.bin/wasm-opt');
if (!existsSync(dist) && existsSync(wasmOpt)) {
  const optOut = join(here, 'results/core-oz.wasm');
  const r = spawnSync(wasmOpt, ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', join(here, 'pkg/kubeplay_bench_bg.wasm'), '-o', optOut], { timeout: 300_000 });
  if (r.status === 0) ours.afterWasmOpt = gz(optOut) + gz(join(here, 'pkg/kubeplay_bench.js'));
}
const peerOut = join(here, 'results/peer-bundle.min.js');
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results/peer-entry.mjs'), "export { Cluster, BaseImage } from '@ngrok/webernetes';\n");
const eb = spawnSync(join(here, 'node_modules/.bin/esbuild'), ['results/peer-entry.mjs', '--bundle', '--minify', '--format=esm', '--platform=browser', `--outfile=${peerOut}`, '--log-level=warning'], { cwd: here, encoding: 'utf8' });
const peer = eb.status === 0
  ? { what: '@ngrok/webernetes 0.3.5 dist/ bundled for the browser with esbuild --minify (buffer, events polyfills included)', gzip: gz(peerOut), raw: statSync(peerOut).size }
  : { what: `esbuild failed: ${eb.stderr}`, gzip: NaN };

// ---- table ---------------------------------------------------------------------------------
const f1 = (x) => (x == null || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const cell = (run, step, key = 'cpu_ms') => runs[run]?.[step]?.[key];
const okOf = (run, step) => {
  const s = runs[run]?.[step];
  if (!s) return '';
  if (s.timeout) return ' (cap)';
  const r = s.result ?? {};
  return r.ok === false ? ' (FAIL)' : '';
};
const rows = [
  ['1. init → 3 nodes + system pods Ready', 's1_init'],
  ['1′. same, warm (second cluster in the process)', 's1_init_warm'],
  ['2. Deployment×3 + Service + client → 3 endpoints', 's2_deploy'],
  ['2′. same, warm', 's2_deploy_warm'],
  [`3. ${requests} requests client → Service by name (exec)`, 's3_exec'],
  ['4a. scale 3 → 100 Ready', 's4_scale100'],
  ['4b. scale 100 → 300 Ready', 's4_scale300'],
  ['4c. 100 Services × 3 pods, all routed', 's4_services100'],
];
const out = [];
out.push(`Machine: ${cpus().length} CPUs (${cpus()[0]?.model}), node ${process.version}. Times in ms.`);
out.push('CPU = process CPU time (native: thread on-CPU time). ff = peer with its Clock paused and stepped (idle time fast-forwarded). real = peer on its real clock (wall includes its waits).');
out.push('');
out.push('| scenario | ours native CPU | ours wasm CPU | ours wasm wall | peer ff CPU | peer ff wall | peer real CPU | peer real wall | ours/peer (wasm CPU ÷ peer ff CPU) | speedup |');
out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const summary = {};
for (const [label, step] of rows) {
  const w = cell('wasm', step);
  const p = cell('peerFf', step);
  const ratio = w / p;
  summary[step] = { native: cell('native', step), wasm: w, wasmWall: cell('wasm', step, 'wall_ms'), peerFf: p, peerFfWall: cell('peerFf', step, 'wall_ms'), peerReal: cell('peerReal', step), peerRealWall: cell('peerReal', step, 'wall_ms'), speedup: p / w };
  out.push(`| ${label} | ${f1(cell('native', step))}${okOf('native', step)} | ${f1(w)}${okOf('wasm', step)} | ${f1(cell('wasm', step, 'wall_ms'))} | ${f1(p)}${okOf('peerFf', step)} | ${f1(cell('peerFf', step, 'wall_ms'))} | ${f1(cell('peerReal', step))}${okOf('peerReal', step)} | ${f1(cell('peerReal', step, 'wall_ms'))} | ${f1(ratio)} | ${f1(p / w)}× |`);
}
out.push('');
const rps = (run, step) => {
  const s = runs[run]?.[step];
  return s ? `${f1((s.result.requests / s.cpu_ms) * 1000)} req/s CPU, ${f1((s.result.requests / s.wall_ms) * 1000)} req/s wall, ${s.result.ok}/${s.result.requests} ok, ${s.result.backends} backends` : '—';
};
out.push('Scenario 3 detail:');
out.push(`- ours native, kubectl exec … curl: ${rps('native', 's3_exec')}`);
out.push(`- ours native, tools API curl:      ${rps('native', 's3_tools')}`);
out.push(`- ours wasm,   kubectl exec … curl: ${rps('wasm', 's3_exec')}`);
out.push(`- ours wasm,   tools API curl:      ${rps('wasm', 's3_tools')}`);
out.push(`- peer ff,     cluster.exec wget:   ${rps('peerFf', 's3_exec')}`);
out.push(`- peer real,   cluster.exec wget:   ${rps('peerReal', 's3_exec')}`);
out.push('');
out.push('Per-request CPU µs (1,000 requests) vs Services in the namespace:');
out.push('| Services | ours native exec | ours native tools | ours wasm exec | ours wasm tools | peer ff exec |');
out.push('|---:|---:|---:|---:|---:|---:|');
const per = (run, step) => { const s = runs[run]?.[step]; return s ? (s.cpu_ms * 1000) / s.result.requests : undefined; };
for (const n of [10, 100, 1000]) {
  out.push(`| ${n} | ${f1(per('native', `flat_exec_${n}`))} | ${f1(per('native', `flat_tools_${n}`))} | ${f1(per('wasm', `flat_exec_${n}`))} | ${f1(per('wasm', `flat_tools_${n}`))} | ${f1(per('peerFf', `flat_exec_${n}`))}${okOf('peerFf', `flat_exec_${n}`)} |`);
}
const flatRatio = (run, kind) => per(run, `flat_${kind}_1000`) / per(run, `flat_${kind}_10`);
out.push(`| 1000/10 | ${f1(flatRatio('native', 'exec'))} | ${f1(flatRatio('native', 'tools'))} | ${f1(flatRatio('wasm', 'exec'))} | ${f1(flatRatio('wasm', 'tools'))} | ${f1(flatRatio('peerFf', 'exec'))} |`);
out.push('');
out.push('5. Bundle (gzip -9 bytes):');
out.push(`- ours: ${ours.gzip} B — ${ours.what}`);
out.push(`- peer: ${peer.gzip} B — ${peer.what}`);
if (ours.afterWasmOpt) out.push(`- ours after wasm-opt -Oz (as Trunk would): ${ours.afterWasmOpt} B, ours/peer ${f1(ours.afterWasmOpt / peer.gzip)}`);
out.push(`- ours/peer: ${f1(ours.gzip / peer.gzip)}`);
for (const [k, v] of Object.entries(runs)) if (v._note) out.push(`Note: ${k} ${v._note}`);
const text = out.join('\n');
console.log(text);
writeFileSync(join(here, 'results/latest.md'), text + '\n');
writeFileSync(join(here, 'results/latest.json'), JSON.stringify({ requests, runs, summary, bundle: { ours, peer } }, null, 2));

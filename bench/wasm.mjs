// Our core as wasm in Node: the same step sequence as bench/wasm/src/bin/native.rs, over the
// wasm-bindgen (--target nodejs) build in bench/pkg, printing one JSON line per step.
// Usage: node wasm.mjs [REQUESTS] | node wasm.mjs --only s6 [N] (just the apply benchmark, N
// Deployments, default 1,000)
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { Bench } = require('./pkg/kubeplay_bench.js');
const requests = Number(process.argv[2] ?? 10000);
const only = process.argv[2] === '--only' ? process.argv[3] : null;

function step(name, f) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = JSON.parse(f());
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ step: name, wall_ms: wall, cpu_ms: (cpu.user + cpu.system) / 1000, result }));
}

if (only === 's6') {
  applyMany(Number(process.argv[4] ?? 1000));
  process.exit(0);
}

let b;
step('s1_init', () => {
  b = new Bench(1);
  return b.init_report();
});
step('s2_deploy', () => b.deploy());
step('s3_exec', () => b.requests_exec(requests));
step('s3_tools', () => b.requests_tools(requests, 'http://web/'));
b.add_workers(2);
step('s4_scale100', () => b.scale(100));
step('s4_scale300', () => b.scale(300));
b.free();

// Warm: the same work again once V8 has compiled the module's hot functions.
let m;
step('s1_init_warm', () => {
  m = new Bench(2);
  return m.init_report();
});
m.add_workers(2);
step('s2_deploy_warm', () => m.deploy());
step('s4_services100', () => m.many_services(100));
m.free();

const f = new Bench(3);
f.deploy();
for (const total of [10, 100, 1000]) {
  f.grow_services(total);
  step(`flat_exec_${total}`, () => f.requests_exec(1000));
  step(`flat_tools_${total}`, () => f.requests_tools(1000, 'http://web/'));
}
f.free();

// The cluster issue's benchmark: 1,000 Deployments × 3 + 1,000 Services in one apply, to
// all-Ready and routed (28 extra workers hold the 3,000 pods).
applyMany(1000);

function applyMany(n) {
  const big = new Bench(4);
  big.add_workers(Math.max(2, Math.ceil((n * 3) / 110)));
  big.deploy();
  step(`s6_apply_${n}`, () => big.many_services(n));
  big.free();
}

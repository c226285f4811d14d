// The peer's side of the benchmark: the same scenarios as bench/wasm/src/lib.rs, run against
// @ngrok/webernetes 0.3.5, printing one JSON line per step like the native driver.
//
// Usage: node peer.mjs MODE [REQUESTS]
//   MODE real: the peer as shipped, on its real-time clock (waits are real waits).
//   MODE ff:   its own Clock paused and stepped (Clock.pause/step, its public API), so idle
//              simulated time is fast-forwarded: the loop steps STEP_MS of simulated time, then
//              yields one macrotask turn so native promise chains settle, checking the condition
//              every simulated second. Wall time then counts only the work, like ours.
import { performance } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { BaseImage, Cluster } from '@ngrok/webernetes';

const mode = process.argv[2] ?? 'ff';
const requests = Number(process.argv[3] ?? 10000);
const FF = mode === 'ff';
const STEP_MS = 10;
/** Caps: simulated ms per wait (ff), real ms per wait (real). */
const SIM_CAP_MS = 600_000;
const WALL_CAP_MS = 120_000;

/** The whoami our core simulates: answers with the pod's name, so backends can be counted. */
class Whoami extends BaseImage {
  static imageName = 'traefik/whoami';
  static imageVersion = 'latest';
  defaultCommand = ['whoami'];
  async exec(ctx, argv) {
    if (argv[0] !== 'whoami') return await super.exec(ctx, argv);
    ctx.listenHttp(80, async () => ({ status: 200, body: `Hostname: ${ctx.pod.name}\n` }));
    return await ctx.waitUntilKilled();
  }
}

function newCluster() {
  const c = new Cluster();
  c.registerImage(Whoami);
  if (FF) c.clock.pause();
  return c;
}

/** Awaits `promise`; in ff mode steps the paused clock while it is pending. */
async function drive(c, promise) {
  if (!FF) return await promise;
  let done = false;
  const p = promise.finally(() => { done = true; });
  let spent = 0;
  while (!done) {
    await tick();
    if (done) break;
    c.clock.step(STEP_MS);
    spent += STEP_MS;
    if (spent > SIM_CAP_MS) throw new Error('simulated time cap reached while driving a call');
  }
  return await p;
}

/** Waits until `cond()` resolves true, checking every simulated second (ff, as ours does) or every
 * 200 ms (real); the simulated (ff) or real ms it took, or null at the cap. */
async function waitUntil(c, cond) {
  const simStart = c.clock.nowMs();
  const wallStart = performance.now();
  for (;;) {
    if (await drive(c, cond())) return FF ? c.clock.nowMs() - simStart : performance.now() - wallStart;
    if (FF) {
      if (c.clock.nowMs() - simStart > SIM_CAP_MS) return null;
      // One simulated second in STEP_MS steps, letting promise chains settle after each: one
      // big step would run every timer in it back to back with no async progress in between,
      // inflating the peer's simulated time to readiness (90 s instead of ~10 s for 300 pods).
      for (let t = 0; t < 1000; t += STEP_MS) {
        c.clock.step(STEP_MS);
        await tick();
      }
    } else {
      if (performance.now() - wallStart > WALL_CAP_MS) return null;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const isReady = (o) => (o.status?.conditions ?? []).some((k) => k.type === 'Ready' && k.status === 'True');

async function nodesReady(c) {
  const nodes = await c.api.corev1.listNode();
  return nodes.items.filter(isReady).length;
}

async function systemPodsReady(c) {
  const pods = await c.api.corev1.listNamespacedPod({ namespace: 'kube-system' });
  return pods.items.length > 0 && pods.items.every(isReady);
}

async function podReady(c, name) {
  const pods = await c.api.corev1.listNamespacedPod({ namespace: 'default' });
  return pods.items.some((p) => p.metadata?.name === name && isReady(p));
}

async function readyEndpoints(c, svc) {
  const slices = await c.api.discoveryv1.listNamespacedEndpointSlice({
    namespace: 'default',
    labelSelector: `kubernetes.io/service-name=${svc}`,
  });
  return slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready === true).length;
}

/** Ready endpoints per Service, from one list of all slices. */
async function readyEndpointsAll(c) {
  const slices = await c.api.discoveryv1.listNamespacedEndpointSlice({ namespace: 'default' });
  const by = new Map();
  for (const s of slices.items) {
    const name = s.metadata?.labels?.['kubernetes.io/service-name'];
    const n = (s.endpoints ?? []).filter((e) => e.conditions?.ready === true).length;
    by.set(name, (by.get(name) ?? 0) + n);
  }
  return by;
}

function app(name, replicas) {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'whoami', image: 'traefik/whoami', ports: [{ containerPort: 80 }] }] },
        },
      },
    },
    service(name, name),
  ];
}

function service(name, appLabel) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: appLabel }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
  };
}

const client = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'client', labels: { app: 'client' } },
  spec: { containers: [{ name: 'client', image: 'busybox:1.36', command: ['sleep', '1000000'] }] },
};

async function init() {
  const c = newCluster();
  await drive(c, c.init());
  const sim = await waitUntil(c, async () => (await nodesReady(c)) >= 3 && (await systemPodsReady(c)));
  const pods = (await drive(c, c.api.corev1.listNamespacedPod({ namespace: 'kube-system' }))).items.length;
  return [c, { ok: sim !== null, nodes_ready: await drive(c, nodesReady(c)), system_pods: pods, wait_ms: sim }];
}

async function deploy(c) {
  await drive(c, c.apply([...app('web', 3), client]));
  const w = await waitUntil(c, async () => (await readyEndpoints(c, 'web')) === 3 && (await podReady(c, 'client')));
  return { ok: w !== null, endpoints: await drive(c, readyEndpoints(c, 'web')), wait_ms: w };
}

async function requestsExec(c, n, url = 'http://web/') {
  let ok = 0;
  const backends = new Set();
  for (let i = 0; i < n; i++) {
    const r = await drive(c, c.exec('default', 'client', undefined, ['wget', '-qO-', url]));
    if (r.exitCode === 0) ok++;
    const h = /^Hostname: (.*)$/m.exec(r.stdout);
    if (h) backends.add(h[1]);
  }
  return { ok, requests: n, backends: backends.size };
}

async function scale(c, replicas) {
  await drive(c, c.apply([app('web', replicas)[0]]));
  const w = await waitUntil(c, async () => (await readyEndpoints(c, 'web')) === replicas);
  return { ok: w !== null, endpoints: await drive(c, readyEndpoints(c, 'web')), wait_ms: w };
}

async function manyServices(c, n) {
  const objs = [];
  for (let i = 0; i < n; i++) objs.push(...app(`app-${i}`, 3));
  await drive(c, c.apply(objs));
  const w = await waitUntil(c, async () => {
    const by = await readyEndpointsAll(c);
    for (let i = 0; i < n; i++) if (by.get(`app-${i}`) !== 3) return false;
    return true;
  });
  let routed = 0;
  if (w !== null) {
    for (let i = 0; i < n; i++) {
      const r = await requestsExec(c, 1, `http://app-${i}/`);
      if (r.ok === 1) routed++;
    }
  }
  return { ok: w !== null && routed === n, routed, wait_ms: w };
}

async function growServices(c, total) {
  const have = (await drive(c, c.api.corev1.listNamespacedService({ namespace: 'default' }))).items.length;
  const objs = [];
  for (let i = have; i < total; i++) objs.push(service(`extra-${i}`, 'web'));
  if (objs.length) await drive(c, c.apply(objs));
  await waitUntil(c, async () => (await readyEndpointsAll(c)).size >= total - 1);
}

/** Wall-clock cap per step (ms); past it the step is reported as timed out and the run ends. */
const STEP_CAP_MS = Number(process.env.BENCH_STEP_CAP_MS ?? 240_000);

async function step(name, f) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let timer;
  const cap = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), STEP_CAP_MS); });
  const result = await Promise.race([f(), cap]);
  clearTimeout(timer);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const line = { step: name, wall_ms: wall, cpu_ms: (cpu.user + cpu.system) / 1000 };
  if (result === 'timeout') {
    console.log(JSON.stringify({ ...line, timeout: true, result: { ok: false } }));
    process.exit(0);
  }
  console.log(JSON.stringify({ ...line, result }));
}

let c;
await step('s1_init', async () => { const [cl, r] = await init(); c = cl; return r; });
await step('s2_deploy', () => deploy(c));
await step('s3_exec', () => requestsExec(c, requests));
await step('s4_scale100', () => scale(c, 100));
await step('s4_scale300', () => scale(c, 300));
await c.close().catch(() => {});

// Warm: the same work again once V8 has compiled the peer's hot functions.
let m;
await step('s1_init_warm', async () => { const [cl, r] = await init(); m = cl; return r; });
await step('s2_deploy_warm', () => deploy(m));
await step('s4_services100', () => manyServices(m, 100));
await m.close().catch(() => {});

// BENCH_FLAT: the Service counts for the per-request-cost runs ("" skips them).
const flat = (process.env.BENCH_FLAT ?? '10,100,1000').split(',').filter(Boolean).map(Number);
if (flat.length === 0) process.exit(0);
const [f] = await init();
await deploy(f);
for (const total of flat) {
  await growServices(f, total);
  await step(`flat_exec_${total}`, () => requestsExec(f, 1000));
}
await f.close().catch(() => {});
process.exit(0);

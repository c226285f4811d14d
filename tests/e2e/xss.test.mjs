// Cross-site scripting: ≥ 30 payloads placed everywhere a learner, a share link or a host page
// can put text — editor content, ConfigMap data, annotations, labels (where valid), env values,
// container args, HTTP bodies served by images, file names and contents, terminal input, the
// inspector, share links, embed attributes and inline content. None may execute (window.__xss
// stays unset, no dialog opens, no element carries a payload as markup) and each shows as text.
// The pages are served with their CSP meta tag stripped, so the CSP cannot hide a hole: the app
// itself must never turn text into markup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { shared, run } from './harness.mjs';

const ctx = shared({ before, after });

const ONE_LINE = [
  '<img src=x onerror="window.__xss=1">',
  '<svg onload=window.__xss=2>',
  '<script>window.__xss=3</script>',
  '</script><script>window.__xss=4</script>',
  'javascript:window.__xss=5',
  '<a href="javascript:window.__xss=6">click</a>',
  '<iframe src="javascript:window.__xss=7"></iframe>',
  '<body onload=window.__xss=8>',
  '"><img src=x onerror=window.__xss=9>',
  "'><svg/onload=window.__xss=10>",
  '${window.__xss=11}',
  '`${window.__xss=12}`',
  "{{constructor.constructor('window.__xss=13')()}}",
  '<details open ontoggle=window.__xss=14>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=15>',
  '<input autofocus onfocus=window.__xss=16>',
  '<video><source onerror=window.__xss=17>',
  '<object data="javascript:window.__xss=18">',
  '<embed src="javascript:window.__xss=19">',
  "<style>@import 'javascript:window.__xss=20';</style>",
  '<div style="background:url(javascript:window.__xss=21)">',
  '" onmouseover="window.__xss=22" x="',
  "' onfocus='window.__xss=23' autofocus x='",
  '<marquee onstart=window.__xss=24>',
  '<form><button formaction=javascript:window.__xss=25>x</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=26">',
  '<base href="javascript:window.__xss=27//">',
  '&lt;img src=x onerror=window.__xss=28&gt;',
  '<template><img src=x onerror=window.__xss=29></template>',
  '<!--<img src="--><img src=x onerror=window.__xss=30//">',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=31>">',
  'data:text/html,<script>window.__xss=32</script>',
  '<svg><animate onbegin=window.__xss=33 attributeName=x dur=1s>',
  '\\u003cimg src=x onerror=window.__xss=34\\u003e',
  '<x onclick=window.__xss=35>click me</x>',
  '<img src=x onerror=alert(36)>',
];
export const PAYLOADS = ONE_LINE;
assert.ok(PAYLOADS.length >= 30);

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const y = (s) => JSON.stringify(s);

/** One manifest carrying every payload in every field the API lets it reach. */
function manifest() {
  const docs = PAYLOADS.map(
    (p, i) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: xss-${i}
  labels: {xss: "script-alert", "app.kubernetes.io/name": "img-src-x-onerror"}
  annotations: {x: ${y(p)}}
data:
  p: ${y(p)}`,
  );
  const env = PAYLOADS.map((p, i) => `    - {name: P_${i}, value: ${y(p)}}`).join('\n');
  const text = `BEGIN ${PAYLOADS.join(' ~ ')} END`;
  docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: xss-echo
  labels: {app: xss-echo}
  annotations: {note: ${y(PAYLOADS[0])}}
spec:
  containers:
  - name: echo
    image: hashicorp/http-echo
    args: [${y(`-text=${text}`)}]
    env:
${env}`);
  docs.push(`apiVersion: v1
kind: Service
metadata:
  name: xss-echo
spec:
  selector: {app: xss-echo}
  ports:
  - {port: 80, targetPort: 5678}`);
  docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: xss-client
spec:
  containers:
  - name: shell
    image: nicolaka/netshoot
    command: [sleep, 1d]
    env:
${env}`);
  return docs.join('\n---\n') + '\n';
}

/** Serves every HTML document without its CSP meta tag, and records what might betray a hole. */
async function hostilePage(t, path = '') {
  const page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  t.after(() => page.close());
  const dialogs = [];
  const errors = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    const body = (await response.text()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    await route.fulfill({ response, body });
  });
  await page.goto(ctx.server.url + path);
  return { page, dialogs, errors };
}

/** Every element (through shadow roots) whose markup, rather than text, carries a payload. */
function injected(page) {
  return page.evaluate(() => {
    const bad = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        // A host page's own element and inline content are its business; we check what we render.
        if (el.parentElement?.localName === 'kubeplay-playground') continue;
        if (el.localName === 'kubeplay-playground') {
          if (el.shadowRoot) walk(el.shadowRoot);
          continue;
        }
        for (const a of el.getAttributeNames()) {
          const v = el.getAttribute(a);
          if (a.startsWith('on') || /__xss|javascript:/i.test(v)) bad.push(`<${el.localName} ${a}="${v}">`);
        }
        if (['script', 'style'].includes(el.localName) && /__xss/.test(el.textContent)) {
          bad.push(`<${el.localName}>${el.textContent}`);
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return bad;
  });
}

/** Text shown anywhere on the page, through shadow roots, plus form fields' values. */
function shownText(page) {
  return page.evaluate(() => {
    const parts = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.parentElement?.localName === 'kubeplay-playground') continue;
        if ('value' in el && typeof el.value === 'string') parts.push(el.value);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
      for (const n of root.querySelectorAll('*')) {
        for (const c of n.childNodes) if (c.nodeType === Node.TEXT_NODE) parts.push(c.data);
      }
    };
    walk(document);
    return parts.join('\n');
  });
}

async function assertClean(page, dialogs, errors) {
  // Give anything that would fire (onerror, onload, autofocus, timers) a moment to run.
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'a payload ran');
  assert.deepEqual(dialogs, [], 'a dialog opened');
  assert.deepEqual(await injected(page), [], 'a payload became markup');
  assert.deepEqual(errors, []);
}

function missing(text, payloads = PAYLOADS) {
  return payloads.filter((p) => !text.includes(p));
}

test('payloads in the editor, the API objects, env, args, HTTP bodies, files and the terminal stay text', async (t) => {
  const { page, dialogs, errors } = await hostilePage(t);
  const log = page.getByRole('log', { name: 'Terminal output' });
  // Editor content: the whole manifest, then Apply.
  const editor = page.getByRole('textbox', { name: 'Manifest editor' });
  await editor.fill(manifest());
  // (In YAML the payloads are double-quoted scalars, so they show in that form.)
  assert.deepEqual(missing(await shownText(page), PAYLOADS.map(y)), [], 'editor');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await log.getByText('pod/xss-client created').waitFor();

  // ConfigMap data and annotations, read back one by one.
  const ids = PAYLOADS.map((_, i) => i).join(' ');
  await run(page, `for i in ${ids}; do kubectl get cm xss-$i -o jsonpath='{.data.p}'; echo; kubectl get cm xss-$i -o jsonpath='{.metadata.annotations.x}'; echo; done; echo DONE-CM`);
  await log.getByText('DONE-CM', { exact: true }).waitFor();
  assert.deepEqual(missing(await log.textContent()), [], 'configmaps');
  await run(page, 'kubectl get cm -l xss=script-alert --show-labels | tail -1');

  // Pods running: env values, container args (describe), HTTP body served by http-echo.
  await run(page, 'sleep 40');
  await run(page, 'clear');
  await run(page, 'kubectl exec xss-client -- env | grep ^P_ | sort');
  await run(page, 'kubectl describe pod xss-echo');
  await run(page, 'kubectl exec xss-client -- curl -s xss-echo; echo; echo DONE-HTTP');
  await log.getByText('DONE-HTTP', { exact: true }).waitFor();
  const text = await log.textContent();
  assert.match(text, /BEGIN /, 'http-echo answered');
  assert.deepEqual(missing(text), [], 'env, args and body');

  // File names and contents in the workstation, and payloads typed straight at the prompt.
  await run(page, 'clear');
  const names = PAYLOADS.filter((p) => !p.includes('/') && !p.includes("'"));
  for (const n of names.slice(0, 8)) await run(page, `echo file > '${n}'`);
  await run(page, 'ls; echo DONE-LS');
  await log.getByText('DONE-LS', { exact: true }).waitFor();
  assert.deepEqual(missing(await log.textContent(), names.slice(0, 8)), [], 'file names');
  const input = page.getByRole('textbox', { name: 'Terminal', exact: true });
  for (const p of PAYLOADS.slice(0, 12)) {
    await run(page, p);
    // An unbalanced quote leaves the shell waiting for more; Ctrl-C abandons it, as in bash.
    await input.press('Control+c');
  }
  await run(page, 'echo DONE-TYPED');
  await log.getByText('DONE-TYPED', { exact: true }).waitFor();
  assert.deepEqual(missing(await log.textContent(), PAYLOADS.slice(0, 12)), [], 'typed input');

  // The inspector on the echo pod (labels and status as text).
  const map = page.getByRole('region', { name: 'Cluster map' });
  await map.getByRole('button', { name: /^Pod xss-echo\b/ }).click();
  await page.getByText('app=xss-echo').first().waitFor();

  await assertClean(page, dialogs, errors);
});

/** A share link carrying `shared` (the app's format: base64url of deflate-raw JSON). */
function link(shared) {
  const data = deflateRawSync(Buffer.from(JSON.stringify(shared))).toString('base64url');
  return `#share=${data}`;
}

test('a forged share link full of payloads replays as text', async (t) => {
  const contents = PAYLOADS.join('\n') + '\n';
  const steps = [
    { t: 'write', at: 0, name: 'xss.txt', contents },
    { t: 'line', at: 1000, line: 'cat xss.txt' },
    ...PAYLOADS.slice(0, 10).map((p, i) => ({ t: 'line', at: 2000 + i * 1000, line: `echo ${JSON.stringify(p).replaceAll('$', '\\$').replaceAll('`', '\\`')}` })),
  ];
  const shared = { v: 1, seed: 3, steps, now: 20000, files: [{ name: 'xss.yaml', contents }], active: 0 };
  const { page, dialogs, errors } = await hostilePage(t, link(shared));
  const log = page.getByRole('log', { name: 'Terminal output' });
  await log.getByText('Opened a shared playground', { exact: false }).waitFor();
  const shown = await shownText(page);
  assert.deepEqual(missing(shown), [], 'link contents');
  assert.equal(new URL(page.url()).hash, '', 'the link is forgotten once opened');
  await assertClean(page, dialogs, errors);
});

test('refused share links say why in text and leave a clean playground', async (t) => {
  const good = { v: 1, seed: 3, steps: [], now: 0, files: [], active: 0 };
  const bomb = deflateRawSync(Buffer.alloc(40 << 20, 0x20)).toString('base64url');
  const cases = [
    ['bad file name', link({ ...good, files: [{ name: PAYLOADS[1], contents: '' }] }), /not a valid playground/],
    ['not base64', `#share=${encodeURIComponent(PAYLOADS[0])}`, /not valid/],
    ['not deflate', `#share=${Buffer.from(PAYLOADS[2]).toString('base64url')}`, /not a compressed playground/],
    ['not json', link(PAYLOADS[3]), /unreadable/],
    ['json of markup', `#share=${deflateRawSync(Buffer.from(PAYLOADS[4])).toString('base64url')}`, /unreadable/],
    ['other version', link({ ...good, v: 99 }), /another version/],
    ['time travel', link({ ...good, now: Number.MAX_SAFE_INTEGER }), /out of range/],
    ['zip bomb', `#share=${bomb}`, /unpacks to more than 1024 KiB/],
    ['too long', `#share=${'A'.repeat(140 * 1024)}`, /links are capped/],
  ];
  for (const [what, hash, why] of cases) {
    const { page, dialogs, errors } = await hostilePage(t, hash);
    const log = page.getByRole('log', { name: 'Terminal output' });
    const notice = log.getByText('This share link could not be opened', { exact: false });
    await notice.waitFor();
    assert.match(await notice.textContent(), why, what);
    await run(page, 'kubectl get pods');
    await log.getByText('No resources found in default namespace.').waitFor();
    await assertClean(page, dialogs, errors);
    await page.close();
  }
});

test('embed attributes and inline content stay text', async (t) => {
  const { page, dialogs, errors } = await hostilePage(t, 'embed-example/');
  await page.evaluate((payloads) => {
    const el = document.createElement('kubeplay-playground');
    el.setAttribute('seed', payloads[0]);
    el.setAttribute('lesson', payloads[1]);
    el.setAttribute('height', payloads[2]);
    el.setAttribute('editor', payloads[3]);
    el.setAttribute('commands', payloads.slice(4, 14).map((p) => `echo ${JSON.stringify(p).replaceAll('$', '\\$').replaceAll('`', '\\`')}`).join('\n'));
    const yaml = document.createElement('script');
    yaml.type = 'text/yaml';
    yaml.dataset.file = 'inline.yaml';
    yaml.textContent = payloads.join('\n');
    const badName = document.createElement('script');
    badName.type = 'text/yaml';
    badName.dataset.file = payloads[5];
    badName.textContent = 'x';
    const tpl = document.createElement('template');
    tpl.dataset.file = 'tpl.yaml';
    tpl.content.append(document.createTextNode(payloads.slice(14).join('\n')));
    el.append(yaml, badName, tpl);
    document.querySelector('article').prepend(el);
  }, PAYLOADS);
  const widget = page.locator('kubeplay-playground').first();
  const log = widget.getByRole('log', { name: 'Terminal output' });
  await log.getByText('is not a whole number', { exact: false }).waitFor();
  const text = await log.textContent();
  assert.match(text, /Lesson ".*" is not a built-in lesson/);
  assert.match(text, /A preloaded file was skipped/);
  assert.deepEqual(missing(text, PAYLOADS.slice(4, 14)), [], 'commands');
  const editor = widget.getByRole('textbox', { name: 'Manifest editor' });
  assert.deepEqual(missing(await editor.inputValue()), [], 'inline manifest');
  await widget.getByRole('tab', { name: 'tpl.yaml' }).click();
  assert.deepEqual(missing(await editor.inputValue(), PAYLOADS.slice(14)), [], 'template');
  await assertClean(page, dialogs, errors);
});

// The <kubeplay-playground> custom element: the blog widget. scripts/trunk-post-build.mjs
// prepends `const ASSETS = {...}` (the hashed wasm-bindgen JS, wasm and CSS, resolved relative
// to this file's own URL) and writes the result as dist/kubeplay-embed.js.
//
// Each element gets an open Shadow DOM (the host page's CSS cannot reach inside, ours cannot
// leak out) holding a <link> to the widget's stylesheet (no inline style: it works under a
// strict CSP) and a mount point. The wasm is fetched and instantiated once for the whole page,
// and only when the first widget scrolls near the viewport; every widget then mounts its own
// independent playground (its own Session) into its own shadow root.
/* global ASSETS */

const TAG = 'kubeplay-playground';
const DEFAULT_HEIGHT = 480;
const MIN_HEIGHT = 240;
const MAX_HEIGHT = 1600;

let app;
/** The wasm-bindgen module, initialised once per page. */
function loadApp() {
  app ??= import(ASSETS.js).then(async (bindings) => {
    await bindings.default({ module_or_path: ASSETS.wasm });
    return bindings;
  });
  return app;
}

/** One observer for every widget: mount when it comes within a screen of the viewport. */
let observer;
function watch(el) {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          entry.target.start();
        }
      }
    },
    { rootMargin: '100% 0px' },
  );
  observer.observe(el);
}

function height(value) {
  const n = Number.parseInt(value ?? '', 10);
  if (!Number.isFinite(n)) return DEFAULT_HEIGHT;
  return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, n));
}

/** Manifests and commands written inside the element, read as text only. */
function inlineContent(el) {
  const files = [];
  const commands = [];
  for (const child of el.children) {
    const type = (child.getAttribute('type') ?? '').toLowerCase();
    const name = child.getAttribute('data-file') ?? child.getAttribute('name');
    const text = child.localName === 'template' ? child.content.textContent : child.textContent;
    if (child.localName === 'script' && (type === 'text/x-shell' || type === 'text/x-kubeplay-commands')) {
      commands.push(...splitLines(text));
    } else if (name !== null && (child.localName === 'template' || (child.localName === 'script' && type.includes('yaml')))) {
      files.push({ name, contents: dedent(text) });
    }
  }
  return { files, commands };
}

function splitLines(text) {
  return (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** Strips the indentation an HTML author puts before every line of an inline manifest. */
function dedent(text) {
  const lines = (text ?? '').replace(/^\n+/, '').replace(/\s+$/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n') + '\n';
}

class KubeplayPlayground extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) {
      if (!this.mounted && !this.starting) watch(this);
      return;
    }
    const root = this.attachShadow({ mode: 'open' });
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = ASSETS.css;
    this.styled = new Promise((done) => {
      link.addEventListener('load', done, { once: true });
      link.addEventListener('error', done, { once: true });
    });
    this.box = document.createElement('div');
    this.box.className = 'kp-host';
    this.note = document.createElement('p');
    this.note.className = 'kp-loading';
    this.note.setAttribute('role', 'status');
    this.note.textContent = 'Kubeplay playground: loads when it scrolls into view…';
    this.box.append(this.note);
    root.append(link, this.box);
    // CSSOM, not a style attribute: allowed under a strict CSP, and custom properties survive
    // a host page's `all: unset`.
    this.style.setProperty('--kp-height', `${height(this.getAttribute('height'))}px`);
    watch(this);
  }

  disconnectedCallback() {
    // A move within the page disconnects and reconnects at once; only a real removal unmounts.
    queueMicrotask(() => {
      if (!this.isConnected && this.mounted) {
        this.mounted.free();
        this.mounted = undefined;
        this.box.replaceChildren(this.note);
      }
    });
  }

  config() {
    const inline = inlineContent(this);
    const attrCommands = splitLines(this.getAttribute('commands'));
    return JSON.stringify({
      seed: this.getAttribute('seed'),
      lesson: this.getAttribute('lesson'),
      progress: this.getAttribute('progress'),
      editor: this.hasAttribute('editor'),
      files: inline.files,
      commands: [...attrCommands, ...inline.commands],
    });
  }

  async start() {
    if (this.mounted || this.starting) return;
    this.starting = true;
    this.note.textContent = 'Starting the cluster…';
    try {
      const [bindings] = await Promise.all([loadApp(), this.styled]);
      const target = document.createElement('div');
      target.className = 'kp-mount';
      this.box.replaceChildren(target);
      this.mounted = bindings.mount_playground(target, this.config());
    } catch (error) {
      this.note.classList.add('failed');
      this.note.textContent = `Kubeplay could not start: ${error}. It needs a current browser with JavaScript and WebAssembly enabled.`;
      this.box.replaceChildren(this.note);
    } finally {
      this.starting = false;
    }
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, KubeplayPlayground);

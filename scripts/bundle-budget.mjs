// Sums the gzip-compressed bytes of everything the built page loads (every file Trunk put in
// dist/: wasm, JS glue, CSS, HTML, assets) and fails above the budget.
// Usage: node scripts/bundle-budget.mjs [DIST] [CEILING_KIB] [TARGET_KIB]
// Fails above CEILING_KIB. TARGET_KIB is the product's goal; while the page is above it, every
// run says by how much (see README "Budgets").
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const budgetKiB = Number(process.argv[3] ?? 350);
const targetKiB = Number(process.argv[4] ?? budgetKiB);

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

// The blog widget's own files and its example article are built next to the site but never
// loaded by the page; they are listed apart and not counted.
const widgetOnly = (name) => name.startsWith('embed-example/') || name.startsWith('kubeplay-embed');

let total = 0;
const rows = [];
const extras = [];
for await (const path of files(dist)) {
  const raw = await readFile(path);
  const gz = gzipSync(raw, { level: 9 }).length;
  const name = relative(dist, path);
  if (widgetOnly(name)) {
    extras.push([name, raw.length, gz]);
    continue;
  }
  total += gz;
  rows.push([name, raw.length, gz]);
}
for (const [name, raw, gz] of extras) {
  console.log(`${String(gz).padStart(9)} B gzip  ${String(raw).padStart(9)} B raw  ${name} (widget only, not counted)`);
}
rows.sort((a, b) => b[2] - a[2]);
for (const [name, raw, gz] of rows) {
  console.log(`${String(gz).padStart(9)} B gzip  ${String(raw).padStart(9)} B raw  ${name}`);
}
const kib = (total / 1024).toFixed(1);
console.log(`bundle: ${total} B gzip (${kib} KiB); ceiling ${budgetKiB} KiB, target ${targetKiB} KiB`);
if (total > targetKiB * 1024) {
  console.log(`bundle: ${((total - targetKiB * 1024) / 1024).toFixed(1)} KiB over the ${targetKiB} KiB target`);
}
if (total > budgetKiB * 1024) {
  console.error(`bundle budget exceeded: ${kib} KiB > ${budgetKiB} KiB`);
  process.exit(1);
}

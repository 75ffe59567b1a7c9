// @ts-check
/**
 * Prints what the console costs a browser, gzipped, from Vite's build manifest: the first load
 * (the entry chunk with its static imports and CSS) and, per page, what opening it adds, the chunks it
 * loads lazily as it renders (the charts) included.
 * Fails when the first load of any page is over the budget.
 *
 *   node scripts/report-size.mjs   (npm run size; npm run build runs it)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 250;
const dist = join(import.meta.dirname, "..", "dist");

/** @typedef {{ file: string, src?: string, isEntry?: boolean, isDynamicEntry?: boolean, imports?: string[], dynamicImports?: string[], css?: string[] }} Chunk */
/** @type {Record<string, Chunk>} */
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));

/**
 * Every file a chunk needs before it runs: itself, its static imports (transitively) and their CSS;
 * with `lazyToo`, also what it imports lazily (a page's charts, fetched as soon as the page renders).
 */
function closure(/** @type {string} */ id, lazyToo = false, /** @type {Set<string>} */ files = new Set()) {
  const chunk = manifest[id];
  if (chunk === undefined || files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imported of [...(chunk.imports ?? []), ...(lazyToo ? (chunk.dynamicImports ?? []) : [])]) closure(imported, lazyToo, files);
  return files;
}

const gzippedKb = (/** @type {string} */ file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length / 1024;
const total = (/** @type {Iterable<string>} */ files, /** @type {string} */ ext) =>
  [...files].filter((file) => file.endsWith(ext)).reduce((sum, file) => sum + gzippedKb(file), 0);
const kb = (/** @type {number} */ value) => `${value.toFixed(1).padStart(6)} KB`;

const [entryId] = Object.entries(manifest).find(([, chunk]) => chunk.isEntry) ?? [];
if (entryId === undefined) throw new Error("the build manifest has no entry chunk");
const shell = closure(entryId);
const shellJs = total(shell, ".js");

console.log("Console bundle, gzipped (level 9)");
console.log(`  shell (index.html's scripts): ${kb(shellJs)} JS, ${kb(total(shell, ".css"))} CSS`);
let worst = shellJs;
for (const chunk of Object.values(manifest).filter((chunk) => chunk.isDynamicEntry)) {
  // Seeded with the shell, so the entry's lazy imports (every page) are not counted as this page's.
  const page = [...closure(chunk.src ?? "", true, new Set(shell))].filter((file) => !shell.has(file));
  const pageJs = total(page, ".js");
  worst = Math.max(worst, shellJs + pageJs);
  console.log(`  + ${(chunk.src ?? chunk.file).padEnd(30)} ${kb(pageJs)} JS -> first load ${kb(shellJs + pageJs)}`);
}
console.log(`First-load JavaScript, largest page: ${worst.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
if (worst > BUDGET_KB) {
  console.error(`Over budget by ${(worst - BUDGET_KB).toFixed(1)} KB`);
  process.exit(1);
}

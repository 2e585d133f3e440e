// Bundle the pages' scripts and styles with esbuild into api/web/static/dist (git-ignored).
// Run by `make run` / `make test` (target `web`) after `npm ci`; nothing is loaded from a CDN.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, 'static', 'dist');
const pages = ['access-list', 'login', 'inbox', 'done', 'started', 'task', 'case', 'definitions', 'version', 'modeler', 'decisions', 'audit', 'replay', 'progress', 'receipt',
  'bell', 'copies', 'notifications', 'grid-log'];

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: pages.map((page) => join(here, 'assets', `${page}.js`)),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  loader: { '.js': 'jsx', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  define: { 'process.env.NODE_ENV': '"production"' },
  charset: 'utf8',
  logLevel: 'warning',
});
console.log(`built ${pages.length} pages into ${outdir}`);

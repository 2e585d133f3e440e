// Bundle the pages' scripts and styles with esbuild into api/web/static/dist (git-ignored).
// Run by `make run` / `make test` (target `web`) after `npm ci`; nothing is loaded from a CDN.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, 'static', 'dist');
const pages = ['access-list', 'login', 'inbox', 'done', 'started', 'task', 'case', 'definitions', 'version', 'modeler', 'decisions', 'audit', 'replay', 'progress', 'receipt',
  'bell', 'copies', 'notifications', 'grid-log'];

rmSync(outdir, { recursive: true, force: true });
const result = await build({
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
  metafile: true,
});
// Each page's shell names the chunks its entry imports statically (<link rel="modulepreload">), so the
// browser fetches them beside the entry instead of after parsing it; lazily imported parts (the diagram)
// are not named and stay off the page's critical path.
const preload = {};
for (const [output, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint || !output.endsWith('.js')) continue;
  const seen = new Set();
  const walk = (file) => {
    for (const imp of result.metafile.outputs[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement' || seen.has(imp.path)) continue;
      seen.add(imp.path);
      walk(imp.path);
    }
  };
  walk(output);
  preload[basename(output, '.js')] = [...seen].map((file) => relative(outdir, join(process.cwd(), file)));
}
writeFileSync(join(outdir, 'preload.json'), JSON.stringify(preload));
console.log(`built ${pages.length} pages into ${outdir}`);

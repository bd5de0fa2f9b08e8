// Fast production build: transpile src/ to dist/ with SWC (about a second).
// Type checking is a separate step (`npm run typecheck`, part of the test command).
import { transformFile } from '@swc/core';
import { mkdir, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { buildAdminUi } from './build-admin-ui.mjs';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const out = join(root, 'dist');
const swcrc = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

await rm(out, { recursive: true, force: true });
const jobs = [];
for await (const file of walk(src)) {
  const rel = relative(src, file);
  if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) {
    jobs.push(
      (async () => {
        const target = join(out, rel.replace(/\.ts$/, '.js'));
        const { code, map } = await transformFile(file, { ...swcrc, swcrc: false, filename: file, sourceFileName: relative(dirname(target), file) });
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, `${code}\n//# sourceMappingURL=${rel.split('/').pop().replace(/\.ts$/, '.js.map')}`);
        if (map) await writeFile(`${target}.map`, map);
      })(),
    );
  } else if (!rel.endsWith('.ts')) {
    // Non-code assets (dashboard pages, templates) are copied as they are.
    jobs.push(
      (async () => {
        const target = join(out, rel);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, await readFile(file));
      })(),
    );
  }
}
await Promise.all(jobs);
// The dashboard's single-page app (after the server code: dist/ was emptied above).
await buildAdminUi(root);

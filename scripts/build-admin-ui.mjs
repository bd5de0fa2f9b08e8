// Builds the dashboard (admin-ui/, a Vite app) into dist/admin-ui. A build takes seconds, and `npm start`
// builds every time: the output is kept in node_modules/.cache keyed by a hash of the dashboard's sources
// and of package-lock.json, so an unchanged dashboard is copied instead of rebuilt.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';

async function* files(dir) {
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

async function sourceHash(root, uiRoot) {
  const hash = createHash('sha256');
  for await (const file of files(uiRoot)) {
    hash.update(relative(root, file)).update('\0').update(await readFile(file)).update('\0');
  }
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) hash.update(await readFile(lock));
  return hash.digest('hex').slice(0, 24);
}

export async function buildAdminUi(root) {
  const uiRoot = join(root, 'admin-ui');
  if (!existsSync(join(uiRoot, 'index.html'))) return;
  const out = join(root, 'dist', 'admin-ui');
  const cache = join(root, 'node_modules', '.cache', 'smartpay-admin-ui', await sourceHash(root, uiRoot));
  if (!existsSync(join(cache, 'index.html')) || !(await stat(join(cache, 'index.html'))).isFile()) {
    const { build } = await import('vite');
    await rm(cache, { recursive: true, force: true });
    await build({ configFile: join(uiRoot, 'vite.config.mts'), root: uiRoot, logLevel: 'warn', build: { outDir: cache, emptyOutDir: true } });
    // Only the current build is worth keeping.
    const parent = join(cache, '..');
    for (const old of await readdir(parent)) if (join(parent, old) !== cache) await rm(join(parent, old), { recursive: true, force: true });
  }
  await mkdir(out, { recursive: true });
  await cp(cache, out, { recursive: true });
}

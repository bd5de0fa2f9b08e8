import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Absolute, so the build works from /work/main (`vite build --config admin-ui/vite.config.mts`) as well as from here.
const here = (relative: string): string => decodeURIComponent(new URL(relative, import.meta.url).pathname);

// The server serves the build under /admin with a strict CSP: every script and stylesheet must be a file.
export default defineConfig({
  root: here('.'),
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: here('../dist/admin-ui'),
    emptyOutDir: true,
    // Inlined assets would become data: URLs inside CSS/JS; keep them files like everything else.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // The service worker is a second entry with a fixed name: the server serves it as /admin/sw.js, and a
      // worker's URL must not change between deployments.
      input: { main: here('index.html'), sw: here('src/service-worker/sw.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    // `npx vite` during development: the API is the SmartPay server's.
    proxy: { '/admin/api': 'http://localhost:3000' },
  },
});

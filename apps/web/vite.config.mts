import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The inbox is served by the api at `/` (apps/api/src/inbox), from `dist/apps/web`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // JSX with React's automatic runtime; types are checked by `tsc -p apps/web` in the build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/web', import.meta.url)),
    emptyOutDir: true,
    // The CSP allows no inline script, and every browser the inbox supports has module preload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
});

/**
 * The web app's build: Vite with React, root web/, output web/dist (served by the Hono server in
 * src/adapters/http/web-app.ts). Pages and charts are split into lazy chunks by React.lazy and
 * dynamic import, so the first page carries no ECharts code.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});

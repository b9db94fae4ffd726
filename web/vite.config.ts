import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

// The immersion-tracker server that `npm run dev` forwards API calls to.
const target = process.env.IMMERSION_TRACKER_URL ?? 'http://127.0.0.1:8080';

// Paths the server answers itself. Regular expressions, so that "/show" does not also
// catch "/shows" by prefix and "/sync" does not shadow the app's own pages.
const apiPaths = [
  '/api',
  '/progress',
  '/shows',
  '/show',
  '/sync',
  '/syncmovies',
  '/syncyoutube',
  '/syncspotify',
  '/tvdb',
  '/tmdb',
  '/healthz',
  '/metrics',
];

interface ProxyLike {
  on(
    event: 'proxyReq',
    listener: (
      proxyReq: { setHeader(name: string, value: string): void },
      req: { headers: Record<string, string | string[] | undefined> },
    ) => void,
  ): void;
}

export default defineConfig({
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    // The C++ build passes --outDir inside its build tree: start from an empty folder so
    // that no stale hashed file is embedded into the binary.
    emptyOutDir: true,
    target: 'es2020',
    // Every file but index.html must be content-hashed under /assets/: never inline the
    // favicon (or any other asset) into the HTML.
    assetsInlineLimit: 0,
    // Browsers the dashboard targets all support <link rel="modulepreload">.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: Object.fromEntries(
      apiPaths.map((path) => [
        `^${path}(/|\\?|$)`,
        {
          target,
          changeOrigin: true,
          // The server refuses changes signed with the cookie from another origin. In
          // development the page is on Vite's origin: present the server's own origin for
          // requests from this page only, so another site's page is still refused.
          configure: (proxy: ProxyLike) => {
            proxy.on('proxyReq', (proxyReq, req) => {
              const origin = req.headers.origin;
              if (origin && origin === `http://${req.headers.host}`) proxyReq.setHeader('origin', target);
            });
          },
        },
      ]),
    ),
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
  },
});

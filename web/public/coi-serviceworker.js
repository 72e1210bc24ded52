// Cross-origin isolation for static hosts that cannot set headers (the approach of
// coi-serviceworker): this service worker re-serves every response of its scope
// with COOP/COEP, so the page becomes crossOriginIsolated after one reload and a
// sweep's dataset can be one SharedArrayBuffer for all workers. web/isolation.ts
// registers it only where the server did not isolate the page already.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response; // opaque: headers cannot be added
      const headers = new Headers(response.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      headers.set('Cross-Origin-Resource-Policy', 'same-origin');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});

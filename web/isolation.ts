// Makes the page cross-origin isolated where the host did not: registers
// public/coi-serviceworker.js (which adds COOP/COEP to every response) and reloads
// once when it takes control. `?coi=0` opts out (the fallback: each worker gets a
// copy of the dataset). Without a secure context or service workers the page runs
// as is and says so.

export type Isolation = 'headers' | 'service-worker' | 'none';

const RELOADED = 'mnist1d-coi-reloaded';

/** How the page is isolated; resolves to undefined while the page reloads to become isolated. */
export async function ensureIsolation(): Promise<{ isolation: Isolation; why?: string } | undefined> {
  const controlled = !!navigator.serviceWorker?.controller;
  if (crossOriginIsolated) {
    sessionStorage.removeItem(RELOADED);
    return { isolation: controlled ? 'service-worker' : 'headers' };
  }
  if (new URLSearchParams(location.search).get('coi') === '0') return { isolation: 'none', why: 'the service worker is off (?coi=0)' };
  if (!window.isSecureContext || !('serviceWorker' in navigator)) return { isolation: 'none', why: 'service workers need https or localhost' };
  if (sessionStorage.getItem(RELOADED)) return { isolation: 'none', why: 'the service worker did not isolate the page' };
  try {
    await navigator.serviceWorker.register('./coi-serviceworker.js');
    await navigator.serviceWorker.ready;
  } catch (error) {
    return { isolation: 'none', why: `the service worker could not start: ${(error as Error).message}` };
  }
  sessionStorage.setItem(RELOADED, '1');
  location.reload();
  return undefined;
}

export function isolationText(state: { isolation: Isolation; why?: string }): string {
  switch (state.isolation) {
    case 'headers':
      return 'cross-origin isolated (server headers): each dataset is one SharedArrayBuffer read by every worker';
    case 'service-worker':
      return 'cross-origin isolated (by the service worker): each dataset is one SharedArrayBuffer read by every worker';
    case 'none':
      return `not cross-origin isolated (${state.why}): each worker receives its own copy of the dataset; records are the same`;
  }
}

// The page's whole configuration in its URL, so a link reproduces it exactly:
//   ?tab=study&study=pooling&quick=1&set=steps%3D3000&set=...   a study (as `mnist1d run`)
//   ?tab=sweep&grid={...}                                        a free sweep's grid JSON
//   ?tab=data&ds.scaleCoeff=0.5&...                              the explorer's dataset args
//   &workers=4                                                   the worker count
export type Tab = 'study' | 'sweep' | 'data';
const TABS: readonly Tab[] = ['study', 'sweep', 'data'];

export interface PageState {
  tab: Tab;
  study?: string;
  quick: boolean;
  set: string[];
  grid?: unknown;
  workers?: number;
  /** Explorer dataset args that differ from the defaults, as given. */
  dataset: Record<string, unknown>;
}

export function readState(search = location.search): PageState {
  const params = new URLSearchParams(search);
  const tab = params.get('tab') as Tab | null;
  const workers = Number(params.get('workers'));
  let grid: unknown;
  try {
    grid = params.has('grid') ? JSON.parse(params.get('grid')!) : undefined;
  } catch {
    grid = undefined; // a broken link falls back to the form's grid
  }
  const dataset: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key.startsWith('ds.')) {
      try {
        dataset[key.slice(3)] = JSON.parse(value);
      } catch {
        dataset[key.slice(3)] = value;
      }
    }
  }
  return {
    tab: tab && TABS.includes(tab) ? tab : 'study',
    study: params.get('study') ?? undefined,
    quick: params.get('quick') === '1',
    set: params.getAll('set'),
    grid,
    workers: Number.isInteger(workers) && workers > 0 ? workers : undefined,
    dataset,
  };
}

export function writeState(state: PageState): void {
  const params = new URLSearchParams({ tab: state.tab });
  if (state.tab === 'study' && state.study) {
    params.set('study', state.study);
    if (state.quick) params.set('quick', '1');
    for (const pair of state.set) params.append('set', pair);
  }
  if (state.tab === 'sweep' && state.grid !== undefined) params.set('grid', JSON.stringify(state.grid));
  if (state.tab === 'data') for (const [key, value] of Object.entries(state.dataset)) params.set(`ds.${key}`, JSON.stringify(value));
  if (state.workers) params.set('workers', String(state.workers));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

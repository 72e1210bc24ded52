// Ready-made free sweeps for the page, in the grid format of `mnist1d sweep --grid`:
// {"base": RunConfig fields, "axes": {field: [values]}} expands to the cartesian product.

export interface Preset {
  id: string;
  title: string;
  about: string;
  grid: { base: Record<string, unknown>; axes: Record<string, unknown[]> };
}

export const presets: Preset[] = [
  {
    id: 'tiny',
    title: 'Tiny: logistic vs MLP (4 runs, seconds)',
    about: 'Logistic regression and the 100-unit MLP, two init seeds each, 300 Adam steps on 1000 samples.',
    grid: {
      base: { steps: 300, evalEvery: 100, dataset: { numSamples: 1000 } },
      axes: { model: ['linear', 'mlp'], seed: [1, 2] },
    },
  },
  {
    id: 'models',
    title: "The paper's models (4 runs)",
    about: 'Logistic, MLP, CNN and GRU on the default 4000/1000 split, 2000 Adam steps each.',
    grid: {
      base: { steps: 2000, evalEvery: 250 },
      axes: { model: ['linear', 'mlp', 'cnn', 'gru'] },
    },
  },
  {
    id: 'width',
    title: 'MLP width (6 runs)',
    about: 'Test accuracy as the hidden layer grows from 4 to 512 units, 1500 steps each.',
    grid: {
      base: { model: 'mlp', steps: 1500, evalEvery: 250 },
      axes: { hidden: [4, 16, 32, 64, 128, 512] },
    },
  },
  {
    id: 'lr',
    title: 'Learning-rate scan (5 runs)',
    about: 'The MLP with Adam at five learning rates, 1500 steps each.',
    grid: {
      base: { model: 'mlp', steps: 1500, evalEvery: 250 },
      axes: { lr: [0.0003, 0.001, 0.003, 0.01, 0.03] },
    },
  },
];

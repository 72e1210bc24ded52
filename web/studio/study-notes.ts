// What the page says about MNIST-1D's studies beyond each study's own `about`:
// where the paper shows it and what the paper found, for reading beside our figures.

export const PAPER_URL = 'https://arxiv.org/abs/2011.14439';
export const REPO_URL = 'https://github.com/greydanus/mnist1d';

export interface StudyNote {
  /** Where in the paper (Greydanus & Kobak, "Scaling Down Deep Learning with MNIST-1D", ICML 2024). */
  where: string;
  /** The paper's finding, in one or two sentences. */
  paper: string;
}

export const studyNotes: Record<string, StudyNote> = {
  'spatial-priors': {
    where: 'the classification table (Table 1) and "measuring spatial priors"',
    paper:
      'Logistic 32 %, MLP 68 %, CNN 94 %, GRU 91 % test accuracy; on the spatially shuffled data the CNN falls to 56 % and the GRU to 57 %, while logistic regression and the MLP do not change. The figure marks the paper (▼) and the reference PyTorch code (◆) beside our bars.',
  },
  'double-descent': {
    where: 'the "deep double descent" section and its notebook',
    paper:
      'With 15 % label noise, test error peaks where the model first fits the training set (training error reaches zero) and falls again for wider models; without noise the peak is small or absent.',
  },
  pooling: {
    where: 'the "pooling" section (the benefit of pooling vs. training-set size)',
    paper: 'Pooling layers help most when training data are scarce; with many examples the CNN without pooling catches up.',
  },
  lottery: {
    where: 'the "lottery tickets" section',
    paper:
      'Iterative magnitude pruning finds sparse subnetworks that train to higher test accuracy than random masks of the same sparsity; the winning masks keep spatial structure and transfer to a fresh dataset.',
  },
};

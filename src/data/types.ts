// Shapes of the dataset API. Arrays are row-major: x[i * finalSeqLength + j].

/** The reference generator's arguments, camelCased (snake_case only in JSON for Python users). */
export interface DatasetArgs {
  numSamples: number;
  trainSplit: number;
  templateLen: number;
  padding: [number, number];
  scaleCoeff: number;
  maxTranslation: number;
  corrNoiseScale: number;
  iidNoiseScale: number;
  shearScale: number;
  shuffleSeq: boolean;
  finalSeqLength: number;
  seed: number;
  /** Probability of the double-descent notebook's label-noise loop (0 = off). */
  labelNoise: number;
}

/** A generated dataset in float64, exactly as the reference produces it. */
export interface Dataset {
  x: Float64Array; // (nTrain, finalSeqLength)
  y: Int32Array; // (nTrain) — after label noise when args.labelNoise > 0
  xTest: Float64Array; // (nTest, finalSeqLength)
  yTest: Int32Array; // (nTest)
  t: Float64Array; // (finalSeqLength)
  templates: { x: Float64Array; t: Float64Array }; // x (10, 12), t (12)
  args: DatasetArgs;
}

/**
 * A float32 copy in the dataset's own row-major layout, as users hold it
 * (Trainer.setData transposes it; sweeps use FeatureMajorData). The buffers may be
 * SharedArrayBuffers.
 */
export interface TrainingData {
  features: number; // finalSeqLength
  x: Float32Array; // (nTrain, features)
  y: Int32Array; // (nTrain)
  xTest: Float32Array; // (nTest, features)
  yTest: Int32Array; // (nTest)
}

/**
 * The float32 copy in the layout the engine trains on: feature-major, so that
 * row f of x holds feature f of every example. Made once where the dataset is
 * made (featureMajorData), in SharedArrayBuffers for a sweep's workers; a
 * training run then copies whole rows.
 */
export interface FeatureMajorData {
  layout: 'feature-major';
  features: number; // finalSeqLength
  x: Float32Array; // (features, nTrain)
  y: Int32Array; // (nTrain)
  xTest: Float32Array; // (features, nTest)
  yTest: Int32Array; // (nTest)
}

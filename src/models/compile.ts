// Compiles a model spec into the engine's plan (see assembly/train.ts): the flat
// parameter layout in PyTorch's named_parameters order, one op per layer (relu
// fused into a preceding dense/conv), activation buffers and their gradients, and
// whether each backward op writes or adds into its input's gradient.
import {
  CONV_SCRATCH_WORD, FLAG_ACC, FLAG_ACC2, FLAG_RELU, OP_ACT, OP_ADD, OP_CONV, OP_DENSE, OP_GRU, OP_POOL, OP_WORDS,
  activationCode, poolCode,
} from './plan.js';
import { validateModel, walkShapes, type LayerSpec, type ModelSpec, type Shape } from './spec.js';

/** One parameter tensor: PyTorch name and shape, position in the flat buffer (floats). */
export interface ParamInfo {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** Ordinal of the layer owning it among the layers with parameters (0, 1, ...). */
  layer: number;
  /** Default init: U(-bound, bound). */
  bound: number;
}

interface Op {
  code: number;
  input: number; // activation buffer ids; 0 is the data input
  output: number;
  input2: number; // ADD's second input, else -1
  flags: number;
  param: number; // float offset of the op's first parameter, -1 when none
  fields: number[]; // plan words 8.. (pointer fields are filled in by encodePlan)
}

export interface CompiledModel {
  spec: ModelSpec;
  params: ParamInfo[];
  paramCount: number;
  /** Features per activation buffer id (each stored as (features, ld)). */
  buffers: number[];
  ops: Op[];
  /** Buffer id of the logits. */
  output: number;
  /** Multiply-adds of one example's forward pass. */
  macsPerExample: number;
  /** Floats per batch column of the scratch shared by dense backward ops (xᵀ). */
  scratchPerColumn: number;
}

export function compileModel(input: ModelSpec): CompiledModel {
  const spec = validateModel(input);
  const params: ParamInfo[] = [];
  let paramCount = 0;
  let layerOrdinal = 0;
  // Appends a layer's tensors; returns the float offset of the first.
  const addParams = (prefix: string, tensors: [string, number[]][], bound: number) => {
    const first = paramCount;
    for (const [suffix, shape] of tensors) {
      const size = shape.reduce((a, b) => a * b, 1);
      params.push({ name: `${prefix}.${suffix}`, shape, offset: paramCount, size, layer: layerOrdinal, bound });
      paramCount += size;
    }
    layerOrdinal++;
    return first;
  };
  const shapes = new Map<string, { input: Shape; output: Shape }>();
  walkShapes(spec.layers, { c: 1, l: spec.inputFeatures }, (_layer, label, input, output) => shapes.set(label, { input, output }));

  const buffers = [spec.inputFeatures];
  const ops: Op[] = [];
  let macs = 0;
  const newBuffer = (features: number) => buffers.push(features) - 1;

  // Compiles a list of layers reading buffer `current`; returns the output buffer.
  const compileList = (layers: LayerSpec[], current: number, prefix: string): number => {
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const label = `${prefix}${i}`;
      const { input: inShape, output: outShape } = shapes.get(label)!;
      const next = layers[i + 1];
      const fuseRelu = next?.kind === 'activation' && next.fn === 'relu';
      const emit = (code: number, param: number, fields: number[], features: number, flags = 0) => {
        const output = newBuffer(features);
        ops.push({ code, input: current, output, input2: -1, flags, param, fields });
        current = output;
      };
      switch (layer.kind) {
        case 'dense': {
          const name = layer.name ?? `dense${label}`;
          const p = addParams(name, [['weight', [layer.out, layer.in]], ['bias', [layer.out]]], 1 / Math.sqrt(layer.in));
          emit(OP_DENSE, p, [layer.in, layer.out], layer.out, fuseRelu ? FLAG_RELU : 0);
          macs += layer.in * layer.out;
          if (fuseRelu) i++;
          break;
        }
        case 'conv1d': {
          const { inChannels: cin, outChannels: cout, kernel: k } = layer;
          const name = layer.name ?? `conv${label}`;
          const p = addParams(name, [['weight', [cout, cin, k]], ['bias', [cout]]], 1 / Math.sqrt(cin * k));
          emit(OP_CONV, p, [cin, inShape.l, cout, outShape.l, k, layer.stride ?? 1, layer.padding ?? 0], cout * outShape.l, fuseRelu ? FLAG_RELU : 0);
          macs += cout * outShape.l * cin * k;
          if (fuseRelu) i++;
          break;
        }
        case 'activation':
          emit(OP_ACT, -1, [inShape.c * inShape.l, activationCode(layer.fn)], inShape.c * inShape.l);
          break;
        case 'pool':
          emit(OP_POOL, -1, [inShape.c, inShape.l, poolCode(layer.fn)], outShape.c * outShape.l);
          break;
        case 'flatten':
          break; // (C, L, ld) is already (C*L, ld)
        case 'residual': {
          const start = current;
          const body = compileList(layer.body, current, `${label}.`);
          const output = newBuffer(buffers[start]);
          ops.push({ code: OP_ADD, input: start, output, input2: body, flags: 0, param: -1, fields: [0, 0, buffers[start]] });
          current = output;
          break;
        }
        case 'gru': {
          const H = layer.hidden;
          const D = layer.bidirectional ? 2 : 1;
          const T = inShape.l;
          const name = layer.name ?? `gru${label}`;
          const tensors = (D === 2 ? ['l0', 'l0_reverse'] : ['l0']).flatMap((s): [string, number[]][] => [
            [`weight_ih_${s}`, [3 * H, 1]], [`weight_hh_${s}`, [3 * H, H]], [`bias_ih_${s}`, [3 * H]], [`bias_hh_${s}`, [3 * H]],
          ]);
          const p = addParams(name, tensors, 1 / Math.sqrt(H));
          emit(OP_GRU, p, [T, H, D], T * D * H);
          macs += D * T * 3 * H * (H + 1);
          break;
        }
      }
    }
    return current;
  };
  const output = compileList(spec.layers, 0, '');

  // Backward runs the ops in reverse: the first to reach a gradient buffer writes it, later ones add.
  const written = new Set<number>();
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i];
    if (op.input !== 0) {
      if (written.has(op.input)) op.flags |= FLAG_ACC;
      written.add(op.input);
    }
    if (op.input2 > 0) {
      if (written.has(op.input2)) op.flags |= FLAG_ACC2;
      written.add(op.input2);
    }
  }
  const denseInputs = ops.filter((op) => op.code === OP_DENSE).map((op) => op.fields[0]);
  return { spec, params, paramCount, buffers, ops, output, macsPerExample: macs, scratchPerColumn: Math.max(0, ...denseInputs) };
}

/** Byte addresses the plan refers to (all inside the engine's memory). */
export interface PlanAddresses {
  params: number;
  grads: number;
  /** Activation buffer per id, and its gradient (0 for the data input). */
  act: number[];
  grad: number[];
  /** Per GRU op, in op order: its workspace and the batch-major staging of x and of out/dOut. */
  gru: { workspace: number; x: number; out: number }[];
  /** scratchPerColumn * ld floats. */
  scratch: number;
  /** Per op (by index): a conv op's Winograd scratch, 0 for the direct kernels (and for other ops). */
  convScratch: number[];
}

/** The plan records (OP_WORDS i32 each), see assembly/train.ts. */
export function encodePlan(model: CompiledModel, at: PlanAddresses): Int32Array {
  const plan = new Int32Array(model.ops.length * OP_WORDS);
  let gruIndex = 0;
  model.ops.forEach((op, i) => {
    const w = plan.subarray(i * OP_WORDS, (i + 1) * OP_WORDS);
    w[0] = op.code;
    w[1] = at.act[op.input];
    w[2] = at.act[op.output];
    w[3] = at.grad[op.input];
    w[4] = at.grad[op.output];
    w[5] = op.flags;
    w[6] = op.param >= 0 ? at.params + 4 * op.param : 0;
    w[7] = op.param >= 0 ? at.grads + 4 * op.param : 0;
    w.set(op.fields, 8);
    if (op.code === OP_DENSE) {
      w[10] = at.scratch;
    } else if (op.code === OP_CONV) {
      w[CONV_SCRATCH_WORD] = at.convScratch[i];
    } else if (op.code === OP_ADD) {
      w[8] = at.act[op.input2];
      w[9] = at.grad[op.input2];
    } else if (op.code === OP_GRU) {
      const g = at.gru[gruIndex++];
      w[11] = g.workspace;
      w[12] = g.x;
      w[13] = g.out;
    }
  });
  return plan;
}

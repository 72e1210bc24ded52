// Compiles a model spec into the engine's ops (the plan format is declared once, in
// assembly/abi/plan.ts): the flat parameter layout in PyTorch's named_parameters
// order, one op per layer (relu fused into a preceding dense/conv) with its fields by
// name, the activation buffers, the scratch each op needs, and whether each backward
// op writes or adds into its inputs' gradients. Addresses are assigned afterwards, in
// one place (src/train/layout.ts).
import {
  ACTIVATION_ELU, ACTIVATION_GELU, ACTIVATION_IDENTITY, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTPLUS, ACTIVATION_SWISH, ACTIVATION_TANH,
  ACT_FEATURES, ACT_FN, ADD_DIN2, ADD_FEATURES, ADD_IN2,
  CONV_CIN, CONV_COUT, CONV_K, CONV_LIN, CONV_LOUT, CONV_PADDING, CONV_STRIDE, CONV_WINOGRAD,
  DENSE_IN, DENSE_OUT, DENSE_XT, FLAG_ACC, FLAG_ACC2, FLAG_RELU, GRU_D, GRU_H, GRU_T, GRU_WORKSPACE, GRU_X, GRU_Y,
  OP_ACT, OP_ADD, OP_CONV, OP_DENSE, OP_DIN, OP_GRU, OP_IN, OP_POOL,
  POOLING_AVG, POOLING_L2, POOLING_MAX, POOL_CHANNELS, POOL_FN, POOL_LIN,
} from '../../assembly/abi/plan.js';
import { validateModel, walkShapes, type ActivationKind, type LayerSpec, type ModelSpec, type PoolFn, type Shape } from './spec.js';

const ACTIVATION_CODES: Record<ActivationKind, number> = {
  identity: ACTIVATION_IDENTITY, relu: ACTIVATION_RELU, tanh: ACTIVATION_TANH, sigmoid: ACTIVATION_SIGMOID, elu: ACTIVATION_ELU,
  softplus: ACTIVATION_SOFTPLUS, swish: ACTIVATION_SWISH, silu: ACTIVATION_SWISH, gelu: ACTIVATION_GELU,
};
const POOL_CODES: Record<PoolFn, number> = { max: POOLING_MAX, avg: POOLING_AVG, l2: POOLING_L2 };

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

/** An activation buffer an op reads: the words of its address and of its gradient's, and the flag saying "add into that gradient". */
export interface OpInput {
  buffer: number; // activation buffer id; 0 is the data input (no gradient)
  word: number;
  gradWord: number;
  accumulateFlag: number;
}

/** The engine functions that size kernel scratch (assembly/engine.ts exports them). */
export interface KernelSizes {
  gruWorkspaceFloats(B: number, T: number, H: number, D: number): number;
  winogradScratchFloats(Cin: number, Lin: number, Cout: number, Lout: number, K: number, S: number, P: number, ld: number): number;
}

/** What decides an op's scratch: the evaluation batch (columns) and the kernel variants in use. */
export interface ScratchContext {
  ld: number;
  kernels: KernelSizes;
  winograd: boolean;
}

/** Memory an op needs beyond its activations; the layout puts its address into `word` (0 floats: none, the word stays 0). */
export interface ScratchNeed {
  word: number;
  floats: (ctx: ScratchContext) => number;
  /** Needs with the same key share one region, sized for the largest (ops run one at a time). */
  shared?: string;
}

/** One op of the plan before addresses are known. */
export interface Op {
  kind: number; // OP_*
  inputs: OpInput[];
  output: number; // activation buffer id
  flags: number;
  param: number; // float offset of the op's first parameter, -1 when none
  /** Integer fields by word (assembly/abi/plan.ts). */
  fields: Record<number, number>;
  scratch: ScratchNeed[];
}

const mainInput = (buffer: number): OpInput => ({ buffer, word: OP_IN, gradWord: OP_DIN, accumulateFlag: FLAG_ACC });

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
      const emit = (kind: number, param: number, fields: Record<number, number>, features: number, flags = 0, scratch: ScratchNeed[] = []) => {
        const output = newBuffer(features);
        ops.push({ kind, inputs: [mainInput(current)], output, flags, param, fields, scratch });
        current = output;
      };
      switch (layer.kind) {
        case 'dense': {
          const name = layer.name ?? `dense${label}`;
          const p = addParams(name, [['weight', [layer.out, layer.in]], ['bias', [layer.out]]], 1 / Math.sqrt(layer.in));
          const xT: ScratchNeed = { word: DENSE_XT, floats: ({ ld }) => layer.in * ld, shared: 'dense xT' };
          emit(OP_DENSE, p, { [DENSE_IN]: layer.in, [DENSE_OUT]: layer.out }, layer.out, fuseRelu ? FLAG_RELU : 0, [xT]);
          macs += layer.in * layer.out;
          if (fuseRelu) i++;
          break;
        }
        case 'conv1d': {
          const { inChannels: cin, outChannels: cout, kernel: k } = layer;
          const [stride, padding, lin, lout] = [layer.stride ?? 1, layer.padding ?? 0, inShape.l, outShape.l];
          const name = layer.name ?? `conv${label}`;
          const p = addParams(name, [['weight', [cout, cin, k]], ['bias', [cout]]], 1 / Math.sqrt(cin * k));
          const winograd: ScratchNeed = {
            word: CONV_WINOGRAD,
            floats: (ctx) => (ctx.winograd ? ctx.kernels.winogradScratchFloats(cin, lin, cout, lout, k, stride, padding, ctx.ld) : 0),
          };
          const fields = { [CONV_CIN]: cin, [CONV_LIN]: lin, [CONV_COUT]: cout, [CONV_LOUT]: lout, [CONV_K]: k, [CONV_STRIDE]: stride, [CONV_PADDING]: padding };
          emit(OP_CONV, p, fields, cout * lout, fuseRelu ? FLAG_RELU : 0, [winograd]);
          macs += cout * lout * cin * k;
          if (fuseRelu) i++;
          break;
        }
        case 'activation':
          emit(OP_ACT, -1, { [ACT_FEATURES]: inShape.c * inShape.l, [ACT_FN]: ACTIVATION_CODES[layer.fn] }, inShape.c * inShape.l);
          break;
        case 'pool':
          emit(OP_POOL, -1, { [POOL_CHANNELS]: inShape.c, [POOL_LIN]: inShape.l, [POOL_FN]: POOL_CODES[layer.fn] }, outShape.c * outShape.l);
          break;
        case 'flatten':
          break; // (C, L, ld) is already (C*L, ld)
        case 'residual': {
          const start = current;
          const body = compileList(layer.body, current, `${label}.`);
          const output = newBuffer(buffers[start]);
          const bodyInput: OpInput = { buffer: body, word: ADD_IN2, gradWord: ADD_DIN2, accumulateFlag: FLAG_ACC2 };
          ops.push({ kind: OP_ADD, inputs: [mainInput(start), bodyInput], output, flags: 0, param: -1, fields: { [ADD_FEATURES]: buffers[start] }, scratch: [] });
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
          emit(OP_GRU, p, { [GRU_T]: T, [GRU_H]: H, [GRU_D]: D }, T * D * H, 0, [
            { word: GRU_WORKSPACE, floats: ({ ld, kernels }) => kernels.gruWorkspaceFloats(ld, T, H, D) },
            { word: GRU_X, floats: ({ ld }) => ld * T },
            { word: GRU_Y, floats: ({ ld }) => ld * T * D * H },
          ]);
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
    for (const input of ops[i].inputs) {
      if (input.buffer === 0) continue;
      if (written.has(input.buffer)) ops[i].flags |= input.accumulateFlag;
      written.add(input.buffer);
    }
  }
  return { spec, params, paramCount, buffers, ops, output, macsPerExample: macs };
}

/**
 * The PyTorch training script of a design: a readable nn.Module with the design's layers written
 * out, the workbench's He initialisation, objective (1/(2C) theta^T theta + mean loss), optimiser
 * and preprocessing, an IDX / Fashion-MNIST loader, and DistributedDataParallel behind
 * --distributed. The fixed parts (loader, training loop) are in torchScriptRuntime.ts.
 */
import type { LayerSpec, NetworkSpec } from '../graph/compile';
import type { ActivationKind } from '../graph/format';
import type { Shape } from '../graph/shape';
import type { TrainingConfig } from '../train/config';
import { TORCH_SCRIPT_RUNTIME } from './torchScriptRuntime';

/** A JavaScript value as a Python literal (numbers, strings, booleans, null, arrays, plain objects). */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`pythonLiteral: ${value} is not a finite number`);
    return Number.isInteger(value) ? String(value) : String(value).replace(/^(-?)\./, '$10.');
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`).join(', ')}}`;
  throw new Error(`pythonLiteral: cannot write a ${typeof value}`);
}

/** Text that is safe inside a Python """docstring""": one line, backslashes and quotes escaped. */
function docText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function activation(fn: ActivationKind, leak: number, expr: string): string {
  switch (fn) {
    case 'relu':
      return `F.relu(${expr})`;
    case 'leaky_relu':
      return `F.leaky_relu(${expr}, negative_slope=${pythonLiteral(leak)})`;
    case 'tanh':
      return `torch.tanh(${expr})`;
    case 'sigmoid':
      return `torch.sigmoid(${expr})`;
    case 'linear':
      return expr;
  }
}

function moduleLine(layer: LayerSpec, name: string): string | null {
  switch (layer.kind) {
    case 'conv':
      return `self.${name} = nn.Conv2d(${layer.inShape.d}, ${layer.filters}, kernel_size=${layer.size}, stride=${layer.stride}, padding=${layer.padding})`;
    case 'pool':
      return `self.${name} = nn.${layer.mode === 'max' ? 'MaxPool2d' : 'AvgPool2d'}(kernel_size=${layer.size}, stride=${layer.stride})`;
    case 'fc':
      return `self.${name} = nn.Linear(${layer.inShape.d * layer.inShape.a * layer.inShape.b}, ${layer.units})`;
    case 'activation':
      return null;
  }
}

/** The lines of forward(), each commented with what it leaves: C x H x W for an image, K for N x K. */
function forwardLines(spec: NetworkSpec, modules: ReadonlyMap<string, string>): string[] {
  const lines: { code: string; shape: Shape; rank: 2 | 4; note?: string }[] = [{ code: 'x = self.preprocess(x)', shape: spec.input, rank: 4 }];
  let rank: 2 | 4 = 4;
  for (const layer of spec.layers) {
    const name = modules.get(layer.nodeId)!;
    if ((layer.kind === 'conv' || layer.kind === 'pool') && rank === 2) {
      rank = 4;
      lines.push({ code: `x = x.view(-1, ${layer.inShape.d}, 1, 1)`, shape: layer.inShape, rank });
    }
    if (layer.kind === 'fc' && rank === 4) {
      rank = 2;
      lines.push({ code: 'x = torch.flatten(x, 1)', shape: layer.inShape, rank });
    }
    switch (layer.kind) {
      case 'conv':
      case 'fc':
        lines.push({ code: `x = ${activation(layer.activation, layer.leak, `self.${name}(x)`)}`, shape: layer.outShape, rank });
        break;
      case 'pool':
        lines.push({ code: `x = self.${name}(x)`, shape: layer.outShape, rank });
        break;
      case 'activation':
        lines.push({ code: `x = ${activation(layer.activation, layer.leak, 'x')}`, shape: layer.outShape, rank, note: name });
        break;
    }
  }
  const last = spec.layers.length > 0 ? spec.layers[spec.layers.length - 1].outShape : spec.input;
  if (rank === 4) {
    const vecOrder = last.a > 1 || last.b > 1;
    lines.push({
      code: vecOrder ? 'x = x.permute(0, 3, 2, 1).flatten(1)' : 'x = torch.flatten(x, 1)',
      shape: last,
      rank: 2,
      note: vecOrder ? 'vec order (channel fastest), as the workbench orders the scores' : undefined,
    });
  }
  const described = (l: (typeof lines)[number]) => {
    const size = l.shape.d * l.shape.a * l.shape.b;
    const shape = l.rank === 4 ? `${l.shape.d}x${l.shape.a}x${l.shape.b}` : String(size);
    return l.note ? `${shape}  ${l.note}` : shape;
  };
  const width = Math.max(...lines.map((l) => l.code.length)) + 2;
  return lines.map((l) => `${l.code.padEnd(width)}# ${described(l)}`);
}

export interface TorchScriptOptions {
  spec: NetworkSpec;
  graphName: string;
  modules: ReadonlyMap<string, string>;
  config: TrainingConfig;
  /** The data directory the script reads by default. */
  dataDir: string;
}

export function torchScript({ spec, graphName, modules, config, dataDir }: TorchScriptOptions): string {
  const moduleLines = spec.layers.map((l) => moduleLine(l, modules.get(l.nodeId)!)).filter((l): l is string => l !== null);
  const lossText = spec.loss === 'squared' ? 'xi = ||z - onehot(y)||^2 (squared loss, simpleNN\'s default)' : 'xi = -log softmax(z)_y (softmax cross-entropy)';
  const newton = config.optimizer === 'newton';
  const optimizer = newton ? 'sgd' : config.optimizer;
  const defaults = {
    optimizer,
    epochs: config.epochs,
    batch_size: config.batchSize,
    seed: config.seed,
    lr: optimizer === 'adam' ? config.adam.lr : config.sgd.lr,
    momentum: config.sgd.momentum,
    decay: optimizer === 'adam' ? config.adam.decay : config.sgd.decay,
    beta1: config.adam.beta1,
    beta2: config.adam.beta2,
    epsilon: config.adam.epsilon,
    validation_fraction: config.validationFraction,
    data: dataDir,
  };
  const newtonNote = newton
    ? [
        '',
        '# The design was trained with simpleNN\'s Newton method (subsampled Gauss-Newton + CG). It is NOT',
        '# exported: PyTorch has no built-in equivalent, and the Gauss-Newton products of a data-parallel',
        '# run need collectives this script does not write. The script falls back to SGD with momentum',
        '# (the settings below); tune lr for it.',
      ]
    : [];
  return [
    '#!/usr/bin/env python3',
    `"""${docText(graphName)}: the design as a PyTorch training script, exported by CNN Workbench.`,
    '',
    'The layers, the initialisation (He: W ~ N(0, 2/fan_in), b = 0), the objective',
    '',
    '    f(theta) = 1/(2C) theta^T theta + (1/l) sum_i xi(z_i; y_i)',
    '',
    `with ${lossText} and C = ${spec.C === null ? 'None (no regulariser)' : spec.C}`,
    `(C as given, not multiplied by l), the preprocessing and the optimiser (${newton ? 'Newton: not exported, SGD instead' : optimizer}) are the`,
    "workbench's. torch's random numbers are not the workbench's: a run from scratch is the same in",
    'distribution, not bit for bit; exported weights (--weights) give the same scores up to float32.',
    '',
    'Needs only PyTorch. Examples:',
    '  python3 train.py                                   # train on the IDX files in --data',
    '  python3 train.py --weights weights.json --epochs 0 # evaluate the exported weights',
    '  python3 train.py --weights weights.json            # go on training from them',
    '  torchrun --nproc_per_node=4 train.py --distributed # data-parallel over 4 GPUs (or CPU processes)',
    '  torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py --distributed',
    'Each epoch prints one JSON line; the trained weights are written with --save (same format as',
    'weights.json) and, with --export-onnx, as ONNX for `cnnwb import`.',
    '"""',
    'import argparse',
    'import array',
    'import gzip',
    'import json',
    'import math',
    'import os',
    'import struct',
    'import sys',
    'import time',
    '',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from torch.nn.parallel import DistributedDataParallel',
    'from torch.utils.data import DataLoader, TensorDataset',
    'from torch.utils.data.distributed import DistributedSampler',
    '',
    `INPUT_SHAPE = (${spec.input.d}, ${spec.input.a}, ${spec.input.b})  # channels, height, width (N x C x H x W batches)`,
    `CLASSES = ${spec.classes}`,
    `LOSS = ${pythonLiteral(spec.loss)}  # "squared" or "softmax_ce"`,
    `C = ${pythonLiteral(spec.C)}  # regularisation constant of 1/(2C) theta^T theta; None: no regulariser`,
    `# How the workbench fits the preprocessing on the training data when the weights do not bring it.`,
    `PREPROCESSING = ${pythonLiteral({ scale_to_unit: config.preprocessing.scaleToUnit, mean: config.preprocessing.mean, standardize: config.preprocessing.standardize })}`,
    `DEFAULTS = ${pythonLiteral(defaults)}`,
    ...newtonNote,
    '',
    '',
    'class Preprocess(nn.Module):',
    '    """x <- ((x - offset) * scale - mean) / std on raw N x C x H x W values, as the workbench',
    '    preprocesses; loaded with the weights, or fitted on the training data (fit)."""',
    '',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.register_buffer("offset", torch.tensor(0.0))',
    '        self.register_buffer("scale", torch.tensor(1.0))',
    '        self.register_buffer("mean", torch.zeros(1, INPUT_SHAPE[0], 1, 1))',
    '        self.register_buffer("std", torch.ones(1, INPUT_SHAPE[0], 1, 1))',
    '        self.fitted = False',
    '',
    '    def forward(self, x):',
    '        return ((x - self.offset) * self.scale - self.mean) / self.std',
    '',
    '    def fit(self, images, raw_range):',
    '        """As the workbench fits it: [0, 1] scaling from the raw value range, then the mean (and',
    '        std) per pixel or per channel, in float64 over the training images."""',
    '        low, high = raw_range',
    '        offset, scale = (low, 1.0 / (high - low) if high > low else 1.0) if PREPROCESSING["scale_to_unit"] else (0.0, 1.0)',
    '        self.offset, self.scale = torch.tensor(float(offset)), torch.tensor(float(scale))',
    '        mode = PREPROCESSING["mean"]',
    '        if mode != "none":',
    '            dims = (0,) if mode == "per-pixel" else (0, 2, 3)',
    '            total, squares = 0.0, 0.0',
    '            for start in range(0, len(images), 4096):',
    '                x = (images[start:start + 4096].double() - offset) * scale',
    '                total = total + x.sum(dim=dims, keepdim=True)',
    '                squares = squares + (x * x).sum(dim=dims, keepdim=True)',
    '            n = len(images) * (1 if mode == "per-pixel" else INPUT_SHAPE[1] * INPUT_SHAPE[2])',
    '            mean = total / n',
    '            self.mean = mean.float()',
    '            if PREPROCESSING["standardize"]:',
    '                std = (squares / n - mean * mean).clamp(min=0).sqrt()',
    '                self.std = torch.where(std > 1e-8, std, torch.ones_like(std)).float()',
    '            else:',
    '                self.std = torch.ones_like(self.mean)',
    '        self.fitted = True',
    '',
    '',
    'class Net(nn.Module):',
    `    """${docText(graphName)}"""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.preprocess = Preprocess()',
    ...moduleLines.map((l) => `        ${l}`),
    '',
    '    def forward(self, x):',
    ...forwardLines(spec, modules).map((l) => `        ${l}`),
    '        return x',
    '',
    TORCH_SCRIPT_RUNTIME,
  ].join('\n');
}

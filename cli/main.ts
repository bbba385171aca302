import { evalUsage, runEval } from './commands/eval';
import { exportUsage, runExport } from './commands/export';
import { gradUsage, runGrad } from './commands/grad';
import { importUsage, runImport } from './commands/import';
import { initUsage, runInit } from './commands/init';
import { runRunsCommand, runsUsage } from './commands/runs';
import { runSweepCommand, sweepUsage } from './commands/sweep';
import { runTrain, trainUsage } from './commands/train';
import { reportFailure } from './failure';
import type { CliIO } from './io';

type Command = (argv: string[], io: CliIO) => Promise<number>;

const commands: Record<string, { run: Command; usage: string; summary: string }> = {
  init: { run: runInit, usage: initUsage, summary: 'graph + seeded He-initialised weights -> model file' },
  grad: { run: runGrad, usage: gradUsage, summary: 'f, mean loss, W, b, dW, db of every layer on a batch (float64), as JSON' },
  train: { run: runTrain, usage: trainUsage, summary: 'train a graph (or continue a model) with SGD, Adam or Newton, recorded in the workspace' },
  sweep: { run: runSweepCommand, usage: sweepUsage, summary: 'train variants of a graph and its settings (grid or seeded random search, budget, early stopping); resumable' },
  eval: { run: runEval, usage: evalUsage, summary: 'accuracy, per-class accuracy and confusion matrix of a trained model' },
  runs: { run: runRunsCommand, usage: runsUsage, summary: 'list, show, compare, export, import or delete recorded runs' },
  export: { run: runExport, usage: exportUsage, summary: 'model -> ONNX (opset 13); model or graph -> PyTorch project (train.py + weights)' },
  import: { run: runImport, usage: importUsage, summary: 'ONNX -> model file (editable graph + weights); lists every unsupported node' },
};

function usage(): string {
  return ['usage: cnnwb <command> [options]', '', ...Object.values(commands).map((c) => `  ${c.usage}\n      ${c.summary}`), ''].join('\n');
}

/**
 * Runs one cnnwb command; returns the exit code. Every error is one line naming the file or flag
 * (exit 2 for bad input, 1 for a fault); `--debug` anywhere adds the stack trace.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv.filter((a) => a !== '--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`cnnwb: unknown command "${name}" (cnnwb --help lists the commands)\n`);
    return 2;
  }
  if (name !== 'runs' && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout.write(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, { ...io, debug });
  } catch (e) {
    return reportFailure(name, e, { ...io, debug });
  }
}

export function registerCommand(name: string, run: Command, usageLine: string, summary: string): void {
  commands[name] = { run, usage: usageLine, summary };
}

/**
 * The memory a network and its training may take on this machine: a share of the physical memory,
 * or CNNWB_MEMORY_LIMIT ("8G", "512M", bytes) when set. Node only (the estimate itself is in
 * core/graph/memory.ts, which the editor uses too).
 */
import { totalmem } from 'node:os';
import { formatBytes, parseByteSize } from '../graph/memory';

/** The share of the machine's memory a graph may need before it is refused. */
export const MEMORY_SHARE = 0.5;

export interface MemoryLimit {
  bytes: number;
  /** How messages name it: where it comes from and how to change it. */
  name: string;
}

export function defaultMemoryLimit(env: NodeJS.ProcessEnv = process.env): MemoryLimit {
  const set = env.CNNWB_MEMORY_LIMIT;
  if (set !== undefined && set !== '') {
    const bytes = parseByteSize(set);
    if (bytes === null) throw new Error(`CNNWB_MEMORY_LIMIT: expected a size such as 8G, 512M or a number of bytes, got "${set}"`);
    return { bytes, name: 'the memory limit (CNNWB_MEMORY_LIMIT)' };
  }
  return { bytes: Math.floor(MEMORY_SHARE * totalmem()), name: `the memory limit (half of this machine's ${formatBytes(totalmem())}; CNNWB_MEMORY_LIMIT sets another)` };
}

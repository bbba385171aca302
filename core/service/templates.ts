import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateSummary } from '../api/contract';
import type { GraphFile } from '../graph/format';
import { parseGraphText } from '../graph/parse';

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** The graph templates shipped in resources/templates, one JSON graph file per template (id = file name). */
export class TemplateLibrary {
  constructor(private readonly folder: string) {}

  list(): TemplateSummary[] {
    return readdirSync(this.folder)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter((id) => ID_PATTERN.test(id))
      .sort()
      .map((id) => {
        const graph = this.get(id);
        return { id, name: graph.name, description: describeChain(graph) };
      });
  }

  get(id: string): GraphFile {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new Error(`unknown template ${JSON.stringify(id)}`);
    const file = join(this.folder, `${id}.json`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new Error(`unknown template "${id}" (no ${file})`);
    }
    try {
      return parseGraphText(text);
    } catch (e) {
      throw new Error(`template ${file}: ${(e as Error).message}`);
    }
  }
}

/** "input → conv → pool → fc → output": the node kinds along the template's edges. */
function describeChain(graph: GraphFile): string {
  const next = new Map(graph.edges.map((e) => [e.source, e.target]));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const start = graph.nodes.find((n) => n.kind === 'input');
  const kinds: string[] = [];
  const seen = new Set<string>();
  for (let id = start?.id; id !== undefined && !seen.has(id); id = next.get(id)) {
    seen.add(id);
    kinds.push(byId.get(id)?.kind ?? '?');
  }
  return kinds.join(' → ');
}

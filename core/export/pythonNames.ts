/** Python identifiers for the layers of a network, for the exported PyTorch script's modules. */
import type { NetworkSpec } from '../graph/compile';

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
/** Names an nn.Module attribute must not take (methods and attributes of nn.Module, and the script's own). */
const MODULE_RESERVED = new Set(
  'forward training preprocess modules children parameters buffers state_dict load_state_dict train eval to cuda cpu apply zero_grad register_buffer register_parameter named_modules named_parameters type float double half extra_repr'.split(
    ' ',
  ),
);

export function pythonIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^[0-9]/.test(id)) id = `layer_${id}`;
  if (PYTHON_KEYWORDS.has(id) || MODULE_RESERVED.has(id) || id.startsWith('__')) id = `${id.replace(/^_+/, '')}_layer`;
  return id;
}

/** Node id -> a unique Python identifier, for every layer of the network. */
export function moduleNames(spec: NetworkSpec): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const layer of spec.layers) {
    const base = pythonIdentifier(layer.nodeId);
    let id = base;
    for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
    taken.add(id);
    names.set(layer.nodeId, id);
  }
  return names;
}

/**
 * tfjs-core's Node bundle (dist/tf-core.node.js) registers no gradients, and its ES-module build
 * cannot be imported by Node (directory imports). The union package @tensorflow/tfjs would bring
 * them, with layers, converter and data. Instead: bundle tfjs-core's own register_all_gradients.js
 * once with esbuild into build/bench/ and load it; the registry it fills is tfjs's global one.
 */
import { buildSync } from 'esbuild';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export function loadTfjsGradients(): void {
  const outfile = fileURLToPath(new URL('../../build/bench/tfjs-gradients.cjs', import.meta.url));
  if (!existsSync(outfile)) {
    const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', outfile, logLevel: 'warning' });
  }
  require(outfile);
}

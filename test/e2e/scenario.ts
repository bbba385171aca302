import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/** The simpleNN 3-layer CNN as built by hand: palette label, and the parameter fields to set. */
export const THREE_LAYER: { kind: string; name: string; fields?: Record<string, string> }[] = [
  { kind: 'Input', name: 'input' },
  { kind: 'Convolution', name: 'conv1', fields: { 'Filter size': '5', Padding: '2' } },
  { kind: 'Pooling', name: 'pool1' },
  { kind: 'Convolution', name: 'conv2', fields: { Filters: '64' } },
  { kind: 'Pooling', name: 'pool2' },
  { kind: 'Convolution', name: 'conv3', fields: { Filters: '64' } },
  { kind: 'Pooling', name: 'pool3' },
  { kind: 'Fully connected', name: 'fc1' },
  { kind: 'Output / loss', name: 'output' },
];

/** The shape each edge must show, as the lecture's sizes give them. */
export const THREE_LAYER_SHAPES: Record<string, string> = {
  'e-input-conv1': '1x28x28',
  'e-conv1-pool1': '32x28x28',
  'e-pool1-conv2': '32x14x14',
  'e-conv2-pool2': '64x14x14',
  'e-pool2-conv3': '64x7x7',
  'e-conv3-pool3': '64x7x7',
  'e-pool3-fc1': '64x3x3',
  'e-fc1-output': '10',
};

/** conv 32*(5*5*1)+32, conv 64*(3*3*32)+64, conv 64*(3*3*64)+64, fc 10*576+10. */
export const THREE_LAYER_PARAMS = 832 + 18496 + 36928 + 5770;

export const KIND_LABEL: Record<string, string> = {
  input: 'Input',
  conv1: 'Convolution',
  conv2: 'Convolution',
  conv3: 'Convolution',
  pool1: 'Pooling',
  pool2: 'Pooling',
  pool3: 'Pooling',
  fc1: 'Fully connected',
  output: 'Output / loss',
};

export function nodeLocator(page: Page, name: string, kind = KIND_LABEL[name]): Locator {
  return page.getByRole('group', { name: `${name} (${kind})` });
}

export async function edgeShapes(page: Page): Promise<Record<string, string>> {
  const labels = page.locator('[data-testid^="edge-shape-"]');
  const out: Record<string, string> = {};
  for (const label of await labels.all()) {
    const id = (await label.getAttribute('data-testid'))!.slice('edge-shape-'.length);
    out[id] = (await label.textContent())!.trim();
  }
  return out;
}

/** Sets parameter fields of the selected node the way a person does: type, then leave the field. */
export async function setFields(page: Page, nodeName: string, fields: Record<string, string>): Promise<void> {
  const panel = page.getByRole('region', { name: `Parameters of ${nodeName}` });
  for (const [label, value] of Object.entries(fields)) {
    const field = panel.getByLabel(label, { exact: true });
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else {
      await field.fill(value);
      await field.press('Tab');
    }
  }
}

/** Drags every layer from the palette onto the empty canvas, sets its parameters, then connects the chain handle to handle. */
export async function buildThreeLayerByHand(page: Page): Promise<void> {
  const canvas = page.locator('.react-flow__pane');
  const box = (await canvas.boundingBox())!;
  for (const [i, layer] of THREE_LAYER.entries()) {
    const column = i % 3;
    const row = Math.floor(i / 3);
    await page.getByRole('button', { name: `Add ${layer.kind}` }).dragTo(canvas, {
      targetPosition: { x: 150 + column * 270, y: 60 + row * 190 },
    });
    await expect.poll(() => nodeLocator(page, layer.name).count(), { message: `${layer.name} dropped` }).toBe(1);
    if (layer.fields) await setFields(page, layer.name, layer.fields);
  }
  expect(box.width).toBeGreaterThan(700);
  for (let i = 0; i + 1 < THREE_LAYER.length; i++) {
    const from = page.getByRole('button', { name: `${THREE_LAYER[i].name} output`, exact: true });
    const to = page.getByRole('button', { name: `${THREE_LAYER[i + 1].name} input`, exact: true });
    await from.dragTo(to);
    await expect
      .poll(() => page.locator(`[data-testid="edge-shape-e-${THREE_LAYER[i].name}-${THREE_LAYER[i + 1].name}"]`).count(), {
        message: `edge ${THREE_LAYER[i].name} -> ${THREE_LAYER[i + 1].name} connected`,
      })
      .toBe(1);
  }
}

/**
 * Pans the canvas, as a person drags it, until the node is wholly in view: fit keeps text
 * legible rather than showing the whole of a long chain, so a node may start out of view.
 */
export async function panToNode(page: Page, name: string, kind = KIND_LABEL[name]): Promise<void> {
  const node = nodeLocator(page, name, kind);
  for (let i = 0; i < 12; i++) {
    const p = (await page.locator('.react-flow__pane').boundingBox())!;
    const n = (await node.boundingBox())!;
    const inside = n.x >= p.x + 8 && n.x + n.width <= p.x + p.width - 8 && n.y >= p.y + 8 && n.y + n.height <= p.y + p.height - 8;
    if (inside) return;
    const reach = { x: p.width / 2 - 30, y: p.height / 2 - 30 };
    const dx = Math.max(-reach.x, Math.min(reach.x, p.x + p.width / 2 - (n.x + n.width / 2)));
    const dy = Math.max(-reach.y, Math.min(reach.y, p.y + p.height / 2 - (n.y + n.height / 2)));
    // From the middle of the pane's top strip: no node starts that high and the mini-map sits at the right.
    const from = { x: p.x + p.width / 2, y: p.y + 12 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + dx, from.y + dy, { steps: 6 });
    await page.mouse.up();
  }
  throw new Error(`panToNode: ${name} is still not in view`);
}

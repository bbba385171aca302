import type { UploadedImage } from '../../../core/api/contract';

/**
 * An image file as the network's input would read it: drawn at the input's height x width, grey
 * (the mean of R, G, B) for one channel or RGB for three, values 0..255 row-major with the channels
 * interleaved (DataImage's layout). The service preprocesses it as the data's instances.
 */
export async function decodeImage(file: File, shape: { channels: number; height: number; width: number }, label: number): Promise<UploadedImage> {
  const { channels, height, width } = shape;
  if (channels !== 1 && channels !== 3) throw new Error(`an image gives 1 (grey) or 3 (RGB) channels; the input has ${channels}`);
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const pixels: number[] = [];
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]];
    if (channels === 1) pixels.push(Math.round((r + g + b) / 3));
    else pixels.push(r, g, b);
  }
  return { width, height, channels, pixels, label, name: file.name };
}

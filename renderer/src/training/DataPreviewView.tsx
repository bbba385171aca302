import { useEffect, useRef } from 'react';
import type { DataImage, DataPreview } from '../../../core/api/contract';

/** One raw image drawn pixel for pixel and scaled up by CSS. */
export function ImageCanvas({ image, scale = 2, title }: { image: DataImage; scale?: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const pixels = new ImageData(image.width, image.height);
    for (let p = 0; p < image.width * image.height; p++) {
      const grey = image.pixels[p * image.channels];
      pixels.data[4 * p] = grey;
      pixels.data[4 * p + 1] = image.channels === 3 ? image.pixels[p * 3 + 1] : grey;
      pixels.data[4 * p + 2] = image.channels === 3 ? image.pixels[p * 3 + 2] : grey;
      pixels.data[4 * p + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
  }, [image]);
  return <canvas ref={ref} className="pixelated" width={image.width} height={image.height} style={{ width: image.width * scale, height: image.height * scale }} title={title} />;
}

export function className(preview: Pick<DataPreview, 'classNames'> | null, label: number): string {
  return preview?.classNames?.[label] ?? String(label);
}

/** A few images of the chosen data with their labels, its size and the count of every class. */
export function DataPreviewView({ preview }: { preview: DataPreview }) {
  const max = Math.max(...preview.classCounts, 1);
  return (
    <div className="data-preview" aria-label="Data preview">
      <div className="muted">
        {preview.source}: <span data-testid="data-count">{preview.count}</span> images {preview.shape.d}x{preview.shape.a}x{preview.shape.b}, {preview.classes} classes
      </div>
      <div className="preview-images">
        {preview.images.map((image) => (
          <figure key={image.index}>
            <ImageCanvas image={image} scale={1.5} />
            <figcaption>{className(preview, image.label)}</figcaption>
          </figure>
        ))}
      </div>
      <table className="class-counts" aria-label="Class counts">
        <tbody>
          {preview.classCounts.map((n, c) => (
            <tr key={c}>
              <td>{className(preview, c)}</td>
              <td className="num">{n}</td>
              <td>
                <span className="bar" style={{ width: `${(60 * n) / max}px` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

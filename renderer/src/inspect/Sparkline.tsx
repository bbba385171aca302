import { useEffect, useRef } from 'react';

interface SparklineProps {
  /** One value per step; null or non-positive values leave a gap (the scale is log10). */
  values: readonly (number | null)[];
  /** Index drawn as a dot (the scrubbed step), or null. */
  marked: number | null;
  width: number;
  height: number;
  label: string;
}

/** A tiny log-scale line of a positive series on a canvas (one draw per change of values or mark). */
export function Sparkline({ values, marked, width, height, label }: SparklineProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const logs = values.map((v) => (v !== null && v > 0 && Number.isFinite(v) ? Math.log10(v) : null));
    const present = logs.filter((v): v is number => v !== null);
    if (present.length === 0) return;
    const lo = Math.min(...present);
    const hi = Math.max(...present);
    const x = (i: number) => (values.length > 1 ? 2 + (i * (width - 4)) / (values.length - 1) : width / 2);
    const y = (v: number) => (hi > lo ? height - 2 - ((v - lo) * (height - 4)) / (hi - lo) : height / 2);
    ctx.strokeStyle = '#2f6fde';
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    let pen = false;
    logs.forEach((v, i) => {
      if (v === null) return void (pen = false);
      if (pen) ctx.lineTo(x(i), y(v));
      else ctx.moveTo(x(i), y(v));
      pen = true;
    });
    ctx.stroke();
    const at = marked !== null ? logs[marked] : null;
    if (marked !== null && at !== null && at !== undefined) {
      ctx.fillStyle = '#d32f2f';
      ctx.beginPath();
      ctx.arc(x(marked), y(at), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }, [values, marked, width, height]);
  return <canvas ref={ref} className="sparkline" role="img" aria-label={label} style={{ width, height }} data-points={values.length} />;
}

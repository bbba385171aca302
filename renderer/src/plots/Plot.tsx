import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface PlotSeries {
  label: string;
  color: string;
  dash?: number[];
  /** Draw points only (sparse series such as per-epoch validation). */
  points?: boolean;
}

interface PlotProps {
  title: string;
  /** [x, y1, y2, ...] aligned arrays (uPlot's AlignedData). */
  data: (number | null)[][];
  series: PlotSeries[];
  /** Changes whenever data gained points (the arrays may be the same objects, grown in place). */
  version: number;
  width?: number;
  height?: number;
  xLabel?: string;
  logY?: boolean;
}

/** Tick steps for a count axis: 1, 2, 5, 10, 20, 50, ... (uPlot picks the smallest that leaves room for the labels). */
const INTEGER_INCREMENTS = Array.from({ length: 24 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

/** A uPlot chart created once and fed with setData: cheap with thousands of points. */
export function Plot({ title, data, series, version, width = 300, height = 150, xLabel = 'step', logY = false }: PlotProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const key = series.map((s) => s.label).join('|');

  useEffect(() => {
    if (!host.current) return;
    const options: uPlot.Options = {
      title,
      width,
      height,
      scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
      // x is a step or epoch count: ticks at whole numbers only.
      axes: [{ label: xLabel, size: 30, labelSize: 14, incrs: INTEGER_INCREMENTS }, { size: 50 }],
      legend: { live: false },
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          dash: s.dash,
          spanGaps: true,
          points: s.points ? { show: true, size: 5, fill: s.color } : { show: false },
        })),
      ],
    };
    chart.current = new uPlot(options, data as uPlot.AlignedData, host.current);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // Recreated only when the set of series, the size or the scale changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, width, height, logY, title]);

  useEffect(() => {
    chart.current?.setData(data.map((column) => column.slice()) as uPlot.AlignedData);
  }, [data, version]);

  return <div className="plot" ref={host} role="img" aria-label={`Plot: ${title}`} data-points={data[0]?.length ?? 0} data-scale={logY ? 'log' : 'linear'} />;
}

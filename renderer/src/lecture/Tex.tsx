import katex from 'katex';
import 'katex/dist/katex.min.css';
import { memo } from 'react';

/** TeX typeset by KaTeX (HTML for the eye, MathML for screen readers); a TeX error shows the source in red rather than failing. */
function TexView({ tex, display = false, label }: { tex: string; display?: boolean; label?: string }) {
  const html = katex.renderToString(tex, { displayMode: display, throwOnError: false, output: 'htmlAndMathml', strict: 'ignore' });
  const Tag = display ? 'div' : 'span';
  return <Tag className={display ? 'tex tex-display' : 'tex'} aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />;
}

export const Tex = memo(TexView);

/** A symbol for a caption: \frac{a}{b} written a / b, so its parts keep the caption's size (KaTeX shrinks an inline fraction's). */
export function slashFractions(tex: string): string {
  return tex.replace(/\\frac\{((?:[^{}]|\{[^{}]*\})*)\}\{((?:[^{}]|\{[^{}]*\})*)\}/g, '$1 / $2');
}

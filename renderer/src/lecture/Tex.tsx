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

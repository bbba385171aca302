import { toPng, toSvg } from 'html-to-image';

/**
 * A step as an image for slides and homework: the step's element (title, typeset equation,
 * matrices with their sizes) drawn by html-to-image, which inlines the styles and KaTeX's fonts.
 * The browser saves it as a download (Electron asks where).
 */
export async function exportStep(element: HTMLElement, format: 'png' | 'svg', name: string): Promise<void> {
  const options = { backgroundColor: '#ffffff', pixelRatio: 2 };
  // The buttons and the check's table are not part of the step: hidden while it is drawn (styles.css .exporting).
  element.classList.add('exporting');
  let url: string;
  try {
    url = format === 'png' ? await toPng(element, options) : await toSvg(element, options);
  } finally {
    element.classList.remove('exporting');
  }
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.${format}`;
  a.click();
}

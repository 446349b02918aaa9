/**
 * Vega-Lite specs rendered to SVG in Node (no browser, no network): the report embeds the SVG inline.
 * vega is imported on first use: its canvas probe uses top-level await, which would stop
 * CommonJS callers (notebook kernels) from requiring the library at all.
 */
import type { TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

export async function renderSvg(spec: ChartSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

import type { ChartSpec } from "./specs";

type Vega = typeof import("vega");
// vega-lite declares its types only under "exports", which this project's node10 resolution ignores.
type VegaLite = typeof import("vega-lite/build/index");

/**
 * TypeScript turns `import()` into `require()` under CommonJS, and vega's ESM build has top-level
 * await, which `require()` refuses (ERR_REQUIRE_ASYNC_MODULE): a Function body keeps Node's import().
 */
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;
let grammar: Promise<[Vega, VegaLite]> | undefined;

/**
 * A Vega-Lite chart as static SVG, rendered in Node: the page needs no script. Without a canvas,
 * Vega estimates text widths generously (0.8 em a character), so its layout leaves room for labels.
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  grammar ??= Promise.all([importEsm("vega"), importEsm("vega-lite")]) as Promise<[Vega, VegaLite]>;
  const [vega, vegaLite] = await grammar;
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

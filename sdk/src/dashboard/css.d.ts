/** A CSS file imported as text (rollup.config.ts `cssText()`; used for uPlot's stylesheet in a shadow root). */
declare module '*.css' {
  const text: string;
  export default text;
}

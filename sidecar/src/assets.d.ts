// esbuild inlines these files as strings (loader `text`, see scripts/build.mjs).
declare module '*.md' {
  const text: string;
  export default text;
}

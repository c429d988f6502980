// Versions reported in `ready`. esbuild replaces the two constants at build
// time (scripts/build.mjs) from our package.json and the pinned SDK's.

declare const __SIDECAR_VERSION__: string;
declare const __SDK_VERSION__: string;

export const SIDECAR_VERSION: string = typeof __SIDECAR_VERSION__ === 'string' ? __SIDECAR_VERSION__ : '0.0.0-dev';
export const SDK_VERSION: string = typeof __SDK_VERSION__ === 'string' ? __SDK_VERSION__ : 'unknown';

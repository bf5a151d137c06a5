// Lets tsc follow `import App from './App.svelte'`; the esbuild plugin in examples/build.ts compiles
// the file, and the Svelte compiler checks its props.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<any>;
  export default component;
}

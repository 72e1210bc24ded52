// Types for Comlink's Node adapter (the package ships them as node-adapter.d.ts,
// which TypeScript does not pair with the .mjs file under NodeNext resolution).
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  export interface NodeEndpoint {
    // `any`: a Worker's and a MessagePort's typed signatures must fit.
    postMessage(message: any, transfer?: any): void;
    on(type: string, listener: (...args: any[]) => void): unknown;
    off(type: string, listener: (...args: any[]) => void): unknown;
    start?: () => void;
  }
  export default function nodeEndpoint(endpoint: NodeEndpoint): Endpoint;
}

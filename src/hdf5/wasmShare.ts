/**
 * Imported by the worker before h5wasm, so it runs first. h5wasm compiles its ~3 MB module in
 * every worker, and V8 then re-learns which functions are hot (Liftoff first, TurboFan later): a
 * fresh worker walks metadata about 2.5 times slower than a warmed one. The first worker hands its
 * compiled WebAssembly.Module to the host, which gives it to every later worker: they skip the
 * compile, and since workers of one process share a module's code, functions optimized while one
 * file was read stay optimized for the next.
 */
import { workerData } from 'node:worker_threads';
import { wasm, type WasmModule } from '../util/webAssembly';

export type { WasmModule };

const given = (workerData as { wasmModule?: unknown } | null)?.wasmModule;
const shared = given instanceof wasm.Module ? given : undefined;
let compiled: WasmModule | undefined;
let first = true;
const original = wasm.instantiate.bind(wasm);

// Only the first instantiation is h5wasm's own module; filter plugins (side modules) come later.
wasm.instantiate = async (source, imports) => {
  if (!first) return original(source, imports);
  first = false;
  // Given a Module, instantiate answers an Instance; Emscripten expects { instance, module }.
  if (shared) return { module: shared, instance: await original(shared, imports) };
  const result = (await original(source, imports)) as { module: WasmModule };
  compiled = result.module;
  return result;
};

/** The module this worker compiled itself (undefined when it was given one). */
export function compiledWasmModule(): WasmModule | undefined {
  return compiled;
}

/**
 * Job specs and sbatch rendering: the typed spec (resources + session), config merging with site
 * limits, and the safe sbatch script.
 *
 * @example
 * ```ts
 * import { renderSbatch, resolveSpec } from "./mod.ts";
 * const { spec } = await resolveSpec({ flags: { partition: "gpu", gpus: "1" } });
 * console.log(renderSbatch(spec));
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./resources.ts";
export * from "./session.ts";
export * from "./spec.ts";
export * from "./config.ts";
export * from "./render.ts";
export * from "./allocation.ts";
export { SPEC_FIELDS, type SpecField } from "./_fields.ts";

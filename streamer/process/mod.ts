/**
 * Supervision of the session's child processes: spawn in own process groups, report crashes,
 * end the whole tree on stop, and the CLI's signal handlers.
 *
 * @module
 */
export * from "./group.ts";
export * from "./shutdown.ts";
export * from "./orphan_reaper.ts";
export * from "./runtime_dir.ts";

/**
 * Logging for every part of selkies-hpc, through LogTape. Libraries only call
 * {@linkcode getLog}; the CLI configures sinks once with {@linkcode setupLogging}.
 * Never log secrets (session tokens, TURN secrets, MUNGE credentials).
 *
 * @module
 */
import {
  configure,
  getLogger,
  type Logger,
  type LogLevel,
  type LogRecord,
  type Sink,
} from "@logtape/logtape";

/** Options for {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** Lowest level written. @default {"info"} */
  level?: LogLevel;
  /** Write one JSON object per line (for services) instead of text. @default {false} */
  json?: boolean;
}

/**
 * Configures log output to stderr (stdout stays free for command output).
 *
 * @example
 * ```ts
 * import { setupLogging } from "./log.ts";
 * await setupLogging({ level: "debug" });
 * ```
 */
export async function setupLogging(options: LoggingOptions = {}): Promise<void> {
  const level = options.level ?? (Deno.env.get("SELKIES_LOG_LEVEL") as LogLevel | undefined) ?? "info";
  await configure({
    reset: true,
    sinks: {
      stderr: stderrSink(options.json ? jsonLine : textLine),
    },
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
      { category: ["selkies-hpc"], lowestLevel: level, sinks: ["stderr"] },
    ],
  });
}

/**
 * Returns the logger of one part of the system, e.g. `getLog("media")`.
 *
 * @example
 * ```ts
 * import { getLog } from "./log.ts";
 * getLog("media").info("encoder {name} chosen", { name: "x264enc" });
 * ```
 */
export function getLog(...area: string[]): Logger {
  return getLogger(["selkies-hpc", ...area]);
}

const encoder = new TextEncoder();

function stderrSink(format: (record: LogRecord) => string): Sink {
  return (record) => {
    try {
      Deno.stderr.writeSync(encoder.encode(format(record) + "\n"));
    } catch {
      // stderr closed (detached process): nothing useful left to do with the line.
    }
  };
}

function render(record: { message: readonly unknown[] }): string {
  return record.message.map((part) => typeof part === "string" ? part : Deno.inspect(part)).join("");
}

function textLine(
  record: { level: string; category: readonly string[]; message: readonly unknown[]; timestamp: number },
): string {
  const time = new Date(record.timestamp).toISOString().slice(11, 23);
  return `${time} ${record.level.toUpperCase().padEnd(7)} ${record.category.slice(1).join(".")}: ${
    render(record)
  }`;
}

function jsonLine(
  record: {
    level: string;
    category: readonly string[];
    message: readonly unknown[];
    timestamp: number;
    properties: Record<string, unknown>;
  },
): string {
  return JSON.stringify({
    time: new Date(record.timestamp).toISOString(),
    level: record.level,
    area: record.category.slice(1).join("."),
    message: render(record),
    ...record.properties,
  });
}

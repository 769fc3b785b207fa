// Steps of a session's start that need no state of their own: audio (optional), the first frame, the desktop's
// events to the viewers, the job's CUDA device.
import { Buffer } from "node:buffer";
import type { Allocation } from "../../jobs/allocation.ts";
import { getLog } from "../../log.ts";
import { encodeImageChunks } from "../../protocol/clipboard_image.ts";
import { type PulseServer, startPulse } from "../audio/mod.ts";
import type { MediaSession } from "../media/mod.ts";
import type { ProcessGroup } from "../process/mod.ts";
import type { X11Session } from "../x11/mod.ts";
import type { ViewerHub } from "./hub.ts";

const log = getLog("session");

/** Starts the session's PulseAudio; a session without sound (with a warning) when it cannot. */
export async function startAudio(
  runtimeDir: string,
  group: ProcessGroup,
  signal?: AbortSignal,
): Promise<PulseServer | undefined> {
  try {
    const pulse = await startPulse({ runtimeDir, group, signal });
    if (pulse.server !== null) return pulse;
    log.warning("audio is off: {reason}", { reason: pulse.reason });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    log.warning("audio is off: {error}", { error: error instanceof Error ? error.message : String(error) });
  }
  return undefined;
}

/** Sends the desktop's cursor and clipboard (text and images) to every viewer. */
export function wireDesktopEvents(x11: X11Session, hub: ViewerHub): void {
  x11.onCursor((cursor) =>
    hub.broadcast({
      t: "cursor",
      png: Buffer.from(cursor.png).toString("base64"),
      w: cursor.width,
      h: cursor.height,
      hx: cursor.xhot,
      hy: cursor.yhot,
    })
  );
  x11.onClipboard((text) => hub.broadcast({ t: "clip", text }));
  let imageId = 0;
  x11.onClipboardImage((image) => {
    if ("png" in image) hub.broadcastBytes(encodeImageChunks(++imageId, image.png));
    else {hub.broadcast({
        t: "notice",
        message: `The desktop's clipboard image was not copied: ${image.refused}`,
      });}
  });
}

/**
 * Resolves when the encoder has produced its first frame (so a viewer sees something at once); rejects after
 * `timeoutMs` or when `signal` aborts, its timer and subscription gone on every path.
 */
export function firstFrame(media: MediaSession, signal?: AbortSignal, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      queueMicrotask(unsubscribe);
    };
    const onAbort = () => {
      done();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no video frame within ${timeoutMs / 1000} s: check the logs above`));
    }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    const unsubscribe = media.subscribe((frame) => {
      if (frame.kind !== "video") return;
      done();
      resolve();
    });
  });
}

/** The CUDA device of the job (SLURM renumbers the granted GPUs from 0). */
export function cudaDevice(allocation: Allocation): number | undefined {
  const visible = allocation.gpus.cudaVisibleDevices;
  if (!visible || visible === "NoDevFiles") return undefined;
  return 0;
}

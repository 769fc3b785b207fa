/**
 * The portal at `/`: the signed-in user's sessions (node, time left, connect, share, cancel) and,
 * on a personal gateway given a `launch` hook, a launch form built from the site's fields.
 *
 * @module
 */
import type { Hono } from "hono";
import type { GatewayEnv } from "./_env.ts";
import type { SessionRegistry } from "./registry.ts";
import { escapeHtml } from "../access/mod.ts";

/** One field of the launch form. */
export interface LaunchField {
  /** Form name, e.g. `partition`. */
  name: string;
  /** Label shown. */
  label: string;
  /** Choices (a select) or free text when absent. */
  choices?: string[];
  /** Preset value. */
  value?: string;
}

/** A scheduler job as the portal shows it. */
export interface PortalJob {
  /** SLURM job id. */
  jobId: string;
  /** SLURM state, e.g. PENDING or RUNNING. */
  state: string;
  /** Node list once allocated. */
  node?: string;
}

/** Options for the portal's actions (personal mode, where the gateway runs as the user). */
export interface PortalOptions {
  /** The user's selkies jobs from the scheduler (queued ones included; e.g. `jobs/scheduler` `listSessions`). */
  jobs?: () => Promise<PortalJob[]>;
  /** Cancels a job (e.g. `jobs/scheduler` `cancelJob`). */
  cancel?: (jobId: string) => Promise<void>;
  /** Launch form fields (from the site config) and the submit hook; returns the job id. */
  launch?: { fields: LaunchField[]; submit: (values: Record<string, string>) => Promise<string> };
}

/**
 * Adds `/` and the portal's form actions to the gateway app.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { mountPortal } from "./portal.ts";
 * import { cancelJob } from "../../jobs/scheduler/mod.ts";
 * import type { GatewayEnv } from "./_env.ts";
 * import type { SessionRegistry } from "./registry.ts";
 * declare const registry: SessionRegistry;
 * const app = new Hono<GatewayEnv>();
 * mountPortal(app, { registry, mode: "personal", cancel: (id) => cancelJob(id) });
 * ```
 */
export function mountPortal(
  app: Hono<GatewayEnv>,
  options: PortalOptions & { registry: SessionRegistry; mode: "site" | "personal" },
): void {
  const personal = options.mode === "personal";
  const cancelCell = (jobId: string) =>
    personal && options.cancel
      ? `<td><form method="post" action="api/cancel/${escapeHtml(jobId)}"><button>cancel</button></form></td>`
      : "";
  const ownJobs = async () => personal && options.jobs ? await options.jobs() : [];
  app.get("/", async (c) => {
    const user = c.get("user");
    if (!user) {
      return html(
        "<p>Sign in through your site's portal, or open a session's link (it carries its token).</p>",
      );
    }
    const live = options.registry.list(user);
    const rows = live.map((s) => {
      const left = s.job.endTime ? Math.max(0, Math.round((s.job.endTime - Date.now()) / 60_000)) : undefined;
      const id = escapeHtml(s.reg.sessionId);
      return `<tr><td>${escapeHtml(s.reg.jobId)}</td><td>running</td><td>${escapeHtml(s.reg.node)}</td>` +
        `<td>${left === undefined ? "?" : `${left} min`}</td><td><a href="s/${id}/">connect</a></td>` +
        `<td><form method="post" action="s/${id}/share"><button>view-only link</button></form></td>` +
        cancelCell(s.reg.jobId) + "</tr>";
    }).join("") + (await ownJobs()).filter((j) =>
      !live.some((s) => s.reg.jobId === j.jobId)
    ).map((j) =>
      `<tr><td>${escapeHtml(j.jobId)}</td><td>${escapeHtml(j.state.toLowerCase())}</td><td>${
        escapeHtml(j.node ?? "")
      }</td>` +
      `<td></td><td>starting</td><td></td>${cancelCell(j.jobId)}</tr>`
    ).join("");
    const launch = personal && options.launch
      ? `<h2>Launch</h2><form method="post" action="api/launch">${
        options.launch.fields.map((f) =>
          `<label>${escapeHtml(f.label)} ${
            f.choices
              ? `<select name="${escapeHtml(f.name)}">${
                f.choices.map((v) => `<option${v === f.value ? " selected" : ""}>${escapeHtml(v)}</option>`)
                  .join("")
              }</select>`
              : `<input name="${escapeHtml(f.name)}" value="${escapeHtml(f.value ?? "")}">`
          }</label><br>`
        ).join("")
      }<button>launch</button></form>`
      : "";
    return html(
      `<h1>Sessions of ${
        escapeHtml(user)
      }</h1><table><tr><th>job</th><th>state</th><th>node</th><th>time left</th></tr>${
        rows || '<tr><td colspan="4">no running sessions</td></tr>'
      }</table>${launch}`,
    );
  });
  app.post("/api/cancel/:job", async (c) => {
    const user = c.get("user"), job = c.req.param("job");
    if (!personal || !options.cancel || !user) {
      return c.text("cancel is available on a personal gateway\n", 403);
    }
    const mine = options.registry.list(user).some((s) => s.reg.jobId === job) ||
      (await ownJobs()).some((j) => j.jobId === job);
    if (!mine) return c.text("not your session\n", 403);
    await options.cancel(job);
    return c.redirect("../../", 303);
  });
  app.post("/api/launch", async (c) => {
    if (!personal || !options.launch || !c.get("user")) {
      return c.text("launch is available on a personal gateway\n", 403);
    }
    const form = await c.req.parseBody();
    const values: Record<string, string> = {};
    for (const field of options.launch.fields) {
      const value = form[field.name];
      if (typeof value === "string") values[field.name] = value;
    }
    let jobId: string;
    try {
      jobId = await options.launch.submit(values);
    } catch (error) {
      // Spec and limit errors are the user's to fix (exit code 1 in the CLI): show them, keep serving.
      if ((error as { exitCode?: number }).exitCode !== 1) throw error;
      return html(
        `<p>Not submitted: ${escapeHtml((error as Error).message)} <a href="../">back</a></p>`,
        400,
      );
    }
    return html(
      `<p>Submitted job ${escapeHtml(jobId)}; it appears here once running. <a href="../">back</a></p>`,
    );
  });
}

function html(body: string, status = 200): Response {
  return new Response(`<!doctype html><meta charset="utf-8"><title>selkies-hpc</title>${body}\n`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/**
 * The portal at `/`: the signed-in user's sessions (node, time left, connect, share, cancel) and,
 * on a personal gateway given a `launch` hook, a launch form built from the site's fields.
 *
 * @module
 */
import type { Hono } from "hono";
import type { GatewayEnv } from "./_env.ts";
import type { SessionRegistry } from "./registry.ts";
import { SECURITY_HEADERS } from "./static.ts";

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

/** Options for the portal's actions (personal mode, where the gateway runs as the user). */
export interface PortalOptions {
  /** Cancels a job (e.g. `jobs/scheduler` `cancelJob`). */
  cancel?: (jobId: string) => Promise<void>;
  /** Launch form fields (from the site config) and the submit hook; returns the job id. */
  launch?: { fields: LaunchField[]; submit: (values: Record<string, string>) => Promise<string> };
}

const esc = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * Adds `/` and the portal's form actions to the gateway app.
 *
 * @example
 * ```ts ignore
 * mountPortal(app, { registry, mode: "personal", cancel: (id) => cancelJob(id) });
 * ```
 */
export function mountPortal(
  app: Hono<GatewayEnv>,
  options: PortalOptions & { registry: SessionRegistry; mode: "site" | "personal" },
): void {
  const personal = options.mode === "personal";
  app.get("/", (c) => {
    const user = c.get("user");
    if (!user) {
      return html(
        "<p>Sign in through your site's portal, or open a session's link (it carries its token).</p>",
      );
    }
    const rows = options.registry.list(user).map((s) => {
      const left = s.job.endTime ? Math.max(0, Math.round((s.job.endTime - Date.now()) / 60_000)) : undefined;
      const id = esc(s.reg.sessionId);
      return `<tr><td>${esc(s.reg.jobId)}</td><td>running</td><td>${esc(s.reg.node)}</td>` +
        `<td>${left === undefined ? "?" : `${left} min`}</td><td><a href="s/${id}/">connect</a></td>` +
        `<td><form method="post" action="s/${id}/share"><button>view-only link</button></form></td>` +
        (personal && options.cancel
          ? `<td><form method="post" action="api/cancel/${
            esc(s.reg.jobId)
          }"><button>cancel</button></form></td>`
          : "") +
        "</tr>";
    }).join("");
    const launch = personal && options.launch
      ? `<h2>Launch</h2><form method="post" action="api/launch">${
        options.launch.fields.map((f) =>
          `<label>${esc(f.label)} ${
            f.choices
              ? `<select name="${esc(f.name)}">${
                f.choices.map((v) => `<option${v === f.value ? " selected" : ""}>${esc(v)}</option>`).join("")
              }</select>`
              : `<input name="${esc(f.name)}" value="${esc(f.value ?? "")}">`
          }</label><br>`
        ).join("")
      }<button>launch</button></form>`
      : "";
    return html(
      `<h1>Sessions of ${
        esc(user)
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
    if (!options.registry.list(user).some((s) => s.reg.jobId === job)) {
      return c.text("not your session\n", 403);
    }
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
    const jobId = await options.launch.submit(values);
    return html(`<p>Submitted job ${esc(jobId)}; it appears here once running. <a href="../">back</a></p>`);
  });
}

function html(body: string): Response {
  return new Response(`<!doctype html><meta charset="utf-8"><title>selkies-hpc</title>${body}\n`, {
    headers: { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8" },
  });
}

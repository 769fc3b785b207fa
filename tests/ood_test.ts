/**
 * The Open OnDemand app (examples/ood/selkies-hpc): its templates run under bash with OOD's helper
 * functions, and the desktop is reached through a real nginx configured like OOD's /rnode proxy.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "./fixtures/browser.ts";
import { startNginx } from "./fixtures/nginx.ts";
import { delay } from "./fixtures/async.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const APP = `${ROOT}examples/ood/selkies-hpc`;

/** OOD's helpers as its batch_connect templates define them (port finder, password maker). */
const OOD_HELPERS = `
find_port() { local port; while :; do port=$(shuf -i 20000-60000 -n 1);
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null || { echo $port; return; }; done; }
create_passwd() { tr -cd 'a-zA-Z0-9' </dev/urandom 2>/dev/null | head -c\${1:-8}; }
`;

const shellEscape = (s: string) => s === "" ? "''" : `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Renders the few ERB forms the app's templates use; any other expression fails the test, so the
 * templates cannot grow logic this test does not exercise.
 */
function renderErb(template: string, values: Record<string, string>): string {
  return template.replaceAll(/<%#[\s\S]*?%>\n?/g, "").replaceAll(
    /<%=\s*([\s\S]*?)\s*%>/g,
    (_, expr: string) => {
      const shell = /^Shellwords\.escape\(context\.(\w+)\.to_s\.strip\)$/.exec(expr);
      if (shell) return shellEscape((values[shell[1]] ?? "").trim());
      const plain = /^(?:context\.)?(\w+)$/.exec(expr);
      if (plain && plain[1] in values) return values[plain[1]];
      throw new Error(`unexpected ERB expression: ${expr}`);
    },
  );
}

Deno.test({
  name: "the Open OnDemand app serves the desktop through an /rnode proxy",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const staged = await Deno.makeTempDir({ prefix: "selkies-ood-" });
    // `top -d 0.1` keeps the screen changing (an idle screen sends no frames after its first).
    const values = { geometry: "1280x720", fps: "30", app: "xterm -T 'ood app' -e top -d 0.1" };
    const before = renderErb(await Deno.readTextFile(`${APP}/template/before.sh.erb`), values);
    const script = renderErb(await Deno.readTextFile(`${APP}/template/script.sh.erb`), values);
    await Deno.writeTextFile(`${staged}/script.sh`, script);
    // What OOD's basic template does: helpers, before.sh, record the connection, then script.sh.
    const job = `${OOD_HELPERS}\nhost=127.0.0.1\n${before}\n` +
      `printf 'port: %s\\nselkies_token: %s\\n' "$port" "$selkies_token" > connection.yml\n` +
      `exec bash script.sh`;
    const child = new Deno.Command("bash", {
      args: ["-c", job],
      cwd: staged,
      env: { SELKIES_HPC_HOME: ROOT, SELKIES_AUDIO: "false" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const nginx = await startNginx();
    const browser = await launchBrowser();
    try {
      const scriptText = await Deno.readTextFile(`${staged}/script.sh`);
      assert.doesNotThrow(() =>
        new Deno.Command("bash", { args: ["-n", `${staged}/script.sh`] }).outputSync()
      );
      assert.match(
        scriptText,
        /^app='xterm -T '\\''ood app'\\'' -e top -d 0\.1'$/m,
        "the app reaches the streamer quoted",
      );
      let connection = "";
      for (let i = 0; i < 100 && !connection.includes("selkies_token"); i++) {
        connection = await Deno.readTextFile(`${staged}/connection.yml`).catch(() => "");
        await delay(100);
      }
      const port = connection.match(/port: (\d+)/)![1];
      const token = connection.match(/selkies_token: (\S+)/)![1];
      assert.equal(token.length, 43);
      const tokenFile = `${staged}/selkies-session/token`;
      const ready = `${staged}/selkies-session/ready.json`;
      for (let i = 0; i < 300; i++) {
        if (await Deno.stat(ready).catch(() => undefined)) break;
        await delay(100);
      }
      assert.ok(await Deno.stat(ready), "the streamer reported ready");
      assert.equal((await Deno.stat(tokenFile)).mode! & 0o077, 0, "the secret is private to the owner");

      const base = `${nginx.url}/rnode/127.0.0.1/${port}/`;
      assert.equal((await fetch(base)).status, 401, "no token, no desktop");
      const page = await browser.context.newPage();
      // view.html.erb's form submits exactly this GET.
      await page.goto(`${base}?token=${token}&transport=websocket&resize=off`);
      assert.ok(!page.url().includes(token), "the token leaves the address bar");
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { selkiesStats: { framesDecoded: number } }).selkiesStats?.framesDecoded >
            20,
        null,
        { timeout: 30_000 },
      );
      const view = await Deno.readTextFile(`${APP}/view.html.erb`);
      assert.match(view, /action="\/rnode\/<%= host %>\/<%= port %>\/"/);
    } finally {
      await browser.close();
      await nginx.stop();
      try {
        child.kill("SIGTERM");
      } catch {
        // Already ended.
      }
      const status = await child.status;
      const stderr = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
      await Deno.remove(staged, { recursive: true }).catch(() => {});
      assert.ok(status.code === 0 || status.signal === "SIGTERM", `the streamer ended badly:\n${stderr}`);
    }
  },
});

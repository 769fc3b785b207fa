import assert from "node:assert/strict";
import { join } from "node:path";
import { ClientBuildError } from "../client/bundle.ts";
import { clientFiles } from "./client_files.ts";

Deno.test("the page (with its title), the styles and nothing else; a missing bundle says so", async () => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-client-files-" });
  try {
    await Deno.writeTextFile(join(dir, "index.html"), "<title>x</title><script src=./client.js></script>");
    await Deno.writeTextFile(join(dir, "styles.css"), "body{}");
    const file = clientFiles({ clientDir: dir, title: "ada's <desktop>" });
    const page = (await file(""))!;
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(
      await page.text(),
      "<title>ada&#39;s &#60;desktop&#62;</title><script src=./client.js></script>",
    );
    const css = (await file("styles.css"))!;
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(await css.text(), "body{}");
    for (const name of ["index.html", "../deno.json", "main.ts", "constructor", "dist"]) {
      assert.equal(await file(name), undefined, name);
    }
    await assert.rejects(file("client.js"), ClientBuildError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

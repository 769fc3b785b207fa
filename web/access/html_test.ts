import assert from "node:assert/strict";
import { escapeHtml } from "./html.ts";

Deno.test("escapeHtml leaves no markup or quote through", () => {
  assert.equal(
    escapeHtml(`<script>alert("x" + 'y') && 1</script>`),
    "&#60;script&#62;alert(&#34;x&#34; + &#39;y&#39;) &#38;&#38; 1&#60;/script&#62;",
  );
  assert.equal(escapeHtml("plain text, ünïcode"), "plain text, ünïcode");
});

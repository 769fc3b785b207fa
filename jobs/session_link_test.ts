import { writeSessionToken } from "./session_token.ts";
import assert from "node:assert/strict";
import { bareSessionUrl, readSessionLink, sessionLink } from "./session_link.ts";

Deno.test("bareSessionUrl drops the secret and keeps everything else", () => {
  assert.equal(bareSessionUrl("http://gpu01:8080/?token=s3cret"), "http://gpu01:8080/");
  assert.equal(
    bareSessionUrl("https://gw.example.org/s/abc/?transport=websocket&token=s3cret"),
    "https://gw.example.org/s/abc/?transport=websocket",
  );
  assert.equal(bareSessionUrl("not a url?token=s3cret"), "not a url");
});

Deno.test("sessionLink and readSessionLink rebuild the owner's link from the address and the token file", async () => {
  assert.equal(sessionLink("http://gpu01:8080/", "a/b+c"), "http://gpu01:8080/?token=a%2Fb%2Bc");
  const dir = await Deno.makeTempDir({ prefix: "selkies-link-" });
  try {
    assert.equal(await readSessionLink({ dir, url: "http://gpu01:8080/" }), undefined, "no token file");
    await writeSessionToken(dir, "s3cret-of-16-chars");
    assert.equal(await readSessionLink({ dir }), undefined, "no address yet");
    assert.equal(
      await readSessionLink({ dir, url: "http://gpu01:8080/" }),
      "http://gpu01:8080/?token=s3cret-of-16-chars",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

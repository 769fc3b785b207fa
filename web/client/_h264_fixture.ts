/** Test fixture: real H.264 access units of GStreamer's SMPTE pattern, made once per test run. */

/** One Annex-B access unit. */
export interface AccessUnit {
  key: boolean;
  data: Uint8Array;
}

/** Encoded test video and its WebCodecs codec string. */
export interface TestVideo {
  codec: string;
  width: number;
  height: number;
  units: AccessUnit[];
}

/** NAL unit types present in one Annex-B buffer. */
function nalTypes(data: Uint8Array): number[] {
  const types: number[] = [];
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      types.push(data[i + 3] & 0x1f);
      i += 3;
    }
  }
  return types;
}

/** `avc1.PPCCLL` from the first SPS (profile, constraint flags, level). */
function codecOf(data: Uint8Array): string {
  for (let i = 0; i + 6 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1 && (data[i + 3] & 0x1f) === 7) {
      const hex = (b: number) => b.toString(16).padStart(2, "0");
      return `avc1.${hex(data[i + 4])}${hex(data[i + 5])}${hex(data[i + 6])}`;
    }
  }
  throw new Error("no SPS in the first access unit");
}

/** Encodes `frames` frames of the SMPTE colour bars at 320x240, 30 fps, keyframe every 30 frames. */
export async function encodeTestPattern(dir: string, frames = 90): Promise<TestVideo> {
  const out = await new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      "videotestsrc",
      `num-buffers=${frames}`,
      "pattern=smpte",
      "!",
      "video/x-raw,width=320,height=240,framerate=30/1",
      "!",
      "x264enc",
      "tune=zerolatency",
      "key-int-max=30",
      "!",
      "video/x-h264,stream-format=byte-stream,alignment=au,profile=baseline",
      "!",
      "multifilesink",
      `location=${dir}/au-%05d.h264`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`gst-launch failed: ${new TextDecoder().decode(out.stderr)}`);
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("au-")).sort();
  const units = await Promise.all(names.map(async (name) => {
    const data = await Deno.readFile(`${dir}/${name}`);
    return { key: nalTypes(data).includes(5), data };
  }));
  if (!units[0]?.key) throw new Error("the first access unit is not a keyframe");
  return { codec: codecOf(units[0].data), width: 320, height: 240, units };
}

/**
 * The terminal contents: an xterm (default 6x13 bitmap font) running a small Python program. Terminals
 * are what issue 11 is about (text, fast scrolls, syntax-highlighted code), and a real xterm draws them
 * the way users see them (glyphs, ANSI colours, scrolls as X copies), which a drawn imitation would not.
 *
 * @module
 */

/** What a terminal plays. */
export type TerminalKind = "text" | "scroll" | "code" | "still";

/** Where the terminal goes, in screen pixels. */
export interface TerminalArea {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width available. */
  width: number;
  /** Height available. */
  height: number;
}

/** xterm's default font cell, pixels. */
const CELL = { width: 6, height: 13 };

// Each program keeps its own pace against a deadline (not sleep(period) after the work), so the rate
// holds on a loaded machine; every line is cut to the terminal's width so one line scrolls one row.
const PACED = String.raw`
import sys, time
COLS = int(sys.argv[1])
def paced(lines, per_second):
    period = 1 / per_second
    due = time.monotonic()
    for line in lines:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        due += period
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        else:
            due = time.monotonic()
`;

/** 30 lines/s of near-identical lines: the benchmark's first text content, unchanged (so runs compare). */
const TEXT = String.raw`
import itertools, time
for i in itertools.count():
    print(f'{i:08d} {time.time():.3f} the quick brown fox jumps over the lazy dog ' + 'abcdefghij' * 6)
    time.sleep(1 / 30)
`;

/** A log-like stream of varied lines, 60 lines/s: the screen scrolls one row every frame. */
const SCROLL = PACED + String.raw`
import itertools, random
rng = random.Random(7)
WORDS = ("request served cache miss hit worker started stopped timeout retry connection reset by peer "
         "allocated freed tile frame encoder decoder socket queue latency bytes user session node gpu "
         "0x7f3a 404 200 /api/v1/jobs ms kB ERROR WARN INFO DEBUG").split()
def lines():
    for i in itertools.count():
        level = rng.choice(("INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"))
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 45)))
        indent = " " * rng.choice((0, 0, 2, 4, 8))
        yield f"{i:07d} {time.time():.3f} {level} {indent}{words}"[:COLS - 1]
paced(lines(), 60)
`;

/**
 * Real Python source (the standard library's own files, so it looks like code because it is), coloured
 * with ANSI 256-colour escapes from Python's tokenizer, 30 lines/s. Thin coloured strokes on a dark
 * background are what 4:2:0 chroma smears.
 */
const CODE = PACED + String.raw`
import builtins, importlib, io, itertools, keyword, tokenize
ESC = "\x1b["
RESET = ESC + "0m"
COLOUR = {"keyword": ESC + "38;5;170m", "const": ESC + "38;5;173m", "builtin": ESC + "38;5;38m",
          "string": ESC + "38;5;114m", "number": ESC + "38;5;173m", "comment": ESC + "3;38;5;244m",
          "def": ESC + "1;38;5;75m", "decorator": ESC + "38;5;180m", "lineno": ESC + "38;5;239m"}
BUILTINS = set(dir(builtins))
def kind(tok, prev):
    if tok.type == tokenize.COMMENT: return "comment"
    if tok.type == tokenize.STRING: return "string"
    if tok.type == tokenize.NUMBER: return "number"
    if tok.type != tokenize.NAME: return None
    if prev is not None and prev.string in ("def", "class"): return "def"
    if prev is not None and prev.string == "@": return "decorator"
    if tok.string in ("True", "False", "None"): return "const"
    if keyword.iskeyword(tok.string) or keyword.issoftkeyword(tok.string): return "keyword"
    if tok.string in BUILTINS: return "builtin"
    return None
def highlight(source, width):
    rows = source.splitlines()
    spans = [[] for _ in rows]
    prev = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            k = kind(tok, prev)
            if tok.type in (tokenize.NAME, tokenize.OP): prev = tok
            if k is None: continue
            (r0, c0), (r1, c1) = tok.start, tok.end
            for r in range(r0, min(r1, len(rows)) + 1):
                spans[r - 1].append((c0 if r == r0 else 0, c1 if r == r1 else len(rows[r - 1]), k))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    for number, (row, marks) in enumerate(zip(rows, spans), 1):
        row = row.expandtabs(4)[:width]
        out, pos = [COLOUR["lineno"], f"{number:5d} ", RESET], 0
        for a, b, k in sorted(marks):
            a, b = max(a, pos), min(b, width)
            if a >= b: continue
            out += [row[pos:a], COLOUR[k], row[a:b], RESET]
            pos = b
        out.append(row[pos:])
        yield "".join(out)
MODULES = ("argparse", "dataclasses", "json.decoder", "asyncio.base_events", "logging.handlers", "typing")
def sources():
    for name in itertools.cycle(MODULES):
        try:
            with open(importlib.import_module(name).__file__) as f:
                yield from highlight(f.read(), COLS - 8)
        except (OSError, TypeError, ImportError):
            yield from highlight("def missing():\n    return None  # no source here\n", COLS - 8)
paced(sources(), 30)
`;

/** A screenful of text printed once, then nothing: the still window around a small changing area. */
const STILL = String.raw`
import sys, time
COLS, ROWS = int(sys.argv[1]), int(sys.argv[2])
for i in range(ROWS - 1):
    line = f"{i:04d}  job {1000 + i * 7} RUNNING  node c{i % 16:02d}  " + "nothing on this line changes. " * 12
    print(line[:COLS - 1])
sys.stdout.flush()
time.sleep(10 ** 9)
`;

const PROGRAMS: Record<TerminalKind, string> = { text: TEXT, scroll: SCROLL, code: CODE, still: STILL };

/**
 * Starts an xterm playing `kind` over `area` (whole character cells, with a margin of one).
 *
 * @example
 * ```ts
 * import { startTerminal } from "./_terminal.ts";
 * const term = startTerminal("scroll", { x: 0, y: 40, width: 1920, height: 1040 });
 * term.kill("SIGTERM");
 * ```
 */
export function startTerminal(kind: TerminalKind, area: TerminalArea): Deno.ChildProcess {
  const cols = Math.floor(area.width / CELL.width) - 2;
  const rows = Math.floor(area.height / CELL.height) - 1;
  const dark = kind === "code" ? ["-bg", "#282c34", "-fg", "#abb2bf"] : ["-bg", "black", "-fg", "#d8dee9"];
  // +j: no jump scroll, so xterm scrolls one row per line as a terminal under a person's eyes does.
  const scroll = kind === "scroll" ? ["+j"] : [];
  return new Deno.Command("xterm", {
    args: [
      "-geometry",
      `${cols}x${rows}+${area.x}+${area.y}`,
      ...dark,
      ...scroll,
      "-e",
      "python3",
      "-u",
      "-c",
      PROGRAMS[kind],
      String(cols),
      String(rows),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

// images/shell/parse.ts — the shell's command list from the kernel command
// line: everything after the first bare `--`, split into words (spaces
// separate; double quotes group and are removed; `\` escapes the next
// character) and into commands at every `;` outside quotes. So
// `write /a "x; y"; cat /a` is two commands: [write, /a, "x; y"], [cat, /a].
//
// The raw multiboot command line is read so that a quoted `;` stays text
// (the kernel's argv has the quotes removed already). Without a raw line
// the app's argv is used and every `;` separates.

const SP: i32 = 0x20;
const TAB: i32 = 0x09;
const QUOTE: i32 = 0x22;
const BACKSLASH: i32 = 0x5c;
const SEMI: i32 = 0x3b;

/** Splits `s` into commands; `;` outside quotes ends a command. Empty commands are dropped. */
export function shellSplit(s: string): string[][] {
  let cmds = new Array<string[]>();
  let cur = new Array<string>();
  let word = "";
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c == BACKSLASH && i + 1 < s.length) { word += s.charAt(++i); inWord = true; continue; }
    if (c == QUOTE) { quoted = !quoted; inWord = true; continue; }
    if (!quoted && (c == SP || c == TAB || c == 0x0a || c == 0x0d || c == SEMI)) {
      if (inWord) { cur.push(word); word = ""; inWord = false; }
      if (c == SEMI && cur.length > 0) { cmds.push(cur); cur = new Array<string>(); }
      continue;
    }
    word += String.fromCharCode(c);
    inWord = true;
  }
  if (inWord) cur.push(word);
  if (cur.length > 0) cmds.push(cur);
  return cmds;
}

/** Offset just past the first bare `--` word of the raw command line (quotes respected), or -1. */
export function shellArgStart(s: string): i32 {
  let quoted = false;
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    let c = i < s.length ? s.charCodeAt(i) : SP;
    if (c == BACKSLASH) { if (start < 0) start = i; i++; continue; }
    if (c == QUOTE) { quoted = !quoted; if (start < 0) start = i; continue; }
    let space = c == SP || c == TAB || c == 0x0a || c == 0x0d;
    if (quoted || !space) { if (start < 0) start = i; continue; }
    if (start >= 0 && i - start == 2 && s.substring(start, i) == "--") return i;
    start = -1;
  }
  return -1;
}

/** The commands from the raw command line `raw`, else from `argv` (every `;` separates). */
export function shellCommands(raw: string, argv: string[]): string[][] {
  let at = shellArgStart(raw);
  if (at >= 0) return shellSplit(raw.substring(at));
  let cmds = new Array<string[]>();
  let cur = new Array<string>();
  for (let i = 0; i < argv.length; i++) {
    let parts = argv[i].split(";");
    for (let k = 0; k < parts.length; k++) {
      if (k > 0 && cur.length > 0) { cmds.push(cur); cur = new Array<string>(); }
      if (parts[k].length > 0) cur.push(parts[k]);
    }
  }
  if (cur.length > 0) cmds.push(cur);
  return cmds;
}

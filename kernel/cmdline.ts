// kernel/cmdline.ts — the kernel command line (Unikraft-compatible).
//
//   <argv0> [kernel options ...] -- [app arguments ...]
//
// QEMU's multiboot loader prepends the kernel file name (the first word,
// kept as the program name; the app's args are only the words after `--`). Words are separated by spaces/tabs; a double-quoted span keeps its
// spaces; `\` escapes the next character. A kernel option is `key=value` where
// the value may be a bracketed list spanning spaces, e.g.
//   vfs.fstab=[ "initrd0:/:extract::ramfs=1:" "fs0:/data:9pfs:::mkmp" ]
// A `[` opens a list only right after `=` (or inside a list), so an app word
// like `[` is a plain word.
// Kernel option words are kept raw (quotes included); app words are unquoted.
// A `"` or a `[` that is never closed is an error (Cmdline.error names it and
// its offset; kernelMain prints it and stops): nothing is guessed.
// Without `--`, the leading words that look like kernel options (a dotted key
// before `=`: `vfs.fstab=...`) are kernel options and the rest go to the app.

const SP: i32 = 0x20;
const TAB: i32 = 0x09;
const QUOTE: i32 = 0x22;
const BACKSLASH: i32 = 0x5c;
const LBRACKET: i32 = 0x5b;
const RBRACKET: i32 = 0x5d;

// @ts-ignore: decorator
@inline function isSpace(c: i32): bool { return c == SP || c == TAB || c == 0x0a || c == 0x0d; }

/** Index of the first non-space at or after `i`. */
function skipSpaces(s: string, i: i32): i32 {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** The first unclosed `"` or `[` seen by wordEnd: its offset (-1: none) and kind. */
let openAt: i32 = -1;
let openWhat: string = "";

/** Records an unclosed `what` at `at` unless an earlier one is recorded. */
function noteOpen(at: i32, what: string): void {
  if (openAt < 0 || at < openAt) { openAt = at; openWhat = what; }
}

/**
 * Returns the end of the word starting at `i` (no leading space). Quotes and
 * backslash escapes always group; `[`..`]` groups too when `brackets` is set
 * and the `[` follows `=` (or another `[`). A quote or bracket still open at
 * the end of the line is noted (noteOpen).
 */
function wordEnd(s: string, i: i32, brackets: bool): i32 {
  let quoted = false;
  let quoteAt = -1;
  let depth = 0;
  let bracketAt = -1;
  for (; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c == BACKSLASH) { i++; continue; }
    if (c == QUOTE) { quoted = !quoted; if (quoted) quoteAt = i; continue; }
    if (quoted) continue;
    if (brackets && c == LBRACKET && (depth > 0 || (i > 0 && s.charCodeAt(i - 1) == 0x3d))) {
      if (depth == 0) bracketAt = i;
      depth++;
    } else if (brackets && c == RBRACKET && depth > 0) depth--;
    else if (isSpace(c) && depth == 0) break;
  }
  if (quoted) noteOpen(quoteAt, "quote (\")");
  else if (depth > 0) noteOpen(bracketAt, "list ([)");
  return i < s.length ? i : s.length;
}

/** Splits `s` into raw words (quotes kept). `brackets`: `[`..`]` spans are one word. */
export function cmdlineWords(s: string, brackets: bool): string[] {
  let out = new Array<string>();
  let i = skipSpaces(s, 0);
  while (i < s.length) {
    let end = wordEnd(s, i, brackets);
    out.push(s.substring(i, end));
    i = skipSpaces(s, end);
  }
  return out;
}

/** Removes double quotes and backslash escapes from a word: `"a b"\"c` -> `a b"c`. */
export function cmdlineUnquote(w: string): string {
  if (w.indexOf('"') < 0 && w.indexOf("\\") < 0) return w;
  let parts = new Array<string>();
  let start = 0;
  for (let i = 0; i < w.length; i++) {
    let c = w.charCodeAt(i);
    if (c == QUOTE || c == BACKSLASH) {
      parts.push(w.substring(start, i));
      if (c == BACKSLASH && i + 1 < w.length) { i++; parts.push(w.charAt(i)); }
      start = i + 1;
    }
  }
  parts.push(w.substring(start));
  return parts.join("");
}

/** True for `key=value` where key contains a dot (`vfs.fstab=`, `netdev.ip=`). */
export function cmdlineIsOption(w: string): bool {
  let eq = w.indexOf("=");
  if (eq <= 0) return false;
  let dot = w.indexOf(".");
  return dot > 0 && dot < eq - 1;
}

/** A parsed command line. */
export class Cmdline {
  /** The first word (QEMU: the kernel image path), unquoted. "" when the line is empty. */
  argv0: string = "";
  /** Kernel option words, raw (`vfs.fstab=[ "..." ]`). */
  options: string[] = [];
  /** App arguments after `--` (or after the options), unquoted, without argv0. */
  args: string[] = [];
  /** Why the line cannot be parsed ("" when it can): `unclosed quote (") at offset N`. */
  error: string = "";
}

/**
 * Parses a whole command line (see the file comment for the grammar). An
 * unclosed quote or list sets `error`; its offset counts from the character
 * after argv0 and one space (QEMU's -append text).
 */
export function cmdlineParse(s: string): Cmdline {
  let c = new Cmdline();
  openAt = -1;
  let words = cmdlineWords(s, true);
  if (words.length == 0) return c;
  // QEMU joins the kernel path and the -append text with one space.
  let base = wordEnd(s, skipSpaces(s, 0), true) + 1;
  if (openAt >= 0) {
    let at = openAt >= base ? openAt - base : openAt;
    c.error = "unclosed " + openWhat + " at offset " + at.toString();
  }
  c.argv0 = cmdlineUnquote(words[0]);
  let sep = words.indexOf("--");
  let i = 1;
  if (sep > 0) {
    for (; i < sep; i++) c.options.push(words[i]);
    let rest = s.substring(argStart(s, sep));
    let app = cmdlineWords(rest, false);
    for (let k = 0; k < app.length; k++) c.args.push(cmdlineUnquote(app[k]));
    return c;
  }
  for (; i < words.length && cmdlineIsOption(words[i]); i++) c.options.push(words[i]);
  if (i < words.length) {
    // Re-split the tail without bracket grouping: app words are plain words.
    let app = cmdlineWords(s.substring(argStart(s, i)), false);
    for (let k = 0; k < app.length; k++) c.args.push(cmdlineUnquote(app[k]));
  }
  return c;
}

/** Offset in `s` just past word number `n` (bracket-grouped split) if it is `--`, else its start. */
function argStart(s: string, n: i32): i32 {
  let i = skipSpaces(s, 0);
  for (let k = 0; k < n; k++) i = skipSpaces(s, wordEnd(s, i, true));
  let end = wordEnd(s, i, true);
  return s.substring(i, end) == "--" ? end : i;
}

/** Value of option `key` (`key=value`, raw) among `options`, or null. The last one wins. */
export function cmdlineOption(options: string[], key: string): string | null {
  let prefix = key + "=";
  let found: string | null = null;
  for (let i = 0; i < options.length; i++) {
    if (options[i].startsWith(prefix)) found = options[i].substring(prefix.length);
  }
  return found;
}

/** Items of a list value `[ "a" "b c" ]` -> ["a", "b c"]; a bare value is a one-item list. */
export function cmdlineList(value: string): string[] {
  let v = value.trim();
  if (v.startsWith("[") && v.endsWith("]")) v = v.substring(1, v.length - 1);
  let words = cmdlineWords(v, false);
  let out = new Array<string>();
  for (let i = 0; i < words.length; i++) out.push(cmdlineUnquote(words[i]));
  return out;
}

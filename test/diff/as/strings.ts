// @ts-nocheck — AssemblyScript source (compiled by asc in test/diff), not checked by tsc.
// Strings: building, searching, slicing, case, padding, splitting, UTF-8 and
// UTF-16 round trips (non-ASCII, surrogate pairs), number <-> string.
import { println } from "../../../bench/lib/wasi";

function main(): void {
  let s = "The quick brown fox";
  println(s + " | len=" + s.length.toString());
  println(s.toUpperCase() + " / " + s.toLowerCase());
  println("indexOf fox=" + s.indexOf("fox").toString() + " lastIndexOf o=" + s.lastIndexOf("o").toString()
    + " includes quick=" + (s.includes("quick") ? "yes" : "no"));
  println("substring=" + s.substring(4, 9) + " slice=" + s.slice(-3) + " substr=" + s.substr(10, 5));
  println("[" + "  pad me  ".trim() + "][" + "x".padStart(5, "-") + "][" + "y".padEnd(4, "*") + "]");
  println("ab".repeat(5) + " " + "a-b-c-d".replaceAll("-", "+") + " " + "aaa".replace("a", "b"));
  const parts = "alpha,beta,,gamma,delta".split(",");
  println("split " + parts.length.toString() + ": " + parts.join("|"));
  println("starts=" + (s.startsWith("The") ? "1" : "0") + " ends=" + (s.endsWith("fox") ? "1" : "0"));
  println("cmp " + ("apple" < "banana" ? "lt" : "ge") + " " + ("b" == "b" ? "eq" : "ne") + " " + ("Zeta" > "alpha" ? "gt" : "le"));
  const uni = "héllo wörld ✓ 😀 中文";
  const bytes = String.UTF8.encode(uni);
  println(uni + " utf16=" + uni.length.toString() + " utf8=" + bytes.byteLength.toString());
  println("roundtrip=" + (String.UTF8.decode(bytes) == uni ? "ok" : "BAD") + " code@13=" + uni.charCodeAt(13).toString()
    + " cp@13=" + uni.codePointAt(13).toString());
  println(String.fromCharCode(72, 105) + String.fromCodePoint(0x1F600) + " " + uni.at(-1));
  let acc = "";
  for (let k = 0; k < 200; k++) acc += String.fromCharCode(65 + (k * 7) % 26);
  println("built " + acc.length.toString() + " " + acc.substring(0, 40));
  let h: u32 = 2166136261;
  for (let k = 0; k < acc.length; k++) { h ^= <u32>acc.charCodeAt(k); h *= 16777619; }
  println("fnv=" + h.toString());
  println("nums " + (12345).toString() + " " + (-987).toString() + " " + I32.parseInt("ff", 16).toString()
    + " " + I64.parseInt("-9007199254740993").toString() + " " + U64.parseInt("18446744073709551615").toString()
    + " " + (255).toString(16) + " " + (<u64>0xdeadbeefcafe).toString(16) + " " + (-42).toString(2));
  const words = ["zeta", "Alpha", "beta", "éclair", "alpha", "Beta", ""];
  words.sort();
  println("sorted: " + words.join(","));
  println(`template ${s.length} ${parts[1]} ${1 + 2}`);
}
main();
println("done");

// bench/aot/synth.ts — a large generated AssemblyScript program (n distinct
// functions mixing integer, float, memory and control flow, all reached
// through a function table so binaryen keeps them apart) to measure tools/aot's
// compile speed near the 200 KB goal. The source is virtual: asc
// reads it through compileWasiCommand's `sources`.
import { compileWasiCommand } from '../host/index.ts';

function synthFunc(k: number): string {
  const c1 = (k * 2654435761) % 1000 + 3, c2 = (k * 40503) % 97 + 1;
  return `
function syn${k}(x: i32): i32 {
  let a: i32 = x ^ ${c1};
  let b: i64 = <i64>x * ${c2};
  let f: f64 = <f64>x * ${(c2 / 7).toFixed(3)};
  for (let i = 0; i < (x & 15) + ${k % 5 + 2}; i++) {
    a = (a << ${k % 7 + 1}) ^ (a >>> ${k % 5 + 3}) ^ i;
    b = b * 6364136223846793005 + <i64>a;
    f = f * 0.5 + <f64>(a & 255) - Math.sqrt(<f64>(i + 1));
    store<u32>(BUF + <usize>((a & 255) << 2), <u32>a + load<u32>(BUF + <usize>(i << 2)));
    if ((a & ${k % 3 + 1}) == 0) { a += load<u8>(BUF + <usize>(i & 1023)); continue; }
    switch (i & 3) {
      case 0: b ^= b >>> ${k % 11 + 7}; break;
      case 1: a = a / (<i32>(b & 7) + 1); break;
      case 2: f = f > ${c1}.0 ? f - ${c2}.5 : f + 1.25; break;
      default: a = select<i32>(a, <i32>b, a > <i32>b);
    }
  }
  return a + <i32>(b >> 17) + <i32>f;
}`;
}

/** AssemblyScript source with `n` generated functions and a main that calls each once through a table. */
export function synthSource(n: number): string {
  const fns = Array.from({ length: n }, (_, k) => synthFunc(k)).join('\n');
  const table = Array.from({ length: n }, (_, k) => `syn${k}`).join(', ');
  return `// @ts-nocheck — generated AssemblyScript (bench/aot/synth.ts)
import { println, argInt } from "../lib/wasi";
const BUF: usize = heap.alloc(8192);
${fns}
const FNS: Array<(x: i32) => i32> = [${table}];
let acc: i32 = argInt(1, 1);
for (let k = 0; k < FNS.length; k++) acc = acc * 31 + FNS[k](acc + k);
println("synth " + acc.toString());
`;
}

/** Compiles the generated program with asc -O3 (the bench flags) to a WASI command. */
export async function synthWasm(n: number): Promise<Uint8Array> {
  return compileWasiCommand('bench/aot/synth-gen.ts', [], { 'bench/aot/synth-gen.ts': synthSource(n) });
}

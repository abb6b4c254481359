// @ts-nocheck — AssemblyScript source (compiled by asc in test/diff), not checked by tsc.
// Float math: libm-style functions (AS's own, compiled to Wasm), printing
// and parsing, NaN/infinity/-0, f32, rounding, conversions, bit patterns.
import { println } from "../../../bench/lib/wasi";

function bits(x: f64): string { return reinterpret<u64>(x).toString(16); }

function main(): void {
  const xs: f64[] = [0.0, -0.0, 0.5, 1.0, -1.5, 2.718281828459045, 3.141592653589793, 10.0, 1e-300, 1e300,
    -123.456, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity];
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    println(x.toString() + " sin=" + Math.sin(x).toString() + " cos=" + Math.cos(x).toString() + " exp=" + Math.exp(x).toString()
      + " log=" + Math.log(x).toString() + " sqrt=" + Math.sqrt(x).toString() + " cbrt=" + Math.cbrt(x).toString());
    println("  pow=" + Math.pow(x, 1.5).toString() + " pow2=" + Math.pow(2.0, x).toString() + " atan2=" + Math.atan2(x, 0.75).toString()
      + " tanh=" + Math.tanh(x).toString() + " floor=" + Math.floor(x).toString() + " ceil=" + Math.ceil(x).toString()
      + " round=" + Math.round(x).toString() + " trunc=" + Math.trunc(x).toString() + " sign=" + Math.sign(x).toString()
      + " bits=" + bits(x));
    println("  i32=" + (<i32>x).toString() + " u32=" + (<u32>x).toString() + " i64=" + (<i64>x).toString() + " u64=" + (<u64>x).toString()
      + " f32=" + (<f32>x).toString() + " nan?=" + (isNaN(x) ? "1" : "0") + " fin?=" + (isFinite(x) ? "1" : "0"));
  }
  println("min/max " + Math.min(-0.0, 0.0).toString() + " " + bits(Math.min(-0.0, 0.0)) + " " + bits(Math.max(-0.0, 0.0))
    + " " + Math.max(1.0, NaN).toString() + " " + Math.min(NaN, 1.0).toString() + " copysign=" + copysign<f64>(3.0, -0.0).toString());
  println("nearest " + nearest<f64>(2.5).toString() + " " + nearest<f64>(3.5).toString() + " " + nearest<f64>(-2.5).toString()
    + " " + nearest<f32>(0.5).toString() + " " + bits(nearest<f64>(-0.4)));
  println("div " + (1.0 / 0.0).toString() + " " + (-1.0 / 0.0).toString() + " " + (0.0 / 0.0).toString() + " " + (5.0 % 3.0).toString()
    + " " + (-5.5 % 2.0).toString() + " " + (1.0 / -0.0).toString());
  const strs = ["3.14159", "-0", "1e21", "1.5e-7", "0x10", "  42.5xyz", "Infinity", "-Infinity", "nan", "123456789012345678901234567890", ".5", "7."];
  let pl = "";
  for (let k = 0; k < strs.length; k++) pl += parseFloat(strs[k]).toString() + " ";
  println("parse " + pl);
  let f: f32 = 1.0;
  for (let k = 0; k < 30; k++) f = f * <f32>1.1 + <f32>0.3;
  println("f32 " + f.toString() + " " + Mathf.sqrt(f).toString() + " " + Mathf.sin(f).toString() + " " + reinterpret<u32>(f).toString(16)
    + " fround=" + Math.fround(0.1).toString());
  let acc = 0.0;
  for (let k = 1; k <= 10000; k++) acc += 1.0 / (<f64>k * <f64>k);
  println("basel " + acc.toString() + " " + Math.sqrt(acc * 6.0).toString() + " hypot=" + Math.hypot(3.0, 4.0).toString()
    + " log10=" + Math.log10(12345.0).toString() + " expm1=" + Math.expm1(1e-10).toString() + " asin=" + Math.asin(0.5).toString());
  println("conv " + (<f64>(<u64>0xffffffffffffffff)).toString() + " " + (<f64>(<i64>-9007199254740993)).toString()
    + " " + (<f32>(<u64>0x8000000000000001)).toString() + " " + (<f64>(<u32>0xffffffff)).toString());
  println("exp " + (1.0e-7).toString() + " " + (123e20).toString() + " " + (0.1 + 0.2).toString() + " " + (1.0 / 3.0).toString()
    + " " + (2.0 ** 0.5).toString() + " " + (100.0).toString() + " " + (<f64>(1 << 30) * 4.0).toString());
}
main();
println("done");

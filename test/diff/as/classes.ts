// @ts-nocheck — AssemblyScript source (compiled by asc in test/diff), not checked by tsc.
// Classes: inheritance, virtual and overridden methods, super calls,
// abstract bases, interfaces, getters/setters, statics, generics,
// instanceof; first-class functions (AS has no capturing closures: state is
// passed explicitly or kept in globals).
import { println } from "../../../bench/lib/wasi";

abstract class Shape {
  static count: i32 = 0;
  constructor(public name: string) { Shape.count++; }
  abstract area(): f64;
  describe(): string { return this.name + "(" + this.area().toString() + ")"; }
}
class Rect extends Shape {
  constructor(public w: f64, public h: f64) { super("rect"); }
  area(): f64 { return this.w * this.h; }
}
class Square extends Rect {
  constructor(s: f64) { super(s, s); this.name = "square"; }
  describe(): string { return "[" + super.describe() + "]"; }
}
class Circle extends Shape {
  constructor(public r: f64) { super("circle"); }
  area(): f64 { return Math.PI * this.r * this.r; }
}

interface Counter { next(): i32; }
class Step implements Counter {
  private v: i32 = 0;
  constructor(private by: i32) {}
  next(): i32 { this.v += this.by; return this.v; }
}
class Fib implements Counter {
  a: i32 = 0; b: i32 = 1;
  next(): i32 { const t = this.a + this.b; this.a = this.b; this.b = t; return this.a; }
}

class Temp {
  private c: f64 = 0;
  get f(): f64 { return this.c * 9.0 / 5.0 + 32.0; }
  set f(v: f64) { this.c = (v - 32.0) * 5.0 / 9.0; }
  get celsius(): f64 { return this.c; }
}

class Stack<T> {
  items: T[] = [];
  push(v: T): void { this.items.push(v); }
  pop(): T { return this.items.pop(); }
  get size(): i32 { return this.items.length; }
}

function twice(f: (x: i32) => i32, x: i32): i32 { return f(f(x)); }
function inc(x: i32): i32 { return x + 1; }
function sq(x: i32): i32 { return x * x; }
let total: i64 = 0;
function accumulate(v: i32): void { total += v; }

function main(): void {
  const shapes: Shape[] = [new Rect(2, 3), new Square(4), new Circle(1.5), new Rect(0.5, 8), new Circle(0.1)];
  let area = 0.0;
  for (let k = 0; k < shapes.length; k++) { println(shapes[k].describe()); area += shapes[k].area(); }
  let rects = 0;
  for (let k = 0; k < shapes.length; k++) if (shapes[k] instanceof Rect) rects++;
  println("total area " + area.toString() + " shapes=" + Shape.count.toString() + " rects=" + rects.toString());
  const cs: Counter[] = [new Step(3), new Fib(), new Step(-7)];
  let line = "";
  for (let r = 0; r < 10; r++) for (let k = 0; k < cs.length; k++) line += cs[k].next().toString() + " ";
  println("counters " + line);
  const t = new Temp();
  t.f = 212;
  println("temp c=" + t.celsius.toString() + " f=" + t.f.toString());
  const st = new Stack<string>();
  for (let k = 0; k < 5; k++) st.push("s" + k.toString());
  const top = st.pop();
  println("stack " + top + " size=" + st.size.toString());
  const fns: Array<(x: i32) => i32> = [inc, sq, (x: i32): i32 => x * 3 - 1];
  let fl = "";
  for (let k = 0; k < fns.length; k++) fl += twice(fns[k], k + 2).toString() + ",";
  println("funcs " + fl);
  [5, 10, 20].forEach((v) => accumulate(v));
  println("forEach total=" + total.toString());
}
main();
println("done");

;; pass: setTarget -- `x = load(p); y = y * 31 + x; y ^= y << 5`: results land in the locals' registers (`xor y, t` for y ^ t with t computed first; `setb` into x for x = y < p). `k = c == 110 ? k + 4 : k + 1` and a block left by `br_if` with a value, set to $c: both ways in merge in the local's register, not rax.
(module
  (memory 1)
  (func (export "h") (param $p i32) (param $n i32) (result i32) (local $x i32) (local $y i32)
    (loop $L
      (local.set $x (i32.load8_u (local.get $p)))
      (local.set $y (i32.mul (local.get $y) (i32.const 31)))
      (local.set $y (i32.add (local.get $y) (local.get $x)))
      (local.set $y (i32.xor (local.get $y) (i32.shl (local.get $y) (i32.const 5))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $x (i32.lt_u (local.get $y) (local.get $p)))
      (br_if $L (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $x) (local.get $y)))
  (func (export "m") (param $c i32) (param $k i32) (result i32)
    (loop $L
      (local.set $k (if (result i32) (i32.eq (local.get $c) (i32.const 110))
        (then (i32.add (local.get $k) (i32.const 4))) (else (i32.add (local.get $k) (i32.const 1)))))
      (local.set $c (block $b (result i32)
        (drop (br_if $b (local.get $k) (i32.gt_u (local.get $k) (i32.const 100))))
        (i32.sub (local.get $c) (i32.const 1))))
      (br_if $L (local.get $c)))
    (local.get $k)))

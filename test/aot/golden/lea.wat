;; pass: lea -- a decimal accumulator `n = n * 10 + d` is two lea (1 cycle each) where imul + add took four cycles; `i + (j << 2)` one lea; `x * 9` one lea.
(module
  (memory 1)
  (func (export "atoi") (param $p i32) (param $e i32) (result i64) (local $n i64)
    (block $done
      (loop $L
        (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
        (local.set $n (i64.add (i64.extend_i32_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
                               (i64.mul (local.get $n) (i64.const 10))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $L)))
    (local.get $n))
  (func (export "idx") (param $i i32) (param $j i32) (result i32)
    (i32.load (i32.add (local.get $i) (i32.shl (local.get $j) (i32.const 2)))))
  (func (export "nine") (param $x i32) (result i32)
    (i32.mul (local.get $x) (i32.const 9))))

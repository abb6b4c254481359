;; Compute kernels for the AOT benchmark (test/aot/bench.test.ts).
(module
  (memory 16)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; sieve of Eratosthenes over n bytes, repeated r times; returns the prime count
  (func (export "sieve") (param $n i32) (param $r i32) (result i32) (local $i i32) (local $j i32) (local $c i32)
    (loop $rep
      (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
      (local.set $c (i32.const 0))
      (local.set $i (i32.const 2))
      (block $done (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.load8_u (local.get $i)) (then
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $b (loop $inner
            (br_if $b (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store8 (local.get $j) (i32.const 0))
            (local.set $j (i32.add (local.get $j) (local.get $i)))
            (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
      (br_if $rep (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
    (local.get $c))
  ;; n x n f64 matrix multiply C = A * B (A at 0, B at 8n^2, C at 16n^2), r times; returns C[0] bits
  (func (export "matmul") (param $n i32) (param $r i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $s f64) (local $nn i32)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (local.set $i (i32.const 0))
    (block $x (loop $init
      (br_if $x (i32.ge_u (local.get $i) (i32.mul (local.get $nn) (i32.const 2))))
      (f64.store (i32.shl (local.get $i) (i32.const 3)) (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 7))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $init)))
    (loop $rep
      (local.set $i (i32.const 0))
      (loop $li
        (local.set $j (i32.const 0))
        (loop $lj
          (local.set $s (f64.const 0))
          (local.set $k (i32.const 0))
          (loop $lk
            (local.set $s (f64.add (local.get $s)
              (f64.mul
                (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
                (f64.load offset=0 (i32.shl (i32.add (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (local.get $nn)) (i32.const 3))))))
            (br_if $lk (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
          (f64.store (i32.shl (i32.add (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.shl (local.get $nn) (i32.const 1))) (i32.const 3)) (local.get $s))
          (br_if $lj (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
        (br_if $li (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (br_if $rep (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
    (f64.load (i32.shl (local.get $nn) (i32.const 4))))
  ;; integer hash mixing loop (xorshift-multiply), n rounds
  (func (export "hash") (param $n i32) (result i64) (local $h i64) (local $i i32)
    (local.set $h (i64.const 0x9e3779b97f4a7c15))
    (loop $l
      (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))))
      (local.set $h (i64.mul (local.get $h) (i64.const 0xbf58476d1ce4e5b9)))
      (local.set $h (i64.add (local.get $h) (i64.extend_i32_u (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $h))
)

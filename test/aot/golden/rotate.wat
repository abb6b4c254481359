;; pass: rotate -- `while (i < n) { s += i; i++ }`: the header is re-emitted at the back edge.
(module (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $L
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $L))))
    (local.get $s))
  ;; only a `br_if` goes back: not rotated, so no 64-byte padding runs between the test and the body
  (func (export "count") (param $p i32) (result i32) (local $i i32)
    (loop $L
      (if (i32.load8_u (local.get $p))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $L (i32.lt_u (local.get $i) (i32.const 100))))))
    (local.get $i)))

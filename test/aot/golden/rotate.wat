;; pass: rotate -- `while (i < n) { s += i; i++ }`: the header is re-emitted at the back edge.
(module
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $L
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $L))))
    (local.get $s)))

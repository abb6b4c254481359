;; pass: coldThen -- a string scan's `if (d == 92) k += 2 else { k++; if (d == 34) break }`: the
;; escape arm goes after the function's body, so a plain character takes one taken branch (the back edge).
(module (memory 1)
  (func (export "skip") (param $p i32) (param $n i32) (result i32) (local $k i32) (local $d i32)
    (block $out
      (loop $L
        (br_if $out (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $d (i32.load8_u (i32.add (local.get $p) (local.get $k))))
        (if (i32.eq (local.get $d) (i32.const 92))
          (then (local.set $k (i32.add (local.get $k) (i32.const 2))))
          (else
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $out (i32.eq (local.get $d) (i32.const 34)))))
        (br $L)))
    (local.get $k)))

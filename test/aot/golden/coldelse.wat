;; pass: coldThen -- cpio's hex digit after selectIf: `v = v << 4 | (c <= 57 ? t : (c | 32) - 87)` with t = c - 48, as `if (result i32) local.get t else ... end`. The else-arm (the letter) goes out of line and jumps back; the digit falls through to the `or` with no taken branch.
(module
  (memory 1)
  (func (export "hex") (param $p i32) (param $n i32) (result i32) (local $k i32) (local $v i32) (local $c i32) (local $t i32)
    (loop $L
      (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $k))))
      (local.set $t (i32.sub (local.get $c) (i32.const 48)))
      (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4))
        (if (result i32) (i32.le_u (local.get $c) (i32.const 57))
          (then (local.get $t))
          (else (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 87))))))
      (br_if $L (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
    (local.get $v)))

;; pass: unroll -- `for (k = 0; k < 4; k++) h = h * 16 + load8(p + k)`: four copies with k constant.
(module
  (memory 1)
  (func (export "hex4") (param $p i32) (result i32) (local $k i32) (local $h i32)
    (local.set $k (i32.const 0))
    (loop $L
      (if (i32.lt_u (local.get $k) (i32.const 4))
        (then
          (local.set $h (i32.add (i32.shl (local.get $h) (i32.const 4))
                                 (i32.load8_u (i32.add (local.get $p) (local.get $k)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br 1))))
    (local.get $h)))

;; pass: reuse -- cpio's hex digits: `v = (v << 4) | digit(c)` where v's read is its last before the set: the shift clobbers v's register in place (`shl v, 4; ... or v, d`) instead of copying v out and back.
;; off: selectIf (the select stays a cmov here: the point is the shift in place)
(module
  (memory 1)
  (func (export "hex8") (param $p i32) (result i32) (local $v i32) (local $k i32) (local $c i32)
    (loop $L
      (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4))
        (select (i32.sub (local.tee $c (i32.load8_u (i32.add (local.get $p) (local.get $k)))) (i32.const 48))
                (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 87))
                (i32.le_u (local.get $c) (i32.const 57)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $k) (i32.const 8))))
    (local.get $v)))

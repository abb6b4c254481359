;; pass: webs -- cpio's hex8 as binaryen emits it: the accumulator and the digit's character share local $v. Split into two webs, the character takes a register of its own and the accumulator is shifted and or'ed in place; as one local, its old value is copied out before the character overwrites it and copied back after.
;; off: selectIf (the select stays a cmov here: the point is the shift in place)
(module
  (memory 1)
  (func (export "hex8") (param $p i32) (result i32) (local $v i32) (local $k i32)
    (loop $L
      (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4))
        (select (i32.sub (local.tee $v (i32.load8_u (i32.add (local.get $p) (local.get $k)))) (i32.const 48))
                (i32.sub (i32.or (local.get $v) (i32.const 32)) (i32.const 87))
                (i32.le_u (local.get $v) (i32.const 57)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $k) (i32.const 8))))
    (local.get $v)))

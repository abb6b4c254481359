;; pass: dup -- binaryen's `local.tee s; local.get s` (xorshift's `s ^ (s >> 17)`) with an older read of s still on the stack: the shift clobbers the register copy on top and s is read under it, no copy out of s's register.
(module
  (func (export "xs") (param $s i32) (param $n i32) (result i32) (local $i i32) (local $t i32)
    (loop $L
      (local.set $t (i32.add (local.get $t) (i32.add (local.get $s)
        (i32.xor (local.tee $s (i32.xor (local.get $s) (i32.shl (local.get $s) (i32.const 13))))
                 (i32.shr_u (local.get $s) (i32.const 17))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $s) (local.get $t))))

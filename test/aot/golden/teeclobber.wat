;; pass: dup -- xorshift32 as clang writes it, `t = s ^ s << 13; t ^= t >> 17; s = t ^ t << 5` with each t a `local.tee`: the tee'd value stays in its register for the shift after it, which clobbers it (off: the tee's mov, then a copy of t back out for the shift).
(module
  (func (export "xs") (param $s i32) (param $n i32) (result i32) (local $t i32)
    (loop $l
      local.get $s i32.const 13 i32.shl local.get $s i32.xor local.tee $t
      i32.const 17 i32.shr_u local.get $t i32.xor local.tee $t
      i32.const 5 i32.shl local.get $t i32.xor local.set $s
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    local.get $s))

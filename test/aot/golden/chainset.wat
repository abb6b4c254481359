;; pass: setTarget -- `h = id * K >> 16 & 0x7fff`: the imul computes into h's register and the shift and the and run there (off: imul into a temporary, then a mov); xxhash64's `acc = rotl(acc + v * P2, 31) * P1`, P1 past imm32: add, rol and imul in acc's register; `x = (x ^ 7) * 31`: `xor x, 7; imul x, x, 31`, where the copy into a temporary and a three-operand imul would cost a mov more.
(module
  (func (export "slot") (param $id i32) (param $n i32) (result i32) (local $h i32) (local $sum i32)
    (loop $l
      (local.set $h (i32.and (i32.shr_u (i32.mul (local.get $id) (i32.const 0x9e3779b1)) (i32.const 16)) (i32.const 0x7fff)))
      (local.set $sum (i32.add (local.get $sum) (local.get $h)))
      (local.set $id (i32.add (local.get $id) (local.get $h)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.xor (local.get $sum) (local.get $id)))
  (func (export "xxh") (param $acc i64) (param $p i32) (param $n i32) (result i64)
    (loop $l
      (local.set $acc (i64.mul (i64.rotl (i64.add (local.get $acc) (i64.mul (i64.load (local.get $p)) (i64.const 0xC2B2AE3D27D4EB4F)))
        (i64.const 31)) (i64.const 0x9E3779B185EBCA87)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "own") (param $x i32) (param $n i32) (result i32)
    (loop $l
      (local.set $x (i32.mul (i32.xor (local.get $x) (i32.const 7)) (i32.const 31)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x))
  (memory 1))

;; pass: pinRdi -- eight integer locals live across one loop of a leaf with no op that needs rdi, rcx or rdx fixed: those three hold locals before any callee-saved register (plan leafRegs), so one r12 is saved, not r12-r14; without the pass the bound $n stays in its frame slot.
(module
  (memory 1)
  (func (export "f") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $g i32) (local $i i32)
    (loop $L
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (local.set $d (i32.add (i32.mul (local.get $d) (i32.const 3)) (local.get $c)))
      (local.set $e (i32.sub (local.get $e) (local.get $d)))
      (local.set $g (i32.or (local.get $g) (local.get $e)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (i32.add (local.get $a) (local.get $b))
      (i32.add (i32.add (local.get $c) (local.get $d)) (i32.add (local.get $e) (local.get $g))))))

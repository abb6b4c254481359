;; pass: keepRegs -- `v << 4` is under the digit's if (a select that selectIf made a branch): the if's code only takes free registers, so the shifted value stays in its register through it; with the pass off it is stored to a frame slot at the if's entry and loaded back for the `or`.
(module
  (memory 1)
  (func (export "hex") (param $p i32) (result i32) (local $v i32) (local $i i32) (local $c i32)
    (loop $l
      (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
      (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4))
        (select (i32.sub (local.get $c) (i32.const 48)) (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 87))
          (i32.le_u (local.get $c) (i32.const 57)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))
    (local.get $v)))

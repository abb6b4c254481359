;; pass: fuse -- `x & C` read only by a branch (directly, or through i32.eqz) is `test x, C` and a jcc: nothing computed, no setcc.
(module
  (func (export "f") (param $x i32) (param $n i32) (result i32) (local $r i32)
    (block $b
      (br_if $b (i32.eqz (i32.and (local.get $x) (i32.const 3))))
      (local.set $r (i32.const 1)))
    (if (i32.and (local.get $n) (i32.const 8)) (then (local.set $r (i32.add (local.get $r) (i32.const 2)))))
    (select (local.get $r) (i32.const 9) (i32.and (local.get $x) (local.get $n)))))

;; pass: fuse -- compares whose flags feed br_if, if and select directly (no setcc).
(module
  (func (export "f") (param $a i32) (param $b i64) (result i32)
    (block $out
      (br_if $out (i32.gt_s (local.get $a) (i32.const 10)))
      (if (i64.lt_u (local.get $b) (i64.const 5))
        (then (local.set $a (i32.const 7)))))
    (select (local.get $a) (i32.const 3) (i32.eq (local.get $a) (i32.const 0)))))

;; pass: bitset -- `c == 32 | c == 10 | c == 44 | c == 58` as one bit test, fused with the br_if.
(module
  (func (export "sep") (param $c i32) (result i32)
    (block $yes
      (br_if $yes
        (i32.or
          (i32.or
            (i32.or (i32.eq (local.get $c) (i32.const 32))
                    (i32.eq (local.get $c) (i32.const 10)))
            (i32.eq (local.get $c) (i32.const 44)))
          (i32.eq (local.get $c) (i32.const 58))))
      (return (i32.const 0)))
    (i32.const 1)))

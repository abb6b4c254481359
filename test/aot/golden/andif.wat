;; pass: andIf -- asc's `if (a < b && b < c)`: both compares jump to the else directly.
(module
  (func (export "between") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (if (if (result i32) (i32.lt_s (local.get $a) (local.get $b))
          (then (i32.lt_s (local.get $b) (local.get $c)))
          (else (i32.const 0)))
      (then (return (i32.const 1))))
    (i32.const 0)))

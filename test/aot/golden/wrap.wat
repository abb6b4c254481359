;; pass: wrap -- t lives across the two calls, in the block only (r12): its save is at the block's start and its restore after the block's end, so the early return (x odd) saves and restores nothing (off: at entry and return).
;; off: inline
(module
  (memory 1)
  (func $inner (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
  (func (export "w") (param $x i32) (result i32) (local $t i32)
    (if (i32.and (local.get $x) (i32.const 1)) (then (return (i32.const 0))))
    (i32.store (i32.const 8) (local.get $x))
    (block $R
      (local.set $t (i32.mul (i32.load (i32.const 8)) (i32.const 5)))
      (i32.store (i32.const 4) (call $inner (local.get $t)))
      (i32.store (i32.const 4) (i32.add (local.get $t) (call $inner (i32.const 2)))))
    (i32.load (i32.const 4))))

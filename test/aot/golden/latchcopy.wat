;; pass: latchCopy -- `while (k < n) { k++; if (k & 1) a += k; else b ^= k; }`: the then-arm ends in its own copy of the loop's header (`cmp; jl body; jmp exit`), not in a jump to the if's end that the back edge's copy follows.
(module
  (func (export "f") (param $n i32) (result i32) (local $k i32) (local $a i32) (local $b i32)
    (loop $L
      (if (i32.lt_s (local.get $k) (local.get $n))
        (then
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (if (i32.and (local.get $k) (i32.const 1))
            (then (local.set $a (i32.add (local.get $a) (local.get $k))))
            (else (local.set $b (i32.xor (local.get $b) (local.get $k)))))
          (br $L))))
    (i32.add (local.get $a) (local.get $b))))

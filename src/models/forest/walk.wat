;; The forest walk's inner loop: one block of rows through every tree, in WebAssembly because
;; V8's JavaScript spends half the walk on bounds checks and spilled registers (28 -> 15 µs a
;; customer on the bench's 300 trees). Same steps and the same additions in the same order as
;; walk.ts describes, so the sums are bit for bit those of the JavaScript walk it replaced.
;; Assembled into walk-wasm.ts by `npm run build:wasm` (a test checks the two agree).
;;
;; Memory, laid out by walk.ts (all byte addresses):
;;   node at address a: [a] = feature << 16 | cut, [a + 4] = address of its left child (right
;;   child = left + 8); a leaf splits the spare feature at cut 0xffff and is its own left child;
;;   its value (f64) at a + vv, its change from the parent's value (f64) at a + dv.
;;   roots / depths: i32 per tree, the root's address and the tree's depth.
;;   bins: one byte per (row, feature), q per row, the spare feature's bin 0;
;;   acc: f64 per (row, feature), q per row (Saabas parts, summed over trees);
;;   sum: f64 per row (leaf values, summed over trees).
(module
  (import "env" "memory" (memory 1))
  (func (export "walk")
    (param $n i32) (param $q i32) (param $trees i32)
    (param $nodes i32) (param $dv i32) (param $vv i32) (param $roots i32) (param $depths i32)
    (param $bins i32) (param $acc i32) (param $sum i32)
    (local $t i32) (local $root i32) (local $depth i32) (local $i i32) (local $d i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $n0 i32) (local $n1 i32) (local $n2 i32) (local $n3 i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $f0 i32) (local $f1 i32) (local $f2 i32) (local $f3 i32)
    (local $q8 i32) (local $out i32)
    (local.set $q8 (i32.shl (local.get $q) (i32.const 3)))
    (block $treesDone
      (loop $treeLoop
        (br_if $treesDone (i32.ge_u (local.get $t) (local.get $trees)))
        (local.set $root (i32.load (i32.add (local.get $roots) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $depth (i32.load (i32.add (local.get $depths) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $i (i32.const 0))
        (local.set $b0 (local.get $bins))
        (local.set $a0 (local.get $acc))
        (local.set $out (local.get $sum))
        ;; Four rows at a time, until all four reach their leaves: four independent chains of
        ;; loads the processor overlaps. A step is an add: (cut - bin) >>> 31 is 1 when bin > cut.
        (block $quadsDone
          (loop $quadLoop
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
            (local.set $b1 (i32.add (local.get $b0) (local.get $q)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $q)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $q)))
            (local.set $a1 (i32.add (local.get $a0) (local.get $q8)))
            (local.set $a2 (i32.add (local.get $a1) (local.get $q8)))
            (local.set $a3 (i32.add (local.get $a2) (local.get $q8)))
            (local.set $n0 (local.get $root))
            (local.set $n1 (local.get $root))
            (local.set $n2 (local.get $root))
            (local.set $n3 (local.get $root))
            (local.set $d (local.get $depth))
            (block $leaves
              (loop $step
                (br_if $leaves (i32.eqz (local.get $d)))
                (local.set $s0 (i32.load (local.get $n0)))
                (local.set $s1 (i32.load (local.get $n1)))
                (local.set $s2 (i32.load (local.get $n2)))
                (local.set $s3 (i32.load (local.get $n3)))
                (br_if $leaves (i32.eq (i32.and (i32.and (i32.and (local.get $s0) (local.get $s1)) (i32.and (local.get $s2) (local.get $s3))) (i32.const 0xffff)) (i32.const 0xffff)))
                (local.set $f0 (i32.shr_u (local.get $s0) (i32.const 16)))
                (local.set $f1 (i32.shr_u (local.get $s1) (i32.const 16)))
                (local.set $f2 (i32.shr_u (local.get $s2) (i32.const 16)))
                (local.set $f3 (i32.shr_u (local.get $s3) (i32.const 16)))
                (local.set $n0 (i32.add (i32.load offset=4 (local.get $n0))
                  (i32.shl (i32.shr_u (i32.sub (i32.and (local.get $s0) (i32.const 0xffff)) (i32.load8_u (i32.add (local.get $b0) (local.get $f0)))) (i32.const 31)) (i32.const 3))))
                (local.set $n1 (i32.add (i32.load offset=4 (local.get $n1))
                  (i32.shl (i32.shr_u (i32.sub (i32.and (local.get $s1) (i32.const 0xffff)) (i32.load8_u (i32.add (local.get $b1) (local.get $f1)))) (i32.const 31)) (i32.const 3))))
                (local.set $n2 (i32.add (i32.load offset=4 (local.get $n2))
                  (i32.shl (i32.shr_u (i32.sub (i32.and (local.get $s2) (i32.const 0xffff)) (i32.load8_u (i32.add (local.get $b2) (local.get $f2)))) (i32.const 31)) (i32.const 3))))
                (local.set $n3 (i32.add (i32.load offset=4 (local.get $n3))
                  (i32.shl (i32.shr_u (i32.sub (i32.and (local.get $s3) (i32.const 0xffff)) (i32.load8_u (i32.add (local.get $b3) (local.get $f3)))) (i32.const 31)) (i32.const 3))))
                (local.set $f0 (i32.add (local.get $a0) (i32.shl (local.get $f0) (i32.const 3))))
                (local.set $f1 (i32.add (local.get $a1) (i32.shl (local.get $f1) (i32.const 3))))
                (local.set $f2 (i32.add (local.get $a2) (i32.shl (local.get $f2) (i32.const 3))))
                (local.set $f3 (i32.add (local.get $a3) (i32.shl (local.get $f3) (i32.const 3))))
                (f64.store (local.get $f0) (f64.add (f64.load (local.get $f0)) (f64.load (i32.add (local.get $n0) (local.get $dv)))))
                (f64.store (local.get $f1) (f64.add (f64.load (local.get $f1)) (f64.load (i32.add (local.get $n1) (local.get $dv)))))
                (f64.store (local.get $f2) (f64.add (f64.load (local.get $f2)) (f64.load (i32.add (local.get $n2) (local.get $dv)))))
                (f64.store (local.get $f3) (f64.add (f64.load (local.get $f3)) (f64.load (i32.add (local.get $n3) (local.get $dv)))))
                (local.set $d (i32.sub (local.get $d) (i32.const 1)))
                (br $step)))
            (f64.store (local.get $out) (f64.add (f64.load (local.get $out)) (f64.load (i32.add (local.get $n0) (local.get $vv)))))
            (f64.store offset=8 (local.get $out) (f64.add (f64.load offset=8 (local.get $out)) (f64.load (i32.add (local.get $n1) (local.get $vv)))))
            (f64.store offset=16 (local.get $out) (f64.add (f64.load offset=16 (local.get $out)) (f64.load (i32.add (local.get $n2) (local.get $vv)))))
            (f64.store offset=24 (local.get $out) (f64.add (f64.load offset=24 (local.get $out)) (f64.load (i32.add (local.get $n3) (local.get $vv)))))
            (local.set $out (i32.add (local.get $out) (i32.const 32)))
            (local.set $b0 (i32.add (local.get $b3) (local.get $q)))
            (local.set $a0 (i32.add (local.get $a3) (local.get $q8)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quadLoop)))
        ;; the last rows, one at a time
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $n0 (local.get $root))
            (local.set $d (local.get $depth))
            (block $leaf
              (loop $one
                (br_if $leaf (i32.eqz (local.get $d)))
                (local.set $s0 (i32.load (local.get $n0)))
                (local.set $f0 (i32.shr_u (local.get $s0) (i32.const 16)))
                (local.set $n0 (i32.add (i32.load offset=4 (local.get $n0))
                  (i32.shl (i32.shr_u (i32.sub (i32.and (local.get $s0) (i32.const 0xffff)) (i32.load8_u (i32.add (local.get $b0) (local.get $f0)))) (i32.const 31)) (i32.const 3))))
                (local.set $f0 (i32.add (local.get $a0) (i32.shl (local.get $f0) (i32.const 3))))
                (f64.store (local.get $f0) (f64.add (f64.load (local.get $f0)) (f64.load (i32.add (local.get $n0) (local.get $dv)))))
                (local.set $d (i32.sub (local.get $d) (i32.const 1)))
                (br $one)))
            (f64.store (local.get $out) (f64.add (f64.load (local.get $out)) (f64.load (i32.add (local.get $n0) (local.get $vv)))))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $b0 (i32.add (local.get $b0) (local.get $q)))
            (local.set $a0 (i32.add (local.get $a0) (local.get $q8)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $treeLoop)))))

;; Boosting's kernels in WebAssembly: gradient histograms, the same sums as buildHistogram in
;; histogram.ts in the same order (each feature's bins summed in position order), so the same
;; bytes (a bin's (gradient, hessian) pair is one f64x2 add: the two lanes are the JavaScript's two
;; additions); the stable partition of a node's rows by its split, and the split of a node whose
;; children are both leaves (each row's leaf value into its margin).
;; Assembled into histogram-wasm.ts by `npm run build:wasm` (a test checks the two agree).
;;
;; Memory (shared between the pool's threads), laid out by histogram-pool.ts (byte addresses):
;;   bins:  one byte per (row, feature), p per row, row-major;
;;   columns: the same bins feature-major (the partition reads one feature);
;;   order: i32 per position, the row;
;;   gh:    f64 pair per position, (gradient, hessian);
;;   scratch order and gh: the right rows of a partition, before they move behind the left;
;;   hist:  per feature 256 bins of f64 pairs and a cache line unused (4160 bytes a feature, FEATURE_STRIDE);
;;   valueBins: i32 per feature, its value bins (cut points + 1).
(module
  (import "env" "memory" (memory 1 65536 shared))

;; Fills the histogram at `hist` with the sums over positions [start, end): each feature's value
  ;; bins (`valueBins`: an i32 a feature) and missing bin cleared first, the only bins a row can
  ;; fall in and a split reads (the rest stay as they are: zero in a fresh memory). Features four at
  ;; a time (their loads and adds are independent), then one at a time.
  (func (export "histogram")
    (param $bins i32) (param $p i32) (param $order i32) (param $gh i32)
    (param $start i32) (param $end i32) (param $hist i32) (param $valueBins i32)
    (local $k i32) (local $row i32) (local $rowEnd i32) (local $o i32) (local $f i32)
    (local $a i32) (local $pair v128)
    (block $clearDone
      (loop $clear
        (br_if $clearDone (i32.ge_u (local.get $f) (local.get $p)))
        (local.set $o (i32.add (local.get $hist) (i32.mul (local.get $f) (i32.const 4160))))
        (memory.fill (local.get $o) (i32.const 0) (i32.shl (i32.load (i32.add (local.get $valueBins) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 4)))
        (v128.store offset=4080 (local.get $o) (v128.const i64x2 0 0))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $clear)))
    (local.set $k (local.get $start))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $row (i32.add (local.get $bins)
          (i32.mul (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))) (local.get $p))))
        (local.set $rowEnd (i32.add (local.get $row) (local.get $p)))
        (local.set $pair (v128.load (i32.add (local.get $gh) (i32.shl (local.get $k) (i32.const 4)))))
        (local.set $o (local.get $hist))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $row) (i32.const 4)) (local.get $rowEnd)))
            (local.set $a (i32.add (local.get $o) (i32.shl (i32.load8_u (local.get $row)) (i32.const 4))))
            (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $pair)))
            (local.set $a (i32.add (local.get $o) (i32.shl (i32.load8_u offset=1 (local.get $row)) (i32.const 4))))
            (v128.store offset=4160 (local.get $a) (f64x2.add (v128.load offset=4160 (local.get $a)) (local.get $pair)))
            (local.set $a (i32.add (local.get $o) (i32.shl (i32.load8_u offset=2 (local.get $row)) (i32.const 4))))
            (v128.store offset=8320 (local.get $a) (f64x2.add (v128.load offset=8320 (local.get $a)) (local.get $pair)))
            (local.set $a (i32.add (local.get $o) (i32.shl (i32.load8_u offset=3 (local.get $row)) (i32.const 4))))
            (v128.store offset=12480 (local.get $a) (f64x2.add (v128.load offset=12480 (local.get $a)) (local.get $pair)))
            (local.set $row (i32.add (local.get $row) (i32.const 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16640)))
            (br $quads)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_u (local.get $row) (local.get $rowEnd)))
            (local.set $a (i32.add (local.get $o) (i32.shl (i32.load8_u (local.get $row)) (i32.const 4))))
            (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $pair)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4160)))
            (br $singles)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows))))

  ;; Stable partition of positions [start, end) by a split on one feature: rows whose bin is at
  ;; most `cut` (missing, 255: when missingLeft) keep their order at the front, the others follow
  ;; in theirs, each with its (gradient, hessian) pair; returns the first right position. Each row
  ;; is written to both sides and only one side's end moves: no branch to mispredict on a split
  ;; that sends rows either way at random. Same result as partitionRows in partition.ts.
  (func (export "partition")
    (param $column i32) (param $order i32) (param $gh i32) (param $scratchOrder i32) (param $scratchGh i32)
    (param $start i32) (param $end i32) (param $cut i32) (param $missingLeft i32) (result i32)
    (local $k i32) (local $l i32) (local $r i32) (local $row i32) (local $b i32) (local $left i32) (local $pair v128)
    (local.set $k (local.get $start))
    (local.set $l (local.get $start))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $row (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $pair (v128.load (i32.add (local.get $gh) (i32.shl (local.get $k) (i32.const 4)))))
        (local.set $b (i32.load8_u (i32.add (local.get $column) (local.get $row))))
        (local.set $left (select (local.get $missingLeft) (i32.le_u (local.get $b) (local.get $cut)) (i32.eq (local.get $b) (i32.const 255))))
        ;; Position l <= k was read already, so writing it in place is safe.
        (i32.store (i32.add (local.get $order) (i32.shl (local.get $l) (i32.const 2))) (local.get $row))
        (v128.store (i32.add (local.get $gh) (i32.shl (local.get $l) (i32.const 4))) (local.get $pair))
        (i32.store (i32.add (local.get $scratchOrder) (i32.shl (local.get $r) (i32.const 2))) (local.get $row))
        (v128.store (i32.add (local.get $scratchGh) (i32.shl (local.get $r) (i32.const 4))) (local.get $pair))
        (local.set $l (i32.add (local.get $l) (local.get $left)))
        (local.set $r (i32.add (local.get $r) (i32.xor (local.get $left) (i32.const 1))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows)))
    (memory.copy (i32.add (local.get $order) (i32.shl (local.get $l) (i32.const 2))) (local.get $scratchOrder) (i32.shl (local.get $r) (i32.const 2)))
    (memory.copy (i32.add (local.get $gh) (i32.shl (local.get $l) (i32.const 4))) (local.get $scratchGh) (i32.shl (local.get $r) (i32.const 4)))
    (local.get $l))
;; The last split of a tree's rows when both children are leaves: instead of a partition, each
  ;; row of positions [start, end) takes its child's value into its margin (`valueLeft` when its
  ;; bin is at most `cut`; missing, 255: when missingLeft); returns the rows that went left. Same
  ;; result as splitToLeaves in partition.ts.
  (func (export "splitToLeaves")
    (param $column i32) (param $order i32) (param $margin i32)
    (param $start i32) (param $end i32) (param $cut i32) (param $missingLeft i32)
    (param $valueLeft f64) (param $valueRight f64) (result i32)
    (local $k i32) (local $row i32) (local $b i32) (local $left i32) (local $lefts i32) (local $at i32)
    (local.set $k (local.get $start))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $row (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $b (i32.load8_u (i32.add (local.get $column) (local.get $row))))
        (local.set $left (select (local.get $missingLeft) (i32.le_u (local.get $b) (local.get $cut)) (i32.eq (local.get $b) (i32.const 255))))
        (local.set $at (i32.add (local.get $margin) (i32.shl (local.get $row) (i32.const 3))))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (select (local.get $valueLeft) (local.get $valueRight) (local.get $left))))
        (local.set $lefts (i32.add (local.get $lefts) (local.get $left)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows)))
    (local.get $lefts))
)

package set_test

import (
	"fmt"
	"math"

	"github.com/maelstrom-gossip/node/set"
)

func ExampleSet() {
	s := set.New()
	fmt.Println(s.Merge([]int64{3, -1, 3, 1 << 40, math.MinInt64})) // the duplicate 3 counts once
	fmt.Println(s.Add(7), s.Add(7))
	fmt.Println(s.Contains(-1), s.Contains(2), s.Len())

	var buf []int64
	buf = s.AppendSorted(buf[:0])
	fmt.Println(buf)
	buf = s.AppendSortedAbove(buf[:0], 3)
	fmt.Println(buf)
	// Output:
	// 4
	// true false
	// true false 5
	// [-9223372036854775808 -1 3 7 1099511627776]
	// [7 1099511627776]
}

func ExampleSet_Commit() {
	s := set.New()
	s.Merge([]int64{1, 2, 3, 1 << 40})

	// A batch as a parser streams it: a long run and values in pieces.
	var st set.Stage
	st.AddRun(0, 999_999)
	st.AddValues([]int64{1 << 40, -5, 1 << 40})
	st.AddValues([]int64{2_000_000})
	lo, hi, _ := st.Bounds()
	n, _ := st.Len()
	fmt.Println(st.Spilled(), n, lo, hi)

	fmt.Println(s.Commit(&st)) // 1_000_003 staged, 4 of them already in s
	n, _ = st.Len()
	fmt.Println(s.Len(), n)
	fmt.Println(s.AppendRange(nil, 999_998, 1<<41))
	// Output:
	// true 1000003 -5 1099511627776
	// 999999
	// 1000003 0
	// [999998 999999 2000000 1099511627776]
}

func ExampleStage_Against() {
	s := set.New()
	held := make([]int64, 200_000)
	for i := range held {
		held[i] = int64(i)
	}
	s.Merge(held)

	// A peer re-sends its whole set, ascending: what s holds is counted and
	// left out, only the new values are staged.
	var st set.Stage
	st.Against(s)
	st.AddRun(0, 99_999)
	for v := int64(100_000); v < 300_000; v += 10_000 {
		st.AddValues([]int64{v, v + 1, v + 2})
	}
	n, known := st.Len()
	lo, hi, _ := st.Bounds()
	fmt.Println(n, known, lo, hi)
	fmt.Println(s.Commit(&st), s.Len())
	// Output:
	// 100060 true 200000 290002
	// 30 200030
}

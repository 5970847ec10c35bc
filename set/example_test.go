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

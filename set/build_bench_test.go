package set

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// BenchmarkBuildChunk builds a chunk's bitmap from n sorted random
// positions: in bulk, through the portable serialization and ReadFrom
// (impl=readfrom, what the set does), against its baseline twin, roaring's
// AddMany on a new bitmap (impl=addmany).
func BenchmarkBuildChunk(b *testing.B) {
	for _, n := range []int{16, 256, 4096, 20_000, 65_536} {
		r := rand.New(rand.NewPCG(uint64(n), 7))
		lows := make([]uint16, 0, n)
		for _, x := range r.Perm(1 << chunkBits)[:n] {
			lows = append(lows, uint16(x))
		}
		slices.Sort(lows)
		keys := make([]uint32, n)
		for i, x := range lows {
			keys[i] = r32(x)
		}
		b.Run("n="+strconv.Itoa(n)+"/impl=readfrom", func(b *testing.B) {
			var sh shard
			b.ReportAllocs()
			for b.Loop() {
				if bm := sh.newRoaring(lows); bm.GetCardinality() != uint64(n) {
					b.Fatal("wrong cardinality")
				}
			}
			reportValues(b, n)
		})
		b.Run("n="+strconv.Itoa(n)+"/impl=addmany", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bm := roaring.New()
				bm.AddMany(keys)
				if bm.GetCardinality() != uint64(n) {
					b.Fatal("wrong cardinality")
				}
			}
			reportValues(b, n)
		})
	}
}

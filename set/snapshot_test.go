package set

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
)

func TestSnapshotRoundTrip(t *testing.T) {
	s := New()
	vals := []int64{math.MinInt64, -1, 0, 1, 70000, 1 << 40, math.MaxInt64}
	for i := range int64(100_000) {
		vals = append(vals, i*3)
	}
	s.Merge(slices.Clone(vals))
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	r := New()
	r.Add(5) // ReadFrom adds to what the set holds
	n, err := r.ReadFrom(bytes.NewReader(buf.Bytes()))
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("ReadFrom = %d, %v; wrote %d", n, err, buf.Len())
	}
	want := s.AppendSorted(nil)
	if !r.Contains(5) || r.Len() != s.Len()+1 {
		t.Fatalf("Len %d, want %d", r.Len(), s.Len()+1)
	}
	got := r.AppendSorted(nil)
	got = slices.DeleteFunc(got, func(v int64) bool { return v == 5 })
	if !slices.Equal(got, want) {
		t.Fatal("values differ after the round trip")
	}
}

func TestSnapshotRejectsGarbage(t *testing.T) {
	s := New()
	var buf bytes.Buffer
	s.Add(1)
	s.WriteTo(&buf)
	b := buf.Bytes()
	for _, bad := range [][]byte{nil, []byte("GOSSIPSET9\n"), b[:len(b)-3]} {
		if _, err := New().ReadFrom(bytes.NewReader(bad)); !errors.Is(err, ErrSnapshot) {
			t.Errorf("ReadFrom(%q) = %v, want ErrSnapshot", bad, err)
		}
	}
	// A key written in the wrong shard: move shard 0's bitmap to shard 1.
	w := New()
	w.Add(val(0)) // key 0: chunk 0, shard 0
	buf.Reset()
	w.WriteTo(&buf)
	data := buf.Bytes()
	head := len(snapshotMagic)
	size := int(data[head])
	shard0 := slices.Clone(data[head : head+8+size])
	empty := data[head+8+size : head+8+size+8+int(data[head+8+size])]
	swapped := append([]byte(snapshotMagic), empty...)
	swapped = append(swapped, shard0...)
	swapped = append(swapped, data[head+8+size+len(empty):]...)
	if _, err := New().ReadFrom(bytes.NewReader(swapped)); !errors.Is(err, ErrSnapshot) {
		t.Errorf("a key in the wrong shard: %v, want ErrSnapshot", err)
	}
}

// TestSnapshotFormat writes a set with every kind of chunk (arrays,
// bitmaps, runs, over many 32-bit buckets and both signs) and reads each
// shard back with roaring64 itself: the bytes must be valid portable
// bitmaps holding exactly the shard's keys. Then it reads the snapshot into
// a set.
func TestSnapshotFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	s := New()
	s.Merge(append(append(randIn(r, 50_000, -1<<24, 1<<25), randWide(r, 3000)...), extremes...))
	s.Merge(runs(1<<33, 40_000, 3, 5)) // bitmaps
	var st Stage
	st.AddRun(-1<<21, 1<<21) // runs
	st.AddRun(math.MaxInt64-1<<17, math.MaxInt64)
	s.Commit(&st)
	all := s.AppendSorted(nil)

	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()[len(snapshotMagic):]
	for si := range nShards {
		size := binary.LittleEndian.Uint64(data)
		var bm roaring64.Bitmap
		if _, err := bm.ReadFrom(bytes.NewReader(data[8 : 8+size])); err != nil {
			t.Fatalf("shard %d: %v", si, err)
		}
		if err := bm.Validate(); err != nil {
			t.Fatalf("shard %d: %v", si, err)
		}
		want := roaring64.New()
		for _, v := range all {
			if shardOf(v) == si {
				want.Add(key(v))
			}
		}
		if !bm.Equals(want) {
			t.Fatalf("shard %d: %d keys, want %d", si, bm.GetCardinality(), want.GetCardinality())
		}
		data = data[8+size:]
	}
	r2 := New()
	if _, err := r2.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, r2)
	if got := r2.AppendSorted(nil); !slices.Equal(got, all) {
		t.Fatalf("read back %d values, want %d", len(got), len(all))
	}
}

package set

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
)

// snapshotMagic starts a snapshot; the digit is the format's version.
const snapshotMagic = "GOSSIPSET1\n"

// ErrSnapshot is wrapped by ReadFrom's error for data that is not a snapshot
// of this format.
var ErrSnapshot = errors.New("set: not a snapshot")

// WriteTo writes a snapshot of the set to w: a header, then each shard's
// bitmap in roaring's portable format, each preceded by its length. It
// implements io.WriterTo. Each shard is locked while it is written, so a
// snapshot taken while others add values holds each shard as of some moment,
// not the whole set as of one.
func (s *Set) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	n, _ := bw.WriteString(snapshotMagic)
	total := int64(n)
	var lenBuf [8]byte
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		size := sh.bm.GetSerializedSizeInBytes()
		binary.LittleEndian.PutUint64(lenBuf[:], size)
		k, err := bw.Write(lenBuf[:])
		total += int64(k)
		if err == nil {
			var m int64
			m, err = sh.bm.WriteTo(bw)
			total += m
		}
		sh.mu.Unlock()
		if err != nil {
			return total, err
		}
	}
	return total, bw.Flush()
}

// ReadFrom adds the values of a snapshot that WriteTo wrote to the set. It
// implements io.ReaderFrom. On error the set holds some of the snapshot's
// values; the error wraps ErrSnapshot when the data is not a snapshot.
func (s *Set) ReadFrom(r io.Reader) (int64, error) {
	br := bufio.NewReader(r)
	head := make([]byte, len(snapshotMagic))
	total := int64(0)
	k, err := io.ReadFull(br, head)
	total += int64(k)
	if err != nil || string(head) != snapshotMagic {
		return total, fmt.Errorf("%w: bad header", ErrSnapshot)
	}
	var lenBuf [8]byte
	for i := range s.shards {
		k, err := io.ReadFull(br, lenBuf[:])
		total += int64(k)
		if err != nil {
			return total, fmt.Errorf("%w: shard %d: %v", ErrSnapshot, i, err)
		}
		size := binary.LittleEndian.Uint64(lenBuf[:])
		var bm roaring64.Bitmap
		m, err := bm.ReadFrom(io.LimitReader(br, int64(size)))
		total += m
		if err != nil || uint64(m) != size {
			return total, fmt.Errorf("%w: shard %d: %v", ErrSnapshot, i, err)
		}
		if err := s.addShardBitmap(i, &bm); err != nil {
			return total, err
		}
	}
	return total, nil
}

// addShardBitmap ors bm, read for shard i, into that shard after checking
// that each of its chunks belongs there (a key in the wrong shard would make
// later merges miscount).
func (s *Set) addShardBitmap(i int, bm *roaring64.Bitmap) error {
	it := bm.Iterator()
	for it.HasNext() {
		k := it.Next()
		if int((k>>chunkBits)&shardMask) != i {
			return fmt.Errorf("%w: shard %d holds key %d of shard %d", ErrSnapshot, i, k, (k>>chunkBits)&shardMask)
		}
		// Skip to the next chunk: one check per chunk is enough.
		it.AdvanceIfNeeded((k | (1<<chunkBits - 1)) + 1)
	}
	sh := &s.shards[i]
	sh.mu.Lock()
	before := sh.bm.GetCardinality()
	sh.bm.Or(bm)
	s.n.Add(int64(sh.bm.GetCardinality() - before))
	sh.mu.Unlock()
	return nil
}

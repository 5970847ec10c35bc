package set

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
)

// snapshotMagic starts a snapshot; the digit is the format's version.
const snapshotMagic = "GOSSIPSET1\n"

// ErrSnapshot is wrapped by ReadFrom's error for data that is not a snapshot
// of this format.
var ErrSnapshot = errors.New("set: not a snapshot")

// WriteTo writes a snapshot of the set to w: a header, then each shard's
// keys as a 64-bit roaring bitmap in roaring's portable format, each
// preceded by its length. It implements io.WriterTo. It serializes the
// containers itself (one shard at a time, in scratch it allocates), so it
// costs O(Len) but never builds a bitmap.
func (s *Set) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	n, _ := bw.WriteString(snapshotMagic)
	total := int64(n)
	var ws writeScratch
	for i := range s.shards {
		sh := &s.shards[i]
		s.acquire(sh)
		ws.out = ws.appendShard(ws.out[:0], sh)
		s.release(sh)
		ws.len = binary.LittleEndian.AppendUint64(ws.len[:0], uint64(len(ws.out)))
		k, err := bw.Write(ws.len)
		total += int64(k)
		if err == nil {
			k, err = bw.Write(ws.out)
			total += int64(k)
		}
		if err != nil {
			return total, err
		}
	}
	return total, bw.Flush()
}

// writeScratch is the scratch of one WriteTo.
type writeScratch struct {
	out, data, len []byte
	cts            []container
	lows           []uint16
}

// appendShard appends sh's keys as a roaring64 portable bitmap: the number
// of 32-bit buckets, then for each its high 32 bits and a roaring32 stream
// of its chunks' containers.
func (ws *writeScratch) appendShard(dst []byte, sh *shard) []byte {
	buckets := 0
	for i, c := range sh.keys {
		if i == 0 || c>>16 != sh.keys[i-1]>>16 {
			buckets++
		}
	}
	dst = binary.LittleEndian.AppendUint64(dst, uint64(buckets))
	for i := 0; i < len(sh.keys); {
		hb := sh.keys[i] >> 16
		ws.cts, ws.data = ws.cts[:0], ws.data[:0]
		for ; i < len(sh.keys) && sh.keys[i]>>16 == hb; i++ {
			ch := &sh.cs[i]
			lows := ch.arr
			if ch.bm != nil {
				ws.lows = sh.positions(ws.lows[:0], ch)
				lows = ws.lows
			}
			ct := plan(uint16(sh.keys[i]), lows)
			ws.cts = append(ws.cts, ct)
			ws.data = appendData(ws.data, ct, lows)
		}
		dst = binary.LittleEndian.AppendUint32(dst, uint32(hb))
		dst = appendStream(dst, ws.cts, ws.data)
	}
	return dst
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
	var data []byte
	keys := make([]uint64, 1<<16)
	for i := range s.shards {
		k, err := io.ReadFull(br, lenBuf[:])
		total += int64(k)
		if err != nil {
			return total, fmt.Errorf("%w: shard %d: %v", ErrSnapshot, i, err)
		}
		size := binary.LittleEndian.Uint64(lenBuf[:])
		// Read the shard's bytes in steps, so that a corrupt length
		// cannot make us allocate more than the data holds.
		data = data[:0]
		for uint64(len(data)) < size {
			n := min(size-uint64(len(data)), 1<<20)
			start := len(data)
			data = slices.Grow(data, int(n))[:start+int(n)]
			k, err := io.ReadFull(br, data[start:])
			total += int64(k)
			if err != nil {
				return total, fmt.Errorf("%w: shard %d: %v", ErrSnapshot, i, err)
			}
		}
		var bm roaring64.Bitmap
		rd := byteReader{b: data}
		// (ReadFrom's count is off with a byte input that counts from its
		// start: check where the reader stopped instead.)
		if _, err := bm.ReadFrom(&rd); err != nil || rd.off != len(data) {
			return total, fmt.Errorf("%w: shard %d: %v", ErrSnapshot, i, err)
		}
		if err := s.addShardBitmap(i, &bm, keys); err != nil {
			return total, err
		}
	}
	return total, nil
}

// addShardBitmap adds the keys of bm, read for shard i, to that shard, chunk
// by chunk, after checking that each chunk belongs there (a key in the
// wrong shard would be unreachable). keys is scratch.
func (s *Set) addShardBitmap(i int, bm *roaring64.Bitmap, keys []uint64) error {
	sh := &s.shards[i]
	s.acquire(sh)
	defer s.release(sh)
	defer sh.flushAdds()
	var it roaring64.ManyIntIterator64
	it.Initialize(bm)
	for {
		m := it.NextMany(keys)
		if m == 0 {
			return nil
		}
		for a := 0; a < m; {
			c := keys[a] >> chunkBits
			if int(c&shardMask) != i {
				return fmt.Errorf("%w: shard %d holds key %d of shard %d", ErrSnapshot, i, keys[a], c&shardMask)
			}
			lows := sh.lows[:0]
			for ; a < m && keys[a]>>chunkBits == c; a++ {
				lows = append(lows, uint16(keys[a]))
			}
			sh.lows = lows[:0]
			sh.mergeChunk(c, lows)
		}
	}
}

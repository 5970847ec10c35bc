package pipebench

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
)

// The node under test and its cluster. The node is n1 of three, so that a
// gossip_round with the fanout of 2 reaches both peers.
const (
	// NodeID is the id the node is given by init.
	NodeID = "n1"
	// Fanout is the number of peers of a gossip_round (GOSSIP_FANOUT).
	Fanout = 2
	// initClient and client are the senders of init and of client requests.
	initClient = "c0"
	client     = "c1"
	// syncPeer is the sender of gossip_sync.
	syncPeer = "n2"
)

// Peers are the node's peers in the cluster that AppendInit announces.
var Peers = []string{"n2", "n3"}

// NodeEnv is the environment added for node binaries: no eager push and no
// repair timer, so the node only replies, and a fixed fanout.
var NodeEnv = []string{"GOSSIP_STAR=false", "GOSSIP_INTERVAL=0", "GOSSIP_FANOUT=" + strconv.Itoa(Fanout)}

// Phase is a part of a stream: the tool writes its chunks in order, then
// waits until Replies more lines have come back before the next phase. The
// chunks of a phase may be shared with other phases (the two lines of the
// sync case share their array); they are never modified.
type Phase struct {
	Chunks  [][]byte
	Replies int
}

// Stream is the input of one run, in phases. The replies of the last phase
// are not waited for line by line: the tool closes stdin after it and reads
// to the end of output.
type Stream []Phase

// Bytes is the size of the stream.
func (s Stream) Bytes() int64 {
	var n int64
	for _, p := range s {
		for _, c := range p.Chunks {
			n += int64(len(c))
		}
	}
	return n
}

// Replies is the number of reply lines the stream asks for.
func (s Stream) Replies() int {
	n := 0
	for _, p := range s {
		n += p.Replies
	}
	return n
}

// AppendInit appends the init line with msg_id id, from c0, naming the node
// NodeID and the cluster NodeID plus Peers.
func AppendInit(dst []byte, id int64) []byte {
	dst = append(dst, `{"src":"`+initClient+`","dest":"`+NodeID+`","body":{"type":"init","msg_id":`...)
	dst = strconv.AppendInt(dst, id, 10)
	dst = append(dst, `,"node_id":"`+NodeID+`","node_ids":["`+NodeID+`"`...)
	for _, p := range Peers {
		dst = append(dst, `,"`...)
		dst = append(dst, p...)
		dst = append(dst, '"')
	}
	return append(dst, "]}}\n"...)
}

// AppendRead appends a read line with msg_id id from the client.
func AppendRead(dst []byte, id int64) []byte {
	dst = append(dst, `{"src":"`+client+`","dest":"`+NodeID+`","body":{"type":"read","msg_id":`...)
	dst = strconv.AppendInt(dst, id, 10)
	return append(dst, "}}\n"...)
}

// AppendBroadcast appends a broadcast of value v with msg_id id from the
// client.
func AppendBroadcast(dst []byte, id, v int64) []byte {
	dst = append(dst, `{"src":"`+client+`","dest":"`+NodeID+`","body":{"type":"broadcast","msg_id":`...)
	dst = strconv.AppendInt(dst, id, 10)
	dst = append(dst, `,"message":`...)
	dst = strconv.AppendInt(dst, v, 10)
	return append(dst, "}}\n"...)
}

// AppendRound appends a gossip_round request with msg_id id from the client.
func AppendRound(dst []byte, id int64) []byte {
	dst = append(dst, `{"src":"`+client+`","dest":"`+NodeID+`","body":{"type":"gossip_round","msg_id":`...)
	dst = strconv.AppendInt(dst, id, 10)
	return append(dst, "}}\n"...)
}

// syncTail ends a gossip_sync line after its array: a line is
// AppendSyncHead, then AppendRange, then syncTail.
const syncTail = "}}\n"

// AppendSyncHead appends the start of a gossip_sync line from n2 with
// msg_id id, up to its array (`..."messages":`).
func AppendSyncHead(dst []byte, id int64) []byte {
	dst = append(dst, `{"src":"`+syncPeer+`","dest":"`+NodeID+`","body":{"type":"gossip_sync","msg_id":`...)
	dst = strconv.AppendInt(dst, id, 10)
	return append(dst, `,"messages":`...)
}

// AppendSync appends a whole gossip_sync line of the values 0..n-1 with
// msg_id id.
func AppendSync(dst []byte, id int64, n int) []byte {
	dst = AppendSyncHead(dst, id)
	dst = AppendRange(dst, n)
	return append(dst, syncTail...)
}

// RangeLen is the length of AppendRange's output for n: "[]" for n <= 0,
// else the brackets, n-1 commas and the digits of 0..n-1.
func RangeLen(n int) int {
	if n <= 0 {
		return 2
	}
	return 1 + n + digitCount(0, n)
}

// digitCount is the number of decimal digits in the values lo..hi-1
// (lo >= 0).
func digitCount(lo, hi int) int {
	total := 0
	for d, start, end := 1, 0, 10; start < hi; d, start, end = d+1, end, end*10 {
		if a, b := max(lo, start), min(hi, end); a < b {
			total += d * (b - a)
		}
	}
	return total
}

// AppendRange appends the JSON array [0,1,...,n-1] (no spaces) to dst. It
// grows dst once, to the exact size, and writes the values as text without
// formatting each one (see appendSeq), so that the 10-million-value line of
// the sync case (about 79 MB) takes a few tens of milliseconds.
func AppendRange(dst []byte, n int) []byte { return appendSeq(dst, 0, n) }

// appendSeq appends the JSON array of the values lo..hi-1 (0 <= lo). Values
// come in groups that share all digits but the last, one group per ten
// values: the group's prefix is kept as decimal text and incremented once
// per group, and while prefix, last digit and comma fit in eight bytes
// (values below 10^7), each value is written with a single 8-byte store.
func appendSeq(dst []byte, lo, hi int) []byte {
	dst = append(dst, '[')
	if lo >= hi {
		return append(dst, ']')
	}
	// Each value is written with a comma after it; the last comma
	// becomes the closing bracket. The 8-byte stores may write up to 8
	// bytes past the end, hence the slack.
	size := digitCount(lo, hi) + hi - lo
	start := len(dst)
	dst = slices.Grow(dst, size+8)
	out := dst[start : start+size+8]

	// pd[ps:] is the text of the current group's prefix, v/10; empty for
	// the group of 0..9. pd[:ps] is kept at '0' for carries.
	var pd [20]byte
	for i := range pd {
		pd[i] = '0'
	}
	ps := len(pd)
	if q := lo / 10; q > 0 {
		var t [20]byte
		txt := strconv.AppendInt(t[:0], int64(q), 10)
		ps = len(pd) - len(txt)
		copy(pd[ps:], txt)
	}
	p := 0
	for v := lo; v < hi; {
		base := v - v%10
		end := min(hi, base+10)
		plen := len(pd) - ps
		if plen <= 6 {
			var w uint64
			for i := plen - 1; i >= 0; i-- {
				w = w<<8 | uint64(pd[ps+i])
			}
			w |= uint64(',') << (8 * (plen + 1))
			shift, step := uint(8*plen), plen+2
			for d := uint64('0' + v - base); v < end; v, d = v+1, d+1 {
				binary.LittleEndian.PutUint64(out[p:p+8], w|d<<shift)
				p += step
			}
		} else {
			for ; v < end; v++ {
				p += copy(out[p:], pd[ps:])
				out[p], out[p+1] = byte('0'+v-base), ','
				p += 2
			}
		}
		j := len(pd) - 1
		for j >= ps && pd[j] == '9' {
			pd[j] = '0'
			j--
		}
		if j < ps {
			ps--
			pd[ps] = '1'
		} else {
			pd[j]++
		}
	}
	if p != size {
		panic("BUG: appendSeq wrote " + strconv.Itoa(p) + " bytes, want " + strconv.Itoa(size))
	}
	out[size-1] = ']'
	return dst[:start+size]
}

// ReadsStream is the input of the reads case: init (msg_id 1); a gossip_sync
// of 0..n-1 (msg_id 2); reads reads (msg_ids 3..reads+2) and a gossip_round
// (msg_id reads+3). The last phase asks for a reply to each read, the
// gossip_round_ok and the round's Fanout gossip_syncs.
func ReadsStream(n, reads int) Stream {
	init := AppendInit(nil, 1)
	sync := AppendSync(nil, 2, n)
	var rest []byte
	for i := range reads {
		rest = AppendRead(rest, int64(3+i))
	}
	rest = AppendRound(rest, int64(3+reads))
	return Stream{
		{Chunks: [][]byte{init}, Replies: 1},
		{Chunks: [][]byte{sync}, Replies: 1},
		{Chunks: [][]byte{rest}, Replies: reads + 1 + Fanout},
	}
}

// SyncStream is the input of the sync case: init (msg_id 1), then two
// gossip_syncs of 0..n-1 (msg_ids 2 and 3), one phase each. The two lines
// share one array in memory.
func SyncStream(n int) Stream {
	arr := AppendRange(nil, n)
	tail := []byte(syncTail)
	return Stream{
		{Chunks: [][]byte{AppendInit(nil, 1)}, Replies: 1},
		{Chunks: [][]byte{AppendSyncHead(nil, 2), arr, tail}, Replies: 1},
		{Chunks: [][]byte{AppendSyncHead(nil, 3), arr, tail}, Replies: 1},
	}
}

// EchoStream is the floor's input for a recorded output: the lines of out,
// cut into phases of heads[0], heads[1], ... lines and a last phase of the
// remaining lines, each phase asking for its own lines back, as cat echoes
// them. It returns false when out does not end with a newline or has no
// more lines than the heads take.
func EchoStream(out []byte, heads []int) (Stream, bool) {
	if len(out) == 0 || out[len(out)-1] != '\n' {
		return nil, false
	}
	var s Stream
	rest := out
	for _, c := range heads {
		end := 0
		for range c {
			j := bytes.IndexByte(rest[end:], '\n')
			if j < 0 {
				return nil, false
			}
			end += j + 1
		}
		s = append(s, Phase{Chunks: [][]byte{rest[:end]}, Replies: c})
		rest = rest[end:]
	}
	if len(rest) == 0 {
		return nil, false
	}
	return append(s, Phase{Chunks: [][]byte{rest}, Replies: bytes.Count(rest, []byte{'\n'})}), true
}

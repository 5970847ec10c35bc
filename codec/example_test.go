package codec_test

import (
	"fmt"

	"github.com/maelstrom-gossip/node/codec"
)

// A Decoder reads one line into a Message whose number fields stay raw
// until they are parsed exactly; the Append functions write a reply in the
// exercise's byte format.
func ExampleDecoder_Decode() {
	d := codec.NewDecoder()
	var m codec.Message
	err := d.Decode([]byte(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":9007199254740993}}`), &m)
	fmt.Println(err, m.Src, m.Type, m.MsgID, string(m.Message))
	v, _ := codec.ParseInt(m.Message)
	fmt.Println(v) // exact: no float64 on the way

	reply := codec.AppendStart(nil, m.Dest, m.Src, "broadcast_ok")
	reply = codec.AppendIntField(reply, "in_reply_to", m.MsgID)
	reply = codec.AppendEnd(reply, 0)
	fmt.Print(string(reply))
	// Output:
	// <nil> c1 broadcast 2 9007199254740993
	// 9007199254740993
	// {"src": "n1", "dest": "c1", "body": {"type": "broadcast_ok", "in_reply_to": 2, "msg_id": 0}}
}

// sink collects what an IntStream hands on.
type sink struct{ runs, values [][]int64 }

func (s *sink) AddRun(lo, hi int64)    { s.runs = append(s.runs, []int64{lo, hi}) }
func (s *sink) AddValues(vals []int64) { s.values = append(s.values, append([]int64(nil), vals...)) }
func (s *sink) Reset()                 { s.runs, s.values = nil, nil }

// A Stream reads a line in pieces cut anywhere: the body's messages array
// goes to the sink as it arrives, consecutive values as runs, and the rest
// of the line is held, the array replaced by a placeholder, to be decoded
// at the end.
func ExampleStream() {
	line := `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":7,"messages":[5, 3, 100, 101, 102, ` +
		`103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, ` +
		`124, 125, 126, 127, 128, 129, 130, 131]}}`
	var got sink
	s := codec.NewStream(1 << 20)
	s.Reset(&got)
	for i := 0; i < len(line); i += 40 { // pieces of 40 bytes
		s.Feed([]byte(line[i:min(i+40, len(line))]))
	}
	held, placeholder, err := s.End()
	fmt.Println(string(held), placeholder, err)

	var m codec.Message
	err = codec.NewDecoder().DecodeStreamed(held, placeholder, s.Sure(), &m)
	fmt.Println(err, m.Type, m.MsgID, m.Staged)
	fmt.Println(got.values, got.runs)
	// Output:
	// {"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":7,"messages":0}} 75 <nil>
	// <nil> gossip_sync 7 true
	// [[5 3]] [[100 131]]
}

// set is a sorted set of values for ExampleArrayText.
type set []int64

func (s set) Len() int { return len(s) }

func (s set) AppendRangeLimit(dst []int64, lo, hi int64, limit int) []int64 {
	for _, v := range s {
		if lo <= v && v <= hi {
			dst = append(dst, v)
		}
	}
	return dst
}

// An ArrayText keeps the JSON text of a growing set, told what changed; a
// value above the others of its segment is appended in place.
func ExampleArrayText() {
	s := set{1, 2, 3}
	text := codec.NewArrayText()
	text.Changed(1, 3)
	fmt.Println(string(text.AppendTo(s, nil)))

	s = append(s, 10)
	text.Added(10)
	pieces, n := text.Pieces(s, nil)
	fmt.Println(len(pieces), n, string(pieces[0]))
	text.Release() // the pieces are written: their buffers may change again
	// Output:
	// [1, 2, 3]
	// 1 11 1, 2, 3, 10
}

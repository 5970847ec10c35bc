package codec

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// streamDecode reads line through a Stream cut at cuts (offsets, in any
// order; out of range ones are ignored), then DecodeStreamed: it returns the
// Message, the values that reached the sink (in order, runs expanded), the
// error, and the element index base for an element error of the held part.
func streamDecode(d *Decoder, line []byte, cuts []int) (Message, []int64, error, int) {
	return streamDecodeSure(d, line, cuts, true)
}

// streamDecodeSure is streamDecode; with trustScan false, DecodeStreamed is
// told that the scan is not sure, so that it finds the Placeholder by its
// offset.
func streamDecodeSure(d *Decoder, line []byte, cuts []int, trustScan bool) (Message, []int64, error, int) {
	var c collect
	s := NewStream(1 << 30)
	s.Reset(&c)
	cuts = slices.Clone(cuts)
	slices.Sort(cuts)
	prev := 0
	for _, cut := range append(cuts, len(line)) {
		if cut < prev || cut > len(line) {
			continue
		}
		s.Feed(line[prev:cut])
		prev = cut
	}
	held, ph, err := s.End()
	if err != nil {
		return Message{}, nil, err, 0
	}
	var m Message
	err = d.DecodeStreamed(held, ph, trustScan && s.Sure(), &m)
	return m, c.vals, err, s.ElemBase()
}

// checkStreamDecode checks that line read through a Stream cut at cuts gives
// what Decode of the whole line gives: the same error, or the same fields,
// and, for a streamed array, the values AppendInts reads from the whole
// line's messages; an array held from a bad element on fails as the whole
// one does, with the same element index.
func checkStreamDecode(t *testing.T, d *Decoder, line []byte, cuts []int) {
	t.Helper()
	var whole Message
	wantErr := d.Decode(line, &whole)
	m, vals, err, base := streamDecode(d, line, cuts)
	// The scan's verdict and the offset's agree.
	if m2, _, err2, _ := streamDecodeSure(d, line, cuts, false); (err == nil) != (err2 == nil) || err == nil && m.Staged != m2.Staged {
		t.Fatalf("stream of %q cut at %v: staged %v (%v) by the scan, %v (%v) by the offset", clipQ(line), cuts, m.Staged, err, m2.Staged, err2)
	}
	if (err == nil) != (wantErr == nil) || err != nil && !sameSentinel(err, wantErr) {
		t.Fatalf("stream of %q cut at %v: error %v, whole line %v", clipQ(line), cuts, err, wantErr)
	}
	if err != nil {
		return
	}
	// Every field but messages is read from the same text.
	a, b := m, whole
	a.Messages, b.Messages, a.Staged = nil, nil, false
	if !sameResult(a, nil, b, nil) && !hasFoldedKey(line) {
		t.Fatalf("stream of %q cut at %v:\n got %s\nwant %s", clipQ(line), cuts, fmtMessage(m), fmtMessage(whole))
	}
	want, wantElemErr := AppendInts(nil, whole.Messages)
	switch {
	case m.Staged:
		if wantElemErr != nil || !slices.Equal(vals, want) && len(vals)+len(want) > 0 {
			t.Fatalf("stream of %q cut at %v: staged %d values, whole line %d (%v)", clipQ(line), cuts, len(vals), len(want), wantElemErr)
		}
	case whole.Messages == nil:
		if m.Messages != nil {
			t.Fatalf("stream of %q: messages %q from nowhere", clipQ(line), m.Messages)
		}
	default:
		_, gotErr := AppendInts(nil, m.Messages)
		var we, ge *ElemError
		switch {
		case wantElemErr == nil:
			if gotErr != nil || !sameJSON(m.Messages, whole.Messages) {
				t.Fatalf("stream of %q: messages %q, whole line %q", clipQ(line), clip(m.Messages), clip(whole.Messages))
			}
		case errors.As(wantElemErr, &we):
			if !errors.As(gotErr, &ge) || ge.Index+base != we.Index || ge.Text != we.Text || ge.Range != we.Range {
				t.Fatalf("stream of %q cut at %v: %v (base %d), whole line %v", clipQ(line), cuts, gotErr, base, wantElemErr)
			}
		case gotErr == nil:
			t.Fatalf("stream of %q cut at %v: messages parse, whole line %v", clipQ(line), cuts, wantElemErr)
		}
	}
}

// sameSentinel reports whether a and b wrap the same sentinel of Decode.
func sameSentinel(a, b error) bool {
	for _, s := range sentinels {
		if errors.Is(a, s) && errors.Is(b, s) {
			return true
		}
	}
	return errors.Is(a, ErrTooLong) && errors.Is(b, ErrTooLong)
}

// streamLines are lines around the body's messages array, for the split
// tests: the node's gossip_sync, other shapes of the same line, and the
// cases where the streamed array must not be the messages taken.
func streamLines() []string {
	arr := string(seqText(0, 150, ", "))
	sparse := "[5, 3, 1000000, -7, 9223372036854775807, -9223372036854775808, 42]"
	head := `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":`
	return []string{
		head + arr + `}}`,
		head + sparse + `}}`,
		head + `[]}}`,
		`{"body":{"messages":` + arr + `,"type":"gossip_push","msg_id":1},"dest":"n1","src":"n2"}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":[1],"messages":` + arr + `}}`,
		head + arr + `,"messages":[7]}}`,
		head + arr + `,"messages":0}}`,
		head + arr + `,"MESSAGES":"x"}}`,
		head + strings.Replace(arr, "77,", "77.5,", 1) + `}}`,
		head + strings.Replace(arr, "140,", `"x",`, 1) + `}}`,
		head + strings.Replace(arr, "140,", `140 141,`, 1) + `}}`,
		head + strings.Replace(arr, "]", ", ]", 1) + `}}`,
		head + arr + `}} x`,
		head + arr + `}`,
		head + arr[:len(arr)-1] + `}}`,
		`{"src":"n2","dest":"n1","x":{"messages":` + arr + `},"body":{"type":"read","msg_id":1}}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":"\"messages\":` + arr + `"}}`,
		`{"src":"n2","dest":"n1","BODY":{"type":"gossip_sync","Messages":` + arr + `}}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","m\u0065ssages":` + arr + `}}`,
		"{\"src\":\"n2\xff\",\"dest\":\"n1\",\"body\":{\"type\":\"gossip_sync\",\"messages\":" + arr + "}}",
		"{\"src\":\"n2\",\"dest\":\"n1\",\"body\":{\"type\":\"gossip_sync\",\"messages\":" + arr + ", \"x\":\"\xfe\xff\"}}",
		`{"src":"n2","dest":"n1","body":{"type":"read","msg_id":1,"messages":[1, "x"]}}`,
	}
}

// TestStream_SplitEverywhere reads each line through a Stream cut at every
// offset, and byte by byte, and checks it against the whole line.
func TestStream_SplitEverywhere(t *testing.T) {
	d := NewDecoder()
	Pretouch()
	for _, line := range streamLines() {
		b := []byte(line)
		checkStreamDecode(t, d, b, nil)
		for cut := 0; cut <= len(b); cut++ {
			checkStreamDecode(t, d, b, []int{cut})
		}
		var all []int
		for k := 1; k < len(b); k++ {
			all = append(all, k)
		}
		checkStreamDecode(t, d, b, all)
	}
}

// TestStream_Staged: which lines hand their array to the sink.
func TestStream_Staged(t *testing.T) {
	d := NewDecoder()
	Pretouch()
	lines := streamLines()
	for _, tc := range []struct {
		line   int
		staged bool
	}{{0, true}, {1, true}, {2, true}, {3, true}, {4, true}, {5, true}, {6, false}, {7, false}, {8, false}, {15, false}, {16, false}, {17, true}, {19, true}, {20, true}} {
		m, _, err, _ := streamDecode(d, []byte(lines[tc.line]), nil)
		if err != nil || m.Staged != tc.staged {
			t.Errorf("line %d (%q): err %v, staged %v, want %v", tc.line, clipQ([]byte(lines[tc.line])), err, m.Staged, tc.staged)
		}
	}
}

// TestStream_TooLong: a line whose held part passes the limit is dropped,
// however its array is streamed.
func TestStream_TooLong(t *testing.T) {
	s := NewStream(100)
	var c collect
	s.Reset(&c)
	s.Feed([]byte(`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":`))
	s.Feed(seqText(0, 10_000, ", "))
	s.Feed([]byte(`}}`))
	if _, _, err := s.End(); err != nil {
		t.Fatalf("a streamed array counted against the limit: %v", err)
	}
	s.Reset(&c)
	s.Feed([]byte(`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":"` + strings.Repeat("a", 200) + `"}}`))
	if _, _, err := s.End(); !errors.Is(err, ErrTooLong) {
		t.Fatalf("a 200-byte string under a limit of 100: %v", err)
	}
	// The limit is passed just before a messages array.
	line := []byte(`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":"` + strings.Repeat("a", 40) + `","messages":[7]}}`)
	s.Reset(&c)
	s.Feed(line[:50])
	s.Feed(line[50:])
	if _, _, err := s.End(); !errors.Is(err, ErrTooLong) {
		t.Fatalf("a line over the limit before its array: %v", err)
	}
}

// FuzzStream checks a Stream against Decode of the whole line on any line,
// cut at two places the fuzzer chooses.
func FuzzStream(f *testing.F) {
	for _, l := range streamLines() {
		f.Add([]byte(l), uint16(40), uint16(200))
	}
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, line []byte, a, b uint16) {
		checkStreamDecode(t, d, line, []int{int(a), int(b)})
	})
}

// TestStream_WarmUp: before sonic is compiled, a streamed line whose keys
// the scan reads for sure is decoded with encoding/json (no wait for
// sonic), and its array is still taken from the sink.
func TestStream_WarmUp(t *testing.T) {
	warm.Store(false)
	defer warm.Store(true)
	d := NewDecoder()
	line := []byte(streamLines()[0])
	m, vals, err, _ := streamDecode(d, line, []int{50})
	if err != nil || !m.Staged || len(vals) != 151 {
		t.Fatalf("err %v, staged %v, %d values", err, m.Staged, len(vals))
	}
}

package pipebench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ErrReply is wrapped by every error about a binary's replies.
var ErrReply = errors.New("pipebench: bad reply")

// Reply is what the checks read from a reply line.
type Reply struct {
	Src, Dest string
	Type      string
	// MsgID, InReplyTo, NewCount and Code are nil when the body lacks them.
	MsgID, InReplyTo, NewCount, Code *int64
	Text                             string
	// Messages is the raw text of the body's "messages" array, brackets
	// included; nil when there is none. It aliases the parsed line.
	Messages []byte
}

// ParseReply parses one reply line. The "messages" array is cut out as raw
// text, so that a read_ok of millions of values costs one scan in
// CheckRange instead of a decode into a slice; the rest of the line is
// decoded with encoding/json, which checks that it is well-formed JSON. The
// array's elements are not looked at here; CheckRange checks them.
func ParseReply(line []byte) (Reply, error) {
	line = bytes.TrimRight(line, "\r\n")
	rest, arr, err := cutArray(line, "messages")
	if err != nil {
		return Reply{}, err
	}
	var m struct {
		Src  string `json:"src"`
		Dest string `json:"dest"`
		Body struct {
			Type      string `json:"type"`
			MsgID     *int64 `json:"msg_id"`
			InReplyTo *int64 `json:"in_reply_to"`
			NewCount  *int64 `json:"new_count"`
			Code      *int64 `json:"code"`
			Text      string `json:"text"`
		} `json:"body"`
	}
	if err := json.Unmarshal(rest, &m); err != nil {
		return Reply{}, fmt.Errorf("%w: %v in %s", ErrReply, err, excerpt(line))
	}
	b := m.Body
	return Reply{Src: m.Src, Dest: m.Dest, Type: b.Type, MsgID: b.MsgID, InReplyTo: b.InReplyTo,
		NewCount: b.NewCount, Code: b.Code, Text: b.Text, Messages: arr}, nil
}

// cutArray finds `"key":` followed by an array in line and returns the line
// with the array emptied ("[]") and the array's text. The array must hold no
// nested arrays (it ends at the first ']'). Without the key, it returns the
// line and a nil array.
func cutArray(line []byte, key string) (rest, arr []byte, err error) {
	k := bytes.Index(line, []byte(`"`+key+`"`))
	if k < 0 {
		return line, nil, nil
	}
	i := skipSpace(line, k+len(key)+2)
	if i >= len(line) || line[i] != ':' {
		return nil, nil, fmt.Errorf("%w: no ':' after %q in %s", ErrReply, key, excerpt(line))
	}
	open := skipSpace(line, i+1)
	if open >= len(line) || line[open] != '[' {
		return nil, nil, fmt.Errorf("%w: %q is not an array in %s", ErrReply, key, excerpt(line))
	}
	end := bytes.IndexByte(line[open:], ']')
	if end < 0 {
		return nil, nil, fmt.Errorf("%w: unterminated %q array in %s", ErrReply, key, excerpt(line))
	}
	end += open
	rest = make([]byte, 0, len(line)-(end-open)+1)
	rest = append(rest, line[:open+1]...)
	rest = append(rest, line[end:]...)
	return rest, line[open : end+1], nil
}

// skipSpace returns the index of the first non-space byte of b at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// CheckRange checks that arr, a JSON array of integers (brackets included,
// any spacing), holds exactly the values 0..n-1, each once, in any order.
func CheckRange(arr []byte, n int) error {
	if len(arr) < 2 || arr[0] != '[' || arr[len(arr)-1] != ']' {
		return fmt.Errorf("%w: not an array: %s", ErrReply, excerpt(arr))
	}
	seen := make([]uint64, (n+63)/64)
	count := 0
	i := skipSpace(arr, 1)
	if arr[i] != ']' {
		for {
			j := i
			v := 0
			for j < len(arr) && arr[j] >= '0' && arr[j] <= '9' {
				v = v*10 + int(arr[j]-'0')
				if v >= n {
					return fmt.Errorf("%w: value %s outside [0, %d)", ErrReply, excerpt(digitsAt(arr, i)), n)
				}
				j++
			}
			if j == i {
				return fmt.Errorf("%w: byte %d of the array is %q, want a digit", ErrReply, i, arr[i])
			}
			if seen[v/64]&(1<<(v%64)) != 0 {
				return fmt.Errorf("%w: value %d appears twice", ErrReply, v)
			}
			seen[v/64] |= 1 << (v % 64)
			count++
			i = skipSpace(arr, j)
			if arr[i] == ']' {
				break
			}
			if arr[i] != ',' {
				return fmt.Errorf("%w: byte %d of the array is %q, want ',' or ']'", ErrReply, i, arr[i])
			}
			i = skipSpace(arr, i+1)
		}
	}
	if i != len(arr)-1 {
		return fmt.Errorf("%w: bytes after the array's end", ErrReply)
	}
	if count != n {
		return fmt.Errorf("%w: %d values, want the %d values 0..%d", ErrReply, count, n, n-1)
	}
	return nil
}

// digitsAt returns the run of digits of b at i, for error messages.
func digitsAt(b []byte, i int) []byte {
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	return b[i:j]
}

// excerpt shortens b for an error message.
func excerpt(b []byte) string {
	const max = 160
	if len(b) <= max {
		return string(b)
	}
	return string(b[:max]) + "... (" + strconv.Itoa(len(b)) + " bytes)"
}

// want is the expectation of one reply: its type, the request it answers
// (0: none expected), its destination and, for a gossip_sync_ok, new_count
// (-1: not checked).
type want struct {
	typ       string
	inReplyTo int64
	dest      string
	newCount  int64
}

// check parses line and checks it against w and against what every reply
// must have: the node as sender and a msg_id.
func (w want) check(line []byte) (Reply, error) {
	r, err := ParseReply(line)
	if err != nil {
		return r, err
	}
	if r.Type == "error" {
		return r, fmt.Errorf("%w: error reply %s", ErrReply, excerpt(line))
	}
	switch {
	case r.Type != w.typ:
		return r, fmt.Errorf("%w: type %q, want %q: %s", ErrReply, r.Type, w.typ, excerpt(line))
	case r.Src != NodeID || r.Dest != w.dest:
		return r, fmt.Errorf("%w: from %q to %q, want from %q to %q: %s", ErrReply, r.Src, r.Dest, NodeID, w.dest, excerpt(line))
	case r.MsgID == nil:
		return r, fmt.Errorf("%w: no msg_id: %s", ErrReply, excerpt(line))
	case w.inReplyTo == 0 && r.InReplyTo != nil:
		return r, fmt.Errorf("%w: unexpected in_reply_to: %s", ErrReply, excerpt(line))
	case w.inReplyTo != 0 && (r.InReplyTo == nil || *r.InReplyTo != w.inReplyTo):
		return r, fmt.Errorf("%w: in_reply_to is not %d: %s", ErrReply, w.inReplyTo, excerpt(line))
	case w.newCount >= 0 && (r.NewCount == nil || *r.NewCount != w.newCount):
		return r, fmt.Errorf("%w: new_count is not %d: %s", ErrReply, w.newCount, excerpt(line))
	}
	return r, nil
}

// CheckReads checks the replies of a node to ReadsStream(n, reads), in any
// order: init_ok; gossip_sync_ok with new_count n; a read_ok for each read
// holding exactly 0..n-1; gossip_round_ok; and one gossip_sync of 0..n-1 to
// each of the Fanout peers; nothing else, with distinct msg_ids.
func CheckReads(out []byte, n, reads int) error {
	round := int64(reads + 3)
	ids := map[int64]bool{}
	readDone := make([]bool, reads)
	peerDone := map[string]bool{}
	var initOK, syncOK, roundOK int
	i := 0
	for line := range bytes.Lines(out) {
		i++
		r, err := ParseReply(line)
		if err != nil {
			return fmt.Errorf("reply %d: %w", i, err)
		}
		var w want
		switch r.Type {
		case "init_ok":
			w, initOK = want{"init_ok", 1, initClient, -1}, initOK+1
		case "gossip_sync_ok":
			w, syncOK = want{"gossip_sync_ok", 2, syncPeer, int64(n)}, syncOK+1
		case "read_ok":
			if r.InReplyTo == nil || *r.InReplyTo < 3 || *r.InReplyTo >= round {
				return fmt.Errorf("reply %d: %w: read_ok not in reply to a read (msg_ids 3..%d): %s", i, ErrReply, round-1, excerpt(line))
			}
			w = want{"read_ok", *r.InReplyTo, client, -1}
			if readDone[w.inReplyTo-3] {
				return fmt.Errorf("reply %d: %w: a second read_ok in reply to %d", i, ErrReply, w.inReplyTo)
			}
			readDone[w.inReplyTo-3] = true
		case "gossip_round_ok":
			w, roundOK = want{"gossip_round_ok", round, client, -1}, roundOK+1
		case "gossip_sync":
			w = want{"gossip_sync", 0, r.Dest, -1}
			if !isPeer(r.Dest) || peerDone[r.Dest] {
				return fmt.Errorf("reply %d: %w: gossip_sync to %q, want one to each of %v", i, ErrReply, r.Dest, Peers)
			}
			peerDone[r.Dest] = true
		default:
			return fmt.Errorf("reply %d: %w: unexpected %s", i, ErrReply, excerpt(line))
		}
		if _, err := w.check(line); err != nil {
			return fmt.Errorf("reply %d: %w", i, err)
		}
		if ids[*r.MsgID] {
			return fmt.Errorf("reply %d: %w: msg_id %d used twice", i, ErrReply, *r.MsgID)
		}
		ids[*r.MsgID] = true
		if r.Type == "read_ok" || r.Type == "gossip_sync" {
			if err := CheckRange(r.Messages, n); err != nil {
				return fmt.Errorf("reply %d (%s): %w", i, r.Type, err)
			}
		}
	}
	reads0 := 0
	for _, d := range readDone {
		if d {
			reads0++
		}
	}
	if initOK != 1 || syncOK != 1 || reads0 != reads || roundOK != 1 || len(peerDone) != Fanout {
		return fmt.Errorf("%w: %d init_ok, %d gossip_sync_ok, %d read_ok, %d gossip_round_ok, %d gossip_sync; want 1, 1, %d, 1, %d",
			ErrReply, initOK, syncOK, reads0, roundOK, len(peerDone), reads, Fanout)
	}
	return nil
}

// isPeer reports whether id is one of Peers.
func isPeer(id string) bool {
	for _, p := range Peers {
		if p == id {
			return true
		}
	}
	return false
}

// CheckSync checks the replies of a node to SyncStream(n), in order:
// init_ok, then gossip_sync_ok with new_count n, then with new_count 0.
func CheckSync(out []byte, n int) error {
	wants := []want{
		{"init_ok", 1, initClient, -1},
		{"gossip_sync_ok", 2, syncPeer, int64(n)},
		{"gossip_sync_ok", 3, syncPeer, 0},
	}
	return checkInOrder(out, wants)
}

// checkInOrder checks that out is one reply per want, in order.
func checkInOrder(out []byte, wants []want) error {
	i := 0
	for line := range bytes.Lines(out) {
		if i == len(wants) {
			return fmt.Errorf("%w: more than %d replies: %s", ErrReply, len(wants), excerpt(line))
		}
		if _, err := wants[i].check(line); err != nil {
			return fmt.Errorf("reply %d: %w", i+1, err)
		}
		i++
	}
	if i < len(wants) {
		return fmt.Errorf("%w: %d replies, want %d", ErrReply, i, len(wants))
	}
	return nil
}

// checkRoundTrips checks a node's replies to roundTripRequests: init_ok,
// then for each request a broadcast_ok, or a read_ok holding the values
// broadcast so far.
func checkRoundTrips(out []byte, trips, setMax int) error {
	i := 0
	for line := range bytes.Lines(out) {
		if i > trips {
			return fmt.Errorf("%w: more than %d replies: %s", ErrReply, trips+1, excerpt(line))
		}
		w := want{"init_ok", 1, initClient, -1}
		if i > 0 {
			w = want{"broadcast_ok", int64(i + 1), client, -1}
			if i%2 == 0 {
				w.typ = "read_ok"
			}
		}
		r, err := w.check(line)
		if err != nil {
			return fmt.Errorf("round trip %d: %w", i, err)
		}
		if r.Type == "read_ok" {
			if err := CheckRange(r.Messages, min(i/2, setMax)); err != nil {
				return fmt.Errorf("round trip %d: %w", i, err)
			}
		}
		i++
	}
	if i != trips+1 {
		return fmt.Errorf("%w: %d replies, want %d", ErrReply, i, trips+1)
	}
	return nil
}

// checkInitOK checks a node's reply to AppendInit(nil, 1).
func checkInitOK(line []byte) error {
	_, err := want{"init_ok", 1, initClient, -1}.check(line)
	return err
}

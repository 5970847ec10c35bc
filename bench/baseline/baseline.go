package baseline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Defaults of Config, the same as the project's node.
const (
	// DefaultFanout is K, the number of random peers a round contacts.
	DefaultFanout = 2
	// DefaultInterval is the period of the round timer that the command
	// uses when GOSSIP_INTERVAL is unset. Config's zero Interval means no
	// timer.
	DefaultInterval = 200 * time.Millisecond
)

// MaxLineBytes is the scanner's limit for one input line (the Buffer(nil,
// 1<<30) that typical nodes use to get past bufio.Scanner's 64 KiB default).
const MaxLineBytes = 1 << 30

// Maelstrom error codes the node sends.
const (
	CodeNotSupported       = 10
	CodeTemporarilyUnavail = 11
	CodeMalformedRequest   = 12
	CodePreconditionFailed = 22
)

// Errors of Decode and DecodeSync for a line the node cannot use. Decode's
// errors are not answered (there is no usable request to answer); the
// handler answers a bad gossip_sync with error code 12.
var (
	ErrNoSrc       = errors.New("baseline: missing src")
	ErrNoDest      = errors.New("baseline: missing dest")
	ErrNoBody      = errors.New("baseline: missing body")
	ErrNoType      = errors.New("baseline: missing body.type")
	ErrNotSync     = errors.New("baseline: not a gossip_sync")
	ErrNoMessages  = errors.New("baseline: messages is missing")
	errNullElement = errors.New("null is not an integer")
)

// Config holds the settings of a Node. The zero value is usable: fanout 2, no
// timer, the process's own streams.
type Config struct {
	// Fanout is K, the number of distinct random peers a round sends the
	// whole set to. 0 or less means DefaultFanout.
	Fanout int

	// Interval is the period of the round timer. 0 (or less) turns the
	// timer off, so that rounds run only on a gossip_round request.
	Interval time.Duration

	// Stdin, Stdout and Stderr are the node's streams; nil means the
	// process's own. Stdout gets one unbuffered Write per message.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Message is the envelope of a Maelstrom message, with the body left raw for
// a second decode, as in Maelstrom's demo Go library.
type Message struct {
	Src  string          `json:"src"`
	Dest string          `json:"dest"`
	Body json.RawMessage `json:"body"`
}

// Header holds the body fields that every message has. MsgID is nil when the
// request has no msg_id (or a null one); such a request is applied but not
// answered. InReplyTo stays raw: a value that is not an integer is ignored,
// like the project's node does, instead of failing the line.
type Header struct {
	Type      string          `json:"type"`
	MsgID     *int64          `json:"msg_id"`
	InReplyTo json.RawMessage `json:"in_reply_to"`
}

// IsReply reports whether the body carries an integer in_reply_to.
func (h *Header) IsReply() bool {
	if len(h.InReplyTo) == 0 {
		return false
	}
	var v int64
	return string(h.InReplyTo) != "null" && json.Unmarshal(h.InReplyTo, &v) == nil
}

// Bodies of the requests, decoded by each handler from Message.Body (the
// second decode of the body).
type (
	initBody struct {
		NodeID  string   `json:"node_id"`
		NodeIDs []string `json:"node_ids"`
	}
	topologyBody struct {
		Topology map[string][]string `json:"topology"`
	}
	broadcastBody struct {
		Message *int64 `json:"message"`
	}
	syncBody struct {
		Messages []syncValue `json:"messages"`
	}
)

// syncValue is one element of a gossip_sync array. It is an int64 that
// refuses null: decoded into a plain int64, encoding/json leaves a null
// element as 0 without an error, which would merge a value nobody sent.
type syncValue int64

// UnmarshalJSON accepts a JSON integer in the int64 range and nothing else.
func (v *syncValue) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return errNullElement
	}
	i, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer in the int64 range", b)
	}
	*v = syncValue(i)
	return nil
}

// Bodies of the replies. Every field is always written (no omitempty: 0 is a
// valid msg_id, new_count and peers_contacted).
type (
	okBody struct {
		Type      string `json:"type"`
		InReplyTo int64  `json:"in_reply_to"`
		MsgID     int64  `json:"msg_id"`
	}
	errorBody struct {
		Type      string `json:"type"`
		Code      int    `json:"code"`
		Text      string `json:"text"`
		InReplyTo int64  `json:"in_reply_to"`
		MsgID     int64  `json:"msg_id"`
	}
	readOKBody struct {
		Type      string  `json:"type"`
		Messages  []int64 `json:"messages"`
		InReplyTo int64   `json:"in_reply_to"`
		MsgID     int64   `json:"msg_id"`
	}
	gossipSyncBody struct {
		Type     string  `json:"type"`
		Messages []int64 `json:"messages"`
		MsgID    int64   `json:"msg_id"`
	}
	syncOKBody struct {
		Type      string `json:"type"`
		NewCount  int    `json:"new_count"`
		InReplyTo int64  `json:"in_reply_to"`
		MsgID     int64  `json:"msg_id"`
	}
	roundOKBody struct {
		Type           string `json:"type"`
		PeersContacted int    `json:"peers_contacted"`
		MessagesSent   int    `json:"messages_sent"`
		InReplyTo      int64  `json:"in_reply_to"`
		MsgID          int64  `json:"msg_id"`
	}
)

// Decode is the first step of every line, the one Run does before it starts
// the line's goroutine: unmarshal the envelope, then unmarshal its body for
// the common fields. Handlers unmarshal the body once more for their own
// fields. The results do not alias line.
func Decode(line []byte) (Message, Header, error) {
	var m Message
	if err := json.Unmarshal(line, &m); err != nil {
		return m, Header{}, fmt.Errorf("unmarshal message: %w", err)
	}
	switch {
	case m.Src == "":
		return m, Header{}, ErrNoSrc
	case m.Dest == "":
		return m, Header{}, ErrNoDest
	case len(m.Body) == 0 || string(m.Body) == "null":
		return m, Header{}, ErrNoBody
	}
	var h Header
	if err := json.Unmarshal(m.Body, &h); err != nil {
		return m, h, fmt.Errorf("unmarshal message body: %w", err)
	}
	if h.Type == "" {
		return m, h, ErrNoType
	}
	return m, h, nil
}

// DecodeSync decodes a whole gossip_sync line the way the node does (Decode,
// then the handler's decode of the body) and returns its values in the order
// sent, duplicates included. It fails on a line that is not a gossip_sync
// and on an array with anything but int64 integers.
func DecodeSync(line []byte) ([]int64, error) {
	m, h, err := Decode(line)
	if err != nil {
		return nil, err
	}
	if h.Type != "gossip_sync" {
		return nil, fmt.Errorf("%w: type %q", ErrNotSync, h.Type)
	}
	return decodeSyncBody(m.Body)
}

func decodeSyncBody(raw json.RawMessage) ([]int64, error) {
	var body syncBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("unmarshal gossip_sync body: %w", err)
	}
	if body.Messages == nil {
		return nil, ErrNoMessages
	}
	vals := make([]int64, len(body.Messages))
	for i, v := range body.Messages {
		vals[i] = int64(v)
	}
	return vals, nil
}

// MergeInto adds vals to set and returns how many distinct values were new.
// The caller synchronizes access to set (the node holds its mutex).
func MergeInto(set map[int64]struct{}, vals []int64) int {
	added := 0
	for _, v := range vals {
		if _, ok := set[v]; !ok {
			set[v] = struct{}{}
			added++
		}
	}
	return added
}

// SortedValues returns a new slice of the values of set in ascending order
// (never nil, so that an empty set encodes as []). The caller synchronizes
// access to set.
func SortedValues(set map[int64]struct{}) []int64 {
	return sortValues(copyValues(set))
}

func copyValues(set map[int64]struct{}) []int64 {
	vals := make([]int64, 0, len(set))
	for v := range set {
		vals = append(vals, v)
	}
	return vals
}

func sortValues(vals []int64) []int64 {
	sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
	return vals
}

// EncodeReadOK returns the read_ok line (without its newline) that answers
// request inReplyTo with vals, which it writes in the order given.
func EncodeReadOK(src, dest string, inReplyTo, msgID int64, vals []int64) ([]byte, error) {
	return encodeMessage(src, dest, &readOKBody{Type: "read_ok", Messages: vals, InReplyTo: inReplyTo, MsgID: msgID})
}

// EncodeSync returns the gossip_sync line (without its newline) that carries
// vals to dest.
func EncodeSync(src, dest string, msgID int64, vals []int64) ([]byte, error) {
	return encodeMessage(src, dest, &gossipSyncBody{Type: "gossip_sync", Messages: vals, MsgID: msgID})
}

// encodeMessage marshals body, then the envelope around it, as the demo
// library's Send does.
func encodeMessage(src, dest string, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("marshal body: %w", err)
	}
	return json.Marshal(Message{Src: src, Dest: dest, Body: b})
}

// Node is the baseline broadcast node.
//
// Its state (id, peers, message set, msg_id counter) is guarded by one
// mutex, and writes to Stdout by another, so HandleLine and Round are safe
// for concurrent use, as Run's goroutine-per-message design needs.
type Node struct {
	cfg Config
	log *log.Logger

	mu         sync.Mutex // guards the fields below
	id         string     // "" until init
	peers      []string   // node_ids without id
	neighbours []string   // from topology; kept, not used
	messages   map[int64]struct{}
	nextMsgID  int64

	outMu    sync.Mutex // guards Stdout and writeErr
	writeErr error

	wg sync.WaitGroup // handler goroutines of Run

	// lineDone, when set (by tests, before Run), is called once for every
	// line Run reads, after the line's replies are written.
	lineDone func()
}

// New returns a node with the given settings; see Config for the defaults.
func New(cfg Config) *Node {
	if cfg.Fanout <= 0 {
		cfg.Fanout = DefaultFanout
	}
	if cfg.Stdin == nil {
		cfg.Stdin = os.Stdin
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	return &Node{
		cfg:      cfg,
		log:      log.New(cfg.Stderr, "[WARN] baseline: ", 0),
		messages: make(map[int64]struct{}),
	}
}

// Run reads Stdin line by line with a bufio.Scanner until the end of input,
// decodes each line and handles it in a goroutine of its own, which writes
// the line's replies to Stdout. When Config.Interval is positive, a ticker
// goroutine runs a round every Interval. At the end of input Run waits for
// every handler goroutine and stops the ticker; as every message is written
// unbuffered, nothing is left to flush. It returns the scanner's error (a line
// over MaxLineBytes stops the node) or the first error of writing Stdout.
//
// Replies of lines read close together may be written in any order, and a
// request can overtake an earlier one (a read may miss the value of a
// broadcast sent just before it without waiting for broadcast_ok), as in
// every goroutine-per-message node. Run MUST NOT be called more than once.
func (n *Node) Run() error {
	stop := make(chan struct{})
	var ticker sync.WaitGroup
	if n.cfg.Interval > 0 {
		ticker.Add(1)
		go func() {
			defer ticker.Done()
			t := time.NewTicker(n.cfg.Interval)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					n.write(n.Round())
				}
			}
		}()
	}

	scanner := bufio.NewScanner(n.cfg.Stdin)
	scanner.Buffer(nil, MaxLineBytes)
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			n.done()
			continue
		}
		m, h, err := Decode(line)
		if err != nil {
			n.log.Printf("dropped line (%d bytes): %v", len(line), err)
			n.done()
			continue
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.write(n.handle(m, h))
			n.done()
		}()
	}
	err := scanner.Err()
	n.wg.Wait()
	close(stop)
	ticker.Wait()
	if err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	n.outMu.Lock()
	defer n.outMu.Unlock()
	return n.writeErr
}

func (n *Node) done() {
	if n.lineDone != nil {
		n.lineDone()
	}
}

// write writes each line with its newline to Stdout, one Write per message
// under the output mutex. The first error is kept for Run.
func (n *Node) write(lines [][]byte) {
	for _, line := range lines {
		n.outMu.Lock()
		_, err := n.cfg.Stdout.Write(append(line, '\n'))
		if err != nil && n.writeErr == nil {
			n.writeErr = err
			n.log.Printf("write stdout: %v", err)
		}
		n.outMu.Unlock()
	}
}

// HandleLine decodes one input line (without its newline), applies it and
// returns the messages it causes, one JSON object per element, without
// newlines. A blank line, or a line that cannot be answered (not JSON, no
// src, dest, body or type, a msg_id that is not an integer, a message for
// another node), returns nil; the latter logs one line to Stderr.
//
// HandleLine is safe for concurrent use. line is not retained.
func (n *Node) HandleLine(line []byte) [][]byte {
	if len(bytes.TrimSpace(line)) == 0 {
		return nil
	}
	m, h, err := Decode(line)
	if err != nil {
		n.log.Printf("dropped line (%d bytes): %v", len(line), err)
		return nil
	}
	return n.handle(m, h)
}

// Round runs one timer round: the whole set, ascending, to Fanout distinct
// random peers. Before init, or with an empty set, it returns nil. It is
// safe for concurrent use.
func (n *Node) Round() [][]byte {
	return n.round("", nil)
}

// Values returns the node's values in ascending order. It is safe for
// concurrent use.
func (n *Node) Values() []int64 {
	n.mu.Lock()
	vals := copyValues(n.messages)
	n.mu.Unlock()
	return sortValues(vals)
}

func (n *Node) handle(m Message, h Header) [][]byte {
	n.mu.Lock()
	id := n.id
	n.mu.Unlock()
	if id == "" {
		if h.Type == "init" {
			return n.handleInit(m, h)
		}
		if h.IsReply() {
			return nil // a reply that arrived before init: nothing to do
		}
		return n.fail(m, h, m.Dest, CodeTemporarilyUnavail, "node not initialized yet")
	}
	if m.Dest != id {
		n.log.Printf("dropped %q from %q: addressed to %q, this node is %q", h.Type, m.Src, m.Dest, id)
		return nil
	}
	switch h.Type {
	case "init":
		return n.fail(m, h, id, CodePreconditionFailed, "already initialized as "+id)
	case "topology":
		return n.handleTopology(m, h, id)
	case "broadcast":
		return n.handleBroadcast(m, h, id)
	case "read":
		return n.handleRead(m, h, id)
	case "gossip_sync":
		return n.handleSync(m, h, id)
	case "gossip_sync_ok":
		return nil
	case "gossip_round":
		return n.round(m.Src, h.MsgID)
	}
	if h.IsReply() {
		// Never answer a reply (an error from a peer, say), or two nodes
		// could bounce errors forever.
		return nil
	}
	return n.fail(m, h, id, CodeNotSupported, fmt.Sprintf("unsupported message type %q", h.Type))
}

func (n *Node) handleInit(m Message, h Header) [][]byte {
	var body initBody
	if err := json.Unmarshal(m.Body, &body); err != nil {
		return n.fail(m, h, m.Dest, CodeMalformedRequest, "init: "+err.Error())
	}
	if body.NodeID == "" {
		return n.fail(m, h, m.Dest, CodeMalformedRequest, "init: node_id must be a non-empty string")
	}
	if body.NodeIDs == nil {
		return n.fail(m, h, m.Dest, CodeMalformedRequest, "init: node_ids must be an array of strings")
	}
	var peers []string
	seen := make(map[string]bool)
	for _, id := range body.NodeIDs {
		if seen[id] {
			return n.fail(m, h, m.Dest, CodeMalformedRequest, "init: node_ids must not list a node twice")
		}
		seen[id] = true
		if id != body.NodeID {
			peers = append(peers, id)
		}
	}
	if !seen[body.NodeID] {
		return n.fail(m, h, m.Dest, CodeMalformedRequest, fmt.Sprintf("init: node_ids must contain node_id %q", body.NodeID))
	}

	n.mu.Lock()
	if n.id != "" {
		id := n.id
		n.mu.Unlock()
		return n.fail(m, h, id, CodePreconditionFailed, "already initialized as "+id)
	}
	n.id, n.peers = body.NodeID, peers
	n.mu.Unlock()
	return n.ok(m, h, body.NodeID, "init_ok")
}

func (n *Node) handleTopology(m Message, h Header, id string) [][]byte {
	var body topologyBody
	if err := json.Unmarshal(m.Body, &body); err != nil || body.Topology == nil {
		return n.fail(m, h, id, CodeMalformedRequest, "topology: topology must be an object of node id arrays")
	}
	n.mu.Lock()
	n.neighbours = body.Topology[id]
	n.mu.Unlock()
	return n.ok(m, h, id, "topology_ok")
}

func (n *Node) handleBroadcast(m Message, h Header, id string) [][]byte {
	var body broadcastBody
	if err := json.Unmarshal(m.Body, &body); err != nil {
		return n.fail(m, h, id, CodeMalformedRequest, "broadcast: "+err.Error())
	}
	if body.Message == nil {
		return n.fail(m, h, id, CodeMalformedRequest, "broadcast: message is missing")
	}
	n.mu.Lock()
	n.messages[*body.Message] = struct{}{}
	n.mu.Unlock()
	return n.ok(m, h, id, "broadcast_ok")
}

func (n *Node) handleRead(m Message, h Header, id string) [][]byte {
	if h.MsgID == nil {
		return nil
	}
	vals := n.Values()
	return n.send(EncodeReadOK(id, m.Src, *h.MsgID, n.newMsgID(), vals))
}

func (n *Node) handleSync(m Message, h Header, id string) [][]byte {
	vals, err := decodeSyncBody(m.Body)
	if errors.Is(err, ErrNoMessages) {
		return n.fail(m, h, id, CodeMalformedRequest, "gossip_sync: messages is missing")
	}
	if err != nil {
		return n.fail(m, h, id, CodeMalformedRequest, "gossip_sync: "+err.Error())
	}
	n.mu.Lock()
	added := MergeInto(n.messages, vals)
	n.mu.Unlock()
	if h.MsgID == nil {
		return nil
	}
	return n.send(encodeMessage(id, m.Src, &syncOKBody{Type: "gossip_sync_ok", NewCount: added, InReplyTo: *h.MsgID, MsgID: n.newMsgID()}))
}

// round sends the whole set to up to Fanout random peers and, when msgID is
// set, answers the gossip_round request of replyTo. With an empty set (or
// before init) it sends nothing at all, not even the reply.
func (n *Node) round(replyTo string, msgID *int64) [][]byte {
	n.mu.Lock()
	if n.id == "" || len(n.messages) == 0 {
		n.mu.Unlock()
		return nil
	}
	id := n.id
	vals := copyValues(n.messages)
	peers := slices.Clone(n.peers)
	n.mu.Unlock()

	sortValues(vals)
	rand.Shuffle(len(peers), func(i, j int) { peers[i], peers[j] = peers[j], peers[i] })
	if len(peers) > n.cfg.Fanout {
		peers = peers[:n.cfg.Fanout]
	}
	var out [][]byte
	for _, p := range peers {
		out = append(out, n.send(EncodeSync(id, p, n.newMsgID(), vals))...)
	}
	if msgID == nil {
		return out
	}
	return append(out, n.send(encodeMessage(id, replyTo, &roundOKBody{
		Type:           "gossip_round_ok",
		PeersContacted: len(peers),
		MessagesSent:   len(peers) * len(vals),
		InReplyTo:      *msgID,
		MsgID:          n.newMsgID(),
	}))...)
}

// ok answers request m with a body of the given type and no fields of its
// own, or returns nil when the request has no msg_id.
func (n *Node) ok(m Message, h Header, src, typ string) [][]byte {
	if h.MsgID == nil {
		return nil
	}
	return n.send(encodeMessage(src, m.Src, &okBody{Type: typ, InReplyTo: *h.MsgID, MsgID: n.newMsgID()}))
}

// fail answers request m with a Maelstrom error sent from src or, when the
// request has no msg_id to answer, logs the error.
func (n *Node) fail(m Message, h Header, src string, code int, text string) [][]byte {
	if h.MsgID == nil {
		n.log.Printf("dropped %q from %q without msg_id: %s", h.Type, m.Src, text)
		return nil
	}
	return n.send(encodeMessage(src, m.Src, &errorBody{Type: "error", Code: code, Text: text, InReplyTo: *h.MsgID, MsgID: n.newMsgID()}))
}

// send wraps one encoded message as HandleLine's result; an encoding error
// (a bug) is logged and the message dropped.
func (n *Node) send(line []byte, err error) [][]byte {
	if err != nil {
		n.log.Printf("encode: %v", err)
		return nil
	}
	return [][]byte{line}
}

func (n *Node) newMsgID() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	id := n.nextMsgID
	n.nextMsgID++
	return id
}

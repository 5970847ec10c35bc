package codec

import "encoding/json"

// stdBody and stdEnvelope mirror body and envelope for encoding/json
// (TestReference_Mirrors checks that they read the same keys).
type stdBody struct {
	Type      string          `json:"type"`
	MsgID     json.RawMessage `json:"msg_id"`
	InReplyTo json.RawMessage `json:"in_reply_to"`
	Message   json.RawMessage `json:"message"`
	Messages  json.RawMessage `json:"messages"`
	NodeID    json.RawMessage `json:"node_id"`
	NodeIDs   json.RawMessage `json:"node_ids"`
	Topology  json.RawMessage `json:"topology"`
	NewCount  json.RawMessage `json:"new_count"`
	Ack       json.RawMessage `json:"ack"`
	Inc       json.RawMessage `json:"inc"`
	AckInc    json.RawMessage `json:"ack_inc"`
	Prev      json.RawMessage `json:"prev"`
	Grid      json.RawMessage `json:"grid"`
}

type stdEnvelope struct {
	Src  string  `json:"src"`
	Dest string  `json:"dest"`
	Body stdBody `json:"body"`
}

// decodeStd is Decode done with encoding/json: what Decode does before
// sonic is compiled, and the reference that the fuzz tests hold the sonic
// path to. Its raw fields are copies, not aliases of line.
func decodeStd(line []byte, m *Message) error {
	*m = Message{}
	// Malformed JSON, and any JSON value other than an object or null.
	if !json.Valid(line) {
		return ErrNotObject
	}
	var e stdEnvelope
	if err := json.Unmarshal(line, &e); err != nil {
		// The input is valid JSON, so this is a type error: of the
		// whole line (not an object) or of src, dest, body or type.
		if i := skipSpace(line, 0); line[i] != '{' {
			return ErrNotObject
		}
		return ErrFieldType
	}
	switch {
	case e.Src == "":
		return ErrNoSrc
	case e.Dest == "":
		return ErrNoDest
	case e.Body.Type == "":
		var p struct {
			Body json.RawMessage `json:"body"`
		}
		_ = json.Unmarshal(line, &p)
		if p.Body == nil || string(p.Body) == "null" {
			return ErrNoBody
		}
		return ErrNoType
	}
	b := &e.Body
	*m = Message{Src: e.Src, Dest: e.Dest, Type: b.Type,
		Message: b.Message, Messages: b.Messages, NodeID: b.NodeID, NodeIDs: b.NodeIDs, Topology: b.Topology,
		NewCount: b.NewCount, Ack: b.Ack, Inc: b.Inc, AckInc: b.AckInc, Prev: b.Prev, Grid: b.Grid}
	var ok bool
	if m.MsgID, m.HasMsgID, ok = stdInt(b.MsgID); !ok {
		return ErrMsgID
	}
	// A bad in_reply_to is not an error: the reply is just not matched.
	m.InReplyTo, m.HasInReplyTo, _ = stdInt(b.InReplyTo)
	return nil
}

// stdInt reads raw, a field's JSON text, as encoding/json reads an int64:
// has is false for an absent or null field, ok false for any other value
// that is not an int64.
func stdInt(raw json.RawMessage) (v int64, has, ok bool) {
	if raw == nil || string(raw) == "null" {
		return 0, false, true
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false, false
	}
	return v, true, true
}

package codec

import "testing"

// BenchmarkDecodePaths times each of Decode's paths on the lines a node sees
// most: the plain pass, sonic, and encoding/json (what the node uses before
// sonic is compiled, and the reference).
func BenchmarkDecodePaths(b *testing.B) {
	for _, tc := range []struct{ name, line string }{
		{"broadcast", `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":1234}}`},
		{"read", `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}`},
		{"push", `{"src":"n2","dest":"n1","body":{"type":"gossip_push","msg_id":4,"messages":[1, 2, 3, 5, 8, 13, 21, 34],"ack":3,"inc":1,"ack_inc":2,"prev":3}}`},
	} {
		line := []byte(tc.line)
		d := NewDecoder()
		for _, p := range []struct {
			name   string
			decode func([]byte, *Message) error
		}{
			{"plain", func(l []byte, m *Message) error {
				if !decodePlain(l, m) {
					b.Fatal("declined")
				}
				return nil
			}},
			{"sonic", d.decodeGeneral},
			{"std", decodeStd},
		} {
			b.Run(tc.name+"/"+p.name, func(b *testing.B) {
				var m Message
				b.SetBytes(int64(len(line)))
				for b.Loop() {
					if err := p.decode(line, &m); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

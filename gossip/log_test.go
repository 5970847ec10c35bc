package gossip

import (
	"slices"
	"testing"
)

func TestLog(t *testing.T) {
	var l Log
	l.Append(10, FromClient)
	l.Append(20, 1)
	l.Append(30, 2)
	if l.Len() != 3 || l.Base() != 0 {
		t.Fatalf("Len %d Base %d", l.Len(), l.Base())
	}
	if got, ok := l.AppendFrom(nil, 0, 1, 0); !ok || !slices.Equal(got, []int64{10, 30}) {
		t.Fatalf("AppendFrom(0, peer 1) = %v, %v", got, ok)
	}
	if l.Missing(1, 1, 0) != true || l.Missing(2, 2, 0) != false || l.Missing(3, 0, 0) != false || l.Missing(2, 2, 3) != true {
		t.Fatal("Missing")
	}
	l.Trim(2)
	if l.Base() != 2 || l.Len() != 3 {
		t.Fatalf("after Trim(2): Base %d Len %d", l.Base(), l.Len())
	}
	if _, ok := l.AppendFrom(nil, 1, 5, 0); ok {
		t.Fatal("AppendFrom before Base must ask for the whole set")
	}
	if !l.Missing(1, 2, 0) {
		t.Fatal("Missing before Base must be true")
	}
	l.Skip(5)
	if l.Base() != 8 || l.Len() != 8 {
		t.Fatalf("after Skip(5): Base %d Len %d", l.Base(), l.Len())
	}
	l.Append(40, 0)
	if got, ok := l.AppendFrom(nil, 8, 3, 0); !ok || !slices.Equal(got, []int64{40}) {
		t.Fatalf("AppendFrom after Skip = %v, %v", got, ok)
	}
}

func TestLog_Bounded(t *testing.T) {
	var l Log
	for i := range MaxLogEntries + 10 {
		l.Append(int64(i), FromClient)
	}
	if l.Len() != MaxLogEntries+10 || len(l.vals) > MaxLogEntries {
		t.Fatalf("Len %d, %d entries kept", l.Len(), len(l.vals))
	}
	got, ok := l.AppendFrom(nil, l.Len()-2, 7, 0)
	if !ok || !slices.Equal(got, []int64{MaxLogEntries + 8, MaxLogEntries + 9}) {
		t.Fatalf("newest entries %v, %v", got, ok)
	}
}

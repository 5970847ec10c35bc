package node

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// runRecord is the size of a run log's record: two little-endian int64, a
// key and a value. Key 1 records a value the node acknowledged; key i+2
// records that peer i (its index in gossip.Peers) was heard with incarnation
// value; key 0 ends the records (see runFile).
const runRecord = 16

// Keys of run log records.
const (
	runKeyValue = 1 // the record holds a value
	runKeyPeer  = 2 // plus i: the record holds peer i's incarnation
)

// runCompact is the size, in records, from which a run log is rewritten with
// only what it still needs (the incarnations heard, and the records from the
// oldest batch that holds a value no peer is known to hold) once that is
// less than a quarter of it: 1 MiB.
const runCompact = 1 << 16

// runLog keeps the values that a node acknowledged, as long as no peer is
// known to hold them, in a file of the current run, so that the node, killed
// and started again by the same harness, takes them back. This closes the
// window of the default acknowledgement (AckReceived) at no cost in messages:
// without it a leaf killed before its next push takes the values it
// acknowledged since with it.
//
// A run is the set of processes that one harness process starts: the folder
// of a run is <temp>/maelstrom-gossip-<uid>/<parent pid>-<parent start time>
// (runKey), and each incarnation of node id writes <id>-<inc>.run there. The
// records are stored into a shared mapping of the file (runFile), not
// fsynced, before the broadcast_oks of their batch leave: they survive the
// kill of the process, not of the machine. A clean end of input removes the
// file; folders whose parent process is gone are removed by the next node
// that starts (sweepRuns).
//
// A harness that starts several clusters (a test binary) gives them one
// folder, so a file left by a killed node does not prove that it belongs to
// the cluster of the node that reads it. Files of earlier incarnations are
// therefore read at init and held apart (earlier): the values of one are
// adopted only when the node hears a peer with an incarnation that the file
// recorded. An incarnation is a process's start time in nanoseconds, so
// that can only happen within the file's own cluster. A node killed before
// it heard any peer, or whose recorded peers all restarted too, does not
// take its values back.
//
// A runLog belongs to the handler loop; it MUST NOT be used concurrently.
type runLog struct {
	path    string
	file    *runFile
	pending []byte       // records not yet written
	newPos  int          // the plan's length at the last value in pending; 0 when it holds none
	marks   []runMark    // the batches written that hold values no peer is known to hold, oldest first
	heard   []int64      // by peer index: the incarnation last recorded, 0 for none
	earlier []earlierLog // files of earlier incarnations not yet adopted
	adopted []string     // files adopted, removed once their values are written here
}

// runMark is a batch of records written to a run log's file: it starts at
// byte off, and a peer holds all its values once Plan.Replicated reaches
// pos. The records from the oldest mark on are what a rewrite keeps.
type runMark struct{ off, pos int }

// earlierLog is what the file of an earlier incarnation holds.
type earlierLog struct {
	path  string
	vals  []int64
	heard [][2]int64 // (peer index, incarnation) pairs
}

// openRunLog opens the run log of incarnation inc of node id, which has
// npeers peers, and reads the files that earlier incarnations of id left in
// the run's folder. It returns the log and how many values those files hold
// (held apart until adopted, see runLog).
func openRunLog(id string, inc int64, npeers int) (*runLog, int, error) {
	if !fileSafe(id) {
		return nil, 0, fmt.Errorf("node id %q cannot name a file", id)
	}
	base := filepath.Join(os.TempDir(), "maelstrom-gossip-"+strconv.Itoa(os.Getuid()))
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, 0, err
	}
	key := runKey(os.Getppid())
	sweepRuns(base, key)
	dir := filepath.Join(base, key)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, 0, err
	}
	rl := &runLog{heard: make([]int64, npeers)}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, err
	}
	held := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, id+"-") || !strings.HasSuffix(name, ".run") {
			continue
		}
		if _, err := strconv.ParseInt(name[len(id)+1:len(name)-len(".run")], 10, 64); err != nil {
			continue // another id with a '-' in it
		}
		el, err := readRunLog(filepath.Join(dir, name))
		if err != nil || len(el.vals) == 0 {
			continue // unreadable, or gone: a file of a live node may be removed at any time
		}
		rl.earlier = append(rl.earlier, el)
		held += len(el.vals)
	}
	rl.path = filepath.Join(dir, id+"-"+strconv.FormatInt(inc, 10)+".run")
	if rl.file, err = createRunFile(rl.path); err != nil {
		return nil, 0, err
	}
	return rl, held, nil
}

// readRunLog reads the file of an earlier incarnation, up to its first
// record with key 0. A torn last record (a kill in the middle of a write) is
// left out: the broadcast_oks of its batch never left.
func readRunLog(path string) (earlierLog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return earlierLog{}, err
	}
	el := earlierLog{path: path}
	for i := 0; i+runRecord <= len(data); i += runRecord {
		key := int64(binary.LittleEndian.Uint64(data[i:]))
		v := int64(binary.LittleEndian.Uint64(data[i+8:]))
		switch {
		case key == 0:
			return el, nil
		case key == runKeyValue:
			el.vals = append(el.vals, v)
		default:
			el.heard = append(el.heard, [2]int64{key - runKeyPeer, v})
		}
	}
	return el, nil
}

// fileSafe reports whether id can be used as is in a file name.
func fileSafe(id string) bool {
	if id == "" || id == "." || id == ".." || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// add logs v, acknowledged when the plan's length was pos (at least 1, and
// never less than at the value before); it is written by the next sync,
// before the batch's broadcast_oks leave.
func (rl *runLog) add(v int64, pos int) {
	rl.pending = appendRunRecord(rl.pending, runKeyValue, v)
	rl.newPos = max(pos, 1)
}

// hear records that peer i spoke with incarnation inc, and returns the
// values of the earlier incarnations' files that this proves to be of this
// run (see runLog), to be added to the set and logged again (add); the
// files go once the next sync has written them here. The result aliases
// nothing of rl's.
func (rl *runLog) hear(i int, inc int64) (adopt []int64) {
	if i >= len(rl.heard) || inc == 0 || rl.heard[i] == inc {
		return nil // nothing new: a pair heard before was checked then
	}
	rl.heard[i] = inc
	rl.pending = appendRunRecord(rl.pending, runKeyPeer+int64(i), inc)
	for k := 0; k < len(rl.earlier); {
		el := rl.earlier[k]
		if !el.recorded(i, inc) {
			k++
			continue
		}
		adopt = append(adopt, el.vals...)
		rl.adopted = append(rl.adopted, el.path)
		rl.earlier = append(rl.earlier[:k], rl.earlier[k+1:]...)
	}
	return adopt
}

// recorded reports whether the file recorded peer i with incarnation inc.
func (el *earlierLog) recorded(i int, inc int64) bool {
	for _, h := range el.heard {
		if h[0] == int64(i) && h[1] == inc {
			return true
		}
	}
	return false
}

// dirty reports whether records wait to be written.
func (rl *runLog) dirty() bool { return len(rl.pending) > 0 || len(rl.adopted) > 0 }

// sync writes the records waiting, forgets the batches whose values a peer
// holds now that the plan counts replicated of them (Plan.Replicated), and
// removes the files adopted. When the file has grown to runCompact records
// and what it still needs is less than a quarter of it, it is rewritten
// (a new file renamed over it) with only that.
func (rl *runLog) sync(replicated int) error {
	if len(rl.pending) > 0 {
		if rl.newPos > 0 {
			rl.marks = append(rl.marks, runMark{off: rl.file.end, pos: rl.newPos})
		}
		if err := rl.file.append(rl.pending); err != nil {
			return err
		}
		rl.pending, rl.newPos = rl.pending[:0], 0
	}
	k := 0
	for k < len(rl.marks) && rl.marks[k].pos <= replicated {
		k++
	}
	if k > 0 {
		rl.marks = rl.marks[:copy(rl.marks, rl.marks[k:])]
	}
	total, needed := rl.file.records(), len(rl.heard)
	if len(rl.marks) > 0 {
		needed += (rl.file.end - rl.marks[0].off) / runRecord
	}
	if total >= runCompact && needed < total/4 {
		if err := rl.rewrite(); err != nil {
			return err
		}
	}
	for _, p := range rl.adopted {
		os.Remove(p)
	}
	rl.adopted = rl.adopted[:0]
	return nil
}

// rewrite replaces the file with one that holds the incarnations heard and
// the records from the oldest mark on, read back from the file.
func (rl *runLog) rewrite() error {
	var b []byte
	for i, inc := range rl.heard {
		if inc != 0 {
			b = appendRunRecord(b, runKeyPeer+int64(i), inc)
		}
	}
	from := rl.file.end
	if len(rl.marks) > 0 {
		from = rl.marks[0].off
	}
	shift := len(b) - from
	b = append(b, make([]byte, rl.file.end-from)...)
	if _, err := rl.file.f.ReadAt(b[len(b)-(rl.file.end-from):], int64(from)); err != nil {
		return err
	}
	tmp := rl.path + ".tmp"
	os.Remove(tmp) // left by a kill in a rewrite
	rf, err := createRunFile(tmp)
	if err != nil {
		return err
	}
	if err := rf.append(b); err != nil {
		rf.close()
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, rl.path); err != nil {
		rf.close()
		os.Remove(tmp)
		return err
	}
	rl.file.close()
	rl.file = rf
	for i := range rl.marks {
		rl.marks[i].off += shift
	}
	return nil
}

// close closes the file, and removes it when the run ended cleanly (the
// input ended): nothing in it is needed any more.
func (rl *runLog) close(clean bool) {
	rl.file.close()
	if clean {
		os.Remove(rl.path)
	}
}

func appendRunRecord(b []byte, key, v int64) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(key))
	return binary.LittleEndian.AppendUint64(b, uint64(v))
}

// sweepRuns removes the folders under base whose harness process is gone
// (runKey no longer names them), but keep's. It does nothing where runKey
// cannot tell a process's start time.
func sweepRuns(base, keep string) {
	if !runKeyExact {
		return
	}
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		pid, _, ok := strings.Cut(name, "-")
		if !ok || name == keep {
			continue
		}
		p, err := strconv.Atoi(pid)
		if err != nil || p <= 0 || runKey(p) == name {
			continue
		}
		os.RemoveAll(filepath.Join(base, name)) // another node may be removing it too
	}
}

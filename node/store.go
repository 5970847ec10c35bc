package node

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/maelstrom-gossip/node/set"
)

// snapshotEvery is how many logged values make the store write a snapshot of
// the whole set and start its log over (1 MiB of log).
const snapshotEvery = 1 << 17

// store keeps what a node acknowledged to its clients on disk, so that a node
// that restarts recovers its own values even when it died before passing
// them on. It holds two files per node id in its folder: <id>.log, the
// values of acknowledged broadcasts, 8 bytes each (little-endian), appended
// and fsynced before the acknowledgements leave; and <id>.snap, a snapshot of
// the whole set (set.WriteTo) written every snapshotEvery logged values,
// after which the log starts over.
//
// A store belongs to the handler loop; it MUST NOT be used concurrently.
type store struct {
	dir, id string
	log     *os.File
	pending []byte // values appended since the last sync
	logged  int    // values in the log file
}

// openStore opens (creating them when absent) the files of node id in dir
// and adds every value they hold to s. It returns how many values it read.
// A torn last record (a crash in the middle of an append) is dropped: its
// broadcast was never acknowledged.
func openStore(dir, id string, s *set.Set) (*store, int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, err
	}
	st := &store{dir: dir, id: id}
	read := 0
	if f, err := os.Open(st.path(".snap")); err == nil {
		before := s.Len()
		_, err = s.ReadFrom(f)
		f.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", st.path(".snap"), err)
		}
		read += s.Len() - before
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, 0, err
	}
	f, err := os.OpenFile(st.path(".log"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	whole := len(data) / 8 * 8
	for i := 0; i < whole; i += 8 {
		if s.Add(int64(binary.LittleEndian.Uint64(data[i:]))) {
			read++
		}
	}
	if whole != len(data) {
		if err := f.Truncate(int64(whole)); err != nil {
			f.Close()
			return nil, 0, err
		}
	}
	if _, err := f.Seek(int64(whole), io.SeekStart); err != nil {
		f.Close()
		return nil, 0, err
	}
	st.log, st.logged = f, whole/8
	return st, read, nil
}

func (st *store) path(ext string) string { return filepath.Join(st.dir, st.id+ext) }

// add queues v for the log; it is durable after the next sync.
func (st *store) add(v int64) {
	st.pending = binary.LittleEndian.AppendUint64(st.pending, uint64(v))
}

// dirty reports whether values wait for a sync.
func (st *store) dirty() bool { return len(st.pending) > 0 }

// sync appends the queued values to the log and fsyncs it; after enough of
// them it writes a snapshot of s and starts the log over.
func (st *store) sync(s *set.Set) error {
	if len(st.pending) == 0 {
		return nil
	}
	if _, err := st.log.Write(st.pending); err != nil {
		return err
	}
	if err := st.log.Sync(); err != nil {
		return err
	}
	st.logged += len(st.pending) / 8
	st.pending = st.pending[:0]
	if st.logged >= snapshotEvery {
		return st.snapshot(s)
	}
	return nil
}

// snapshot writes s to <id>.snap through a temporary file, fsynced and
// renamed into place (with the folder fsynced), and only then empties the
// log: at every moment the two files together hold every logged value.
func (st *store) snapshot(s *set.Set) error {
	tmp := st.path(".snap.tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := s.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, st.path(".snap")); err != nil {
		return err
	}
	if d, err := os.Open(st.dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return err
		}
	}
	if err := st.log.Truncate(0); err != nil {
		return err
	}
	if _, err := st.log.Seek(0, io.SeekStart); err != nil {
		return err
	}
	st.logged = 0
	return st.log.Sync()
}

func (st *store) close() error { return st.log.Close() }

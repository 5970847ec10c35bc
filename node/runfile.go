package node

import (
	"encoding/binary"
	"errors"
	"os"
	"strconv"
	"sync/atomic"
	"unsafe"
)

// runWindow is how much of a run file is mapped at once, in bytes (4,096
// records): the file grows by a window at a time, and only the window being
// written counts in the node's memory; the records before it stay in the
// page cache.
const runWindow = 64 << 10

// runFileMax bounds a run file, in bytes (4,194,304 records): a node that
// acknowledged that many values that no peer is known to hold (cut off from
// every peer at a high broadcast rate) stops its run log rather than fill
// the disk.
const runFileMax = 64 << 20

// errRunFileFull is returned by runFile.append at runFileMax.
var errRunFileFull = errors.New("run log full: " + strconv.Itoa(runFileMax/runRecord) + " values that no peer is known to hold")

// runFile is the storage of a run log: records of runRecord bytes from the
// start of a file, up to the first record whose key is 0 (the file's zero
// tail, or its end).
//
// Where the file can be mapped (mapFile), its records are written as stores
// into a shared mapping of the window that holds the end of the records: a
// record is in the page cache, and survives the kill of the process, once
// the stores are done, with no system call. The file is grown a window at a
// time by writing zeros, not by truncation, so that its blocks are
// allocated then and a full disk is an error, not a SIGBUS on a store.
// Elsewhere records are appended with write(2).
//
// A runFile belongs to its run log; it MUST NOT be used concurrently.
type runFile struct {
	f    *os.File
	m    []byte // the mapping of the window [base, base+runWindow); nil when records are written with write(2)
	base int    // the file offset of m
	end  int    // bytes of records
	max  int    // the most bytes of records: runFileMax
}

// runZeros is a window of zeros, to grow run files with.
var runZeros [runWindow]byte

// createRunFile creates the file at path, which must not exist.
func createRunFile(path string) (*runFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	rf := &runFile{f: f, max: runFileMax}
	if err := rf.window(0); err != nil {
		// Not mappable here: append instead, from an empty file.
		if err := f.Truncate(0); err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
	}
	return rf, nil
}

// window extends the file with a window of zeros at base and maps it in
// place of the window before.
func (rf *runFile) window(base int) error {
	if _, err := rf.f.WriteAt(runZeros[:], int64(base)); err != nil {
		return err
	}
	m, err := mapFile(rf.f, int64(base), runWindow)
	if err != nil {
		return err
	}
	if rf.m != nil {
		unmapFile(rf.m)
	}
	rf.m, rf.base = m, base
	return nil
}

// append writes records b (whole records) after the others. In a mapping,
// each record's value is stored before its key, and the key with an atomic
// store that no earlier store moves past: a kill in between leaves a key of
// 0, the end of the records, never a record with a wrong value.
func (rf *runFile) append(b []byte) error {
	if rf.end+len(b) > rf.max {
		return errRunFileFull
	}
	if rf.m == nil {
		if _, err := rf.f.WriteAt(b, int64(rf.end)); err != nil {
			return err
		}
		rf.end += len(b)
		return nil
	}
	for i := 0; i < len(b); i += runRecord {
		if rf.end == rf.base+runWindow {
			if err := rf.window(rf.end); err != nil {
				return err
			}
		}
		off := rf.end - rf.base
		r := rf.m[off : off+runRecord]
		copy(r[8:], b[i+8:i+runRecord])
		// The key's bytes as the file has them (little-endian), in the
		// machine's order for the store.
		key := binary.NativeEndian.Uint64(b[i : i+8])
		atomic.StoreUint64((*uint64)(unsafe.Pointer(&r[0])), key)
		rf.end += runRecord
	}
	return nil
}

// records returns how many records the file holds.
func (rf *runFile) records() int { return rf.end / runRecord }

// close unmaps and closes the file.
func (rf *runFile) close() {
	if rf.m != nil {
		unmapFile(rf.m)
		rf.m = nil
	}
	rf.f.Close()
}

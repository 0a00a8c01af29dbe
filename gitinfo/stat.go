package gitinfo

// fileStat is the subset of lstat(2) that git records in index entries.
type fileStat struct {
	mode                uint32 // POSIX st_mode
	size                int64
	mtimeSec, mtimeNsec int64
	ctimeSec, ctimeNsec int64
	ino                 uint64
	uid, gid            uint32
	full                bool // ctime, inode and owner are known
}

// statChange classifies a work tree file against its index entry.
type statChange int

const (
	statClean    statChange = iota // stat data matches: unchanged
	statModified                   // certainly changed (type, mode or size)
	statVerify                     // stat data differs or is racy: compare content
)

// compareStat mirrors git's ie_match_stat with core.checkStat=default.
func compareStat(e *indexEntry, st *fileStat, fileMode, trustCtime bool, indexMtimeSec int64) statChange {
	switch e.mode & modeTypeMask {
	case modeRegular:
		if st.mode&modeTypeMask != modeRegular {
			return statModified
		}
		if fileMode && (st.mode^e.mode)&0o100 != 0 {
			return statModified
		}
	case modeSymlink:
		if st.mode&modeTypeMask != modeSymlink {
			return statModified
		}
	default:
		return statModified
	}
	if uint32(st.size) != e.size { //nolint:gosec // the index stores the low 32 bits
		if e.size != 0 {
			return statModified
		}
		return statVerify // smudged racy entry: size recorded as 0
	}
	if e.size == 0 && st.size != 0 {
		return statVerify
	}
	if !st.full {
		return statVerify
	}
	if int64(e.mtimeSec) != st.mtimeSec&0xffffffff || int64(e.mtimeNsec) != st.mtimeNsec {
		return statVerify
	}
	if trustCtime && (int64(e.ctimeSec) != st.ctimeSec&0xffffffff || int64(e.ctimeNsec) != st.ctimeNsec) {
		return statVerify
	}
	if e.ino != uint32(st.ino) || e.uid != st.uid || e.gid != st.gid { //nolint:gosec // the index stores the low 32 bits
		return statVerify
	}
	// racily clean: modified in the same second the index was written
	if indexMtimeSec != 0 && int64(e.mtimeSec) >= indexMtimeSec&0xffffffff {
		return statVerify
	}
	return statClean
}

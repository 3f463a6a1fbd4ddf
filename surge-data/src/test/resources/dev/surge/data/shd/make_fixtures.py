#!/usr/bin/env python3
"""Writes the small SHD/SSC-layout HDF5 fixtures used by ShdReaderTest.

Run from this directory with Debian's h5py (apt-get install python3-h5py):
    /usr/bin/python3 make_fixtures.py
The .h5 files are committed, so the tests do not need h5py.
"""
import h5py
import numpy as np


def vlen(group, name, rows, dtype, **kw):
    ds = group.create_dataset(name, (len(rows),), dtype=h5py.vlen_dtype(np.dtype(dtype)), **kw)
    for i, r in enumerate(rows):
        ds[i] = np.asarray(r, dtype=dtype)
    return ds


# SHD-like: half-precision times, uint16 units, uint8 labels, plus the extra/ group of the real files.
with h5py.File("shd_f16.h5", "w") as f:
    times = [
        [0.0, 0.125, 0.25, 0.5, 0.9990234375, 1.0, 1.25],  # 1.0 and 1.25 are >= maxTime 1.0 in the test
        [],
        [0.3, 0.3, 0.75],
        [0.6],
    ]
    units = [[0, 1, 2, 3, 699, 4, 5], [], [10, 10, 20], [600]]
    vlen(f, "spikes/times", times, "f2")
    vlen(f, "spikes/units", units, "u2")
    f.create_dataset("labels", data=np.array([7, 0, 19, 3], dtype="u1"))
    f.create_dataset("extra/speaker", data=np.array([0, 1, 2, 3], dtype="u2"))
    f.create_dataset("extra/keys", data=np.array([b"zero", b"one", b"two"]))
    f.create_dataset("extra/meta_info/gender", data=np.array([b"f", b"m"]))
    f.create_dataset("extra/meta_info/age", data=np.array([30, 40], dtype="u1"))
    f.create_dataset("extra/meta_info/body_height", data=np.array([170, 180], dtype="u1"))

# SSC-like: double times, int32 units, int64 labels up to 34, chunked and gzip-compressed.
with h5py.File("ssc_f64_gzip.h5", "w") as f:
    times = [[0.007, 0.707, 1.393, 1.4, 2.0], [0.5], []]  # bins of 14 ms at T=100 over 1.4 s: 0, 50, 99, drop, drop
    units = [[0, 350, 699, 1, 2], [42], []]
    vlen(f, "spikes/times", times, "f8", chunks=(2,), compression="gzip")
    vlen(f, "spikes/units", units, "i4", chunks=(2,), compression="gzip")
    f.create_dataset("labels", data=np.array([34, 0, 12], dtype="i8"))

# Broken: three samples of spikes, two labels.
with h5py.File("bad_counts.h5", "w") as f:
    vlen(f, "spikes/times", [[0.1], [0.2], [0.3]], "f4")
    vlen(f, "spikes/units", [[1], [2], [3]], "u2")
    f.create_dataset("labels", data=np.array([0, 1], dtype="u1"))

# Broken: sample 1 has three times but two units.
with h5py.File("bad_event_counts.h5", "w") as f:
    vlen(f, "spikes/times", [[0.1], [0.2, 0.3, 0.4]], "f4")
    vlen(f, "spikes/units", [[1], [2, 3]], "u2")
    f.create_dataset("labels", data=np.array([0, 1], dtype="u1"))

# Broken: no spikes/units.
with h5py.File("missing_units.h5", "w") as f:
    vlen(f, "spikes/times", [[0.1], [0.2]], "f4")
    f.create_dataset("labels", data=np.array([0, 1], dtype="u1"))

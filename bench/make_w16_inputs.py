#!/usr/bin/env python3
# Lossless W=16 inputs from the fixed8 sample, for bench/ebpc_count and `ebpc bench` at W=16:
#   bench/make_w16_inputs.py data/fmaps-sample/mobilenet_v2-kite OUT  ->  OUT/i16/*.npy (int16, the same
# values sign-extended) and OUT/f16/*.npy (float16 of value/128, exact). Plain Python, no numpy.
import os
os.makedirs(__import__("sys").argv[2] + "/i16", exist_ok=True)
os.makedirs(__import__("sys").argv[2] + "/f16", exist_ok=True)
import sys, os, struct, ast, glob
def read_npy(p):
    b = open(p,'rb').read()
    assert b[:6] == b'\x93NUMPY'
    major = b[6]
    if major == 1:
        hl = struct.unpack('<H', b[8:10])[0]; off = 10
    else:
        hl = struct.unpack('<I', b[8:12])[0]; off = 12
    hdr = ast.literal_eval(b[off:off+hl].decode())
    return hdr, b[off+hl:]
def write_npy(p, descr, shape, data):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, repr(tuple(shape)))
    total = 10 + len(h) + 1
    pad = (64 - total % 64) % 64
    h = h + ' ' * pad + '\n'
    with open(p, 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode() + data)
for p in sorted(glob.glob(sys.argv[1] + '/*.npy')):
    hdr, data = read_npy(p)
    assert hdr['descr'] in ('|i1', '<i1', 'i1'), hdr
    vals = struct.unpack('%db' % len(data), data)
    name = os.path.basename(p).replace('fixed8', 'x')
    write_npy(sys.argv[2] + '/i16/' + name, '<i2', hdr['shape'], struct.pack('<%dh' % len(vals), *vals))
    write_npy(sys.argv[2] + '/f16/' + name, '<f2', hdr['shape'], struct.pack('<%de' % len(vals), *[v / 128.0 for v in vals]))

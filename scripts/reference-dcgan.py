#!/usr/bin/env python3
"""Numpy reference forward pass of the DCGAN face generator (independent of Kinema's Swift code).

  scripts/reference-dcgan.py fixtures   -> Tests/GenerationTests/Fixtures/dcgan-parity.safetensors
        fixed latents z (seeded numpy RNG) and the float64 forward pass of the shipped fp16 weights
  scripts/reference-dcgan.py bench N B  -> prints "ms_per_frame <x>" for N frames in batches of B (float32),
        used as the speed peer by `kinema-bench text2video`
"""
import json, os, struct, sys, time
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "dcgan-faces-64.safetensors")
LAYERS = [("main.0", "main.1", 1, 0), ("main.3", "main.4", 2, 1), ("main.6", "main.7", 2, 1),
          ("main.9", "main.10", 2, 1), ("main.12", None, 2, 1)]


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        dt = {"F32": "<f4", "F16": "<f2"}[v["dtype"]]
        b, e = v["data_offsets"]
        out[k] = np.frombuffer(data[b:e], dtype=dt).reshape(v["shape"])
    return out


def conv_transpose(x, w, stride, pad):
    """x (N, Cin, H, W), w (Cin, Cout, k, k) -> (N, Cout, (H-1)*stride - 2*pad + k, ...)."""
    n, cin, h, wd = x.shape
    cout, k = w.shape[1], w.shape[2]
    full = np.zeros((n, cout, (h - 1) * stride + k, (wd - 1) * stride + k), dtype=x.dtype)
    # contrib[n, co, ki, kj, i, j] = sum_ci x[n, ci, i, j] * w[ci, co, ki, kj]
    contrib = np.tensordot(w, x, axes=([0], [1]))  # (Cout, k, k, N, H, W)
    contrib = contrib.transpose(3, 0, 1, 2, 4, 5)
    for ki in range(k):
        for kj in range(k):
            full[:, :, ki:ki + (h - 1) * stride + 1:stride, kj:kj + (wd - 1) * stride + 1:stride] += contrib[:, :, ki, kj]
    oh, ow = full.shape[2] - 2 * pad, full.shape[3] - 2 * pad
    return full[:, :, pad:pad + oh, pad:pad + ow]


def forward(sd, z, dtype=np.float64):
    """z (N, 100) -> images (N, 3, 64, 64) in [-1, 1]."""
    x = z.astype(dtype).reshape(z.shape[0], -1, 1, 1)
    for conv, bn, stride, pad in LAYERS:
        x = conv_transpose(x, sd[conv + ".weight"].astype(dtype), stride, pad)
        if bn:
            g, b = sd[bn + ".weight"].astype(dtype), sd[bn + ".bias"].astype(dtype)
            m, v = sd[bn + ".running_mean"].astype(dtype), sd[bn + ".running_var"].astype(dtype)
            x = (x - m[:, None, None]) / np.sqrt(v[:, None, None] + 1e-5) * g[:, None, None] + b[:, None, None]
            x = np.maximum(x, 0)
        else:
            x = np.tanh(x)
    return x


def write_fixture(path, tensors):
    header, off, blobs = {}, 0, []
    for k in sorted(tensors):
        b = np.ascontiguousarray(tensors[k], dtype="<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(tensors[k].shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    open(path, "wb").write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    sd = read_safetensors(MODEL)
    if len(sys.argv) > 1 and sys.argv[1] == "bench":
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 128
        bsz = int(sys.argv[3]) if len(sys.argv) > 3 else 32
        sd32 = {k: v.astype(np.float32) for k, v in sd.items()}
        z = np.random.default_rng(1).standard_normal((bsz, 100)).astype(np.float32)
        forward(sd32, z[:2], np.float32)  # warm up
        t = time.perf_counter()
        done = 0
        while done < n:
            forward(sd32, z, np.float32)
            done += bsz
        print(f"ms_per_frame {(time.perf_counter() - t) * 1000 / done:.4f}")
        return
    z = np.random.default_rng(20261129).standard_normal((3, 100)).astype(np.float32)
    out = forward(sd, z).astype(np.float32)
    path = os.path.join(ROOT, "Tests", "GenerationTests", "Fixtures", "dcgan-parity.safetensors")
    write_fixture(path, {"z": z, "images": out})
    print(path, out.shape, float(out.min()), float(out.max()))


if __name__ == "__main__":
    main()

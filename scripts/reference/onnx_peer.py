#!/usr/bin/env python3
"""Speed peer for kinema-bench restyle --networks: onnxruntime (CPU) on one of the stylisation networks.

Usage: onnx_peer.py MODEL.onnx THREADS HEIGHT WIDTH ITERATIONS
Feeds clips/astronaut.png resized to HEIGHTxWIDTH (and, for the Ghiasi transform, a fixed style
vector), runs two warm-up inferences, then prints the median and fastest wall ms of ITERATIONS runs and the
process CPU ms per run (all threads), so a loaded machine can be judged by CPU time too.
"""
import os
import sys
import time

import numpy as np
import onnxruntime as ort
from PIL import Image

model, threads, h, w, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
opts = ort.SessionOptions()
opts.intra_op_num_threads = threads
opts.inter_op_num_threads = 1
sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
img = np.asarray(Image.open(os.path.join(root, "clips/astronaut.png")).convert("RGB").resize((w, h)), np.float32) / 255
names = [i.name for i in sess.get_inputs()]
if "style_weights" in names:
    feed = {"image": img.transpose(2, 0, 1)[None], "style_weights": np.eye(26, dtype=np.float32)[6]}
else:
    feed = {names[0]: img[None], names[1]: np.full((1, 1, 1, 100), 0.1, np.float32)}
for _ in range(2):
    sess.run(None, feed)
times = []
cpu = time.process_time()
for _ in range(iters):
    t = time.perf_counter()
    sess.run(None, feed)
    times.append((time.perf_counter() - t) * 1000)
times.sort()
cpu = (time.process_time() - cpu) * 1000 / iters
print(f"{times[len(times) // 2]:.2f} {times[0]:.2f} {cpu:.2f}")

#!/usr/bin/env python3
"""Parity fixtures for Restyle's PaintingNetwork (models/multistyle26.onnx) from onnxruntime.

Input: the 128x128 crop at (176, 48) of clips/astronaut.png (a real face photo), RGB / 255, NCHW.
Writes Tests/RestyleTests/Fixtures/painting-<name>.f32: the network output as little-endian float32,
NHWC [128, 128, 3], for the style weights listed below (normalised to sum 1).
Usage: scripts/reference-painting.py   (needs numpy, pillow, onnxruntime from PyPI)
"""
import os
import numpy as np
import onnxruntime as ort
from PIL import Image

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
img = np.asarray(Image.open(os.path.join(root, "clips/astronaut.png")).convert("RGB"))[48:176, 176:304]
x = (img.astype(np.float32) / 255).transpose(2, 0, 1)[None]
sess = ort.InferenceSession(os.path.join(root, "models/multistyle26.onnx"), providers=["CPUExecutionProvider"])
cases = {"7": {7: 1.0}, "3-12": {3: 0.5, 12: 0.5}}  # 1-based style numbers, as on the command line
for name, spec in cases.items():
    w = np.zeros(26, np.float32)
    for k, v in spec.items():
        w[k - 1] = v
    w /= w.sum()
    y = sess.run(None, {"image": x, "style_weights": w})[0][0].transpose(1, 2, 0)
    out = os.path.join(root, f"Tests/RestyleTests/Fixtures/painting-{name}.f32")
    y.astype("<f4").tofile(out)
    print(out, y.shape, float(y.min()), float(y.max()))

#!/usr/bin/env python3
"""Parity fixtures for the Ghiasi arbitrary-style networks (models/arbitrary_{predict,transform}.onnx)
from onnxruntime, with graph optimisations off so the Quantize/DequantizeLinear pairs run as the file
spells them (the fused int8 kernels of the default level round differently; both are printed).

Style picture: the 256x256 crop at (100, 150) of clips/coffee.png. Content: the 384x384 crop at
(64, 0) of clips/astronaut.png (the transform's export fixes 384x384). RGB / 255, NHWC.
Writes to Tests/RestyleTests/Fixtures/:
  arbitrary-style.f32       predictor output, 100 float32
  arbitrary-transform.f32   transform output (given that style vector), centre 128x128 crop
                            (rows and columns 128..255), NHWC float32
Usage: scripts/reference-arbitrary.py   (numpy, pillow, onnxruntime)
"""
import os
import numpy as np
import onnxruntime as ort
from PIL import Image

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
fx = os.path.join(root, "Tests/RestyleTests/Fixtures")


def session(name, optimise):
    o = ort.SessionOptions()
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimise else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(os.path.join(root, "models", name), o, providers=["CPUExecutionProvider"])


def crop(name, y, x, n):
    a = np.asarray(Image.open(os.path.join(root, "clips", name)).convert("RGB"))[y:y + n, x:x + n]
    return (a.astype(np.float32) / 255)[None]


style = crop("coffee.png", 100, 150, 256)
content = crop("astronaut.png", 0, 64, 384)
vec = session("arbitrary_predict.onnx", False).run(None, {"style_image": style})[0]
vec_opt = session("arbitrary_predict.onnx", True).run(None, {"style_image": style})[0]
print("style vector", vec.shape, "max |plain - optimised|", float(np.abs(vec - vec_opt).max()))
vec.astype("<f4").tofile(os.path.join(fx, "arbitrary-style.f32"))
t = session("arbitrary_transform.onnx", False)
feed = {"content_image": content, "mobilenet_conv/Conv/BiasAdd": vec}
y = t.run(None, feed)[0]
y_opt = session("arbitrary_transform.onnx", True).run(None, feed)[0]
print("transform", y.shape, "max |plain - optimised|", float(np.abs(y - y_opt).max()), "mean", float(np.abs(y - y_opt).mean()))
y[0, 128:256, 128:256].astype("<f4").tofile(os.path.join(fx, "arbitrary-transform.f32"))

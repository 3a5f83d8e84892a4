#!/usr/bin/env python3
"""Reference outputs of the three face models from LiteRT, for the Swift runtime's parity tests.

Inputs are crops of astronaut.png (scikit-image 0.26.0 wheel; clips/astronaut.png once it is committed),
resized with Pillow's bilinear filter and stored as uint8 RGB. The float input tensor is derived exactly
as Kinema's faces code does it:
  BlazeFace (short 128x128, full 192x192): x / 127.5 - 1   (values in [-1, 1])
  FaceMesh (192x192 face crop):            x / 255         (values in [0, 1])
Each array is written as raw little-endian bytes (<name>.bin); manifest.json records shape and dtype.

Usage: scripts/reference/make_tflite_fixtures.py ASTRONAUT_PNG OUT_DIR
"""
import json
import os
import sys

import numpy as np
from PIL import Image
from ai_edge_litert.interpreter import Interpreter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "models")

# (fixture name, model file, crop box (left, top, right, bottom) in astronaut.png, size, scaling)
CASES = [
    ("short", "face_detection_short_range.tflite", (0, 0, 512, 512), 128, "signed"),
    ("full", "face_detection_full_range.tflite", (0, 0, 512, 512), 192, "signed"),
    ("mesh", "face_landmark.tflite", (150, 40, 350, 240), 192, "unit"),
]


def to_input(u8, scaling):
    x = u8.astype(np.float32)
    return (x / np.float32(127.5) - np.float32(1.0)) if scaling == "signed" else x / np.float32(255.0)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    image = Image.open(src).convert("RGB")
    manifest = {}

    def save(name, array):
        array = np.ascontiguousarray(array)
        dtype = {np.dtype(np.uint8): "uint8", np.dtype(np.float32): "float32"}[array.dtype]
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(array.astype(array.dtype.newbyteorder("<")).tobytes())
        manifest[name] = {"shape": list(array.shape), "dtype": dtype}

    for name, model, box, size, scaling in CASES:
        crop = np.asarray(image.crop(box).resize((size, size), Image.BILINEAR), dtype=np.uint8)
        x = to_input(crop, scaling)[None]
        interp = Interpreter(model_path=os.path.join(MODELS, model), num_threads=1)
        interp.allocate_tensors()
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        save(f"{name}_input_u8", crop)
        for i, d in enumerate(interp.get_output_details()):
            save(f"{name}_output{i}", interp.get_tensor(d["index"]).astype(np.float32))
        manifest[f"{name}_input_u8"]["scaling"] = scaling
        manifest[f"{name}_input_u8"]["model"] = model
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Rebuild Tests/FacesTests/SwapFixtures/dcgan-face.png, the face-swap tests' source face.

A DCGAN sample (models/dcgan-faces-64.safetensors through scripts/reference-dcgan.py's numpy forward
pass, z from numpy's default_rng(7), sample 3 of 16: a young man), upscaled 64 -> 192 with ffmpeg's
lanczos and reflect-padded to 256x256 so the detector sees context around the face.
Needs numpy and the ffmpeg CLI.
"""
import importlib.util, os, subprocess
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("ref", os.path.join(root, "scripts/reference-dcgan.py"))
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
sd = ref.read_safetensors(ref.MODEL)
z = np.random.default_rng(7).standard_normal((16, 100, 1, 1))
x = ref.forward(sd, z, np.float32)
face = ((x[3].transpose(1, 2, 0) + 1) * 127.5).clip(0, 255).astype(np.uint8)
up = subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "64x64", "-i", "-",
                     "-vf", "scale=192:192:flags=lanczos", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                    input=face.tobytes(), capture_output=True, check=True).stdout
img = np.pad(np.frombuffer(up, np.uint8).reshape(192, 192, 3), ((32, 32), (32, 32), (0, 0)), mode="reflect")
out = os.path.join(root, "Tests/FacesTests/SwapFixtures/dcgan-face.png")
subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "256x256", "-i", "-", out],
               input=img.tobytes(), check=True)
print(out)

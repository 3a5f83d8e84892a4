#!/usr/bin/env python3
"""Do restyled faces stay faces? An independent detector (OpenCV's Haar frontal-face cascade; dlib's HOG
detector is the issue's suggestion, but Debian 12 has no python3-dlib and PyPI dlib builds from source)
looks for faces in real photos and in their restyled versions, at the photo's size and at 176x144.

Photos: clips/astronaut.png and dlib's Boost-licensed examples (/usr/share/doc/libdlib19.1/examples/
faces/*.jpg, from Debian libdlib19.1, if present). Prints, per look and size, in how many of the photos
where the input has a face the output has one too.
Usage: scripts/face-survival.py [KINEMA_BINARY] [LOOKS...]   (needs opencv-python-headless<5 (4.x has the Haar cascades), pillow)
"""
import glob
import os
import subprocess
import sys
import tempfile

import cv2
from PIL import Image

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
kinema = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/debug/kinema")
looks = sys.argv[2:] or ["anime", "toon", "oil", "watercolor", "sketch", "painting:1", "painting:17"]
cascade = cv2.CascadeClassifier(os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml"))
photos = [os.path.join(root, "clips/astronaut.png")] + sorted(glob.glob("/usr/share/doc/libdlib19.1/examples/faces/*.jpg"))


def faces(path):
    g = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2GRAY)
    return len(cascade.detectMultiScale(g, scaleFactor=1.05, minNeighbors=4, minSize=(12, 12)))


tmp = tempfile.mkdtemp()
inputs = []
for p in photos:
    im = Image.open(p).convert("RGB")
    base = os.path.splitext(os.path.basename(p))[0]
    big = os.path.join(tmp, base + "-full.png")
    im.thumbnail((640, 640))
    im.save(big)
    w, h = im.size  # centre crop to 11:9, then 176x144 (QCIF, the small clip size)
    cw = min(w, h * 176 // 144)
    ch = cw * 144 // 176
    small = os.path.join(tmp, base + "-176.png")
    im.crop(((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch)).resize((176, 144), Image.LANCZOS).save(small)
    inputs += [(big, "full"), (small, "176x144")]
for look in looks:
    for size in ["full", "176x144"]:
        have = kept = 0
        for path, s in inputs:
            if s != size or faces(path) == 0:
                continue
            have += 1
            out = os.path.join(tmp, "out.png")
            subprocess.run([kinema, "restyle", path, "-o", out, "--style", look, "--quiet"], check=True,
                           stdout=subprocess.DEVNULL)
            kept += faces(out) > 0
            os.remove(out)
        print(f"{look:12s} {size:8s}: face kept in {kept} of {have} photos with a face")

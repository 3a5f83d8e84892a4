#!/usr/bin/env python3
"""LiteRT speed peer for `kinema-bench faces` (dev tooling only; never used by tests or the product).

Usage: litert_peer.py MODEL.tflite THREADS INPUT.f32
  INPUT.f32 holds the model's float32 input tensor (raw little-endian, model input shape).
Protocol: prints "ready" once the interpreter is built and warmed up; then for every line "N" read
from stdin it runs N inferences and prints the median milliseconds per inference; exits on EOF.
"""
import sys
import time

import numpy as np
from ai_edge_litert.interpreter import Interpreter


def main():
    model, threads, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    interp = Interpreter(model_path=model, num_threads=threads)
    interp.allocate_tensors()
    detail = interp.get_input_details()[0]
    x = np.fromfile(path, dtype="<f4").reshape(detail["shape"])
    index = detail["index"]
    for _ in range(5):
        interp.set_tensor(index, x)
        interp.invoke()
    print("ready", flush=True)
    for line in sys.stdin:
        n = int(line.strip() or "0")
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            interp.set_tensor(index, x)
            interp.invoke()
            for d in interp.get_output_details():
                interp.get_tensor(d["index"])
            times.append((time.perf_counter() - t0) * 1000.0)
        times.sort()
        print(f"{times[len(times) // 2]:.4f}", flush=True)


if __name__ == "__main__":
    main()

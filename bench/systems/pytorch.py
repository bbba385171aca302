"""The bench's PyTorch peer: the simpleNN 3-layer template (the same layers, squared loss averaged
over the batch, plain SGD) on the bench's data file, timed like ours. Prints one result line.

usage: python3 pytorch.py <data dir> <batch> <lr> <warmup> <runs> <steps per run> [threads]
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn

data_dir, batch, lr, warmup, runs, steps = sys.argv[1], *map(float, sys.argv[2:7])
batch, warmup, runs, steps = int(batch), int(warmup), int(runs), int(steps)
torch.set_num_threads(int(sys.argv[7]) if len(sys.argv) > 7 else len(os.sched_getaffinity(0)))
torch.manual_seed(1)

meta = json.load(open(f"{data_dir}/train-subset.json"))
count = meta["count"]
# The bench file holds images in the vector form's vec layout (for one channel: column-major 28 x 28).
x = np.fromfile(f"{data_dir}/train-subset.x.bin", dtype=np.float32).reshape(count, 28, 28).transpose(0, 2, 1)
x = torch.from_numpy(np.ascontiguousarray(x)).unsqueeze(1)
y = torch.from_numpy(np.fromfile(f"{data_dir}/train-subset.labels.bin", dtype=np.int32).astype(np.int64))

net = nn.Sequential(
    nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(576, 10),
)
opt = torch.optim.SGD(net.parameters(), lr=lr)
batches = count // batch
t = 0
losses = []


def step():
    global t
    b = t % batches
    t += 1
    xb, yb = x[b * batch:(b + 1) * batch], y[b * batch:(b + 1) * batch]
    opt.zero_grad()
    z = net(xb)
    loss = ((z - nn.functional.one_hot(yb, 10).to(z.dtype)) ** 2).sum() / batch
    loss.backward()
    opt.step()
    losses.append(float(loss))


warmup_ms = []
for _ in range(warmup):
    start = time.perf_counter()
    step()
    warmup_ms.append((time.perf_counter() - start) * 1000)
run_ms = []
for _ in range(runs):
    start = time.perf_counter()
    for _ in range(steps):
        step()
    run_ms.append((time.perf_counter() - start) * 1000)
ms_per_step = sorted(run_ms)[len(run_ms) // 2] / steps
print("@@bench-result " + json.dumps({
    "system": "pytorch",
    "description": f"PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} threads)",
    "batch": batch,
    "imagesPerSecond": batch * 1000 / ms_per_step,
    "msPerStep": ms_per_step,
    "runMs": run_ms,
    "stepsPerRun": steps,
    "warmupMs": warmup_ms,
    "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "firstLoss": losses[0],
    "lastLoss": losses[-1],
    "notes": [],
}))

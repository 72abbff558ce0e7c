"""Out of fold with the shipped estimator itself (any kind, params as JSON), in the oof.py format
so score.py / paired.py compare it with the other variants. Same folds (seed 0 over train), real
train negatives in every fold's fit, OLID train as auxiliary data, dev and real dev scored by each
fold's model. Sentence embeddings (tfidf-minilm) are cached by text across folds and variants;
the cascade is switched off (gate 0) so every score is the model's own.

usage: python scripts/oof/estimator.py NAME KIND '{"param": value, ...}'
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

from classifier.kinds import make_model
from classifier.scoring import clean, logit
from training import public
from training.corpus import load_corpus, texts_and_matrix
from training.olid import load_olid_split

name, kind, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
Path("var/oof").mkdir(parents=True, exist_ok=True)
rows = load_corpus(Path("training/data/corpus.jsonl"))
Xt, Y = texts_and_matrix([r for r in rows if r["split"] == "train"])
Xd, Yd = texts_and_matrix([r for r in rows if r["split"] == "dev"])
Xt, Xd = [clean(t) for t in Xt], [clean(t) for t in Xd]
rt = [clean(t) for t in public.real_everyday("train", use_olid=True).all]
rdv = public.real_everyday("dev", use_olid=True)
rd = [clean(t) for t in rdv.all]
olid, olid_y = load_olid_split("train")
aux = ([clean(t) for t in olid], olid_y)
fold = np.random.default_rng(0).integers(0, 3, len(Xt))

cache_path = Path("var/oof/embedding_cache.npz")
cache: dict[str, np.ndarray] = {}
if cache_path.exists():
    with np.load(cache_path) as z:
        cache = dict(zip(z["texts"].tolist(), z["emb"], strict=True))


def cached(model):
    """Wrap a tfidf-minilm model's encoder so each text is embedded once across folds."""
    encoder = model._sentence_encoder()
    raw_embed = encoder.embed

    def embed(texts):
        todo = sorted({t for t in texts if t not in cache})
        if todo:
            for t, e in zip(todo, raw_embed(todo), strict=True):
                cache[t] = e
        return np.stack([cache[t] for t in texts])

    encoder.embed = embed


if kind == "tfidf-minilm":
    params = {"gate": 0.0, **params}
S = np.zeros(Y.shape)
SD = np.zeros((3,) + Yd.shape)
SR = np.zeros((3, len(rd), 4))
t0 = time.monotonic()
for k in range(3):
    model = make_model(kind, params)
    if kind == "tfidf-minilm":
        cached(model)
    trn = fold != k
    texts = [t for t, keep in zip(Xt, trn, strict=True) if keep] + rt
    Yf = np.vstack([Y[trn], np.zeros((len(rt), 4), dtype=Y.dtype)])
    model.fit(texts, Yf, aux=aux)
    S[fold == k] = logit(model.predict_proba([t for t, h in zip(Xt, ~trn, strict=True) if h]))
    SD[k] = logit(model.predict_proba(Xd))
    SR[k] = logit(model.predict_proba(rd))
    print(name, "fold", k, f"{time.monotonic() - t0:.0f}s", flush=True)
if cache:
    np.savez(cache_path, texts=np.array(list(cache)), emb=np.stack(list(cache.values())))
np.savez(
    f"var/oof/oof_{name}.npz", S=S, Y=Y, fold=fold, SD=SD, Yd=Yd, SR=SR, ndav=len(rdv.davidson)
)
print(name, kind, params, f"{time.monotonic() - t0:.0f}s", flush=True)

"""3-fold OOF on TRAIN (never dev-as-measure, never test). Per fold: fit on 2/3 train + real train
negatives; score held-out fold, dev, real dev (full text, no windows). Save raw logits."""

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from classifier.scoring import clean
from classifier.tfidf import TfidfLogReg
from training import public
from training.corpus import load_corpus, texts_and_matrix
from training.olid import load_olid_split

name = sys.argv[1]
cfg = json.loads(sys.argv[2])
Cs = cfg.get("C", [16.0] * 4)
Cs = Cs if isinstance(Cs, list) else [Cs] * 4
alpha = cfg.get("alpha", 0.0)
cw = cfg.get("class_weight", "balanced")
Path("var/oof").mkdir(parents=True, exist_ok=True)
rows = load_corpus(Path("training/data/corpus.jsonl"))
tr = [r for r in rows if r["split"] == "train"]
dv = [r for r in rows if r["split"] == "dev"]
Xt, Y = texts_and_matrix(tr)
Xd, Yd = texts_and_matrix(dv)
Xt = [clean(t) for t in Xt]
Xd = [clean(t) for t in Xd]
rt = [clean(t) for t in public.real_everyday("train", use_olid=True).all]
rdv = public.real_everyday("dev", use_olid=True)
ndav = len(rdv.davidson)
rd = [clean(t) for t in rdv.all]
olid, _ = load_olid_split("train")
m = TfidfLogReg(word_ngram_range=tuple(cfg.get("word", [1, 2])))
t0 = time.monotonic()
vec = m._vectorizer().fit(Xt + rt + [clean(t) for t in olid])


def feats(texts):
    X = vec.transform(texts).tocsr()
    if alpha:
        z = np.load("var/oof/emb.npz")
        idx = {k: i for i, k in enumerate(z["keys"])}
        E = z["emb"][
            [idx[hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest()] for t in texts]
        ]
        X = sparse.hstack([X, sparse.csr_matrix(alpha * E)]).tocsr()
    return X


Xp, Xr, XD, XR = feats(Xt), feats(rt), feats(Xd), feats(rd)
rng = np.random.default_rng(0)
fold = rng.integers(0, 3, len(tr))
S = np.zeros(Y.shape)
SD = np.zeros((3,) + Yd.shape)
SR = np.zeros((3, len(rd), 4))
for k in range(3):
    trn = fold != k
    Xf = sparse.vstack([Xp[trn], Xr]).tocsr()
    for j in range(4):
        yj = np.r_[Y[trn, j], np.zeros(Xr.shape[0])]
        lr = LogisticRegression(C=Cs[j], class_weight=cw, solver="liblinear", max_iter=1000).fit(
            Xf, yj
        )
        S[fold == k, j] = lr.decision_function(Xp[fold == k])
        SD[k, :, j] = lr.decision_function(XD)
        SR[k, :, j] = lr.decision_function(XR)
np.savez(f"var/oof/oof_{name}.npz", S=S, Y=Y, fold=fold, SD=SD, Yd=Yd, SR=SR, ndav=ndav)
print(name, cfg, f"{time.monotonic() - t0:.0f}s", flush=True)

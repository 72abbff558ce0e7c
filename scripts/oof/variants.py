"""Several first-level variants out of fold in one process (features built once), saved in the
oof.py format so score.py / paired.py compare them. Same folds, data and vectorizer as oof.py.

usage: python scripts/oof/variants.py VARIANT [VARIANT ...]
  base            C = 16 for every label (the default; should reproduce oof.py word 1–3)
  C<x>            one shared C = x (e.g. C8, C32, C64)
  nbw<a>_C<x>     NB log-count ratio scaling of the word block (smoothing a), C = x
  nba<a>_C<x>     the same over word and char blocks (suffix _rw<w>: real negatives weighted w)
  rw<w>           real negatives weighted w (e.g. rw0.5)
  cwnone          no class weighting
  stack           per-label logistic regression over the 4 first-level logits (nested OOF)
"""

import re
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
m = TfidfLogReg(word_ngram_range=(1, 3))
vec = m._vectorizer().fit(Xt + rt + [clean(t) for t in olid])
n_word = len(vec.vocabulary_)
Xp, Xr, XD, XR = (vec.transform(t).tocsr() for t in (Xt, rt, Xd, rd))
fold = np.random.default_rng(0).integers(0, 3, len(tr))


def nb_ratio(X, y, a, word_only):
    B = X.copy()
    B.data = np.ones_like(B.data)
    p = a + np.asarray(B[y == 1].sum(0)).ravel()
    q = a + np.asarray(B[y == 0].sum(0)).ravel()
    r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
    if word_only:
        r[n_word:] = 1.0
    return r


def first_level(Xf, yf, sw, C, cw, nb):
    """Fit one label; return a scorer X -> logit."""
    r = None
    if nb is not None:
        r = nb_ratio(Xf, yf, *nb)
        Xf = Xf.multiply(r).tocsr()
    lr = LogisticRegression(C=C, class_weight=cw, solver="liblinear", max_iter=1000)
    lr.fit(Xf, yf, sample_weight=sw)
    w = lr.coef_[0] * (r if r is not None else 1.0)
    b = lr.intercept_[0]
    return lambda X: np.asarray(X @ w).ravel() + b


def run(name):
    C, rw = 16.0, 1.0
    cw: str | None = "balanced"
    nb: tuple[float, bool] | None = None
    if mt := re.fullmatch(r"C([\d.]+)", name):
        C = float(mt[1])
    elif mt := re.fullmatch(r"nb([wa])([\d.]+)_C([\d.]+)(?:_rw([\d.]+))?", name):
        nb, C = (float(mt[2]), mt[1] == "w"), float(mt[3])
        rw = float(mt[4]) if mt[4] else 1.0
    elif mt := re.fullmatch(r"rw([\d.]+)", name):
        rw = float(mt[1])
    elif name == "cwnone":
        cw = None
    elif name != "base":
        raise SystemExit(f"unknown variant {name}")
    t0 = time.monotonic()
    S = np.zeros(Y.shape)
    SD = np.zeros((3,) + Yd.shape)
    SR = np.zeros((3, len(rd), 4))
    for k in range(3):
        trn = fold != k
        Xf = sparse.vstack([Xp[trn], Xr]).tocsr()
        sw = np.r_[np.ones(trn.sum()), np.full(Xr.shape[0], rw)]
        for j in range(4):
            yj = np.r_[Y[trn, j], np.zeros(Xr.shape[0])]
            f = first_level(Xf, yj, sw, C, cw, nb)
            S[fold == k, j] = f(Xp[fold == k])
            SD[k, :, j] = f(XD)
            SR[k, :, j] = f(XR)
    np.savez(f"var/oof/oof_{name}.npz", S=S, Y=Y, fold=fold, SD=SD, Yd=Yd, SR=SR, ndav=ndav)
    print(name, f"{time.monotonic() - t0:.0f}s", flush=True)


def run_stack(name="stack", C=16.0, stack_C=1.0):
    """Outer fold k: the first level is fitted on train[fold != k] + real negatives; a nested
    3-fold pass over that same training set gives OOF logits (real negatives included), on
    which a per-label LR over the 4 logits is fitted; it maps the outer model's logits."""
    t0 = time.monotonic()
    S = np.zeros(Y.shape)
    SD = np.zeros((3,) + Yd.shape)
    SR = np.zeros((3, len(rd), 4))
    for k in range(3):
        trn = fold != k
        Xf = sparse.vstack([Xp[trn], Xr]).tocsr()
        Yf = np.vstack([Y[trn], np.zeros((Xr.shape[0], 4))])
        inner = np.random.default_rng(1).integers(0, 3, Xf.shape[0])
        Z = np.zeros(Yf.shape)
        for i in range(3):
            it = inner != i
            for j in range(4):
                f = first_level(Xf[it], Yf[it, j], None, C, "balanced", None)
                Z[inner == i, j] = f(Xf[inner == i])
        outer = [first_level(Xf, Yf[:, j], None, C, "balanced", None) for j in range(4)]

        def logits(X, outer=outer):
            return np.column_stack([f(X) for f in outer])

        H, D, R = logits(Xp[fold == k]), logits(XD), logits(XR)
        for j in range(4):
            st = LogisticRegression(C=stack_C, class_weight="balanced").fit(Z, Yf[:, j])
            S[fold == k, j] = st.decision_function(H)
            SD[k, :, j] = st.decision_function(D)
            SR[k, :, j] = st.decision_function(R)
            print(name, k, j, np.round(st.coef_[0], 2), flush=True)
    np.savez(f"var/oof/oof_{name}.npz", S=S, Y=Y, fold=fold, SD=SD, Yd=Yd, SR=SR, ndav=ndav)
    print(name, f"{time.monotonic() - t0:.0f}s", flush=True)


for v in sys.argv[1:]:
    run_stack() if v == "stack" else run(v)

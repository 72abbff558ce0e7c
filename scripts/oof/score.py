"""Operating point from dev + real dev (per fold model), applied to the held-out fold."""

import sys

import numpy as np
from sklearn.metrics import average_precision_score

from probity.models.review import LABELS
from training.operating_point import choose_operating_point, fit_calibration


def sig(z):
    return 1 / (1 + np.exp(-z))


def per_label_f1(Y, P):
    tp = (P & (Y == 1)).sum(0)
    d = P.sum(0) + Y.sum(0)
    return np.where(d > 0, 2 * tp / np.maximum(d, 1), 0)


def share_point(cd, Yd, cr, p, cap, mode):
    Yb = Yd.astype(bool)
    npos = Yb.sum(0)
    share = npos / npos.sum() if mode == "share" else np.full(4, 0.25)
    th = np.ones(4)
    for j in range(4):
        p_l = p * npos[j] / max(Yb.any(1).sum(), 1)
        for t in np.unique(np.r_[cd[:, j], cr[:, j]]):
            R = (cd[Yb[:, j], j] >= t).mean()
            F = (cr[:, j] >= t).mean()
            if 1000 * (p_l * R + (1 - p) * F) <= cap * share[j]:
                th[j] = t
                break
    return th


def run(path, p=0.01, cap=20, mode="opt"):
    if mode == "free":
        cap = 1000
    z = np.load(path)
    S, Y, fold, SD, Yd, SR = z["S"], z["Y"], z["fold"], z["SD"], z["Yd"], z["SR"]
    P = np.zeros(Y.shape, bool)
    fr = []
    fm = []
    for k in range(3):
        cal = fit_calibration(sig(SD[k]), Yd, sig(SR[k]), p)
        cd, cr, ch = cal.apply(sig(SD[k])), cal.apply(sig(SR[k])), cal.apply(sig(S[fold == k]))
        if mode == "free":
            op = choose_operating_point(cd, Yd, cr, p, 1000, 0.85)
            th = np.array([op.thresholds[l] for l in LABELS])
        elif mode == "opt":
            op = choose_operating_point(cd, Yd, cr, p, cap, 0.85)
            th = np.array([op.thresholds[l] for l in LABELS])
        else:
            th = share_point(cd, Yd, cr, p, cap, mode)
        P[fold == k] = ch >= th
        fr.append((cr >= th).any(1).mean())
        fm.append(per_label_f1(Y[fold == k], P[fold == k]).mean())
    ap = [average_precision_score(Y[:, j], S[:, j]) for j in range(4)]
    f1 = per_label_f1(Y, P)
    R = P[Y.any(1)].any(1).mean()
    return f"{path.split('oof_')[1][:-4]:>14} {mode:>5} cap {cap}: OOF@op macroF1 {f1.mean():.4f} {np.round(f1, 3)} folds {np.round(fm, 3)} | AP {np.mean(ap):.4f} {np.round(ap, 3)} | R {R:.3f} realdev FPR {np.mean(fr):.4f}"


if __name__ == "__main__":
    for path in sys.argv[1:]:
        # the config's operating point, no capacity limit, capacity split by dev share / equally
        for mode in ("opt", "free", "share", "equal"):
            print(run(path, mode=mode), flush=True)
        for cap in (15, 25, 30):
            print(run(path, cap=cap), flush=True)

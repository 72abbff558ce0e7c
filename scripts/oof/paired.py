"""Paired bootstrap over train posts of OOF macro-F1 at the operating point (B minus A)."""

import sys

import numpy as np

sys.path.insert(0, "scripts/oof")
from score import per_label_f1, sig  # type: ignore[import-not-found]

from probity.models.review import LABELS
from training.operating_point import choose_operating_point, fit_calibration


def preds(path):
    z = np.load(path)
    S, Y, fold, SD, Yd, SR = z["S"], z["Y"], z["fold"], z["SD"], z["Yd"], z["SR"]
    P = np.zeros(Y.shape, bool)
    for k in range(3):
        cal = fit_calibration(sig(SD[k]), Yd, sig(SR[k]), 0.01)
        cd, cr = cal.apply(sig(SD[k])), cal.apply(sig(SR[k]))
        op = choose_operating_point(cd, Yd, cr, 0.01, 20, 0.85)
        P[fold == k] = cal.apply(sig(S[fold == k])) >= np.array([op.thresholds[l] for l in LABELS])
    return Y, P


Y, A = preds(sys.argv[1])
_, B = preds(sys.argv[2])
rng = np.random.default_rng(1)
draws = []
for _ in range(1000):
    i = rng.integers(0, len(Y), len(Y))
    draws.append(per_label_f1(Y[i], B[i]).mean() - per_label_f1(Y[i], A[i]).mean())
d = np.array(draws)
print(
    f"{sys.argv[2]} - {sys.argv[1]}: {per_label_f1(Y, B).mean() - per_label_f1(Y, A).mean():+.4f}  95% [{np.quantile(d, 0.025):+.4f}, {np.quantile(d, 0.975):+.4f}]  P(d<=0)={np.mean(d <= 0):.3f}"
)

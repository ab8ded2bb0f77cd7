"""Screening by relevance: TF-IDF features and logistic regression, as ASReview ranks.

Simple and explainable on purpose: each record is its title and abstract as TF-IDF
weights; a logistic regression learns from the title/abstract decisions made so far
(include = relevant, exclude = not; maybe teaches nothing) and orders the undecided
records by the probability it gives them. The terms with the largest weights are the
explanation shown to the person screening. Deterministic: the same decisions give the
same order (fixed solver, fixed seed, ties kept in import order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from peerref.core.model import ReferenceId

# scikit-learn and numpy are imported where used: importing scikit-learn takes a second
# or more, which every ``peerref-cli`` command would otherwise pay.

# Retrain after this many new decisions, as ASReview does by default-ish: often enough
# that the order follows the person, rarely enough that a key press never waits for it.
RETRAIN_EVERY = 5
_MAX_FEATURES = 50_000


class RankingStep(Enum):
    """The long steps of a ranking, in order, as reported to a progress bar.

    The first two happen once per screening session (the TF-IDF matrix is kept); a
    retraining after more decisions goes straight to training.
    """

    READING_TEXTS = "Reading texts"
    BUILDING_FEATURES = "Building features"
    TRAINING = "Training"
    ORDERING = "Ordering"

    @property
    def number(self) -> int:
        """The step's place, from 0: how many steps are done when it begins."""
        return list(RankingStep).index(self)


# Called as each step begins; it may raise to stop the ranking there.
StepReporter = Callable[[RankingStep], None]


def _no_report(step: RankingStep) -> None:
    """Nobody asked for progress."""


@dataclass(frozen=True, slots=True)
class Ranked:
    """An order of undecided records and why: the terms that weigh most either way."""

    order: tuple[ReferenceId, ...]
    trained: bool
    relevant_terms: tuple[str, ...] = ()
    irrelevant_terms: tuple[str, ...] = ()


class RelevanceRanker:
    """Ranks a fixed set of records; build once per screening session, rank many times."""

    def __init__(self, texts: Mapping[ReferenceId, str], *, seed: int = 0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._ids = list(texts)
        self._row = {ref_id: index for index, ref_id in enumerate(self._ids)}
        self._seed = seed
        self._vectorizer = TfidfVectorizer(
            sublinear_tf=True,
            stop_words="english",
            max_features=_MAX_FEATURES,
            ngram_range=(1, 2),
            min_df=1,
        )
        documents = [texts[i] for i in self._ids]
        self._matrix: Any = None
        self._names: Any = None
        if any(doc.strip() for doc in documents):
            try:
                self._matrix = self._vectorizer.fit_transform(documents)
            except ValueError:  # nothing but stop words
                self._matrix = None

    def rank(
        self,
        labels: Mapping[ReferenceId, bool],
        candidates: Sequence[ReferenceId],
        step: StepReporter = _no_report,
    ) -> Ranked:
        """``candidates`` most probably relevant first, learnt from ``labels``.

        Until there is at least one relevant and one irrelevant record to learn from,
        the candidates keep the order given. ``step`` hears of training and ordering as
        they begin (and may raise to stop before either).
        """
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        known = [i for i in labels if i in self._row]
        classes = {labels[i] for i in known}
        if self._matrix is None or len(classes) < 2:
            return Ranked(tuple(candidates), trained=False)
        step(RankingStep.TRAINING)
        rows = [self._row[i] for i in known]
        model = LogisticRegression(
            C=10.0,
            class_weight="balanced",
            max_iter=1000,
            solver="liblinear",
            random_state=self._seed,
        )
        model.fit(self._matrix[rows], np.array([1 if labels[i] else 0 for i in known]))
        step(RankingStep.ORDERING)
        scored = [i for i in candidates if i in self._row]
        unscored = [i for i in candidates if i not in self._row]
        if scored:
            rows_of = np.fromiter((self._row[i] for i in scored), dtype=np.int64)
            probability = model.predict_proba(self._matrix[rows_of])[:, 1]
            # Stable: equal probabilities keep the order the candidates came in.
            order = np.argsort(-probability, kind="stable")
            ranked = [scored[k] for k in order.tolist()]
        else:
            ranked = []
        weights = model.coef_[0]
        if self._names is None:  # built once: 50,000 strings take a while
            self._names = self._vectorizer.get_feature_names_out()
        names = self._names
        top = np.argsort(weights)
        return Ranked(
            tuple(ranked + unscored),
            trained=True,
            relevant_terms=tuple(str(names[k]) for k in top[::-1][:8] if weights[k] > 0),
            irrelevant_terms=tuple(str(names[k]) for k in top[:8] if weights[k] < 0),
        )

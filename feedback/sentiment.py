"""Sentiment suggestions for feedback text: VADER (`vaderSentiment`), offline and deterministic — its lexicon
ships inside the package, nothing is downloaded at run time.

`suggest(text)` gives a label, VADER's compound score (−1 to 1), a confidence (0 to 1) and the rationale:
the lexicon words of the text that pushed it that way, strongest first (at most `RATIONALE_WORDS`).

- positive: compound ≥ 0.05; negative: compound ≤ −0.05; neutral in between (VADER's own cut-offs);
- confidence of a positive or negative label: |compound| (how far from neutral VADER put it);
- confidence of a neutral label: how close to 0 the compound is, when the text carries sentiment words that
  cancel out; 0 when it carries none (nothing to judge by: a person decides).
A suggestion whose confidence is below `settings.FEEDBACK_SENTIMENT_CONFIDENCE` (percent) waits for a person.
Whether a suggestion may be made at all (the customer's consent) is the service's question, not this one's.
"""

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from feedback.models import Sentiment

POSITIVE_AT, NEGATIVE_AT = 0.05, -0.05
RATIONALE_WORDS = 5
_WORDS = re.compile(r"[a-z][a-z'\-]*")


@dataclass(frozen=True)
class Suggestion:
    label: str
    score: float
    confidence: float
    rationale: list[str]

    @property
    def needs_confirmation(self) -> bool:
        return self.confidence * 100 < settings.FEEDBACK_SENTIMENT_CONFIDENCE


@functools.cache
def _analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()  # reads the lexicon file shipped in the package, once per process


def _label(compound: float) -> str:
    if compound >= POSITIVE_AT:
        return Sentiment.POSITIVE
    if compound <= NEGATIVE_AT:
        return Sentiment.NEGATIVE
    return Sentiment.NEUTRAL


def _rationale(text: str, label: str, lexicon: dict[str, float]) -> list[str]:
    valences: dict[str, float] = {}
    for word in _WORDS.findall(text.lower()):
        valence = lexicon.get(word)
        if valence is None:
            continue
        if (label == Sentiment.POSITIVE and valence <= 0) or (label == Sentiment.NEGATIVE and valence >= 0):
            continue
        valences[word] = valence
    return sorted(valences, key=lambda word: (-abs(valences[word]), word))[:RATIONALE_WORDS]


def suggest(text: str) -> Suggestion | None:
    """VADER's suggestion for this text; None for a text with no words."""
    if not text or not text.strip():
        return None
    analyser = _analyser()
    compound = float(analyser.polarity_scores(text)["compound"])
    label = _label(compound)
    rationale = _rationale(text, label, analyser.lexicon)
    if label == Sentiment.NEUTRAL:
        confidence = (1 - abs(compound) / POSITIVE_AT) if rationale else 0.0
    else:
        confidence = abs(compound)
    return Suggestion(
        label=label, score=round(compound, 4), confidence=round(min(confidence, 1.0), 4), rationale=rationale
    )

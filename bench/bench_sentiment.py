"""Feedback-like texts for the sentiment throughput (bench/feedback.py): 1–4 sentences drawn (seeded) from
praise, complaints, mixed and neutral remarks — with negations, intensifiers, contrasts ("but"), capitals,
exclamation marks and emoticons, the cases VADER's rules work on — and the generated rows' own texts.
"""

import random

SENTENCES = (
    # the generated rows' texts (bench/generate_feedback.py)
    "Said something.",
    "Fine.",
    "Late again.",
    # praise
    "The onboarding was smooth and the team was very helpful.",
    "Great support, our account manager answered within the hour!",
    "We are really happy with the new reporting, it saves us a lot of time.",
    "Excellent service as always :)",
    "The migration went better than expected, thank you.",
    "Friendly, competent people who actually listen.",
    "Love the new dashboard, much clearer than before.",
    "Invoices are finally correct and on time.",
    # complaints
    "The delivery was late again and nobody told us.",
    "Support is SLOW and the answers do not solve anything.",
    "We were charged twice this month, which is unacceptable.",
    "Terrible experience with the outage last week, we lost a full day of work.",
    "The portal keeps logging us out, very frustrating.",
    "Nobody called back although we asked three times :(",
    "The new contract terms are confusing and the price increase is hard to justify.",
    "Worst quarter so far: missed deadlines, wrong invoices, no escalation.",
    # negated, mixed, contrasted
    "Not bad, but the response times could be better.",
    "The product is good, but the billing is a mess.",
    "I wouldn't say the service is great, it is just okay.",
    "The team is not unhelpful, just overloaded.",
    "Nice people, but the process is painfully slow!!!",
    "It was not the worst, although we expected more.",
    "Kind of disappointed with the training, the material was fine though.",
    # neutral or factual
    "We renewed the contract for two more years.",
    "Please send the report to our finance department.",
    "The meeting is moved to Thursday.",
    "Our main contact changed in March.",
    "Scored you a 7, see the comments from procurement.",
    "We use the service in three countries.",
)


def texts(count: int, seed: int = 16) -> list[str]:
    """`count` texts of 1–4 sentences (one in three a single sentence), the same for the same seed."""
    rng = random.Random(seed)
    return [" ".join(rng.choices(SENTENCES, k=rng.choice((1, 1, 1, 2, 2, 3, 4)))) for _ in range(count)]

"""How long ranking a backlog takes (scores, ranks, ±20% sensitivity with 200 runs, disagreement),
for backlogs of growing size. Pure pandas/numpy: no database. Prints figures; asserts nothing.

    PYTHONPATH=. python bench/priorities.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from registry.priorities import backlog, scoring

GOALS = [1, 2, 3, 4, 5]
WEIGHTS = scoring.Weights(
    {"alignment": 3, "benefit": 2, "urgency": 1, "risk_reduction": 1, "breadth": 1, "effort": 2}, {g: 1 for g in GOALS}
)


def frames(count: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    index = pd.Index(np.arange(1, count + 1), name="need_id")
    needs = pd.DataFrame(
        {
            "title": "behov",
            "state": "ready",
            "kind": "development_project",
            "area_id": rng.integers(1, 7, count),
            "effort_days": rng.integers(1, 200, count).astype(float),
            "departments": rng.integers(1, 5, count),
            "institutions": rng.integers(0, 3, count),
            "department_names": "",
        },
        index=index,
    )
    raters = 3
    criteria = ["benefit", "urgency", "risk_reduction", *(scoring.goal_key(g) for g in GOALS)]
    ratings = pd.DataFrame(
        {
            "need_id": np.repeat(index.to_numpy(), raters * len(criteria)),
            "rater_id": np.tile(np.repeat(np.arange(raters), len(criteria)), count),
            "criterion": np.tile(criteria, count * raters),
            "value": rng.integers(0, 4, count * raters * len(criteria)).astype(float),
        }
    )
    return needs, ratings


def main() -> None:
    print(f"{'scored needs':>13} {'rank + sensitivity (ms)':>24}")
    for count in (100, 1_000, 10_000):
        needs, ratings = frames(count)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            backlog.rank_backlog(needs, ratings, GOALS, {None: WEIGHTS})
            best = min(best, time.perf_counter() - started)
        print(f"{count:>13,} {best * 1000:>24.0f}")


if __name__ == "__main__":
    main()

"""Derived figures of solutions (`SolutionFigures`): computed here, in a bounded number of
queries per batch of solutions, by the services and by the migration that backfilled them.

The model classes come from an app registry so that the data migration can run the same
code with its historical models (docs/decisions/0013).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from django.apps import apps as global_apps
from django.db.models import Avg, Count

BATCH = 2000
ACTION1 = "criterion"  # GridAxis.ACTION1 (plain value: the migration uses it too)
ABANDONED = "abandoned"

# solution id -> {"aiact_outcome": ..., "frugality_grade": ...}; supplied by the caller
# (the assessment app's summaries) so that this module does not import it.
AssessmentLookup = Callable[[list[int]], Mapping[int, Mapping[str, str]]]


def compute(solution_ids: Iterable[int], *, apps=global_apps, assessments=None) -> list:
    """Unsaved `SolutionFigures` for `solution_ids`, four queries per batch (plus the
    assessment lookup's)."""
    solution_figures = apps.get_model("catalogue", "SolutionFigures")
    review = apps.get_model("catalogue", "Review")
    review_score = apps.get_model("catalogue", "ReviewScore")
    reference = apps.get_model("catalogue", "Reference")
    ids = list(dict.fromkeys(solution_ids))
    rows = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        reviews = dict(
            review.objects.filter(solution_id__in=batch)
            .order_by()
            .values_list("solution_id")
            .annotate(n=Count("pk"))
        )
        references = dict(
            reference.objects.filter(solution_id__in=batch)
            .exclude(status=ABANDONED)
            .order_by()
            .values_list("solution_id")
            .annotate(n=Count("pk"))
        )
        all_means: dict[int, list[float]] = defaultdict(list)
        for solution_id, _key, mean in (
            review_score.objects.filter(review__solution_id__in=batch)
            .order_by()
            .values_list("review__solution_id", "criterion__key")
            .annotate(mean=Avg("score"))
        ):
            all_means[solution_id].append(float(mean))
        action1: dict[int, dict[str, float]] = defaultdict(dict)
        for solution_id, key, mean in (
            review_score.objects.filter(review__solution_id__in=batch, criterion__axis=ACTION1)
            .order_by()
            .values_list("review__solution_id", "criterion__key")
            .annotate(mean=Avg("score"))
        ):
            action1[solution_id][key] = float(mean)
        assessed = assessments(batch) if assessments else {}
        for solution_id in batch:
            means = all_means.get(solution_id)
            assessment = assessed.get(solution_id, {})
            rows.append(
                solution_figures(
                    solution_id=solution_id,
                    review_count=reviews.get(solution_id, 0),
                    reference_count=references.get(solution_id, 0),
                    mean_score=sum(means) / len(means) if means else None,
                    criterion_means=action1.get(solution_id, {}),
                    aiact_outcome=assessment.get("aiact_outcome", ""),
                    frugality_grade=assessment.get("frugality_grade", ""),
                )
            )
    return rows


FIELDS = [
    "review_count",
    "reference_count",
    "mean_score",
    "criterion_means",
    "aiact_outcome",
    "frugality_grade",
    "updated_at",
]


def save(rows: list, *, apps=global_apps) -> None:
    """Insert or overwrite the rows (one statement per batch on both databases)."""
    solution_figures = apps.get_model("catalogue", "SolutionFigures")
    solution_figures.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["solution"],
        update_fields=FIELDS,
    )

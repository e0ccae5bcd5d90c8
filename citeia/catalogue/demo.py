"""Demo catalogue: fictional vendors, solutions, references and expert reviews.

Everything comes from data/demo_catalogue.json and is invented — vendors, products,
people, feedback and scores — except the communes, which are the real default
territory. Demo vendors have no SIREN (an invented one could be someone's real
number). Solutions go through the importer, so the demo also exercises it.

Idempotent: a second run finds every row as it should be and writes nothing. The
workflow status of a solution is only set when it is created, so a demo user who
moves a solution through the workflow keeps their change.
"""

import datetime
import json
import zlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citeia.accounts.demo import DEMO_DOMAIN
from citeia.accounts.models import Membership, MembershipStatus, Organisation, User
from citeia.core.permissions import MemberRole, PlatformRole

from .importer import Importer
from .models import (
    GridAxis,
    GridVersion,
    Network,
    PurchasingCentral,
    Reference,
    Review,
    ReviewScore,
    Solution,
    SolutionStatus,
    VendorAnswer,
    VendorProfile,
)
from .services import solution_figures_refresh

DATA = Path(__file__).resolve().parent / "data" / "demo_catalogue.json"
VENDOR_MANAGER = f"fournisseur@{DEMO_DOMAIN}"

# What a reviewer writes for each criterion and level; the facts of the solution follow.
LEVELS = {
    "valeur-technologique": [
        "Aucun apport démontré de l'IA par rapport à un outil classique.",
        "Apport de l'IA limité et non mesuré.",
        "Apport réel sur une partie du processus seulement.",
        "Apport net sur le cœur du processus, constaté chez des collectivités utilisatrices.",
        "L'IA transforme le service rendu, avec des gains mesurés et publiés.",
    ],
    "innovation": [
        "Reprise d'une pratique ancienne sans nouveauté.",
        "Nouveauté surtout marketing.",
        "Usage connu, bien adapté au contexte communal.",
        "Approche originale pour les collectivités, encore peu répandue.",
        "Approche nouvelle, documentée et reproductible par d'autres.",
    ],
    "adequation-besoins": [
        "Ne répond pas à un besoin exprimé par les services.",
        "Besoin réel mais couverture très partielle.",
        "Répond au besoin avec des adaptations importantes.",
        "Répond au besoin des services rencontrés, avec peu d'adaptations.",
        "Conçu avec les agents et validé par plusieurs collectivités.",
    ],
    "souverainete-donnees": [
        "Données traitées hors de l'UE sans garantie.",
        "Dépendance forte au fournisseur, réversibilité incertaine.",
        "Hébergement acceptable, réversibilité à préciser dans le contrat.",
        "Hébergement maîtrisé et export complet des données.",
        "La collectivité garde données, code et modèle sous son contrôle.",
    ],
    "cadre-juridique": [
        "Obligations légales non identifiées.",
        "Analyse juridique incomplète (base légale ou information du public manquante).",
        "Cadre identifié ; documents à compléter (AIPD, registre).",
        "Cadre juridique documenté ; AIPD fournie lorsque nécessaire.",
        "Conformité documentée et vérifiable, transparence sur l'algorithme.",
    ],
    "impact-environnemental": [
        "Impact non évalué et a priori élevé.",
        "Modèle lourd utilisé pour une tâche simple.",
        "Impact moyen ; aucune mesure fournie.",
        "Modèle dimensionné au besoin ; consommation estimée.",
        "Approche sobre, consommation mesurée et publiée.",
    ],
}


def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


class _Passwords:
    """Set the demo password on many accounts while hashing it only once."""

    def __init__(self, password: str) -> None:
        self.password = password
        self.encoded: str | None = None
        self.checked: dict[str, bool] = {}

    def ensure(self, user: User) -> None:
        if user.password not in self.checked:
            self.checked[user.password] = bool(user.password) and check_password(
                self.password, user.password
            )
        if not self.checked[user.password]:
            self.encoded = self.encoded or make_password(self.password)
            user.password = self.encoded
            user.save(update_fields=["password"])


def _user(email: str, full_name: str, job_title: str, role: str, passwords: _Passwords) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email, full_name=full_name, job_title=job_title, platform_role=role
        )
    passwords.ensure(user)
    return user


def _vendors(data: dict) -> dict[str, Organisation]:
    networks = {n.slug: n for n in Network.objects.all()}
    centrals = {c.slug: c for c in PurchasingCentral.objects.all()}
    vendors = {}
    for item in data["vendors"]:
        organisation = Organisation.objects.filter(slug=item["slug"]).first()
        if organisation is None:  # accounts.demo creates three of them, with the same data
            organisation = Organisation(slug=item["slug"])
        fields = {key: item[key] for key in ("name", "kind", "description", "website")}
        fields.update(is_demo=True, siren="")
        if organisation.pk is None or any(getattr(organisation, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(organisation, key, value)
            organisation.full_clean()
            organisation.save()
        profile, _created = VendorProfile.objects.get_or_create(organisation=organisation)
        if profile.size != item["size"]:
            profile.size = item["size"]
            profile.save(update_fields=["size"])
        wanted = {networks[slug].pk for slug in item["networks"]}
        if set(profile.networks.values_list("pk", flat=True)) != wanted:
            profile.networks.set(wanted)
        wanted = {centrals[slug].pk for slug in item["purchasing_centrals"]}
        if set(profile.purchasing_centrals.values_list("pk", flat=True)) != wanted:
            profile.purchasing_centrals.set(wanted)
        vendors[item["slug"]] = organisation
    return vendors


def _referents(data: dict, passwords: _Passwords) -> dict[str, tuple[User, Organisation]]:
    """One agent per commune, member of its commune, who agreed to be contacted."""
    communes = {
        o.commune.insee_code: o
        for o in Organisation.objects.filter(
            commune__insee_code__in=[r["commune"] for r in data["referents"]]
        ).select_related("commune")
    }
    referents = {}
    for item in data["referents"]:
        organisation = communes[item["commune"]]
        email = f"referent.{slugify(organisation.commune.name)}@{DEMO_DOMAIN}"
        user = _user(email, item["full_name"], item["job_title"], PlatformRole.NONE, passwords)
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            Membership.objects.create(
                user=user,
                organisation=organisation,
                role=MemberRole.MEMBER,
                status=MembershipStatus.ACTIVE,
                decided_at=timezone.now(),
            )
        referents[item["commune"]] = (user, organisation)
    return referents


def _set_initial_status(solution: Solution, status: str, message: str) -> None:
    solution.status = status
    solution.status_message = message
    if status in (SolutionStatus.PUBLISHED, SolutionStatus.ARCHIVED):
        solution.published_at = solution.published_at or timezone.now()
    solution._change_reason = _("Données de démonstration")
    solution.save()


def _solution(item: dict, importer: Importer, number: int) -> Solution:
    record = {key: value for key, value in item["record"].items() if value is not None}
    demo = item["demo"]
    importer.publish = demo["status"] == SolutionStatus.PUBLISHED
    result, errors = importer.import_one(record, line=number)
    if errors:  # the shipped data is wrong (solution number N of the file): fail loudly
        raise ValueError("; ".join(str(error) for error in errors))
    solution = Solution.objects.get(pk=result.solution_id)
    if result.action == "created" and solution.status != demo["status"]:
        _set_initial_status(solution, demo["status"], demo["status_message"])
    return solution


def _references(solution: Solution, item: dict, referents: dict) -> None:
    existing = {r.organisation_id: r for r in solution.references.all()}
    for reference in item["demo"]["references"]:
        referent, organisation = referents[reference["organisation"]]
        values = {
            "status": reference["status"],
            "since": _date(reference["since"]),
            "public_feedback": reference["public_feedback"],
            "referent_id": referent.pk,
            "referent_consent": True,
        }
        row = existing.get(organisation.pk)
        if row is None:
            Reference.objects.create(solution=solution, organisation=organisation, **values)
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save()


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _spread(solution: Solution, key: str, expert: User) -> int:
    """A stable, plausible disagreement between experts: mostly 0, sometimes ±1."""
    return (-1, 0, 0, 0, 1)[zlib.crc32(f"{solution.slug}:{key}:{expert.email}".encode()) % 5]


def _facts(solution: Solution, key: str) -> str:
    if key == "souverainete-donnees":
        model = solution.get_model_provenance_display()
        if solution.model_name:
            model += f" ({solution.model_name})"
        return _("Hébergement : %(hosting)s. Modèle : %(model)s.") % {
            "hosting": solution.get_hosting_display().lower(),
            "model": model.lower(),
        }
    if key == "cadre-juridique":
        return _("Données : %(data)s. Accessibilité : %(a11y)s.") % {
            "data": solution.get_personal_data_display().lower(),
            "a11y": solution.get_accessibility_display().lower(),
        }
    if key == "impact-environnemental":
        return _("Déploiement : %(deployment)s.") % {
            "deployment": solution.get_deployment_display().lower()
        }
    if key == "adequation-besoins":
        return _("Maturité : %(maturity)s.") % {"maturity": solution.get_maturity_display().lower()}
    return ""


def _reviews(solution: Solution, item: dict, experts: list[tuple[User, str]], grid, criteria):
    base = item["demo"]["scores"]
    existing = {r.expert_id: r for r in solution.reviews.prefetch_related("scores")}
    existing_ids = {r.pk for r in existing.values()}
    for expert, angle in experts[: item["demo"]["reviewers"]]:
        scores = {
            criterion: max(0, min(4, base[i] + _spread(solution, criterion.key, expert)))
            for i, criterion in enumerate(criteria)
        }
        best = max(scores, key=lambda c: (scores[c], -c.position))
        worst = min(scores, key=lambda c: (scores[c], c.position))
        summary = _(
            "%(angle)s. Point fort : %(best)s (%(best_score)s/4). "
            "Point de vigilance : %(worst)s (%(worst_score)s/4)."
        ) % {
            "angle": angle,
            "best": best.name.lower(),
            "best_score": scores[best],
            "worst": worst.name.lower(),
            "worst_score": scores[worst],
        }
        review = existing.get(expert.pk)
        if review is None:
            review = Review.objects.create(
                solution=solution, expert=expert, grid=grid, summary=summary
            )
        elif review.summary != summary:
            review.summary = summary
            review.save(update_fields=["summary", "updated_at"])
        rows = (
            {row.criterion_id: row for row in review.scores.all()}
            if review.pk in existing_ids
            else {}
        )
        new = []
        for criterion, score in scores.items():
            justification = " ".join(
                part
                for part in (LEVELS[criterion.key][score], _facts(solution, criterion.key))
                if part
            )
            row = rows.get(criterion.pk)
            if row is None:
                new.append(
                    ReviewScore(
                        review=review, criterion=criterion, score=score, justification=justification
                    )
                )
            elif (row.score, row.justification) != (score, justification):
                row.score, row.justification = score, justification
                row.save(update_fields=["score", "justification"])
        ReviewScore.objects.bulk_create(new)


def _vendor_answer(solution: Solution) -> None:
    """The demo vendor manager answers one review of their own solution."""
    author = User.objects.filter(email=VENDOR_MANAGER).first()
    review = solution.reviews.order_by("pk").first()
    if author is None or review is None or VendorAnswer.objects.filter(review=review).exists():
        return
    VendorAnswer.objects.create(
        review=review,
        author=author,
        text=_(
            "Merci pour cette évaluation. L'analyse d'impact est désormais jointe au contrat "
            "type, et une mesure de la consommation énergétique est prévue pour la version 4.3."
        ),
    )


def demo_catalogue_accounts() -> list[tuple[str, str]]:
    """(e-mail, what the account is for) of the accounts this demo adds, for display."""
    data = _data()
    return [(e["email"], f"experte ou expert ({e['job_title']})") for e in data["experts"]] + [
        (
            f"referent.<commune>@{DEMO_DOMAIN}",
            f"référents des communes utilisatrices ({len(data['referents'])} comptes)",
        )
    ]


def load_demo_catalogue(*, password: str) -> dict[str, int]:
    """Create or refresh the demo catalogue. Idempotent. Returns counts for display."""
    # Stored texts (justifications, history reasons) are French, whatever the active language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _load(password)


def _load(password: str) -> dict[str, int]:
    data = _data()
    passwords = _Passwords(password)
    vendors = _vendors(data)
    experts = [
        (
            _user(e["email"], e["full_name"], e["job_title"], PlatformRole.EXPERT, passwords),
            e["angle"],
        )
        for e in data["experts"]
    ]
    referents = _referents(data, passwords)
    # The current grid, or the first one (which the demo scores were written for) if the
    # programme team has since changed the Action 1 criteria.
    for grid in (
        GridVersion.objects.order_by("-number").first(),
        GridVersion.objects.get(number=1),
    ):
        criteria = list(grid.criteria.filter(axis=GridAxis.ACTION1).order_by("position"))
        if [c.key for c in criteria] == list(LEVELS):
            break
    else:
        raise ValueError("The demo scores follow grid v1's criteria: update LEVELS and the data.")
    solutions = []
    importer = Importer(actor=None, publish=False, is_demo=True)
    for number, item in enumerate(data["solutions"], start=1):
        solution = _solution(item, importer, number)
        solutions.append(solution)
        _references(solution, item, referents)
        if item["demo"]["scores"]:
            _reviews(solution, item, experts, grid, criteria)
    _vendor_answer(next(s for s in solutions if s.vendor.slug == "demo-civitext"))
    solution_figures_refresh(solution_ids=[s.pk for s in solutions])
    return {
        "solutions": len(solutions),
        "vendors": len(vendors),
        "experts": len(experts),
        "referents": len(referents),
        "reviews": Review.objects.filter(solution__in=solutions).count(),
    }

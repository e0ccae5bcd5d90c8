"""Columns of the register's exports: stable ids first (record, organisation SIREN and
INSEE code), then every field of the published version. Withheld fields are empty and
listed with their legal reason; nothing of the working copy or of requesters leaves."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from citeia.core.exports import Column

from .schema import FIELDS


def _withheld(version) -> str:
    return "|".join(
        f"{name}:{reason}" for name, reason in version.snapshot.get("withheld", {}).items()
    )


def version_columns(request, fmt: str) -> list[Column]:
    def absolute(version):
        return request.build_absolute_uri(
            reverse("registry:record_detail", args=[version.snapshot["public_id"]])
        )

    columns = [
        Column("public_id", pgettext_lazy("colonne d'export", "identifiant"), "snapshot.public_id"),
        Column("version", pgettext_lazy("colonne d'export", "version"), "number"),
        Column(
            "schema_version",
            pgettext_lazy("colonne d'export", "version_du_schema"),
            "schema_version",
        ),
        Column("status", pgettext_lazy("colonne d'export", "statut"), "status"),
        Column(
            "published_at",
            pgettext_lazy("colonne d'export", "publiee_le"),
            lambda v: v.published_at.isoformat(),
        ),
        Column(
            "organisation",
            pgettext_lazy("colonne d'export", "organisation"),
            "snapshot.organisation.name",
        ),
        Column(
            "organisation_slug",
            pgettext_lazy("colonne d'export", "organisation_identifiant"),
            "snapshot.organisation.slug",
        ),
        Column(
            "organisation_siren",
            pgettext_lazy("colonne d'export", "organisation_siren"),
            "snapshot.organisation.siren",
        ),
        Column(
            "organisation_insee",
            pgettext_lazy("colonne d'export", "organisation_insee"),
            "snapshot.organisation.insee",
        ),
        Column(
            "ai_act_class",
            pgettext_lazy("colonne d'export", "classe_ai_act"),
            lambda v: (v.snapshot.get("ai_act") or {}).get("outcome_label"),
        ),
        Column(
            "solution",
            pgettext_lazy("colonne d'export", "solution_catalogue"),
            lambda v: (v.snapshot.get("solution") or {}).get("slug"),
        ),
    ]
    columns += [
        Column(name, name, lambda v, name=name: v.snapshot["fields"].get(name)) for name in FIELDS
    ]
    if fmt == "json":
        columns.append(
            Column(
                "withheld",
                pgettext_lazy("colonne d'export", "non_publie"),
                lambda v: v.snapshot.get("withheld", {}),
            )
        )
    else:
        columns.append(
            Column("withheld", pgettext_lazy("colonne d'export", "non_publie"), _withheld)
        )
    columns.append(Column("url", pgettext_lazy("colonne d'export", "adresse"), absolute))
    return columns

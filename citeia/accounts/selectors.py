from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from citeia.core import search
from citeia.core.permissions import Action, require

from .models import ApiToken, Membership, MembershipStatus, Organisation, OrganisationKind

ORGANISATION_SORTS = {
    "name": "name",
    "-name": "-name",
    "kind": "kind",
    "-kind": "-kind",
    "territory": "territory__number",
    "-territory": "-territory__number",
}


@search.register
class OrganisationSearchIndex(search.SearchIndex):
    model = Organisation
    fields = {"name": "A", "description": "C"}


def organisation_list(
    *, kind: str = "", query: str = "", sort: str = "name"
) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("territory", "commune")
    if kind in OrganisationKind.values:
        qs = qs.filter(kind=kind)
    if query:
        # Full text adds accent-insensitive, stemmed matches ("fosses" finds
        # Saint-Maur-des-Fossés); the substring test still finds what is not indexed.
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(siren=query.replace(" ", ""))
            | Q(pk__in=search.matching(Organisation, query))
        )
    order = ORGANISATION_SORTS.get(sort, "name")
    return qs.order_by(order, "name")


def organisation_kind_counts() -> dict[str, int]:
    return dict(
        Organisation.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )


def get_organisation_for_user(user, slug: str, *, write: bool = False) -> Organisation:
    """The organisation page is public; managing it needs MANAGE_MEMBERS."""
    try:
        organisation = Organisation.objects.select_related("territory", "commune").get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404(
            _("Aucune organisation ne porte l'identifiant « %(slug)s ».") % {"slug": slug}
        ) from exc
    if write:
        require(user, Action.MANAGE_MEMBERS, organisation)
    return organisation


def get_membership_for_user(user, pk: int) -> Membership:
    try:
        membership = Membership.objects.select_related("organisation", "user").get(pk=pk)
    except Membership.DoesNotExist as exc:
        raise Http404(_("Cette demande d'adhésion n'existe pas ou a été supprimée.")) from exc
    require(user, Action.MANAGE_MEMBERS, membership.organisation)
    return membership


def get_api_token_for_user(user, pk: int) -> ApiToken:
    """One of the user's own active tokens; anyone else's is as absent as a missing one."""
    try:
        return ApiToken.objects.get(pk=pk, user=user, revoked_at__isnull=True)
    except ApiToken.DoesNotExist as exc:
        raise Http404(_("Ce jeton n'existe pas, est déjà révoqué ou n'est pas le vôtre.")) from exc


def organisation_members(organisation: Organisation) -> dict[str, list[Membership]]:
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "decided_by")
        .order_by("requested_at")
    )
    grouped: dict[str, list[Membership]] = {status: [] for status in MembershipStatus.values}
    for membership in memberships:
        grouped[membership.status].append(membership)
    return grouped


def pending_requests_for(user) -> QuerySet[Membership]:
    """Membership requests this user may decide on."""
    qs = Membership.objects.filter(status=MembershipStatus.PENDING).select_related(
        "organisation", "user"
    )
    if user.is_programme_team:
        return qs
    managed = [org_id for org_id, role in user.active_roles().items() if role == "manager"]
    return qs.filter(organisation_id__in=managed)

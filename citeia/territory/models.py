from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .geo import Box


class Territory(models.Model):
    """T1 Paris and the eleven établissements publics territoriaux (EPT)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    name = models.CharField(_("nom"), max_length=120)
    siren = models.CharField(_("SIREN"), max_length=9)
    kind = models.CharField(
        _("nature"),
        max_length=16,
        choices=[("commune", _("Commune (Paris)")), ("ept", _("Établissement public territorial"))],
    )
    seat = models.ForeignKey(
        "Commune",
        verbose_name=_("siège"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("territory:territory_detail", args=[self.code])


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    department_code = models.CharField(_("département"), max_length=3)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="communes"
    )
    population = models.PositiveIntegerField(_("population municipale"))
    population_year = models.PositiveSmallIntegerField(_("année de la population"))
    # Pre-projected outline (see geo.py), computed when the reference data is loaded.
    svg_path = models.TextField(_("contour SVG"), editable=False)
    box_min_x = models.FloatField(editable=False)
    box_min_y = models.FloatField(editable=False)
    box_max_x = models.FloatField(editable=False)
    box_max_y = models.FloatField(editable=False)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territory:commune_detail", args=[self.insee_code])

    @property
    def box(self) -> Box:
        return Box(self.box_min_x, self.box_min_y, self.box_max_x, self.box_max_y)

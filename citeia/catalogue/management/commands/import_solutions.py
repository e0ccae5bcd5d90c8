"""Import solutions from a JSON Lines file (format: docs/catalogue-import.md)."""

import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from citeia.accounts.models import User
from citeia.catalogue.importer import import_lines, is_platform


class Command(BaseCommand):
    help = (
        "Importe des solutions depuis un fichier JSON Lines (une solution par ligne). "
        "Chaque ligne est validée ; une ligne en erreur n'est jamais importée à moitié."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier JSON Lines en UTF-8, ou « - » pour l'entrée.")
        parser.add_argument(
            "--vendor-user",
            metavar="EMAIL",
            help=(
                "Importer au nom de ce compte (éditeur du fournisseur) : seules les solutions "
                "de ses organisations sont acceptées. Sans cette option, l'import agit avec "
                "les droits de l'équipe programme."
            ),
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publier les solutions importées (sinon : brouillon, ou statut inchangé).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Tout valider sans rien enregistrer.",
        )
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="Tout ou rien : n'enregistrer aucune ligne si une seule est en erreur.",
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return self._handle(options)

    def _handle(self, options):
        actor = None
        if options["vendor_user"]:
            actor = User.objects.filter(email__iexact=options["vendor_user"]).first()
            if actor is None or not actor.is_active:
                raise CommandError(
                    f"Aucun compte actif pour l'adresse « {options['vendor_user']} »."
                )
            if options["publish"] and not is_platform(actor):
                raise CommandError(
                    "--publish est réservé à l'équipe programme : les solutions d'un "
                    "fournisseur sont publiées après relecture."
                )
        try:
            if options["file"] == "-":
                lines = sys.stdin.read().splitlines()
            else:
                with open(options["file"], encoding="utf-8-sig") as handle:
                    lines = handle.read().splitlines()
        except OSError as exc:
            raise CommandError(f"Lecture impossible de « {options['file']} » : {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"« {options['file']} » n'est pas un fichier texte UTF-8 ({exc.reason})."
            ) from exc

        try:
            report = import_lines(
                lines,
                actor=actor,
                publish=options["publish"],
                dry_run=options["dry_run"],
                atomic=options["atomic"],
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

        for error in report.errors:
            self.stderr.write(str(error))
        for result in report.results:
            label = {"created": "créée", "updated": "mise à jour", "unchanged": "inchangée"}
            if options["verbosity"] > 1 or result.action != "unchanged":
                self.stdout.write(f"Ligne {result.line} : {result.name} ({label[result.action]})")
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(
                "Des lignes sont en erreur : corrigez-les et relancez l'import "
                "(les lignes déjà importées seront mises à jour, pas dupliquées)."
            )

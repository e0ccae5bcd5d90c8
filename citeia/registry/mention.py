"""The explicit mention an individual decision must carry when it is taken on the basis
of an algorithmic treatment (CRPA L311-3-1 and R311-3-1-1): the purpose of the treatment,
the right to obtain its rules and how to exercise it, and referral to the CADA."""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.translation import gettext as _

CADA_URL = "https://www.cada.fr"
LEGIFRANCE_L311_3_1 = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000033205535"


@dataclass(frozen=True)
class Mention:
    text: str
    html: str


def explicit_mention(
    *, organisation: str, name: str, purpose: str, record_url: str, request_url: str, contact: str
) -> Mention:
    """The mention as plain text (letters) and as an HTML snippet (web forms, e-mails)."""
    purpose = purpose.strip().rstrip(".") or name
    how = contact.strip()
    sentences = [
        _(
            "Cette décision a été prise sur le fondement d'un traitement algorithmique "
            "(article L311-3-1 du code des relations entre le public et l'administration)."
        ),
        _("Ce traitement, « %(name)s », a pour finalité : %(purpose)s.")
        % {"name": name, "purpose": purpose},
        _(
            "Vous avez le droit d'obtenir la communication des règles qui le définissent et "
            "des principales caractéristiques de sa mise en œuvre dans votre cas."
        ),
        _("Pour l'exercer, adressez votre demande à %(org)s en ligne : %(url)s")
        % {"org": organisation, "url": request_url}
        + (_(" ou auprès de : %(contact)s") % {"contact": how} if how else "")
        + ".",
        _("La fiche publique de l'algorithme : %(url)s") % {"url": record_url},
        _(
            "En cas de refus ou sans réponse dans un délai d'un mois, vous pouvez saisir la "
            "Commission d'accès aux documents administratifs (CADA) : %(url)s"
        )
        % {"url": CADA_URL},
    ]
    text = "\n".join(sentences)
    html = format_html(
        '<div class="mention-algorithme" lang="fr">\n'
        "<p>{}</p>\n<p>{}</p>\n<p>{}</p>\n"
        '<p>{} <a href="{}">{}</a>{}.</p>\n'
        '<p>{} <a href="{}">{}</a></p>\n'
        '<p>{} <a href="{}">{}</a></p>\n</div>',
        sentences[0],
        sentences[1],
        sentences[2],
        _("Pour l'exercer, adressez votre demande à %(org)s en ligne :") % {"org": organisation},
        request_url,
        request_url,
        _(" ou auprès de : %(contact)s") % {"contact": how} if how else "",
        _("La fiche publique de l'algorithme :"),
        record_url,
        record_url,
        _(
            "En cas de refus ou sans réponse dans un délai d'un mois, vous pouvez saisir la "
            "Commission d'accès aux documents administratifs (CADA) :"
        ),
        CADA_URL,
        CADA_URL,
    )
    return Mention(text=text, html=str(html))

"""The trust profile as a server-rendered, accessible SVG (horizontal bars).

Each principle is one row: its name, a bar whose length is the score, and the score
written as text ("75 / 100", or "non évalué"), so colour never carries meaning alone.
The SVG has a <title> and a <desc> summarising every value; pages show the data table
next to it.
"""

from collections.abc import Mapping
from html import escape

from .scoring import PRINCIPLES_EN, TrustResult

TEXT = {
    "fr": {
        "title": "Profil de confiance par principe (score sur 100)",
        "scores": "Scores sur 100 : ",
        "missing": "Non évalué : ",
        "none": "Aucun principe évalué.",
        "na": "non évalué",
    },
    "en": {
        "title": "Trust profile by principle (score out of 100)",
        "scores": "Scores out of 100: ",
        "missing": "Not assessed: ",
        "none": "No principle assessed.",
        "na": "not assessed",
    },
}

WIDTH = 640
LABEL_W = 170
BAR_W = 360
ROW_H = 34
TOP = 28
BAR_COLOUR = "#1f4e8c"  # dark blue: 8.6:1 on white, distinct for every colour vision type
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#767676"


def _rows(
    result: TrustResult | Mapping[str, object], lang: str = "fr"
) -> list[tuple[str, int | None]]:
    """(title, score) per principle; English titles for the eight principles when asked."""
    raw: list[tuple[str, str, int | None]] = []
    if isinstance(result, TrustResult):
        raw = [(p.id, p.title, p.score) for p in result.principles]
    else:
        principles = result.get("principles")
        for p in principles if isinstance(principles, list) else []:
            if isinstance(p, Mapping):
                score = p.get("score")
                raw.append(
                    (
                        str(p.get("id", "")),
                        str(p.get("title", "")),
                        score if isinstance(score, int) else None,
                    )
                )
    if lang == "en":
        return [(PRINCIPLES_EN.get(i, title), score) for i, title, score in raw]
    return [(title, score) for _i, title, score in raw]


def profile_summary(result: TrustResult | Mapping[str, object], *, lang: str = "fr") -> str:
    """One sentence with every value (the SVG's <desc>, reusable as page text)."""
    text = TEXT.get(lang, TEXT["fr"])
    rows = _rows(result, lang)
    scored = [f"{title} {score}" for title, score in rows if score is not None]
    missing = [title for title, score in rows if score is None]
    parts = []
    if scored:
        parts.append(text["scores"] + ", ".join(scored) + ".")
    if missing:
        parts.append(text["missing"] + ", ".join(missing) + ".")
    return " ".join(parts) or text["none"]


def profile_svg(
    result: TrustResult | Mapping[str, object], *, id_prefix: str = "trust", lang: str = "fr"
) -> str:
    text = TEXT.get(lang, TEXT["fr"])
    rows = _rows(result, lang)
    height = TOP + ROW_H * len(rows) + 24
    tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{tid} {did}" class="trust-profile" '
        f'font-family="system-ui, sans-serif" font-size="14">',
        f'<title id="{tid}">{text["title"]}</title>',
        f'<desc id="{did}">{escape(profile_summary(result, lang=lang))}</desc>',
    ]
    x0 = LABEL_W
    for tick in (0, 25, 50, 75, 100):
        x = x0 + BAR_W * tick / 100
        out.append(
            f'<line x1="{x:g}" y1="{TOP - 6}" x2="{x:g}" y2="{TOP + ROW_H * len(rows)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1" stroke-dasharray="2 3" aria-hidden="true"/>'
        )
        out.append(
            f'<text x="{x:g}" y="{TOP - 10}" text-anchor="middle" fill="{TEXT_COLOUR}" '
            f'font-size="12" aria-hidden="true">{tick}</text>'
        )
    for n, (title, score) in enumerate(rows):
        y = TOP + n * ROW_H
        mid = y + ROW_H / 2 + 5
        out.append(
            f'<text x="{LABEL_W - 10}" y="{mid:g}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(title)}</text>'
        )
        if score is None:
            out.append(
                f'<rect x="{x0}" y="{y + 7}" width="{BAR_W}" height="{ROW_H - 14}" fill="none" '
                f'stroke="{GRID_COLOUR}" stroke-dasharray="4 4"/>'
            )
            label = text["na"]
        else:
            out.append(
                f'<rect x="{x0}" y="{y + 7}" width="{BAR_W * score / 100:g}" '
                f'height="{ROW_H - 14}" fill="{BAR_COLOUR}"/>'
            )
            label = f"{score} / 100"
        out.append(
            f'<text x="{x0 + BAR_W + 10}" y="{mid:g}" fill="{TEXT_COLOUR}" '
            f'font-weight="bold">{label}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)

"""The app's pages in menu order, one row each: ``app.py`` builds its navigation from this table,
and the tests read it (every ``pages/*.py`` listed, every course topic's page in the menu).

Plain data, no Streamlit import. A page's ``url_path`` is its file's stem: on a fresh server
Streamlit first resolves a deep link the legacy way, by file name, and shows "Page not found" for
any other path; so shared links and QR codes name the file. URL parameters per page are declared
in :data:`dashboard.core.url_state.PAGES`, keyed by the same stems.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    stem: str             # pages/<stem>.py
    title: str            # i18n key of the menu entry
    icon: str
    section: str          # i18n key of the menu section
    default: bool = False  # the page ``/`` opens

    @property
    def file(self) -> str:
        return f"pages/{self.stem}.py"

    @property
    def url_path(self) -> str:
        return self.stem


BASICS, IMAGES, TEXT, LAB, SOCIETY = ("section.basics", "section.image_models", "section.text", "section.lab",
                                      "section.society")

#: The lesson path first (it walks the pages below in this order), then the course's order: what
#: generative AI is and probabilistic modelling; the image families (GAN, the autoencoders and their
#: latent space, flow, diffusion), then all four compared; text and the other autoregressive page
#: (music); the hands-on labs (the four families in 2-D, the generation
#: pipeline trained live, then on your own pictures); applications; pros, cons and ethics last. url_paths never change.
PAGES: tuple[Page, ...] = (
    Page("lesson", "nav.lesson", "🧭", BASICS),
    Page("overview", "nav.overview", "✨", BASICS, default=True),
    Page("glossary", "nav.glossary", "📖", BASICS),
    Page("probability", "nav.probability", "🎲", BASICS),
    Page("gan", "nav.gan", "🥊", IMAGES),
    Page("autoencoder", "nav.autoencoder", "🔍", IMAGES),
    Page("latent_map", "nav.latent_map", "🗺️", IMAGES),
    Page("interpolation", "nav.interpolation", "🔀", IMAGES),
    Page("flow", "nav.flow", "🔁", IMAGES),
    Page("diffusion", "nav.diffusion", "🌫️", IMAGES),
    Page("compare", "nav.compare", "⚖️", IMAGES),
    Page("tokens", "nav.tokens", "🔤", TEXT),
    Page("next_token", "nav.next_token", "✍️", TEXT),
    Page("own_text", "nav.own_text", "📝", TEXT),
    Page("transformer_vs_rnn", "nav.tvr", "🔭", TEXT),
    Page("music", "nav.music", "🎼", TEXT),
    Page("lab_2d", "nav.lab_2d", "🧫", LAB),
    Page("pipeline", "nav.pipeline", "🏋️", LAB),
    Page("own_images", "nav.own_images", "🖍️", LAB),
    Page("applications", "nav.applications", "🛠️", SOCIETY),
    Page("augmentation", "nav.augmentation", "🧩", SOCIETY),
    Page("landscape", "nav.landscape", "🌐", SOCIETY),
    Page("pros_cons", "nav.pros_cons", "📏", SOCIETY),
)


def sections() -> dict[str, list[Page]]:
    """Section key → its pages, both in menu order (a section's pages are listed together in PAGES)."""
    out: dict[str, list[Page]] = {}
    for page in PAGES:
        out.setdefault(page.section, []).append(page)
    return out


def page(stem: str) -> Page:
    """The row of ``pages/<stem>.py``; ``KeyError`` when the page is not in the menu."""
    for row in PAGES:
        if row.stem == stem:
            return row
    raise KeyError(stem)

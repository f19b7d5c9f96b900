"""The course's topics and where this app teaches each one (checked by ``tests/test_coverage.py``).

Each topic names the page (file stem under ``pages/``) that teaches it, and what must appear in
that page's rendered text: an i18n ``key`` (its text is looked for in Korean and English) and/or an
English ``phrase`` (case-insensitive). Topics in ``PLANNED`` have no page yet; their test is an
expected failure that turns into a real failure as soon as the page exists, so the entry must then
be moved out of ``PLANNED`` (and its key/phrase checked against the new page). The test joins these
stems with the app's page table (``dashboard/core/navigation.py``); this module does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.apps.landscape import AREAS, MODALITIES


@dataclass(frozen=True)
class Topic:
    id: str
    group: str
    page: str
    key: str | None = None
    phrase: str | None = None


def _modality_topics() -> list[Topic]:
    return [Topic(f"modality_{m.key}", "modalities", "landscape", key=f"modality.{m.key}.name") for m in MODALITIES]


def _area_topics() -> list[Topic]:
    return [Topic(f"area_{a.key}", "areas", "landscape", key=f"area.{a.key}.name") for a in AREAS]


TOPICS: tuple[Topic, ...] = (
    # Basics ----------------------------------------------------------------------------
    Topic("what_is_generative_ai", "basics", "overview", "overview.intro", "creates new data"),
    Topic("generative_vs_discriminative", "basics", "overview", "overview.two.intro", "discriminative"),
    Topic("p_model_vs_p_data", "basics", "overview", "overview.intro", r"p_\text{data}"),
    Topic("likelihood", "basics", "probability", "prob.ml.header", "log-likelihood"),
    Topic("gaussian_vs_categorical", "basics", "probability", "prob.out.body", "categorical distribution"),
    Topic("latent_variables", "basics", "autoencoder", "autoencoder.intro", "latent code"),
    # Model families ----------------------------------------------------------------------
    Topic("gan", "families", "gan", "gan.intro", "generative adversarial network"),
    Topic("generator_discriminator", "families", "gan", "gan.discriminator.header", "generator"),
    Topic("adversarial_training", "families", "gan", "gan.training.body", "adversarial game"),
    Topic("encoder_decoder", "families", "latent_map", "latent_map.intro", "decoder"),
    Topic("reconstruction_error", "families", "autoencoder", "autoencoder.error.header", "reconstruction error"),
    Topic("vae", "families", "autoencoder", "autoencoder.intro", "variational autoencoder"),
    Topic("vq_vae", "families", "latent_map", "latent_map.codebook.header", "VQ-VAE"),
    Topic("latent_space", "families", "interpolation", "interp.intro", "latent space"),
    Topic("flow_invertible", "families", "flow", "flow.title", "invertible"),
    Topic("change_of_variables", "families", "flow", "flow.formula.header", "change-of-variables"),
    Topic("diffusion_forward", "families", "diffusion", "diffusion.forward.header", "forward process"),
    Topic("diffusion_reverse", "families", "diffusion", "diffusion.reverse.header", "reverse process"),
    Topic("autoregressive", "families", "next_token", "next.intro", "autoregressive"),
    Topic("tokens", "families", "tokens", "tokens.intro", "tokenizer"),
    Topic("rnn", "families", "transformer_vs_rnn", "tvr.why.header", "RNN"),
    Topic("transformer_self_attention", "families", "transformer_vs_rnn", "tvr.attn.header", "self-attention"),
    Topic("llm", "families", "next_token", "next.intro", "language model"),
    # branch texttopics (issue 20): the chain rule, the Transformer's structure, GPT/BERT/T5, LLMs
    Topic("chain_rule", "families", "next_token", "next.chain.header", "chain rule"),
    Topic("transformer_structure", "families", "transformer_vs_rnn", "tvr.arch.header", "position embedding"),
    Topic("encoder_decoder_variants", "families", "transformer_vs_rnn", "tvr.variants.header", "encoder-only"),
    Topic("llm_pretraining", "families", "transformer_vs_rnn", "tvr.llm.pretrain", "pre-training"),
    Topic("llm_training", "families", "transformer_vs_rnn", "tvr.llm.tuning", "human feedback"),
    Topic("prompting_chat", "families", "transformer_vs_rnn", "tvr.llm.chat", "few-shot"),
    Topic("llm_cost", "families", "transformer_vs_rnn", "tvr.llm.cost", "worth its cost"),
    # branch gansteps: the GAN's training loop as alternating D and G steps (2-D lab, issue 20)
    Topic("gan_training_loop", "families", "lab_2d", "lab.gs.topic", "training loop"),
    # The generation pipeline -------------------------------------------------------------
    Topic("generation_pipeline", "pipeline", "pipeline", "pipeline.intro", "iterative refinement"),
    # branch owntext: training on your own data, measured against a baseline ---------------
    Topic("own_data_training", "pipeline", "own_text", "owntext.intro", "learns to write like it"),
    Topic("baseline_comparison", "pipeline", "own_text", "owntext.train.body", "baseline"),
    # branch ownpics-page: an image generator trained on your own pictures, measured without a judge (issue 23)
    Topic("own_image_data", "pipeline", "own_images", "ownimages.intro", "the data is yours"),
    Topic("judge_free_quality", "pipeline", "own_images", "ownimages.stage.quality.body", "no judge is needed"),
    # Applications -------------------------------------------------------------------------
    Topic("inpainting", "applications", "applications", "apps.intro", "inpainting"),
    Topic("super_resolution", "applications", "applications", "apps.intro", "super-resolution"),
    Topic("image_editing", "applications", "applications", "apps.intro", "editing"),
    Topic("text_to_image", "applications", "applications", "apps.intro", "text-to-image"),
    Topic("data_augmentation", "applications", "augmentation", "augment.title", "data augmentation"),
    Topic("music_generation", "applications", "music", phrase="music"),
    Topic("text_generation", "applications", "next_token", "next.stream.header", "let it write"),
    # branch codegen (issue 20): a code GPT trained on Python's standard library writes code in the lab
    Topic("code_generation", "applications", "next_token", "next.code.body", "Copilot"),
    # Output modalities (text, image, audio, video, code, 3D, protein) --------------------
    *_modality_topics(),
    # Pros -----------------------------------------------------------------------------------
    Topic("creativity", "pros", "pros_cons", "risks.card.creativity.topic", phrase="creativ"),
    Topic("automation", "pros", "pros_cons", "risks.card.automation.topic", phrase="automat"),
    Topic("personalisation", "pros", "pros_cons", "risks.card.personalisation.topic", phrase="personali"),
    Topic("inspiration", "pros", "pros_cons", "risks.card.personalisation.topic", phrase="inspiration"),
    # Cons -----------------------------------------------------------------------------------
    Topic("hallucination", "cons", "next_token", "next.halluc.header", "hallucination"),
    Topic("copyright_memorisation", "cons", "pros_cons", "risks.card.memorisation.topic", phrase="copyright"),
    Topic("misuse_deepfakes", "cons", "pros_cons", "risks.card.deepfakes.topic", phrase="deepfake"),
    Topic("bias", "cons", "pros_cons", "risks.card.bias.topic", phrase="bias"),
    Topic("control_difficulty", "cons", "pros_cons", "risks.card.control.topic", phrase="control"),
    Topic("compute_cost", "cons", "pros_cons", "risks.card.compute.topic", phrase="compute"),
    Topic("quality_inconsistency", "cons", "pros_cons", "risks.card.inconsistency.topic", phrase="inconsisten"),
    # Branch latentapps (issue 20): the latent variable defined, style transfer, application areas, outlook
    Topic("latent_variable_definition", "basics", "gan", "gan.latent.body", "latent variable"),
    Topic("style_transfer", "applications", "applications", "apps.section.style", "style transfer"),
    *_area_topics(),
    Topic("outlook_cocreation", "outlook", "pros_cons", "risks.outlook.cocreation", "alongside people"),
    Topic("outlook_hyper_personalisation", "outlook", "pros_cons", "risks.outlook.personal", "hyper-personalised"),
    Topic("outlook_risks", "outlook", "pros_cons", "risks.outlook.risks", "manipulation"),
)

# Not taught by any page yet: none left (issue 7's pipeline and pros & cons pages exist).
PLANNED: frozenset[str] = frozenset()

GROUPS: tuple[str, ...] = ("basics", "families", "pipeline", "applications", "modalities", "pros", "cons", "areas",
                           "outlook")


def topic(topic_id: str) -> Topic:
    for t in TOPICS:
        if t.id == topic_id:
            return t
    raise KeyError(topic_id)

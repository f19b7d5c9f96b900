"""The image-model pages' loaders (Compare, GAN, flow, diffusion)."""

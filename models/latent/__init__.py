"""Latent spaces: autoencoders (AE, VAE, β-VAE, VQ-VAE) and walks between codes."""

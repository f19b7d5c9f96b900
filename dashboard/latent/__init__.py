"""The latent-space pages' loaders (latent map, autoencoder, interpolation)."""

"""The four image families (GAN, VAE, flow, diffusion), their family table (zoo) and the user's picture input."""

"""A prior refit after training: one Gaussian per class, fitted to where that class's training images land.

A VAE is trained to pull its encodings towards the prior ``N(μ_y, I)`` and a flow to push its latents
towards ``N(μ_y, diag σ_y²)``; neither gets all the way on a laptop's budget. The latents of real images
then sit in a region the prior barely covers (and the prior puts mass where no image lands), so samples
drawn from the prior decode to blurred or odd pictures. Refitting the prior afterwards
("ex-post density estimation", Ghosh et al. 2020) keeps the network and moves the sampling
distribution onto the latents the network really produces.

Each class gets a Gaussian ``N(m, WᵀW + diag ψ)``: its mean, its ``rank`` main directions of spread
``W`` (rank × D, from the SVD of the centred latents) and a per-number spread ``ψ`` for the rest. With
``rank = D`` (the VAE's 16 numbers) this is a full covariance; for the flow's 784 numbers 64 directions
cost 50k numbers a class instead of 307k. Its density stays exact and cheap (Woodbury identity and the
matrix determinant lemma), so the flow's exact bits/dim and the VAE's ELBO use the refit prior too.

Pure torch; the networks hold the tensors as ``prior_mean`` (K, D), ``prior_factor`` (K, R, D) and
``prior_log_std`` (K, D) = log √ψ.
"""

from __future__ import annotations

import math

import torch

#: the smallest per-number spread a fit keeps (in latent units), so the density never divides by ~0
MIN_STD = 1e-2


def fit(z: torch.Tensor, labels: torch.Tensor, classes: int, rank: int) -> dict[str, torch.Tensor]:
    """Per-class mean (K, D), main directions (K, R, D) and log residual spread (K, D) of latents z (N, D).

    ``W`` holds the top ``rank`` right singular vectors of the class's centred latents scaled by their
    standard deviation; ``ψ`` is the variance left in each number once those directions are taken out.
    A class with few latents gets at most a quarter as many directions (its rows of ``W`` beyond are zero).
    """
    z = z.double()
    n, dims = z.shape
    rank = min(rank, dims)
    mean = torch.zeros(classes, dims, dtype=torch.float64)
    factor = torch.zeros(classes, rank, dims, dtype=torch.float64)
    log_std = torch.zeros(classes, dims, dtype=torch.float64)
    for c in range(classes):
        zc = z[labels == c]
        if len(zc) < 2:
            raise ValueError(f"class {c} has {len(zc)} latents; a fit needs at least 2")
        mean[c] = zc.mean(0)
        centred = zc - mean[c]
        _, s, vt = torch.linalg.svd(centred, full_matrices=False)
        k = min(rank, len(zc) // 4)  # few latents: the rest of their spread is measured, not fitted away
        factor[c, :k] = vt[:k] * (s[:k, None] / math.sqrt(len(zc) - 1))
        residual = centred - (centred @ vt[:k].T) @ vt[:k]
        log_std[c] = residual.std(0).clamp(min=MIN_STD).log()
    return {"prior_mean": mean.float(), "prior_factor": factor.float(), "prior_log_std": log_std.float()}


def _double(*tensors: torch.Tensor):
    """The tensors in float64 (a nearly full-rank fit makes A badly conditioned), then the first's dtype."""
    return (*(t.double() for t in tensors), tensors[0].dtype)


def _terms(x: torch.Tensor, factor: torch.Tensor, log_std: torch.Tensor):
    """For x = z − m (…, D) and a Gaussian's W (…, R, D) and log √ψ (…, D): (1/ψ, B = L⁻¹ W ψ⁻¹ with L the
    Cholesky factor of A = I + W ψ⁻¹ Wᵀ, the Mahalanobis term xᵀΣ⁻¹x, log|Σ|).

    Woodbury: ``xᵀΣ⁻¹x = Σ x²/ψ − |B x|²``; determinant lemma: ``log|Σ| = Σ log ψ + log|A|``.
    """
    inv_var = torch.exp(-2 * log_std)
    wd = factor * inv_var[..., None, :]                               # W ψ⁻¹   (…, R, D)
    a = torch.eye(factor.shape[-2], dtype=x.dtype, device=x.device) + wd @ factor.transpose(-1, -2)
    chol = torch.linalg.cholesky(a)
    b = torch.linalg.solve_triangular(chol, wd, upper=False)          # (…, R, D)
    maha = (x**2 * inv_var).sum(-1) - ((b @ x.unsqueeze(-1))[..., 0] ** 2).sum(-1)
    logdet = 2 * log_std.sum(-1) + 2 * torch.diagonal(chol, dim1=-2, dim2=-1).log().sum(-1)
    return inv_var, b, maha, logdet


def log_prob(z: torch.Tensor, mean: torch.Tensor, factor: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """log N(z; m_k, W_kᵀW_k + diag ψ_k) for every class k: (N, K)."""
    z, mean, factor, log_std, dtype = _double(z, mean, factor, log_std)
    _, _, maha, logdet = _terms(z[:, None, :] - mean, factor, log_std)  # x: (N, K, D)
    return (-0.5 * (maha + logdet + z.shape[1] * math.log(2 * math.pi))).to(dtype)


def kl_from_diagonal(mu: torch.Tensor, logvar: torch.Tensor, mean: torch.Tensor, factor: torch.Tensor,
                     log_std: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, diag σ²) ‖ N(m, WᵀW + diag ψ)) per row (N,), nats; ``mean``/``factor``/``log_std`` are
    each row's own class (N, D), (N, R, D), (N, D)."""
    mu, logvar, mean, factor, log_std, dtype = _double(mu, logvar, mean, factor, log_std)
    inv_var, b, maha, logdet = _terms(mu - mean, factor, log_std)
    trace = (logvar.exp() * (inv_var - (b**2).sum(-2))).sum(-1)      # diag Σ⁻¹ = 1/ψ − Σ_r B²_r
    return (0.5 * (trace + maha - mu.shape[1] + logdet - logvar.sum(-1))).to(dtype)


def draw(mean: torch.Tensor, factor: torch.Tensor, log_std: torch.Tensor, eps: torch.Tensor,
         eps_factor: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """z = m + T·(ε_R W + √ψ ε) for each row's class tensors (N, D), (N, R, D), (N, D) and standard
    normal ε (N, D), ε_R (N, R)."""
    spread = (eps_factor.unsqueeze(-2) @ factor)[..., 0, :] + torch.exp(log_std) * eps
    return mean + temperature * spread

"""The refit prior: a per-class Gaussian with a few main directions, its exact density, KL and draws."""

import numpy as np
import pytest
import torch

from models.core import latent_prior

MVN = torch.distributions.MultivariateNormal


def covariance(fitted: dict, c: int) -> torch.Tensor:
    w = fitted["prior_factor"][c].double()
    return w.T @ w + torch.diag(torch.exp(2 * fitted["prior_log_std"][c].double()))


@pytest.fixture(scope="module")
def latents():
    """Two classes of 6-number latents with correlated spread and different centres."""
    gen = torch.Generator().manual_seed(0)
    mix = torch.randn(6, 6, generator=gen)
    z = torch.randn(4000, 6, generator=gen) @ mix
    labels = torch.arange(4000) % 2
    return z + 3.0 * labels[:, None], labels


@pytest.mark.parametrize("rank", [2, 6])
def test_log_prob_is_the_gaussian_density(latents, rank):
    z, labels = latents
    fitted = latent_prior.fit(z, labels, 2, rank)
    assert fitted["prior_factor"].shape == (2, rank, 6)
    ref = torch.stack([MVN(fitted["prior_mean"][c].double(), covariance(fitted, c)).log_prob(z[:50].double())
                       for c in range(2)], 1)
    got = latent_prior.log_prob(z[:50], fitted["prior_mean"], fitted["prior_factor"], fitted["prior_log_std"])
    assert got.shape == (50, 2) and got.dtype == z.dtype
    torch.testing.assert_close(got.double(), ref, rtol=0, atol=1e-4)


def test_a_full_rank_fit_is_the_sample_covariance(latents):
    z, labels = latents
    fitted = latent_prior.fit(z, labels, 2, 6)
    for c in range(2):
        zc = z[labels == c].double()
        torch.testing.assert_close(fitted["prior_mean"][c].double(), zc.mean(0), rtol=0, atol=1e-5)
        # the residual spread is only the floor, so the covariance is the sample covariance plus MIN_STD²
        expected = torch.cov(zc.T) + latent_prior.MIN_STD**2 * torch.eye(6, dtype=torch.float64)
        torch.testing.assert_close(covariance(fitted, c), expected, rtol=1e-4, atol=1e-4)


def test_more_directions_fit_the_latents_better(latents):
    z, labels = latents
    def mean_log_prob(rank):
        f = latent_prior.fit(z, labels, 2, rank)
        lp = latent_prior.log_prob(z, f["prior_mean"], f["prior_factor"], f["prior_log_std"])
        return float(lp.gather(1, labels[:, None]).mean())
    assert mean_log_prob(0) < mean_log_prob(2) < mean_log_prob(6)


def test_kl_matches_torch(latents):
    z, labels = latents
    fitted = latent_prior.fit(z, labels, 2, 3)
    gen = torch.Generator().manual_seed(1)
    mu, logvar = torch.randn(5, 6, generator=gen), 0.3 * torch.randn(5, 6, generator=gen)
    cls = torch.tensor([0, 1, 1, 0, 1])
    got = latent_prior.kl_from_diagonal(mu, logvar, fitted["prior_mean"][cls], fitted["prior_factor"][cls],
                                        fitted["prior_log_std"][cls])
    ref = torch.stack([torch.distributions.kl_divergence(
        MVN(mu[i].double(), torch.diag(logvar[i].exp()).double()),
        MVN(fitted["prior_mean"][cls[i]].double(), covariance(fitted, int(cls[i])))) for i in range(5)])
    torch.testing.assert_close(got.double(), ref, rtol=0, atol=1e-4)
    assert torch.all(got > 0)


def test_draws_follow_the_fitted_gaussian(latents):
    z, labels = latents
    fitted = latent_prior.fit(z, labels, 2, 2)
    n, gen = 20000, torch.Generator().manual_seed(2)
    c = torch.ones(n, dtype=torch.long)
    eps, eps_r = torch.randn(n, 6, generator=gen), torch.randn(n, 2, generator=gen)
    draws = latent_prior.draw(fitted["prior_mean"][c], fitted["prior_factor"][c], fitted["prior_log_std"][c],
                              eps, eps_r)
    torch.testing.assert_close(draws.mean(0), fitted["prior_mean"][1], rtol=0, atol=0.1)
    torch.testing.assert_close(torch.cov(draws.T.double()), covariance(fitted, 1), rtol=0.05, atol=0.1)
    cold = latent_prior.draw(fitted["prior_mean"][c], fitted["prior_factor"][c], fitted["prior_log_std"][c],
                             eps, eps_r, temperature=0.0)
    assert torch.equal(cold, fitted["prior_mean"][c])


def test_a_class_without_latents_is_refused(latents):
    z, _ = latents
    with pytest.raises(ValueError, match="class 1"):
        latent_prior.fit(z[:10], torch.zeros(10, dtype=torch.long), 2, 2)


def test_an_ill_conditioned_fit_keeps_a_finite_density():
    """Latents on a line: the spread across it is only the floor, and the density stays finite."""
    t = torch.linspace(-1, 1, 200)[:, None]
    z = torch.cat([t, 2 * t, -t], 1)
    fitted = latent_prior.fit(z, torch.zeros(200, dtype=torch.long), 1, 1)
    lp = latent_prior.log_prob(z, fitted["prior_mean"], fitted["prior_factor"], fitted["prior_log_std"])
    assert torch.isfinite(lp).all()
    np.testing.assert_allclose(np.exp(fitted["prior_log_std"].numpy()), latent_prior.MIN_STD, rtol=1e-5)

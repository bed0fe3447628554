"""mlcourse.autoencoder: a linear autoencoder learns the PCA subspace; the sparsity penalty works."""

import numpy as np
import pytest
import scipy.linalg
import torch
from sklearn.decomposition import PCA

from mlcourse import autoencoder as ae
from mlcourse import data

pytestmark = pytest.mark.generative


@pytest.fixture(scope="module")
def digits_subset():
    return data.digits().X[:300]


@pytest.mark.slow
@pytest.mark.parametrize("k", [2, 4])
def test_linear_autoencoder_spans_the_pca_subspace(digits_subset, k):
    X = digits_subset
    model = ae.Autoencoder(64, k, dtype=torch.float64, seed=k)
    result = ae.train_autoencoder(model, X, optimizer="lbfgs", lr=1.0, n_epochs=40, tol=1e-12)
    assert not result.diverged
    components = PCA(n_components=k, svd_solver="full").fit(X).components_
    angles = ae.principal_angles(model.decoder.weight.detach().numpy(), components.T)
    # the objective is flat in rotations of the code, and the subspace converges to ~1e-4 rad in
    # 40 L-BFGS iterations (the eigengaps of digits are small), so we allow 1e-3 rad
    assert np.max(angles) < 1e-3, angles
    # the loss reaches its minimum, the sum of the discarded eigenvalues of the covariance (to 1e-4:
    # the bias and the code's scale are still settling after 40 iterations)
    eigenvalues = np.linalg.eigvalsh(np.cov(X.T, bias=True))
    np.testing.assert_allclose(result.reconstruction[-1], eigenvalues[: 64 - k].sum(), rtol=1e-4)


def test_principal_angles_match_scipy():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    np.testing.assert_allclose(
        ae.principal_angles(A, B), np.sort(scipy.linalg.subspace_angles(A, B)), rtol=1e-12
    )
    tiny = A[:, :2] + 1e-9 * rng.normal(size=(10, 2))
    np.testing.assert_allclose(
        ae.principal_angles(A[:, :2], tiny), np.sort(scipy.linalg.subspace_angles(A[:, :2], tiny)), rtol=1e-6
    )
    np.testing.assert_allclose(ae.principal_angles(A, A @ rng.normal(size=(3, 3))), 0, atol=1e-7)


@pytest.mark.slow
def test_without_biases_the_linear_autoencoder_spans_the_uncentred_top_eigenvectors(digits_subset):
    """No biases: the plane must pass through the origin, so the best one is spanned by the top
    eigenvectors of the second moment (1/n) Σ xxᵀ (not the covariance), and the loss is the rest."""
    X, k = digits_subset, 2
    model = ae.Autoencoder(64, k, dtype=torch.float64, bias=False, seed=0)
    assert model.encoder[0].bias is None and model.decoder.bias is None
    result = ae.train_autoencoder(model, X, optimizer="lbfgs", lr=1.0, n_epochs=40, tol=1e-12)
    eigenvalues, eigenvectors = np.linalg.eigh(X.T @ X / len(X))
    W = model.decoder.weight.detach().numpy()
    assert np.max(ae.principal_angles(W, eigenvectors[:, -k:])) < 2e-3
    pca = PCA(n_components=k, svd_solver="full").fit(X).components_.T
    assert np.max(ae.principal_angles(W, pca)) > 1.0  # the mean image takes one direction
    np.testing.assert_allclose(result.reconstruction[-1], eigenvalues[:-k].sum(), rtol=1e-4)


@pytest.mark.slow
def test_sparsity_penalty_makes_codes_sparser(digits_subset):
    X = digits_subset

    def codes(sparsity):
        model = ae.Autoencoder(64, 32, activation="relu", seed=0)
        result = ae.train_autoencoder(model, X, sparsity=sparsity, n_epochs=30, lr=1e-2, batch_size=100)
        assert not result.diverged
        with torch.no_grad():
            return model.encode(torch.as_tensor(X, dtype=torch.float32))

    free, sparse = codes(0.0), codes(0.3)
    assert float((sparse <= 0).float().mean()) > float((free <= 0).float().mean()) + 0.2
    assert float(ae.sparsity_penalty(sparse).mean()) < 0.5 * float(ae.sparsity_penalty(free).mean())


def test_sparsity_penalty_is_the_l1_norm():
    h = torch.tensor([[1.0, -2.0, 0.0], [0.5, 0.5, -0.5]])
    torch.testing.assert_close(ae.sparsity_penalty(h), torch.linalg.vector_norm(h, ord=1, dim=-1))


BAD_INPUTS = [
    (lambda: ae.Autoencoder(64, 0), ValueError, r"n_code must be >= 1"),
    (lambda: ae.Autoencoder(64, 2, activation="swish"), ValueError, r"activation must be one of"),
    (lambda: ae.Autoencoder(64, 2, bias="no"), TypeError, r"bias must be True or False"),
    (
        lambda: ae.train_autoencoder(ae.Autoencoder(3, 1), np.zeros((5, 4))),
        ValueError,
        r"X must have 3 columns",
    ),
    (
        lambda: ae.train_autoencoder(ae.Autoencoder(3, 1), np.zeros((5, 3)), sparsity=-1.0),
        ValueError,
        r"sparsity must be >= 0",
    ),
    (
        lambda: ae.train_autoencoder(ae.Autoencoder(3, 1), np.zeros((5, 3)), optimizer="sgd"),
        ValueError,
        r"optimizer must be one of 'adam', 'lbfgs'",
    ),
    (lambda: ae.principal_angles(np.ones((3, 2)), np.ones((4, 2))), ValueError, r"same number of rows"),
    (lambda: ae.principal_angles(np.ones(3), np.ones((3, 2))), ValueError, r"A must be a matrix"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()

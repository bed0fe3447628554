"""Exercises of Part 6, *Theory of deep learning*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["EXERCISES"]


def _ntk_orthogonal_data():
    return np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])


def _ntk_orthogonal_answer():
    from mlcourse.theory import ntk

    return float(ntk.relu_ntk(*_ntk_orthogonal_data())[0, 0])


def _l2_factors_data():
    return np.array([0.1, 1.0, 10.0]), 1.0


def _l2_factors_answer():
    from mlcourse.theory import l2

    eigs, alpha = _l2_factors_data()
    return l2.shrinkage(np.diag(eigs), np.ones(3), alpha).factors


def _noise_penalty_data():
    return np.array([2.0, -1.0, 0.5]), np.array([0.1, 0.3, 1.0])


def _noise_penalty_answer():
    from mlcourse.theory import noise

    w, sigma = _noise_penalty_data()
    return noise.expected_noisy_loss(w, np.zeros(3), 0.0, sigma)


def _min_norm_data():
    return np.array([[1.0, 1.0]]), np.array([2.0])


def _min_norm_answer():
    from mlcourse.theory import min_norm

    return min_norm.gd_limit(*_min_norm_data())


def _early_stop_data():
    return 0.01, 500


def _early_stop_answer():
    lr, tau = _early_stop_data()
    return 1.0 / (lr * tau)


def _modified_quadratic_data():
    return 2.0, 0.1


def _modified_quadratic_answer():
    from mlcourse.theory import modified_loss

    lam, eps = _modified_quadratic_data()
    field = modified_loss.modified_gradient_gd(lambda w: lam * w, lambda w: np.array([[lam]]), eps)
    return float(field(np.array([1.0]))[0])   # the flow is ω' = -r ω, so r = field(1)


#: key -> (function returning the problem's data, function returning the expected answer)
EXERCISES: dict[str, tuple[Callable, Callable]] = {
    "theory-ntk-orthogonal": (_ntk_orthogonal_data, _ntk_orthogonal_answer),
    "theory-l2-factors": (_l2_factors_data, _l2_factors_answer),
    "theory-noise-penalty": (_noise_penalty_data, _noise_penalty_answer),
    "theory-min-norm-2d": (_min_norm_data, _min_norm_answer),
    "theory-early-stop-alpha": (_early_stop_data, _early_stop_answer),
    "theory-modified-quadratic-rate": (_modified_quadratic_data, _modified_quadratic_answer),
}

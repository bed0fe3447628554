"""Exercises of Part 1, *Mathematical foundations*: calculus, learning as optimization, Newton, Bayes.

Keys start with ``calc-``. Answers are computed by a trusted route (sympy, scikit-learn, numpy).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

__all__ = ["EXERCISES"]

_x, _y = sp.symbols("x y", real=True)


def _cubic_data():
    # the slides' f(x) = x³ - 6x² + 4x + 12 and the point x₀ = 2
    return _x**3 - 6 * _x**2 + 4 * _x + 12, 2


def _cubic_answer():
    f, x0 = _cubic_data()
    return float(sp.diff(f, _x).subs(_x, x0))


def _sin2_data():
    # ∫₀^π sin²(x) dx
    return sp.sin(_x) ** 2, 0, sp.pi


def _sin2_answer():
    f, a, b = _sin2_data()
    return float(sp.integrate(f, (_x, a, b)))


def _directional_data():
    # temperature T(x, y) = y² + x - ½ at the point (1, ½), unit direction (3/5, 4/5)
    return _y**2 + _x - sp.Rational(1, 2), (1, sp.Rational(1, 2)), (sp.Rational(3, 5), sp.Rational(4, 5))


def _directional_answer():
    T, (px, py), (vx, vy) = _directional_data()
    grad = [sp.diff(T, v).subs({_x: px, _y: py}) for v in (_x, _y)]
    return float(vx * grad[0] + vy * grad[1])


def _spherical_data():
    # spherical coordinates (r, θ, φ) ↦ (r sinθ cosφ, r sinθ sinφ, r cosθ) at r = 2, θ = π/3, φ = π/5
    return 2, sp.pi / 3, sp.pi / 5


def _spherical_answer():
    r, t, p = sp.symbols("r theta phi")
    X = sp.Matrix([r * sp.sin(t) * sp.cos(p), r * sp.sin(t) * sp.sin(p), r * sp.cos(t)])
    det = X.jacobian([r, t, p]).det()
    r0, t0, p0 = _spherical_data()
    return float(det.subs({r: r0, t: t0, p: p0}))


def _newton_sqrt5_data():
    # Newton for x² - 5 = 0 from x₀ = 2: the third iterate x₃
    return 5, 2, 3


def _newton_sqrt5_answer():
    a, x, n = _newton_sqrt5_data()
    x = sp.Integer(x)
    for _ in range(n):
        x = x - (x**2 - a) / (2 * x)  # exact rational arithmetic
    return float(x)


def _majority_data():
    # digits, split 70/30 with stratification off, random_state 0: accuracy of always predicting the
    # most frequent training label, on the test part
    return 0.3, 0


def _majority_answer():
    from sklearn.datasets import load_digits
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import train_test_split

    test_size, seed = _majority_data()
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed)
    return float(DummyClassifier(strategy="most_frequent").fit(X_tr, y_tr).score(X_te, y_te))


def _map_data():
    # y = X w + noise with noise σ = 0.5 and prior w ~ N(0, τ² I), τ = 0.2
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.5 * rng.normal(size=20)
    return X, y, 0.5, 0.2


def _map_answer():
    from sklearn.linear_model import Ridge

    X, y, sigma, tau = _map_data()
    return Ridge(alpha=sigma**2 / tau**2, fit_intercept=False, solver="svd").fit(X, y).coef_


def _bmi_data():
    # diabetes: the least-squares line y ≈ a + b·BMI (feature 2), on all 442 patients
    return 2


def _bmi_answer():
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    X, y = load_diabetes(return_X_y=True)
    return float(LinearRegression().fit(X[:, [_bmi_data()]], y).coef_[0])


#: key -> (function returning the problem's data, function returning the expected answer)
EXERCISES: dict[str, tuple[Callable, Callable]] = {
    "calc-cubic-derivative": (_cubic_data, _cubic_answer),
    "calc-integral-sin2": (_sin2_data, _sin2_answer),
    "calc-directional-temperature": (_directional_data, _directional_answer),
    "calc-spherical-jacobian": (_spherical_data, _spherical_answer),
    "calc-newton-sqrt5": (_newton_sqrt5_data, _newton_sqrt5_answer),
    "calc-majority-class": (_majority_data, _majority_answer),
    "calc-map-ridge": (_map_data, _map_answer),
    "calc-diabetes-bmi-slope": (_bmi_data, _bmi_answer),
}

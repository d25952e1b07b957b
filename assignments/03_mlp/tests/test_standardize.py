"""Hidden tests of standardize: statistics from x (z, mean and std scored separately), statistics
given (the training set's, applied to other data), constant columns, a single row, integers."""

import numpy as np
import pytest

from grader.suite.returns import returned

OUTPUTS = ["z", "mean", "std"]


def columns(rng, n, d, *, constant=()):
    """Columns on very different scales and offsets; the listed ones constant."""
    x = rng.standard_normal((n, d)) * rng.uniform(0.1, 50.0, size=d) + rng.uniform(-100.0, 100.0, size=d)
    for j in constant:
        # a half-integer: its mean is exact, so even a `std == 0` test finds it constant here
        # (test_standardize_large_offset is the case where rounding matters)
        x[:, j] = float(rng.integers(-10, 10)) + 0.5
    return x


def triple(result):
    return returned(result, "standardize", "z, mean, std")


def unbiased(x):
    """The ddof=1 mistake, with the same constant-column guard."""
    constant = np.ptp(x, axis=0) == 0
    mean = np.where(constant, x[0], x.mean(axis=0))
    std = np.where(constant, 1.0, x.std(axis=0, ddof=1) if x.shape[0] > 1 else 1.0)
    return (x - mean) / std, mean, std


def no_nan_in_constant_columns(z, x, label):
    z = np.asarray(z, dtype=np.float64)
    if z.shape != x.shape:
        return
    constant = np.ptp(x, axis=0) == 0
    bad = ~np.isfinite(z[:, constant])
    assert not bad.any(), (
        f"{label} is NaN or inf in a constant column: its std is 0 and 0 / 0 is NaN; "
        "use std = 1 for a column whose values are all equal")


# (N, D, constant columns): plain, with constant columns (the guard), a single row (every
# column constant), one column, many rows
CASES = [(8, 5, ()), (6, 4, (1, 3)), (1, 3, ()), (9, 1, ()), (40, 6, (0,))]
IDS = ["8x5", "6x4-constant", "1x3-single-row", "9x1", "40x6-constant"]


@pytest.mark.task03_standardize
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("n,d,constant", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_standardize_statistics_from_x(student, ref, rng, expect, n, d, constant, output):
    """z = (x - mean) / std with the column mean and population std of x (constant column: std 1)"""
    x = columns(rng, n, d, constant=constant)
    got = triple(student.standardize(x))
    expected = ref.standardize(x)
    index = OUTPUTS.index(output)
    if output == "z":
        no_nan_in_constant_columns(got[0], x, "z")
    if output == "std" and constant:
        got_std = np.asarray(got[2], dtype=np.float64)
        if got_std.shape == (d,):
            assert np.all(got_std[list(constant)] == 1.0) or np.allclose(got_std, expected[2]), (
                f"std should be 1 for a constant column, got {got_std[list(constant)][0]!r}")
    wrong = unbiased(x)
    variants = {}
    if n > 1 and output != "mean":
        variants["the sample std (ddof=1, dividing by N - 1) was used; "
                 "use the population std (ddof=0, np.std's default)"] = wrong[index]
    if output == "std" and constant:
        with np.errstate(all="ignore"):
            variants["std of a constant column should be 1, not 0"] = x.std(axis=0)
    expect(got[index], expected[index], name=output, variants=variants)
    if n == 1:
        # One row makes z all 0 and std all 1, which a constant matches: the same weight group
        # also checks the output on a few rows.
        x = columns(rng, 3, d)
        got = triple(student.standardize(x))
        expect(got[index], ref.standardize(x)[index], name=f"{output} (3 rows)", variants={
            "the sample std (ddof=1, dividing by N - 1) was used; use the population std (ddof=0, np.std's "
            "default)": unbiased(x)[index]} if output != "mean" else {})


@pytest.mark.task03_standardize
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("n_test", [1, 5])
def test_standardize_with_given_training_statistics(student, ref, rng, expect, n_test, output):
    """standardize(x_test, mean, std) applies the given statistics and returns them unchanged"""
    x_train = columns(rng, 10, 4, constant=(2,))
    x_test = columns(rng, n_test, 4)
    _, mean, std = ref.standardize(x_train)
    got = triple(student.standardize(x_test, mean, std))
    expected = ref.standardize(x_test, mean, std)
    index = OUTPUTS.index(output)
    own = ref.standardize(x_test)
    variants = {} if n_test == 1 and output == "z" else {
        "x was standardised with its own statistics, not the given mean and std (the training set's)": own[index]}
    if output == "z" and n_test == 1:
        variants["x was standardised with its own statistics (one row gives all zeros), "
                 "not the given mean and std"] = own[0]
    expect(got[index], expected[index], name=f"{output} with given statistics", variants=variants)
    if output != "z":
        # Returning the given statistics is what a function returning its input does too: the
        # same weight group checks z.
        expect(got[0], expected[0], name="z with given statistics", variants={
            "x was standardised with its own statistics, not the given mean and std (the training set's)": own[0]})


@pytest.mark.task03_standardize
@pytest.mark.weight(0.5)
def test_standardize_integer_pixels(student, ref, rng, expect):
    """Integer input (like the digits' pixels) gives float64 z"""
    x = rng.integers(0, 17, size=(12, 6))
    x[:, 4] = 0  # a blank pixel
    got = triple(student.standardize(x))
    no_nan_in_constant_columns(got[0], x, "z")
    z = np.asarray(got[0])
    assert z.dtype == np.float64, f"z should be float64, got {z.dtype}"
    expect(z, ref.standardize(x)[0], name="z for integer pixels")


@pytest.mark.task03_standardize
@pytest.mark.weight(0.5)
def test_standardize_large_offset(student, ref, rng, expect):
    """Columns far from zero (offset 1e6) and a constant column still give z of mean 0 and std 1"""
    x = 1e6 + rng.standard_normal((7, 3))
    x[:, 1] = 1e6 + 0.1
    got = triple(student.standardize(x))
    no_nan_in_constant_columns(got[0], x, "z")
    # 7 equal values of 1e6 + 0.1 have a computed mean one rounding step off, and a std of 1e-10
    std = x.std(axis=0)
    guarded = (x - x.mean(axis=0)) / np.where(std == 0, 1.0, std)
    expect(got[0], ref.standardize(x)[0], name="z for columns near 1e6", variants={
        "a constant column was detected by std == 0, but rounding makes its computed std a tiny nonzero "
        "number (here 1e-10) and z noise of size 1: test for constant columns with np.ptp(x, axis=0) == 0": guarded})


@pytest.mark.task03_standardize
@pytest.mark.weight(0.5)
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("output", ["z", "std"])
def test_standardize_tiny_spread_is_not_constant(student, ref, rng, expect, output):
    """A column with a tiny but non-zero spread (1e-9) is standardised, not treated as constant"""
    x = columns(rng, 8, 3)
    x[:, 1] = 1e-9 * rng.standard_normal(8)  # around 0: its mean and std are computed exactly enough
    got = triple(student.standardize(x))
    index = OUTPUTS.index(output)
    guarded = ref.standardize(x)[index].copy()
    if output == "z":
        guarded[:, 1] = x[:, 1] - x[:, 1].mean()
    else:
        guarded[1] = 1.0
    expect(got[index], ref.standardize(x)[index], name=output, variants={
        "a column with a tiny spread was treated as constant (a threshold on std): only a column whose values "
        "are all equal is constant (np.ptp(x, axis=0) == 0)": guarded})

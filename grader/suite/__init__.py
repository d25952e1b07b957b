"""The hidden pytest suite of an assignment, run in the trusted process against one submission.

    plugin    the pytest plugin: fixtures (student, ref, rng, expect), one TestResult per test
    session   one pytest session kept open, grading submission after submission
    run       ``run_suite``: a one-off session, and the pytest invocation every session uses
    diagnose  what is wrong with a wrong output, in words a student can act on
    outcome   what a hidden test raised -> a status and a message
    returns   ``returned(...)``: one rule for functions that return several things
    contract  the contract-coverage rule (dtype, purity, warnings, domain edges) and its opt-outs
    domains   the domain of each argument, as a docstring states it (``p: a float in [0, 1)``)
    edges     does the suite pass every documented edge? recorded from the calls it makes
    each      ``expect_each``: compare every output, name the wrong ones and the right ones
    dependencies  a failure downstream of a graded function that fails its own tests says so
"""

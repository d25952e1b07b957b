"""The hidden pytest suite of an assignment, run in the trusted process against one submission.

    plugin    the pytest plugin: fixtures (student, ref, rng, expect), one TestResult per test
    session   one pytest session kept open, grading submission after submission
    run       ``run_suite``: a one-off session, and the pytest invocation every session uses
    diagnose  what is wrong with a wrong output, in words a student can act on
    outcome   what a hidden test raised -> a status and a message
    returns   ``returned(...)``: one rule for functions that return several things
    contract  the contract-coverage rule (dtype, purity, domain edges) and its opt-outs
"""
